// Writes a file so that readers see the old file or the whole new one: a temp file beside it, fsync, rename.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `bytes` to `path` atomically with `mode`. The temp file is `.NAME.<pid>.<hex>.tmp` beside `path`, created
 * exclusively, so a killed writer's leftovers are recognised and removed by `sweepStaleTemps`. On failure the temp
 * file is removed and the system error is rethrown for the caller to wrap (its own message and details).
 */
export function writeFileAtomicSync(path: string, bytes: Uint8Array, mode: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw e;
  }
}
