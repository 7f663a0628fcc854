// `notary-ts key list|import|export|remove|passwd`: the private key store under <trust-dir>/private.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { notaryError } from '../../errors.js';
import { chainPassphrases, envPassphrases, FileKeyStore, ttyPassphrases } from '../../index.js';
import { boolFlag, listFlag, type ParsedArgs, stringFlag } from '../args.js';
import { commonOptions, positionals, readInputFile } from '../common.js';
import type { CliIo } from '../context.js';
import type { ExitStatus } from '../exit-status.js';
import { compareBytes, goTable, printJson } from '../output.js';
import { cliPassphrases } from '../passphrases.js';

async function openStore(args: ParsedArgs, io: CliIo) {
  const opts = commonOptions(args, io);
  const store = await FileKeyStore.open(opts.trustDir, { passphrases: cliPassphrases(opts, io) });
  return { opts, store };
}

export async function list(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  positionals(args, []);
  const { opts, store } = await openStore(args, io);
  const { keys, problems } = await store.list();
  const location = join(opts.trustDir, 'private');
  // notary's keyInfoSorter: root keys first, then by GUN, role, key ID (byte order).
  const sorted = [...keys].sort(
    (a, b) =>
      Number(b.role === 'root') - Number(a.role === 'root') ||
      compareBytes(a.gun, b.gun) ||
      compareBytes(a.role, b.role) ||
      compareBytes(a.keyId, b.keyId),
  );
  if (opts.json) {
    printJson(
      io.stdout,
      sorted.map((k) => ({ keyId: k.keyId, role: k.role, gun: k.gun, encrypted: k.encrypted, location: k.path })),
    );
  } else if (sorted.length === 0) {
    io.stdout.write('\nNo signing keys found.\n\n');
  } else {
    // As `notary key list`: a blank line around the table, the GUN cut to 25 and the key store directory to 40
    // characters from the left.
    const rows = sorted.map((k) => [k.role, leftTruncate(k.gun, 25), k.keyId, leftTruncate(location, 40)]);
    io.stdout.write(`\n${goTable(['ROLE', 'GUN', 'KEY ID', 'LOCATION'], rows)}\n`);
  }
  for (const p of problems) io.stderr.write(`notary-ts: warning: ${p.file}: ${p.code}: ${p.reason}\n`);
  return 0;
}

/** notary's `truncateWithEllipsis(s, max, leftTruncate=true)`: `...` and the last max-3 bytes. */
function leftTruncate(s: string, max: number): string {
  const bytes = Buffer.from(s, 'utf8');
  return bytes.length <= max ? s : `...${bytes.subarray(bytes.length - (max - 3)).toString('utf8')}`;
}

export async function importKeys(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const files = args.positionals;
  if (files.length === 0) throw notaryError('USAGE', 'expected one or more key files to import');
  const { opts, store } = await openStore(args, io);
  const role = stringFlag(args, 'role');
  const gun = stringFlag(args, 'gun');
  const imported: string[] = [];
  for (const file of files) {
    const pem = await readInputFile(file);
    const r = await store.importKeys(pem, {
      ...(role ? { role } : {}),
      ...(gun ? { gun } : {}),
      overwrite: boolFlag(args, 'overwrite'),
    });
    imported.push(...r.imported);
    for (const p of r.problems) io.stderr.write(`notary-ts: warning: ${file}: ${p.code}: ${p.reason}\n`);
  }
  if (opts.json) printJson(io.stdout, { imported });
  else for (const id of imported) io.stdout.write(`imported ${id}\n`);
  return 0;
}

export async function exportKeys(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  positionals(args, []);
  const { store } = await openStore(args, io);
  const keyIds = listFlag(args, 'key');
  const gun = stringFlag(args, 'gun');
  const text = await store.exportKeys({ ...(keyIds.length ? { keyIds } : {}), ...(gun ? { gun } : {}) });
  const out = stringFlag(args, 'output');
  if (out) await writePrivateFile(out, text, boolFlag(args, 'force'));
  else io.stdout.write(text);
  return 0;
}

/**
 * Writes exported keys to `path`: a new file created exclusively with mode 0600, never through a symlink. An existing
 * path is refused unless `force`, which writes a new 0600 file beside it and renames it over the old entry (a
 * symlink there is replaced, not followed; the old file's mode is not kept).
 * @throws NotaryError INVALID_ARGUMENT (the path exists, without force), IO
 */
async function writePrivateFile(path: string, text: string, force: boolean): Promise<void> {
  const target = force
    ? join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
    : path;
  let fh: FileHandle;
  try {
    fh = await open(target, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') {
      throw notaryError('INVALID_ARGUMENT', `${path} already exists (use --force to replace it)`, {
        details: { path, reason: 'exists' },
      });
    }
    throw notaryError('IO', `cannot create ${path}`, { cause, details: { path } });
  }
  try {
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    if (target !== path) await rename(target, path);
  } catch (cause) {
    if (target !== path) await unlink(target).catch(() => undefined);
    throw notaryError('IO', `cannot write ${path}`, { cause, details: { path } });
  }
}

export async function remove(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [keyId] = positionals(args, ['KEY_ID']);
  const { store } = await openStore(args, io);
  const info = await store.info(keyId as string);
  if (!boolFlag(args, 'yes')) {
    throw notaryError('USAGE', `refusing to delete ${info.role} key ${info.keyId} without -y/--yes`);
  }
  await store.remove(info.keyId);
  io.stdout.write(`deleted ${info.role} key ${info.keyId}\n`);
  return 0;
}

export async function passwd(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [keyId] = positionals(args, ['KEY_ID']);
  const { opts, store } = await openStore(args, io);
  // The new passphrase: NOTARY_TS_NEW_PASSPHRASE for scripts, else the terminal (asked twice).
  const fresh = opts.env['NOTARY_TS_NEW_PASSPHRASE'];
  const source =
    fresh !== undefined
      ? envPassphrases({
          NOTARY_ROOT_PASSPHRASE: fresh,
          NOTARY_TARGETS_PASSPHRASE: fresh,
          NOTARY_SNAPSHOT_PASSPHRASE: fresh,
          NOTARY_DELEGATION_PASSPHRASE: fresh,
          DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: fresh,
        })
      : io.stdin.isTTY
        ? ttyPassphrases()
        : chainPassphrases();
  await store.changePassphrase(keyId as string, source);
  io.stdout.write(`changed the passphrase of key ${keyId}\n`);
  return 0;
}
