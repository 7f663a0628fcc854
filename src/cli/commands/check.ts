// `notary-ts check GUN...`: verify everything the server holds and test its answers; exit 0 only when all correct.
import { notaryError } from '../../errors.js';
import { check as checkServer } from '../../index.js';
import type { ParsedArgs } from '../args.js';
import { commonOptions } from '../common.js';
import type { CliIo } from '../context.js';
import type { ExitStatus } from '../exit-status.js';
import { printJson } from '../output.js';

export async function check(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const guns = args.positionals;
  if (guns.length === 0) throw notaryError('USAGE', 'expected GUN...');
  const opts = commonOptions(args, io);
  const r = await checkServer({
    guns,
    ...opts.connection,
    now: opts.now,
  });
  if (opts.json) {
    printJson(io.stdout, r);
  } else {
    for (const repo of r.repositories) {
      const head = `${repo.gun} (${repo.server}): ${repo.verifiedFiles} files verified, ${repo.requests} API checks`;
      io.stdout.write(`${head}: ${repo.ok ? 'ok' : `${repo.findings.length} problem(s)`}\n`);
      for (const f of repo.findings) io.stdout.write(`  ${f.code} ${f.file}: ${f.message}\n`);
    }
  }
  return r.ok ? 0 : 1;
}
