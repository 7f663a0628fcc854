// `notary-ts archive GUN... -o FILE`: every metadata file of the repositories, verified, in one tar.
import { notaryError } from '../../errors.js';
import { archive as archiveRepositories } from '../../index.js';
import { type ParsedArgs, stringFlag } from '../args.js';
import { commonOptions } from '../common.js';
import type { CliIo } from '../context.js';
import type { ExitStatus } from '../exit-status.js';
import { VERSION } from '../main.js';
import { printJson } from '../output.js';

export async function archive(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const guns = args.positionals;
  if (guns.length === 0) throw notaryError('USAGE', 'expected GUN... -o FILE');
  const output = stringFlag(args, 'output');
  if (output === undefined || output === '') throw notaryError('USAGE', 'archive needs -o FILE');
  const opts = commonOptions(args, io);
  const r = await archiveRepositories({
    guns,
    output,
    ...opts.connection,
    now: opts.now,
    tool: `notary-ts ${VERSION}`,
  });
  for (const repo of r.manifest.repositories) {
    if (repo.anchor === 'tofu') {
      io.stderr.write(
        `notary-ts: warning: no pinned or cached root for ${repo.gun}: trusted its first root on first use\n`,
      );
    }
  }
  if (opts.json) {
    printJson(io.stdout, {
      ok: true,
      output: r.output,
      bytes: r.bytes,
      createdAt: r.manifest.createdAt,
      repositories: r.manifest.repositories.map((x) => ({
        gun: x.gun,
        server: x.server,
        archivedAt: x.archivedAt,
        anchor: x.anchor,
        rootVersion: x.rootVersion,
        files: x.files.length,
      })),
    });
  } else {
    for (const x of r.manifest.repositories) {
      io.stdout.write(
        `${x.gun}: ${x.files.length} files (root versions 1-${x.rootVersion}), archived ${x.archivedAt}\n`,
      );
    }
    io.stdout.write(`wrote ${r.output} (${r.bytes} bytes)\n`);
  }
  return 0;
}
