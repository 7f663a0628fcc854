// Command-line parsing on node:util parseArgs: global flags shared by every command, per-command flags.
import { parseArgs } from 'node:util';
import { notaryError } from '../errors.js';
import { nearest } from './nearest.js';

export type FlagType = 'string' | 'boolean' | 'strings';

export interface FlagSpec {
  type: FlagType;
  short?: string;
  description: string;
  /** Name of the value in help text. */
  value?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export const GLOBAL_FLAGS: FlagSpecs = {
  server: { type: 'string', short: 's', value: 'URL', description: 'notary server URL' },
  'trust-dir': { type: 'string', short: 'd', value: 'DIR', description: 'trust directory (default ~/.docker/trust)' },
  config: { type: 'string', short: 'c', value: 'FILE', description: 'notary client config file (JSON)' },
  tlscacert: { type: 'string', value: 'FILE', description: 'CA certificate bundle to trust for the server' },
  tlscert: { type: 'string', value: 'FILE', description: 'client certificate (PEM) for mutual TLS' },
  tlskey: { type: 'string', value: 'FILE', description: 'client private key (PEM) for mutual TLS' },
  'root-key': {
    type: 'strings',
    value: '[GUN=]ID',
    description: 'pin the root key ID of GUN (or GUN prefix*; bare: every GUN); repeatable',
  },
  'root-ca': {
    type: 'strings',
    value: '[PREFIX=]FILE',
    description: 'root certificates must chain to a CA in FILE (for GUNs under PREFIX); repeatable',
  },
  'no-tofu': { type: 'boolean', description: 'fail instead of trusting a first root nothing pins' },
  debug: { type: 'boolean', short: 'D', description: 'print each HTTP exchange (method, URL, status, time) to stderr' },
  timeout: { type: 'string', value: 'DURATION', description: 'overall HTTP timeout, e.g. 30s, 2m (default 30s)' },
  'passphrase-file': { type: 'string', value: 'FILE', description: 'read key passphrases from FILE' },
  json: { type: 'boolean', description: 'machine-readable JSON output' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

export interface ParsedArgs {
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

const VALUE_GLOBALS = new Set<string>();
for (const [name, spec] of Object.entries(GLOBAL_FLAGS)) {
  if (spec.type !== 'boolean') {
    VALUE_GLOBALS.add(`--${name}`);
    if (spec.short) VALUE_GLOBALS.add(`-${spec.short}`);
  }
}

/**
 * Finds the command words (e.g. `verify`, or `key list`) before the command's own flags are known: global flags
 * may come anywhere, so their values must be skipped.
 */
export function commandWords(argv: readonly string[], max: number): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < max; i++) {
    const a = argv[i] as string;
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (VALUE_GLOBALS.has(a)) i++;
      continue;
    }
    words.push(a);
  }
  return words;
}

/** @throws NotaryError USAGE on unknown flags, missing values or wrong types */
export function parseCommandLine(argv: readonly string[], specs: FlagSpecs): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, s] of Object.entries({ ...GLOBAL_FLAGS, ...specs })) {
    options[name] = {
      type: s.type === 'boolean' ? 'boolean' : 'string',
      ...(s.short ? { short: s.short } : {}),
      ...(s.type === 'strings' ? { multiple: true } : {}),
    };
  }
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    return { flags: values as ParsedArgs['flags'], positionals };
  } catch (cause) {
    const first = (cause as Error).message.split('\n')[0] ?? 'bad arguments';
    const unknown = /^Unknown option '([^']+)'/.exec(first)?.[1];
    if ((cause as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown !== undefined) {
      throw unknownFlag(unknown, { ...GLOBAL_FLAGS, ...specs }, cause);
    }
    throw notaryError(
      'USAGE',
      first.replace(/^./, (c) => c.toLowerCase()),
      { cause },
    );
  }
}

/** USAGE for an unknown flag, suggesting the nearest known one (`--digst`: did you mean --digest?). */
function unknownFlag(flag: string, specs: FlagSpecs, cause: unknown) {
  const names = Object.entries(specs).flatMap(([n, s]) => [`--${n}`, ...(s.short ? [`-${s.short}`] : [])]);
  const bare = flag.split('=')[0] as string;
  const guess = nearest(
    bare,
    names.filter((n) => n.startsWith('--') === bare.startsWith('--')),
  );
  const hint = guess !== undefined ? `; did you mean ${guess}?` : '; see --help for the flags of this command';
  return notaryError('USAGE', `unknown flag ${bare}${hint}`, {
    cause,
    details: { flag: bare, ...(guess !== undefined ? { suggestion: guess } : {}) },
  });
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

export function boolFlag(args: ParsedArgs, name: string): boolean {
  return args.flags[name] === true;
}

export function listFlag(args: ParsedArgs, name: string): string[] {
  const v = args.flags[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** The longest `--timeout` accepted: a day (Node's timers overflow past 2^31-1 ms, ~24.8 days). */
export const MAX_DURATION_MS = 24 * 3_600_000;

/**
 * Parses `30s`, `1m30s`, `500ms`, `2m`, or a bare number of seconds: a positive duration of at least 1 ms and at
 * most MAX_DURATION_MS. @throws NotaryError USAGE (0, negative, malformed, or too long)
 */
export function parseDuration(text: string): number {
  let ms = Number.NaN;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
    let matched = 0;
    ms = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const n = Number(m[1]);
      ms += n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[m[2] as 'ms' | 's' | 'm' | 'h'];
      matched = re.lastIndex;
    }
    if (matched !== text.length || text.length === 0) ms = Number.NaN;
  }
  const rounded = Math.round(ms);
  if (!Number.isFinite(rounded) || rounded < 1 || rounded > MAX_DURATION_MS) {
    throw notaryError(
      'USAGE',
      `invalid duration ${JSON.stringify(text)}: give a positive duration up to 24h, e.g. 30s, 2m, 1h`,
      { details: { value: text, maxMs: MAX_DURATION_MS } },
    );
  }
  return rounded;
}

/** Integer flag helper. @throws NotaryError USAGE */
export function intFlag(args: ParsedArgs, name: string, min = 0): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v)) || Number(v) < min) {
    throw notaryError('USAGE', `--${name} needs an integer >= ${min}`, { details: { flag: name, value: v } });
  }
  return Number(v);
}
