// `notary-ts verify GUN:TAG`, `list GUN`, `inspect GUN[:TAG]...`: answers from verified trust data.
import { isNotaryError, type NotaryError, notaryError } from '../../errors.js';
import { assertTargetName } from '../../grammar/target-name.js';
import { mergePinning, openArchive, openRepository, type Repository } from '../../index.js';
import { boolFlag, listFlag, type ParsedArgs, stringFlag } from '../args.js';
import { parseAt } from '../as-of.js';
import { type CommonOptions, commonOptions, positionals, splitGunTag } from '../common.js';
import type { CliIo } from '../context.js';
import type { ExitStatus } from '../exit-status.js';
import { goTable, printDockerJson, printError, printJson } from '../output.js';
import { prettyInspect } from './inspect-pretty.js';

export interface Opened {
  readonly repo: Repository;
  /** Set with `--at`: what JSON answers carry as `asOf`. */
  readonly asOf: string | undefined;
}

/** The repository for `gun`: online, `--offline` (cache only) or `--archive FILE`, evaluated now or `--at TIME`. */
export async function open(gun: string, opts: CommonOptions, args: ParsedArgs, io: CliIo): Promise<Opened> {
  const offline = boolFlag(args, 'offline');
  const archiveFile = stringFlag(args, 'archive');
  if (archiveFile !== undefined && offline) {
    throw notaryError('USAGE', '--archive and --offline exclude each other (an archive is always offline)');
  }
  const at = parseAt(args, opts.now());
  const now = at === undefined ? opts.now : () => at.date;
  let repo: Repository;
  if (archiveFile !== undefined) {
    const c = opts.connection;
    // The archive is anchored by the same pinning as a live repository: config, environment and flags merged.
    const trustPinning = mergePinning(c.config?.trustPinning, opts.env, c.pinning);
    const a = await openArchive({
      file: archiveFile,
      gun,
      trustDir: opts.trustDir,
      config: { ...(c.config ?? {}), trustPinning },
      env: opts.env,
      now,
    });
    if (a.anchor === 'tofu') {
      io.stderr.write(
        `notary-ts: warning: no pinned or cached root for ${gun}: trusting the archive's first root (trust on first use)\n`,
      );
    }
    repo = a;
  } else {
    repo = await openRepository({ ...opts.connection, gun, offline, now });
    if (repo.offline) io.stderr.write('notary-ts: warning: --offline: answering from cached trust data only\n');
  }
  if (at !== undefined) {
    io.stderr.write(`notary-ts: as of ${at.date.toISOString()}: expiry and certificates evaluated at that time\n`);
  }
  return { repo, asOf: at?.date.toISOString() };
}

/** `GUN:TAG`, or `GUN TAG` as `notary lookup GUN TAG` (so a target named `x/y.z` or `a:b` can be asked for). */
function gunAndTag(args: ParsedArgs): { gun: string; tag: string } {
  const p = positionals(args, ['GUN[:TAG]', 'TAG'], 1);
  const { gun, tag } =
    p.length === 2 ? { gun: p[0] as string, tag: p[1] as string } : splitGunTag(p[0] as string, true);
  assertTargetName(tag as string);
  return { gun, tag: tag as string };
}

export async function verify(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  if (stringFlag(args, 'from') !== undefined) return (await import('./verify-image.js')).verifyMany(args, io);
  if (boolFlag(args, 'ref') || boolFlag(args, 'registry')) {
    return (await import('./verify-image.js')).verifyImage(args, io);
  }
  const { gun, tag } = gunAndTag(args);
  const opts = commonOptions(args, io);
  const role = stringFlag(args, 'role');
  const signers = listFlag(args, 'signer');
  const { repo, asOf } = await open(gun, opts, args, io);
  try {
    const r = await repo.lookup(tag, { ...(role ? { role } : {}), ...(signers.length ? { signers } : {}) });
    if (opts.json) {
      printJson(io.stdout, {
        ok: true,
        reference: `${r.gun}@${r.digest}`,
        gun: r.gun,
        tag: r.tag,
        digest: r.digest,
        size: r.size,
        role: r.role,
        ...(r.signedBy ? { signedBy: r.signedBy } : {}),
        ...(r.custom !== undefined ? { custom: r.custom } : {}),
        offline: r.offline,
        ...(asOf !== undefined ? { asOf } : {}),
      });
    } else {
      io.stdout.write(`${r.digest}\n`);
    }
    return 0;
  } finally {
    await repo.close();
  }
}

export async function list(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [gun] = positionals(args, ['GUN']);
  const opts = commonOptions(args, io);
  const roles = listFlag(args, 'roles');
  const { repo, asOf } = await open(gun as string, opts, args, io);
  try {
    const targets = await repo.list(roles.length ? { roles } : {});
    if (opts.json) {
      printJson(
        io.stdout,
        targets.map((t) => ({
          name: t.name,
          digest: prefixed(t.digest),
          size: t.size,
          role: t.role,
          ...(asOf !== undefined ? { asOf } : {}),
        })),
      );
    } else if (targets.length === 0) {
      io.stdout.write('\nNo targets present in this repository.\n\n');
    } else {
      const rows = targets.map((t) => [t.name, t.digest, String(t.size), t.role]);
      io.stdout.write(goTable(['NAME', 'DIGEST', 'SIZE (BYTES)', 'ROLE'], rows));
    }
    return 0;
  } finally {
    await repo.close();
  }
}

export async function inspect(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const refs = args.positionals;
  if (refs.length === 0) throw notaryError('USAGE', 'expected GUN[:TAG]...');
  const opts = commonOptions(args, io);
  const pretty = boolFlag(args, 'pretty');
  const parsed = refs.map((ref) => ({ ref, ...splitGunTag(ref, false) }));
  for (const { tag } of parsed) if (tag !== undefined) assertTargetName(tag);
  const results = [];
  // As docker: a repository without trust data is left out of the JSON array (`[]` when it is the only one) and
  // reported after it; its not-found status is kept. Any other failure stops at once.
  const missing: NotaryError[] = [];
  for (const [index, { ref, gun, tag }] of parsed.entries()) {
    if (pretty && index > 0) io.stdout.write('\n\n');
    try {
      const { repo, asOf } = await open(gun, opts, args, io);
      try {
        const data = await repo.inspect({ name: ref, ...(tag ? { tag } : {}) });
        if (pretty) io.stdout.write(prettyInspect(data));
        else results.push(asOf !== undefined ? { ...data, asOf } : data);
      } finally {
        await repo.close();
      }
    } catch (e) {
      if (pretty || !isNotaryError(e, 'REPOSITORY_NOT_FOUND')) throw e;
      missing.push(e);
    }
  }
  if (!pretty) printDockerJson(io.stdout, results);
  const [first, ...more] = missing;
  for (const e of more) printError(e, opts.json, io.stderr, false);
  if (first !== undefined) throw first;
  return 0;
}

/** `list --json` digests carry the algorithm, as `verify --json` does; the table prints bare hex like notary. */
function prefixed(hex: string): string {
  return hex === '' || hex.startsWith('sha256:') ? hex : `sha256:${hex}`;
}
