// `notary-ts sign | revoke | init | add | remove | status | reset | publish`: creating and changing trust data.
import { createHash } from 'node:crypto';
import { notaryError } from '../../errors.js';
import {
  initRepository as initRepo,
  isImageTag,
  parseImageReference,
  publish as publishRepo,
  type ResolvedImage,
  resetChanges,
  revoke as revokeTags,
  type SignerCommonOptions,
  sign as signTags,
  stageChanges as stage,
  stagedChanges as stagedStatus,
  type TagInput,
} from '../../index.js';
import { boolFlag, intFlag, listFlag, type ParsedArgs, stringFlag } from '../args.js';
import { type CommonOptions, commonOptions, positionals, readInputFile, splitGunTag } from '../common.js';
import type { CliIo } from '../context.js';
import type { ExitStatus } from '../exit-status.js';
import { goTable, printJson } from '../output.js';
import { cliPassphrases } from '../passphrases.js';
import { registryOptions, resolveWithProgress } from './image.js';

/** The signer's options from the CLI's: the same connection options as verify, plus clock and passphrases. */
export function signerOptions(opts: CommonOptions, io: CliIo): SignerCommonOptions {
  return { ...opts.connection, now: opts.now, passphrase: cliPassphrases(opts, io) };
}

/**
 * Reads `TAG sha256:<hex> SIZE` lines (blank lines and `#` comments skipped). A tag listed twice with the same digest
 * and size counts once; with a different digest or size it is a conflict naming both lines. With `tagOnly`, a line
 * holding just a tag is collected there (to be resolved from the registry) instead of being refused; such a tag
 * may not also have a `TAG DIGEST SIZE` line.
 * @throws NotaryError USAGE (details: source, line, and for a conflict tag, lines)
 */
export function parseTagLines(text: string, source: string, tagOnly?: string[]): TagInput[] {
  const out: TagInput[] = [];
  const seen = new Map<string, { line: number; digest: string; size: number }>();
  const seenTagOnly = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    const [tag, digest, size] = parts;
    if (tagOnly && parts.length === 1 && tag) {
      if (!isImageTag(tag)) {
        throw notaryError('USAGE', `${source}:${i + 1}: ${JSON.stringify(tag)} is not a valid image tag`, {
          details: { source, line: i + 1 },
        });
      }
      const full = seen.get(tag);
      if (full !== undefined) {
        throw notaryError(
          'USAGE',
          `${source}:${full.line} and ${source}:${i + 1} both sign tag ${JSON.stringify(tag)}`,
          {
            details: { source, tag, lines: [full.line, i + 1], line: i + 1 },
          },
        );
      }
      if (!seenTagOnly.has(tag)) tagOnly.push(tag);
      seenTagOnly.set(tag, i + 1);
      continue;
    }
    if (parts.length !== 3 || !tag || !digest || !size || !/^\d+$/.test(size)) {
      throw notaryError('USAGE', `${source}:${i + 1}: expected "TAG sha256:<hex> SIZE"`, {
        details: { source, line: i + 1 },
      });
    }
    const only = seenTagOnly.get(tag);
    if (only !== undefined) {
      throw notaryError('USAGE', `${source}:${only} and ${source}:${i + 1} both sign tag ${JSON.stringify(tag)}`, {
        details: { source, tag, lines: [only, i + 1], line: i + 1 },
      });
    }
    const first = seen.get(tag);
    if (first !== undefined) {
      if (first.digest === digest && first.size === Number(size)) continue;
      throw notaryError(
        'USAGE',
        `${source}:${first.line} and ${source}:${i + 1} sign tag ${JSON.stringify(tag)} with different digests or sizes`,
        { details: { source, tag, lines: [first.line, i + 1], line: i + 1 } },
      );
    }
    seen.set(tag, { line: i + 1, digest, size: Number(size) });
    out.push({ tag, digest, size: Number(size) });
  }
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function sizeFlag(args: ParsedArgs): number {
  const size = intFlag(args, 'size', 0);
  if (size === undefined) throw notaryError('USAGE', '--size is required with --digest');
  return size;
}

export async function sign(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [ref] = positionals(args, ['GUN[:TAG]']);
  const opts = commonOptions(args, io);
  const from = stringFlag(args, 'from');
  let gun: string;
  let tags: TagInput[];
  if (from !== undefined) {
    const parsed = splitGunTag(ref as string, false);
    if (parsed.tag !== undefined) throw notaryError('USAGE', 'with --from, give the GUN without a tag');
    gun = parsed.gun;
    const text = from === '-' ? await readAll(io.stdin) : (await readInputFile(from)).toString('utf8');
    const tagOnly: string[] = [];
    tags = parseTagLines(text, from === '-' ? '<stdin>' : from, tagOnly);
    if (tags.length === 0 && tagOnly.length === 0) throw notaryError('USAGE', `no tags in ${from}`);
    if (tagOnly.length > 0) {
      // Tags to resolve: the GUN is then an image name, normalised as docker does (alpine → docker.io/library/alpine).
      const image = parseImageReference(gun);
      if (image.tag !== undefined || image.digest !== undefined) {
        throw notaryError('USAGE', 'with --from, give the image name without a tag or digest');
      }
      gun = image.name;
      const refs = tagOnly.map((tag) => ({ ...image, tag }));
      const resolved = await resolveWithProgress(refs, registryOptions(args, opts), io, opts.json);
      tags.push(...resolved.map((r) => ({ tag: r.tag as string, digest: r.digest, size: r.size })));
    }
  } else if (stringFlag(args, 'digest') === undefined && stringFlag(args, 'size') === undefined) {
    // `sign IMAGE:TAG`: digest and size of the manifest the registry serves now (as `docker trust sign`).
    const image = parseImageReference(ref as string);
    if (image.tag === undefined) {
      throw notaryError('USAGE', `sign needs IMAGE:TAG (or IMAGE:TAG@DIGEST), got ${JSON.stringify(ref)}`);
    }
    gun = image.name;
    const [r] = await resolveWithProgress([image], registryOptions(args, opts), io, opts.json);
    tags = [{ tag: image.tag, digest: (r as ResolvedImage).digest, size: (r as ResolvedImage).size }];
  } else {
    const parsed = splitGunTag(ref as string, true);
    gun = parsed.gun;
    const digest = stringFlag(args, 'digest');
    if (digest === undefined) throw notaryError('USAGE', 'sign GUN:TAG needs --digest sha256:<hex> and --size');
    tags = [{ tag: parsed.tag as string, digest, size: sizeFlag(args) }];
  }
  const role = stringFlag(args, 'role');
  const progress = io.stderr.isTTY === true && !opts.json && tags.length >= 1000;
  if (progress) io.stderr.write(`signing ${tags.length} tags into ${gun}…\n`);
  const started = Date.now();
  const noInit = boolFlag(args, 'no-init');
  const r = await signTags({ ...signerOptions(opts, io), gun, tags, ...(role ? { role } : {}), noInit });
  if (r.initialPublish) {
    // A typo'd GUN in a pipeline would otherwise silently become a new repository.
    io.stderr.write(
      `notary-ts: created new repository ${gun} on the server, root key ${r.createdRootKeyId ?? 'unknown'}\n`,
    );
  }
  if (progress) io.stderr.write(`${publishedWhat(r.roles)} in ${Date.now() - started} ms\n`);
  if (opts.json) {
    printJson(io.stdout, {
      ok: true,
      gun,
      signed: tags.length,
      roles: r.roles,
      initialPublish: r.initialPublish,
      published: r.roles.length > 0,
      ...(r.createdRootKeyId !== undefined ? { rootKeyId: r.createdRootKeyId } : {}),
      tags: tags.length <= 100 ? Object.fromEntries(r.signed) : undefined,
    });
  } else if (tags.length === 1) {
    const t = tags[0] as TagInput;
    const into = (r.signed.get(t.tag) ?? []).join(', ');
    const nothing = r.roles.length === 0 ? ' (already signed, nothing published)' : '';
    io.stdout.write(`signed ${gun}:${t.tag} (${t.digest}) into ${into}${nothing}\n`);
  } else {
    io.stdout.write(`signed ${tags.length} tags into ${gun} (${publishedWhat(r.roles)})\n`);
  }
  return 0;
}

/** `published targets, snapshot`, or that nothing needed publishing (every tag was already signed as given). */
function publishedWhat(roles: readonly string[]): string {
  return roles.length === 0 ? 'already signed, nothing published' : `published ${roles.join(', ')}`;
}

export async function revoke(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [ref] = positionals(args, ['GUN[:TAG]']);
  const { gun, tag } = splitGunTag(ref as string, false);
  const opts = commonOptions(args, io);
  if (tag === undefined && !boolFlag(args, 'yes')) {
    if (!io.stdin.isTTY) throw notaryError('USAGE', `revoking every tag of ${gun} needs -y/--yes`);
    io.stderr.write(`Revoke all signatures of ${gun}? (y/n) `);
    const answer = await readLine(io.stdin);
    if (!/^y(es)?$/i.test(answer.trim())) {
      io.stderr.write('aborted\n');
      return 0;
    }
  }
  const r = await revokeTags({ ...signerOptions(opts, io), gun, ...(tag !== undefined ? { tags: [tag] } : {}) });
  if (opts.json) printJson(io.stdout, { ok: true, gun, revoked: Object.fromEntries(r.revoked), roles: r.roles });
  else for (const [t, roles] of r.revoked) io.stdout.write(`revoked ${gun}:${t} from ${roles.join(', ')}\n`);
  return 0;
}

export async function init(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [gun] = positionals(args, ['GUN']);
  const opts = commonOptions(args, io);
  const common = signerOptions(opts, io);
  const r = await initRepo({
    ...common,
    gun: gun as string,
    serverManagedSnapshot: boolFlag(args, 'server-managed-snapshot'),
    ...(stringFlag(args, 'rootkey') ? { rootKeyId: stringFlag(args, 'rootkey') as string } : {}),
  });
  if (boolFlag(args, 'publish')) await publishRepo({ ...common, gun: gun as string });
  if (opts.json) printJson(io.stdout, { ok: true, gun, ...r, published: boolFlag(args, 'publish') });
  else {
    io.stdout.write(`initialised ${gun}: root key ${r.rootKeyId}, targets key ${r.targetsKeyId}\n`);
    if (!boolFlag(args, 'publish')) io.stdout.write(`run "notary-ts publish ${gun}" to create it on the server\n`);
  }
  return 0;
}

export async function add(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [gun, tag, file] = positionals(args, ['GUN', 'TAG', 'FILE'], 1);
  const opts = commonOptions(args, io);
  let target: TagInput;
  if (file !== undefined) {
    const bytes = await readInputFile(file);
    target = {
      tag: tag as string,
      digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
      size: bytes.length,
    };
  } else {
    const digest = stringFlag(args, 'digest');
    if (digest === undefined) throw notaryError('USAGE', 'add GUN TAG needs FILE, or --digest and --size');
    target = { tag: tag as string, digest, size: sizeFlag(args) };
  }
  const roles = listFlag(args, 'roles');
  await stage({ gun: gun as string, trustDir: opts.trustDir, add: [target], ...(roles.length ? { roles } : {}) });
  if (boolFlag(args, 'publish')) await publishRepo({ ...signerOptions(opts, io), gun: gun as string });
  io.stdout.write(`${boolFlag(args, 'publish') ? 'published' : 'staged'} addition of ${tag} to ${gun}\n`);
  return 0;
}

export async function remove(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [gun, tag] = positionals(args, ['GUN', 'TAG']);
  const opts = commonOptions(args, io);
  const roles = listFlag(args, 'roles');
  await stage({
    gun: gun as string,
    trustDir: opts.trustDir,
    remove: [tag as string],
    ...(roles.length ? { roles } : {}),
  });
  if (boolFlag(args, 'publish')) await publishRepo({ ...signerOptions(opts, io), gun: gun as string });
  io.stdout.write(`${boolFlag(args, 'publish') ? 'published' : 'staged'} removal of ${tag} from ${gun}\n`);
  return 0;
}

export async function status(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [gun] = positionals(args, ['GUN']);
  const opts = commonOptions(args, io);
  const entries = await stagedStatus({ gun: gun as string, trustDir: opts.trustDir });
  if (opts.json) printJson(io.stdout, entries);
  else if (entries.length === 0) io.stdout.write(`No unpublished changes for ${gun}\n`);
  else {
    io.stdout.write(`Unpublished changes for ${gun}:\n\n`);
    io.stdout.write(
      goTable(
        ['#', 'ACTION', 'SCOPE', 'TYPE', 'PATH'],
        entries.map((e) => [String(e.index), e.action, e.role, e.type, e.error === undefined ? e.path : e.file]),
      ),
    );
  }
  const broken = entries.filter((e) => e.error !== undefined).length;
  if (broken > 0 && !opts.json) {
    io.stderr.write(`${broken} change file(s) cannot be read; "notary-ts reset ${gun} --all" (or -n) removes them\n`);
  }
  return 0;
}

export async function reset(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [gun] = positionals(args, ['GUN']);
  const opts = commonOptions(args, io);
  const indices = listFlag(args, 'number').map((n) => {
    if (!/^\d+$/.test(n)) throw notaryError('USAGE', `-n needs a change number, got ${JSON.stringify(n)}`);
    return Number(n);
  });
  if (indices.length === 0 && !boolFlag(args, 'all')) throw notaryError('USAGE', 'reset needs --all or -n NUMBER');
  await resetChanges({ gun: gun as string, trustDir: opts.trustDir, ...(indices.length ? { indices } : {}) });
  io.stdout.write(`reset ${indices.length ? `${indices.length} change(s)` : 'all changes'} of ${gun}\n`);
  return 0;
}

export async function publish(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [gun] = positionals(args, ['GUN']);
  const opts = commonOptions(args, io);
  const r = await publishRepo({ ...signerOptions(opts, io), gun: gun as string });
  if (opts.json) printJson(io.stdout, { ok: true, ...r });
  else if (r.roles.length === 0) io.stdout.write(`nothing to publish for ${gun}\n`);
  else io.stdout.write(`published ${r.appliedChanges} change(s) to ${gun} (${r.roles.join(', ')})\n`);
  return 0;
}

function readLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (c: Buffer | string) => {
      buf += c.toString();
      if (buf.includes('\n')) done();
    };
    const done = () => {
      stream.off('data', onData);
      stream.off('end', done);
      resolve(buf.split('\n')[0] ?? '');
    };
    stream.on('data', onData);
    stream.on('end', done);
  });
}
