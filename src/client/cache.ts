// The on-disk metadata cache `<trustDir>/tuf/<gun>/metadata/<role>.json`, Notary's layout, exact bytes, atomic writes.
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readSync, rmSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { notaryError } from '../errors.js';
import { assertGun } from '../grammar/gun.js';
import { isRoleName } from '../grammar/role-name.js';
import { writeFileAtomicSync } from './atomic-file.js';
import { StagedWrite } from './staged-write.js';
import { sweepStaleTemps } from './stale-temp.js';

/** Go's `notary.PrivExecPerms` / `PrivNoExecPerms` (storage/filestore.go): the cache is private to its owner. */
export const CACHE_DIR_MODE = 0o700;
export const CACHE_FILE_MODE = 0o600;

/** Largest cached file we will read at all (Notary's `MaxDownloadSize`, 100 MiB); role caps are lower. */
export const CACHE_READ_LIMIT = 100 << 20;

/** One role file to store: `role` and the exact bytes that were verified. */
export interface CacheEntry {
  readonly role: string;
  readonly bytes: Uint8Array;
  /** The write `stage` started for these bytes, if any (`commitAll` uses it instead of writing again). */
  readonly staged?: StagedWrite | undefined;
}

/** Commit order: root first (the anchor), then delegations, targets, snapshot, timestamp (parents last). */
function rank(role: string): number {
  return role === 'root' ? 0 : role === 'timestamp' ? 4 : role === 'snapshot' ? 3 : role === 'targets' ? 2 : 1;
}

/**
 * The metadata cache of one GUN. Reads return the stored bytes untouched; writes are atomic per file
 * (temp file in the same directory, fsync, rename, fsync of the directory), so a reader, the Go CLI or a second
 * notary-ts process sees either the old or the new file, never a torn one.
 *
 * Concurrency: updaters and publishers of one GUN hold its lock (`withGunLock`) while they read floors from and
 * write to this cache, so runs do not interleave. Readers without the lock (another tool) still see whole files.
 */
export class MetadataCache {
  /** `<trustDir>/tuf/<gun>/metadata`. */
  readonly dir: string;

  /** @throws NotaryError INVALID_GUN when the GUN cannot be used as a path */
  constructor(
    readonly trustDir: string,
    readonly gun: string,
  ) {
    assertGun(gun);
    this.dir = join(trustDir, 'tuf', ...gun.split('/'), 'metadata');
  }

  /** Absolute path of a role's file (`targets/releases` → `…/metadata/targets/releases.json`). */
  pathOf(role: string): string {
    if (!isRoleName(role)) throw new RangeError(`not a cacheable role name: ${JSON.stringify(role)}`);
    return join(this.dir, ...role.split('/')) + '.json';
  }

  /**
   * The cached bytes of `role`, or `undefined` when there is no such file, or what is there is not a regular file
   * (a FIFO, device, directory or symlink: opened without blocking or following, then treated as absent).
   * @throws NotaryError CACHE_CORRUPT when the file is larger than `maxBytes` (a cache is never larger than what
   *   its parent allows); IO on other read errors
   */
  read(role: string, maxBytes: number = CACHE_READ_LIMIT): Uint8Array | undefined {
    return this.readEntry(role, maxBytes)?.bytes;
  }

  /**
   * `read` plus the file's modification time (ms since the epoch, real clock), so a caller can tell a file a
   * concurrent process wrote during its own update from one that was there before.
   * @throws NotaryError CACHE_CORRUPT, IO as `read`
   */
  readEntry(role: string, maxBytes: number = CACHE_READ_LIMIT): { bytes: Uint8Array; mtimeMs: number } | undefined {
    const path = this.pathOf(role);
    let fd: number;
    try {
      // §7.4: never block (a FIFO or device would hang the open or the read) and never follow a link.
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // ELOOP: a symlink (O_NOFOLLOW); ENXIO: a socket or a device without a driver. Not a cached file.
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENXIO') return undefined;
      throw notaryError('IO', `cannot read cached ${role}`, { cause: e, details: { role, path } });
    }
    try {
      const st = fstatSync(fd);
      // Only a regular file is a cached file; anything else (FIFO, device, directory) is treated as absent.
      if (!st.isFile()) return undefined;
      const limit = Math.min(maxBytes, CACHE_READ_LIMIT);
      if (st.size > limit) {
        throw notaryError('CACHE_CORRUPT', `cached ${role} is ${st.size} bytes, more than the ${limit} allowed`, {
          details: { role, path, size: st.size, limit },
        });
      }
      // Read by the size seen in fstat; a concurrent rename replaces the inode, never this open file's contents.
      const buf = new Uint8Array(st.size);
      let off = 0;
      while (off < buf.length) {
        const n = readSync(fd, buf, off, buf.length - off, off);
        if (n === 0) break;
        off += n;
      }
      return { bytes: off === buf.length ? buf : buf.subarray(0, off), mtimeMs: st.mtimeMs };
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Stores `bytes` as `role` atomically with mode 0600 in 0700 directories (what Go's FilesystemStore writes).
   * @throws NotaryError IO when the file cannot be written (the previous file, if any, is left in place)
   */
  write(role: string, bytes: Uint8Array): void {
    const path = this.pathOf(role);
    const dir = dirname(path);
    try {
      mkdirSync(dir, { recursive: true, mode: CACHE_DIR_MODE });
      sweepStaleTemps(dir); // a killed writer's temp files (possibly megabytes each) go with the next write
      writeFileAtomicSync(path, bytes, CACHE_FILE_MODE);
    } catch (e) {
      throw notaryError('IO', `cannot write cached ${role}`, { cause: e, details: { role, path } });
    }
    syncDir(dir);
  }

  /**
   * Writes several roles, parents last: delegations and targets, then snapshot, then timestamp, so a crash midway
   * leaves every timestamp on disk pointing at files that are already there (or at older ones that re-verify).
   * Root goes first: it is the anchor and is only ever passed here after its chain verified.
   * @throws NotaryError IO
   */
  writeAll(entries: readonly CacheEntry[]): void {
    const sorted = [...entries].sort((a, b) => rank(a.role) - rank(b.role));
    for (const e of sorted) this.write(e.role, e.bytes);
  }

  /**
   * Starts writing `bytes` as the next `role` file without making it visible: the temp file is written and made
   * durable on libuv's threadpool while the caller verifies (see `StagedWrite`). Pass the handle in a `CacheEntry`
   * to `commitAll`, or `discard()` it. Never throws for I/O (reported by `commitAll`); undefined when this cache
   * writes nothing ahead (`DeferredCache`).
   */
  stage(role: string, bytes: Uint8Array): StagedWrite | undefined {
    return stageOnDisk(this.pathOf(role), role, bytes);
  }

  /**
   * `writeAll`, with the file writes concurrent and off the main thread: entries not staged yet are staged now, all
   * temp files are awaited, then renamed parents last (as `writeAll`) and each directory is fsynced once. A
   * failure before the first rename leaves the cache untouched; a failure between renames leaves the files renamed
   * so far (each whole, children before parents, as `writeAll` would).
   * @throws NotaryError IO (staged temp files are removed)
   */
  async commitAll(entries: readonly CacheEntry[]): Promise<void> {
    const sorted = [...entries].sort((a, b) => rank(a.role) - rank(b.role));
    const staged = sorted.map((e) => {
      const s = e.staged;
      return s?.pending && s.bytes === e.bytes && s.path === this.pathOf(e.role)
        ? s
        : stageOnDisk(this.pathOf(e.role), e.role, e.bytes);
    });
    const errors = await Promise.all(staged.map((s) => s.ready()));
    const dirs = new Set<string>();
    try {
      for (let i = 0; i < staged.length; i++) {
        const s = staged[i] as StagedWrite;
        if (errors[i] !== undefined) throw ioError(s, errors[i]);
        try {
          s.commit();
        } catch (e) {
          throw ioError(s, e);
        }
        dirs.add(dirname(s.path));
      }
    } finally {
      await Promise.all(staged.map((s) => s.discard()));
      for (const d of dirs) syncDir(d);
    }
  }

  /** Deletes one cached role (missing is fine). @throws NotaryError IO */
  remove(role: string): void {
    try {
      rmSync(this.pathOf(role), { force: true });
    } catch (e) {
      throw notaryError('IO', `cannot remove cached ${role}`, { cause: e, details: { role } });
    }
  }

  /** Human-readable location, for messages. */
  toString(): string {
    return this.dir + sep;
  }
}

// Not a private method: tests build caches from the prototype, and a subclass overriding `stage` (DeferredCache)
// must not change what `commitAll` itself writes.
function stageOnDisk(path: string, role: string, bytes: Uint8Array): StagedWrite {
  return new StagedWrite(role, path, bytes, CACHE_FILE_MODE, CACHE_DIR_MODE);
}

function ioError(s: StagedWrite, cause: unknown) {
  return notaryError('IO', `cannot write cached ${s.role}`, { cause, details: { role: s.role, path: s.path } });
}

function syncDir(dir: string): void {
  // Makes the rename durable; not every platform/filesystem allows opening a directory, so best effort.
  try {
    const fd = openSync(dir, constants.O_RDONLY);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // durability hint only
  }
}
