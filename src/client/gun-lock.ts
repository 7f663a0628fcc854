// One updater or publisher per GUN at a time, across processes: a lock file in the trust dir, stale-safe.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isNotaryError, notaryError } from '../errors.js';
import { assertGun } from '../grammar/gun.js';
import { processAlive } from './process-alive.js';

/** How long to wait for another process before giving up (an update makes a handful of 30 s-bounded requests). */
export const LOCK_WAIT_MS = 300_000;
/** A lock whose file was not touched for this long belongs to a process that is gone (the holder touches it every quarter). */
export const LOCK_STALE_MS = 60_000;

export interface GunLockOptions {
  /** Default LOCK_WAIT_MS. */
  readonly waitMs?: number | undefined;
  /** Default LOCK_STALE_MS. */
  readonly staleMs?: number | undefined;
  /** Run `fn` without the lock when the lock file cannot be created (a read-only trust dir; for readers only). */
  readonly optional?: boolean | undefined;
  /**
   * The lock the caller already holds (the handle its own `withGunLock` passed it): when it is this GUN's and still
   * held, `fn` runs straight through. Re-entrancy is explicit: an ambient async context (AsyncLocalStorage) would
   * switch on promise hooks for the whole process and slow every later `await` (a library's lookups).
   */
  readonly holding?: GunLock | undefined;
}

/** A held lock, handed to the function that runs under it so that nested work can say it runs inside. */
export interface GunLock {
  readonly path: string;
  /** False once released. */
  readonly held: boolean;
}

/** `<trustDir>/tuf/<gun>/.lock`, beside the GUN's `metadata/` and `changelist/`. */
export function gunLockPath(trustDir: string, gun: string): string {
  assertGun(gun);
  return join(trustDir, 'tuf', ...gun.split('/'), '.lock');
}

/**
 * Runs `fn` holding the lock of `gun` in `trustDir`: one update or publish per GUN at a time, in this process and
 * across processes (the metadata cache's rollback floors, and a first `sign` creating root and targets keys, need
 * it). Re-entrant through `options.holding` (a publish runs an update inside its own lock and hands it the handle); `fn`
 * gets the handle, or undefined when an `optional` lock could not be taken.
 *
 * The lock is a file created with O_EXCL holding `{pid, host, token}`. A holder touches it every `staleMs / 4`; a
 * waiter takes it over when its owner is a dead process on this host, or when it was not touched for `staleMs`
 * (a crashed holder on another host sharing the trust dir). Takeover renames the file away first, so of two
 * waiters only one wins. The lock protects liveness only: no verification decision ever depends on file times.
 * @throws NotaryError LOCKED when the lock stays held by a live process for `waitMs`; IO when the lock file cannot
 *   be created (e.g. a read-only trust dir); INVALID_GUN
 */
export async function withGunLock<T>(
  trustDir: string,
  gun: string,
  fn: (lock: GunLock | undefined) => Promise<T>,
  options: GunLockOptions = {},
): Promise<T> {
  const path = gunLockPath(trustDir, gun);
  const outer = options.holding;
  if (outer?.held && outer.path === path) return fn(outer);
  let release: () => void;
  try {
    release = await acquire(path, gun, options);
  } catch (e) {
    if (options.optional === true && isNotaryError(e, 'IO')) return fn(undefined);
    throw e;
  }
  const lock = { path, held: true };
  try {
    return await fn(lock);
  } finally {
    lock.held = false;
    release();
  }
}

interface Owner {
  readonly pid: number;
  readonly host: string;
  readonly token: string;
}

async function acquire(path: string, gun: string, options: GunLockOptions): Promise<() => void> {
  const waitMs = options.waitMs ?? LOCK_WAIT_MS;
  const staleMs = options.staleMs ?? LOCK_STALE_MS;
  const me: Owner = { pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex') };
  const started = Date.now();
  let pause = 10;
  for (;;) {
    if (tryCreate(path, me)) return startHeartbeat(path, me, staleMs);
    const staleIno = staleLock(path, staleMs);
    if (staleIno !== undefined) {
      takeOver(path, staleIno);
      continue;
    }
    if (Date.now() - started >= waitMs) {
      throw notaryError('LOCKED', `${gun} is locked by another process (${path})`, {
        details: { gun, path, waitedMs: Date.now() - started, owner: readOwner(path) ?? null },
      });
    }
    await new Promise((r) => setTimeout(r, pause + Math.random() * pause));
    pause = Math.min(pause * 2, 250);
  }
}

function tryCreate(path: string, me: Owner): boolean {
  let fd: number;
  try {
    // Its own step: mkdir's EEXIST means a non-directory where the GUN's directory should be, which no wait cures.
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw notaryError('IO', `cannot create the lock ${path}`, { cause: e, details: { path } });
  }
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && !notALockFile(path)) return false; // held
    throw notaryError('IO', `cannot create the lock ${path}`, { cause: e, details: { path } });
  }
  try {
    writeSync(fd, JSON.stringify(me));
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Something other than a regular file at the lock path (a directory, a symlink, a FIFO): no wait frees it. */
function notALockFile(path: string): boolean {
  try {
    return !lstatSync(path).isFile();
  } catch {
    return false; // gone meanwhile: the next attempt decides
  }
}

function readOwner(path: string): Owner | undefined {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    if (typeof o.pid !== 'number' || typeof o.host !== 'string' || typeof o.token !== 'string') return undefined;
    return { pid: o.pid, host: o.host, token: o.token };
  } catch {
    return undefined;
  }
}

/** The inode of the lock file when its holder is gone, else undefined. */
function staleLock(path: string, staleMs: number): number | undefined {
  let st: { ino: number; mtimeMs: number };
  try {
    st = statSync(path);
  } catch {
    return undefined; // gone already: the next create attempt decides
  }
  const owner = readOwner(path);
  const dead =
    owner !== undefined && owner.host === hostname() && owner.pid !== process.pid && !processAlive(owner.pid);
  // Untouched for staleMs either way (a clock far ahead must not pin a lock forever).
  return dead || Math.abs(Date.now() - st.mtimeMs) > staleMs ? st.ino : undefined;
}

/**
 * Moves the stale lock (inode `ino`) aside. If what was moved is another file (a waiter took over and created a
 * fresh lock since we looked), it is put back.
 */
function takeOver(path: string, ino: number): void {
  const aside = `${path}.${randomBytes(6).toString('hex')}.stale`;
  try {
    renameSync(path, aside);
  } catch {
    return; // another waiter moved it first
  }
  try {
    if (statSync(aside).ino !== ino) linkSync(aside, path);
  } catch {
    // the path was taken again meanwhile: that newer holder keeps it
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

function startHeartbeat(path: string, me: Owner, staleMs: number): () => void {
  const timer = setInterval(
    () => {
      try {
        const now = new Date();
        if (readOwner(path)?.token === me.token) utimesSync(path, now, now);
      } catch {
        // a missed beat only brings a takeover closer
      }
    },
    Math.max(50, Math.floor(staleMs / 4)),
  );
  timer.unref();
  return () => {
    clearInterval(timer);
    // Remove only our own lock: after a takeover the file belongs to someone else.
    if (readOwner(path)?.token !== me.token) return;
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
}
