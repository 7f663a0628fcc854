// Options every command shares: trust dir, server, config, timeout, TLS CA, passphrase sources, clock.
import { existsSync, readFileSync } from 'node:fs';
import { notaryError } from '../errors.js';
import {
  type ClientConfig,
  type ConnectionOptions,
  homeOf,
  loadClientConfig,
  resolveTrustDir,
  type TransportFactory,
  transportOfKind,
} from '../index.js';
import { boolFlag, listFlag, type ParsedArgs, parseDuration, stringFlag } from './args.js';
import type { CliIo } from './context.js';

export interface CommonOptions {
  /** Everything about reaching the server, for the verify and the sign side alike (one resolver in the library). */
  connection: ConnectionOptions;
  trustDir: string;
  /** `-s`, `-c` and `--tlscacert` as given (also inside `connection`: pass that to the library, not these). */
  server: string | undefined;
  config: ClientConfig | undefined;
  tlsCaFile: string | undefined;
  timeoutMs: number | undefined;
  passphraseFile: string | undefined;
  json: boolean;
  env: Record<string, string | undefined>;
  now: () => Date;
}

/** @throws NotaryError USAGE, INVALID_CONFIG */
export function commonOptions(args: ParsedArgs, io: CliIo): CommonOptions {
  const configFile = stringFlag(args, 'config');
  const config = configFile ? loadClientConfig(configFile, homeOf(io.env)) : undefined;
  const timeout = stringFlag(args, 'timeout');
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout);
  const trustDir = resolveTrustDir({ trustDir: stringFlag(args, 'trust-dir'), config, env: io.env });
  const debug = boolFlag(args, 'debug');
  const json = boolFlag(args, 'json');
  const connection: ConnectionOptions = {
    server: stringFlag(args, 'server'),
    trustDir,
    config,
    env: io.env,
    tlsCaFile: stringFlag(args, 'tlscacert'),
    tlsCertFile: stringFlag(args, 'tlscert'),
    tlsKeyFile: stringFlag(args, 'tlskey'),
    timeoutMs,
    transportFactory: cliTransport(io.env),
    pinning: {
      rootKeys: listFlag(args, 'root-key'),
      rootCas: listFlag(args, 'root-ca'),
      noTofu: boolFlag(args, 'no-tofu'),
    },
    // With --json, stderr carries at most one JSON error document: the notice is left out there.
    onFirstUse: ({ gun, rootKeyIds }) => {
      if (json) return;
      const ids = rootKeyIds.join(', ');
      io.stderr.write(
        `notary-ts: first use of ${gun}: trusting its root key ${ids} (nothing pinned it); ` +
          `pin it with --root-key ${gun}=${rootKeyIds[0] ?? ''}\n`,
      );
    },
    ...(debug
      ? {
          onExchange: (e) => {
            const result = e.status === 0 ? (e.error ?? 'error') : String(e.status);
            io.stderr.write(`notary-ts: debug: ${e.method} ${e.url} -> ${result} (${e.ms} ms)\n`);
          },
        }
      : {}),
  };
  return {
    connection,
    trustDir,
    server: connection.server,
    config,
    tlsCaFile: connection.tlsCaFile,
    timeoutMs,
    passphraseFile: stringFlag(args, 'passphrase-file'),
    json,
    env: io.env,
    now: io.now ?? (() => new Date()),
  };
}

/**
 * The CLI's transport (SPEC §9 "Transport"): the wire transport (HTTP/1.1 over node:net/node:tls), undici when a
 * proxy is configured. NOTARY_TS_TRANSPORT=node or =undici (hidden, for tests and diagnosis) picks node:http or
 * undici instead.
 * @throws NotaryError INVALID_CONFIG for another value
 */
export function cliTransport(env: Record<string, string | undefined>): TransportFactory {
  const kind = env['NOTARY_TS_TRANSPORT'];
  if (kind === undefined || kind === '' || kind === 'wire' || kind === 'node' || kind === 'undici') {
    return transportOfKind(kind || 'wire');
  }
  throw notaryError('INVALID_CONFIG', `NOTARY_TS_TRANSPORT must be wire, node or undici, got ${JSON.stringify(kind)}`, {
    details: { variable: 'NOTARY_TS_TRANSPORT', value: kind },
  });
}

/** Exactly `n` positionals, or a USAGE error naming what is expected. */
export function positionals(args: ParsedArgs, names: string[], optional = 0): string[] {
  const p = args.positionals;
  if (p.length > names.length || p.length < names.length - optional) {
    throw notaryError('USAGE', `expected ${names.join(' ')}, got ${p.length} argument(s)`, {
      details: { expected: names },
    });
  }
  return p;
}

/** Splits `GUN:TAG` at the last colon after the last slash (a registry port stays in the GUN). */
export function splitGunTag(ref: string, tagRequired: boolean): { gun: string; tag: string | undefined } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash && colon !== -1) {
    const gun = ref.slice(0, colon);
    const tag = ref.slice(colon + 1);
    if (gun === '' || tag === '') throw notaryError('USAGE', `invalid reference ${JSON.stringify(ref)}`);
    return { gun, tag };
  }
  if (tagRequired) throw notaryError('USAGE', `expected GUN:TAG, got ${JSON.stringify(ref)}`);
  return { gun: ref, tag: undefined };
}

/** The secrets directory passphrases may come from: NOTARY_TS_SECRETS_DIR, else /run/secrets when present. */
export function secretsDir(env: Record<string, string | undefined>): string | undefined {
  const d = env['NOTARY_TS_SECRETS_DIR'];
  if (d) return d;
  return existsSync('/run/secrets') ? '/run/secrets' : undefined;
}

/** A file named on the command line. @throws NotaryError INVALID_ARGUMENT when it cannot be read */
export async function readInputFile(file: string): Promise<Buffer> {
  try {
    // Synchronous: node:fs/promises costs a CLI run ~1.4 ms to load, and nothing else runs meanwhile.
    return readFileSync(file);
  } catch (cause) {
    throw notaryError('INVALID_ARGUMENT', `cannot read ${file}`, { cause, details: { file } });
  }
}
