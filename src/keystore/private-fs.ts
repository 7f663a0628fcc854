// File-system helpers for secret files: atomic 0600 writes in 0700 directories, bounded reads.
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  promises as fsp,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { notaryError } from '../errors.js';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** Key files are a few hundred bytes; anything near this is not a key file. */
export const MAX_KEY_FILE_SIZE = 1024 * 1024;

/** A Node system error (has `syscall`), as opposed to our own NotaryError which also has a `code`. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && 'syscall' in e;
}

function ioError(message: string, path: string, cause: unknown): never {
  throw notaryError('IO', message, { details: { path }, cause });
}

/**
 * Creates `dir` (and parents) with mode 0700, and tightens it to 0700 if it already exists with group or other
 * permission bits: the directory holds private keys.
 * @throws NotaryError IO
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  // Synchronous, as the reads of `readBounded`: signing and verifying then never load node:fs/promises (~1.4 ms of
  // a CLI run) nor start the thread pool; only writes stay asynchronous.
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const st = statSync(dir);
    if (!st.isDirectory()) ioError(`${dir} is not a directory`, dir, undefined);
    if ((st.mode & 0o077) !== 0 && process.platform !== 'win32') chmodSync(dir, PRIVATE_DIR_MODE);
  } catch (e) {
    if (isSystemError(e)) ioError(`cannot create ${dir}`, dir, e);
    throw e;
  }
}

/**
 * Writes `data` to `path` atomically: a temp file in the same directory (mode 0600), fsync, rename over the
 * target, then fsync of the directory. On any failure the temp file is removed and the target is untouched.
 * @throws NotaryError IO
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, PRIVATE_FILE_MODE);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(tmp, path);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    ioError(`cannot write ${path}`, path, e);
  }
  await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  // Makes the rename durable; some platforms cannot open directories, which is not worth failing for.
  let h: fsp.FileHandle | undefined;
  try {
    h = await fsp.open(dir, constants.O_RDONLY);
    await h.sync();
  } catch {
    // best effort
  } finally {
    await h?.close().catch(() => undefined);
  }
}

/**
 * Reads a file of at most `max` bytes.
 * @throws NotaryError KEY_NOT_FOUND when absent, BAD_KEY_FILE when too large, IO otherwise
 */
export async function readBounded(path: string, max = MAX_KEY_FILE_SIZE): Promise<Uint8Array> {
  let fd: number | undefined;
  try {
    // Non-blocking, so a FIFO in its place is refused below instead of waiting for a writer.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const st = fstatSync(fd);
    if (!st.isFile()) throw notaryError('BAD_KEY_FILE', `${path} is not a regular file`, { details: { path } });
    if (st.size > max) throw notaryError('BAD_KEY_FILE', `${path} is too large`, { details: { path, max } });
    const buf = new Uint8Array(st.size);
    const bytesRead = readSync(fd, buf, 0, st.size, 0);
    return buf.subarray(0, bytesRead);
  } catch (e) {
    if (isSystemError(e) && e.code === 'ENOENT') {
      throw notaryError('KEY_NOT_FOUND', `${path} does not exist`, { details: { path }, cause: e });
    }
    if (isSystemError(e)) ioError(`cannot read ${path}`, path, e);
    throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
