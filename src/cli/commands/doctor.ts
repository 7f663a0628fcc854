// `notary-ts doctor GUN... [--warn DURATION]`: per-role health and what to renew before it expires.

import { notaryError } from '../../errors.js';
import { doctor as examine } from '../../index.js';
import { type ParsedArgs, stringFlag } from '../args.js';
import { commonOptions } from '../common.js';
import type { CliIo } from '../context.js';
import { EXIT_EXPIRING_SOON, type ExitStatus } from '../exit-status.js';
import { goTable, printJson } from '../output.js';

const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;

/** `30d`, `2w`, `36h`, `1d12h`, `90m`. @throws NotaryError USAGE */
export function parseWarn(text: string): number {
  const re = /(\d+)(w|d|h|m|s)/gy;
  let ms = 0;
  let end = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    ms += Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    end = re.lastIndex;
  }
  if (text === '' || end !== text.length || !Number.isSafeInteger(ms)) {
    throw notaryError('USAGE', `invalid --warn ${JSON.stringify(text)} (e.g. 30d, 2w, 36h)`, {
      details: { flag: 'warn', value: text },
    });
  }
  return ms;
}

export async function doctor(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const guns = args.positionals;
  if (guns.length === 0) throw notaryError('USAGE', 'expected GUN...');
  const warn = stringFlag(args, 'warn');
  const warnMs = warn === undefined ? undefined : parseWarn(warn);
  const opts = commonOptions(args, io);
  const r = await examine({
    guns,
    warnMs,
    ...opts.connection,
    now: opts.now,
  });
  const status: ExitStatus = r.verdict === 'invalid' ? 1 : r.verdict === 'expiring' ? EXIT_EXPIRING_SOON : 0;
  if (opts.json) {
    printJson(io.stdout, { ok: status === 0, ...r });
    return status;
  }
  for (const [i, repo] of r.repositories.entries()) {
    if (i > 0) io.stdout.write('\n');
    io.stdout.write(`${repo.gun} (${repo.server}): ${repo.verdict}\n\n`);
    const rows = repo.roles.map((x) => [
      x.role,
      String(x.version),
      x.expires === '' ? '-' : x.expires,
      `${x.threshold}/${x.keys.length}`,
      x.keys.map((k) => `${k.id.slice(0, 12)} ${k.type}-${k.bits} ${k.held}`).join(', '),
      x.serverRenewed ? 'server renews' : '',
    ]);
    if (rows.length > 0) {
      io.stdout.write(goTable(['ROLE', 'VERSION', 'EXPIRES', 'THRESHOLD/KEYS', 'KEYS', 'NOTE'], rows));
    }
    for (const f of repo.findings) {
      const fix = f.fix === '' ? '' : `\n    fix: ${f.fix}`;
      io.stdout.write(`${f.severity.toUpperCase()} ${f.code} ${f.role}: ${f.message}${fix}\n`);
    }
  }
  return status;
}
