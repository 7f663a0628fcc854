// Notary's file changelist: `<trustDir>/tuf/<gun>/changelist/<%020d UnixNano>_<uuid>.change`, applied in name order.

import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { notaryError } from '../errors.js';
import { type Change, decodeChange, encodeChange } from './change.js';

/** A change read back from disk, with the file it came from (what `reset`/`clear` remove). */
export interface StagedChange {
  readonly file: string;
  readonly change: Change;
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

/** Go's `<` on file names: byte order, which for these ASCII names is UTF-16 order too. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

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
   * Every staged change, in application order (file name order). Hidden files (our temp files) and files not
   * ending in `.change` are not changes and are skipped.
   * @throws NotaryError CACHE_CORRUPT for an unreadable change, IO when the directory cannot be read
   */
  async list(): Promise<StagedChange[]> {
    let names: string[];
    try {
      const entries = await readdir(this.dir, { withFileTypes: true });
      names = entries.filter((e) => e.isFile() && isChangeName(e.name)).map((e) => e.name);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
      ioError('cannot read changelist', this.dir, cause);
    }
    names.sort(byName);
    const out: StagedChange[] = [];
    for (const name of names) {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(join(this.dir, name));
      } catch (cause) {
        // Removed by a concurrent publish between readdir and read: it is no longer staged.
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') continue;
        ioError('cannot read change', join(this.dir, name), cause);
      }
      out.push({ file: name, change: decodeChange(bytes, name) });
    }
    return out;
  }

  /**
   * Stages changes, one file each, in the given order.
   * @throws NotaryError IO
   */
  async add(changes: readonly Change[]): Promise<string[]> {
    if (changes.length === 0) return [];
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
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
        await unlink(join(this.dir, f));
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT')
          ioError('cannot remove change', join(this.dir, f), cause);
      }
    }
  }

  /**
   * Removes the changes at the given positions of `list()` (as `notary reset -n`), or all of them.
   * @throws NotaryError IO, CACHE_CORRUPT; RangeError for an index out of range
   */
  async reset(indices?: readonly number[]): Promise<number> {
    const staged = await this.list();
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
