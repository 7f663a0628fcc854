// Notary's file changelist: `<trustDir>/tuf/<gun>/changelist/<%020d UnixNano>_<uuid>.change`, applied in name order.

import { randomUUID } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { compareUtf8 } from '../canonical/index.js';
import { sweepStaleTemps } from '../client/stale-temp.js';
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';
import { type Change, decodeChange, encodeChange } from './change.js';

/** A change read back from disk, with the file it came from (what `reset`/`clear` remove). */
export interface StagedChange {
  readonly file: string;
  readonly change: Change;
}

/** A change file as `scan` finds it: decoded, or unreadable with the reason (CHANGELIST_CORRUPT). */
export type ScannedChange =
  | { readonly file: string; readonly change: Change; readonly error?: undefined }
  | { readonly file: string; readonly change?: undefined; readonly error: NotaryError };

function unreadable(file: string, what: string, cause?: unknown): NotaryError {
  return notaryError('CHANGELIST_CORRUPT', `change ${file} ${what}`, {
    details: { file },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Largest change file read (a change is a few hundred bytes; delegation changes with keys a few KiB). */
const MAX_CHANGE_BYTES = 1 << 20;

/**
 * A regular file's bytes, opened without blocking and without following a symlink; undefined for anything that is
 * not a regular file (a FIFO there must not hang `status`). Larger than `MAX_CHANGE_BYTES` reads as unreadable.
 */
function readRegularFile(path: string): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw e;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return undefined;
    if (st.size > MAX_CHANGE_BYTES) throw new RangeError(`${st.size} bytes, more than ${MAX_CHANGE_BYTES}`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The changelist directory of a GUN, as `client.NewFileCachedRepository` places it. */
export function changelistDir(trustDir: string, gun: string): string {
  return join(trustDir, 'tuf', ...gun.split('/'), 'changelist');
}

// Go names files after time.Now().UnixNano(); Date.now() only has milliseconds, so successive names within one
// millisecond are bumped by one nanosecond to keep the order in which we staged them.
let lastNanos = 0n;
function nextNanos(): bigint {
  const now = BigInt(Date.now()) * 1_000_000n;
  lastNanos = now > lastNanos ? now : lastNanos + 1n;
  return lastNanos;
}

/** `%020d_<uuid>.change`. */
export function changeFileName(): string {
  return `${nextNanos().toString().padStart(20, '0')}_${randomUUID()}.change`;
}

/**
 * Go's `<` on file names: UTF-8 byte order. Our own names are ASCII, but any `*.change` file in the directory is
 * read, and UTF-16 order differs from Go's where an astral character meets U+E000–U+FFFF.
 */
const byName = compareUtf8;

function ioError(what: string, path: string, cause: unknown): never {
  throw notaryError('IO', `${what} ${path}`, { cause, details: { path } });
}

/**
 * The staged changes of one repository. Files are written atomically (hidden temp file, then rename) with mode
 * 0600 in a 0700 directory; a reader never sees a half-written change.
 */
export class FileChangelist {
  constructor(readonly dir: string) {}

  /**
   * Every change file in application order (file name order), each decoded or, when it cannot be read or is not
   * a change (empty, not JSON, not a regular file), marked unreadable with the error. Hidden files (our temp
   * files) and names not ending in `.change` are not changes and are skipped.
   * @throws NotaryError IO when the directory cannot be read
   */
  async scan(): Promise<ScannedChange[]> {
    let names: string[];
    try {
      // Synchronous, like the reads below: a publish that stages nothing then never loads node:fs/promises.
      const entries = readdirSync(this.dir, { withFileTypes: true });
      names = entries.filter((e) => isChangeName(e.name)).map((e) => e.name);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
      ioError('cannot read changelist', this.dir, cause);
    }
    names.sort(byName);
    const out: ScannedChange[] = [];
    for (const name of names) {
      let bytes: Uint8Array | undefined;
      try {
        bytes = readRegularFile(join(this.dir, name));
      } catch (cause) {
        // Removed by a concurrent publish between readdir and read: it is no longer staged.
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') continue;
        out.push({ file: name, error: unreadable(name, 'cannot be read', cause) });
        continue;
      }
      if (bytes === undefined) {
        out.push({ file: name, error: unreadable(name, 'is not a regular file') });
        continue;
      }
      try {
        out.push({ file: name, change: decodeChange(bytes, name) });
      } catch (e) {
        if (!isNotaryError(e)) throw e;
        out.push({ file: name, error: e });
      }
    }
    return out;
  }

  /**
   * Every staged change, in application order (file name order).
   * @throws NotaryError CHANGELIST_CORRUPT for an unreadable change (`details.file`; `reset` removes it), IO when
   *   the directory cannot be read
   */
  async list(): Promise<StagedChange[]> {
    const out: StagedChange[] = [];
    for (const s of await this.scan()) {
      if (s.change === undefined) throw s.error;
      out.push({ file: s.file, change: s.change });
    }
    return out;
  }

  /**
   * Stages changes, one file each, in the given order.
   * @throws NotaryError IO
   */
  async add(changes: readonly Change[]): Promise<string[]> {
    if (changes.length === 0) return [];
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
    } catch (cause) {
      ioError('cannot create changelist', this.dir, cause);
    }
    sweepStaleTemps(this.dir);
    const written: string[] = [];
    for (const c of changes) {
      const name = changeFileName();
      await writeAtomic(this.dir, name, encodeChange(c));
      written.push(name);
    }
    return written;
  }

  /**
   * Removes the named change files (missing ones are already gone). Used after a publish: only the changes that
   * were applied are removed, so a change staged while we published survives.
   * @throws NotaryError IO
   */
  async remove(files: readonly string[]): Promise<void> {
    for (const f of files) {
      if (!isChangeName(f) || f.includes('/')) throw new TypeError(`not a change file name: ${f}`);
      try {
        unlinkSync(join(this.dir, f));
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT')
          ioError('cannot remove change', join(this.dir, f), cause);
      }
    }
  }

  /**
   * Removes the changes at the given positions of `list()` (as `notary reset -n`), or all of them.
   * @throws NotaryError IO; RangeError for an index out of range
   */
  async reset(indices?: readonly number[]): Promise<number> {
    // Unreadable files count too: `reset` is how a broken change file goes away.
    const staged = await this.scan();
    if (indices === undefined) {
      await this.remove(staged.map((s) => s.file));
      return staged.length;
    }
    const files: string[] = [];
    for (const i of new Set(indices)) {
      const s = staged[i];
      if (s === undefined) throw new RangeError(`no staged change #${i} (${staged.length} staged)`);
      files.push(s.file);
    }
    await this.remove(files);
    return files.length;
  }
}

function isChangeName(name: string): boolean {
  return name.endsWith('.change') && !name.startsWith('.');
}

async function writeAtomic(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(dir, name));
  } catch (cause) {
    await unlink(tmp).catch(() => undefined);
    ioError('cannot write change', join(dir, name), cause);
  }
}
