// The per-GUN lock's edges: what the lock file holds and its modes, LOCKED's details, lock files that name no usable
// owner, takeover by file time (default stale time, a time in the future), the heartbeat, and a lock that stopped
// being ours. Short waits only (waitMs / staleMs are injected).
import {
  existsSync,
  lutimesSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { gunLockPath, LOCK_STALE_MS, withGunLock } from '../../../src/client/gun-lock.js';
import { deadPid } from '../../helpers/dead-pid.js';
import { rejectedError as rejected } from '../../helpers/error-code.js';
import { openFiles } from '../../helpers/open-files.js';
import { tempDir } from '../../helpers/temp-dir.js';

const GUN = 'example.com/lock/edges';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Writes a lock file with `content` whose modification time is `ageMs` in the past (negative: in the future). */
function plant(dir: string, content: string, ageMs = 0): string {
  const path = gunLockPath(dir, GUN);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  const t = new Date(Date.now() - ageMs);
  utimesSync(path, t, t);
  return path;
}

describe('withGunLock edges', () => {
  it('the lock file is 0600 in new 0700 directories and holds this process: pid, host, a random token', async () => {
    const dir = tempDir('nt-lockx-');
    const path = gunLockPath(dir, GUN);
    const seen = await withGunLock(dir, GUN, async (lock) => {
      expect(lock).toEqual({ path, held: true });
      return { mode: statSync(path).mode & 0o777, owner: JSON.parse(readFileSync(path, 'utf8')) };
    });
    expect(seen.mode).toBe(0o600);
    expect(seen.owner).toEqual({ pid: process.pid, host: hostname(), token: expect.stringMatching(/^[0-9a-f]{24}$/) });
    for (const d of ['tuf', 'tuf/example.com', 'tuf/example.com/lock', 'tuf/example.com/lock/edges']) {
      expect(statSync(join(dir, d)).mode & 0o777, d).toBe(0o700);
    }
    expect(readdirSync(dirname(path))).toEqual([]);
  });

  it('LOCKED names the GUN, the path, how long it waited and the owner', async () => {
    const dir = tempDir('nt-lockx-');
    const path = plant(dir, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'planted' }));
    const e = await rejected(withGunLock(dir, GUN, async () => 'x', { waitMs: 120 }));
    expect(e).toMatchObject({
      code: 'LOCKED',
      details: { gun: GUN, path, owner: { pid: process.ppid, host: hostname(), token: 'planted' } },
    });
    const waited = (e as { details: { waitedMs: number } }).details.waitedMs;
    expect(waited).toBeGreaterThanOrEqual(120);
    expect(waited).toBeLessThan(5_000);
  });

  it('waitMs 0 gives up at once, without waiting', async () => {
    const dir = tempDir('nt-lockx-');
    plant(dir, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'planted' }));
    // Frozen clock and timers that never fire: a call that would wait even once stays pending.
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    try {
      const call = withGunLock(dir, GUN, async () => 'x', { waitMs: 0 }).then(
        () => 'resolved',
        (e: unknown) => e,
      );
      const first = await Promise.race([call, new Promise((r) => setImmediate(() => r('still waiting')))]);
      expect(first).toMatchObject({ code: 'LOCKED', details: { waitedMs: 0 } });
    } finally {
      vi.useRealTimers();
    }
  });

  // A lock file that names no usable owner is nobody's to take over early: only its age frees it.
  for (const [what, owner] of [
    ['a pid that is a string', (pid: number) => ({ pid: String(pid), host: hostname(), token: 't' })],
    ['no host', (pid: number) => ({ pid, host: 1, token: 't' })],
    ['no token', (pid: number) => ({ pid, host: hostname(), token: 7 })],
    ['not JSON', () => 'garbage'],
  ] as const) {
    it(`a fresh lock file with ${what} (even of a dead pid) is waited for: LOCKED, owner null`, async () => {
      const dir = tempDir('nt-lockx-');
      const o = owner(deadPid());
      const path = plant(dir, typeof o === 'string' ? o : JSON.stringify(o));
      const e = await rejected(withGunLock(dir, GUN, async () => 'x', { waitMs: 60 }));
      expect(e).toMatchObject({ code: 'LOCKED', details: { path, owner: null } });
      expect(existsSync(path)).toBe(true);
    });
  }

  it('a dead pid on another host is not taken over while the file is fresh (the pid is not ours to check)', async () => {
    const dir = tempDir('nt-lockx-');
    plant(dir, JSON.stringify({ pid: deadPid(), host: `not-${hostname()}`, token: 'planted' }));
    await expect(withGunLock(dir, GUN, async () => 'x', { waitMs: 60 })).rejects.toMatchObject({ code: 'LOCKED' });
  });

  it('without staleMs the stale time is LOCK_STALE_MS: a live foreign lock just older is taken over, just younger is not', async () => {
    const dir = tempDir('nt-lockx-');
    const owner = JSON.stringify({ pid: process.ppid, host: 'elsewhere', token: 'planted' });
    plant(dir, owner, LOCK_STALE_MS - 10_000);
    await expect(withGunLock(dir, GUN, async () => 'x', { waitMs: 60 })).rejects.toMatchObject({ code: 'LOCKED' });
    plant(dir, owner, LOCK_STALE_MS + 10_000);
    await expect(withGunLock(dir, GUN, async () => 'mine', { waitMs: 60 })).resolves.toBe('mine');
    expect(readdirSync(dirname(gunLockPath(dir, GUN)))).toEqual([]); // the stale file moved aside is gone too
  });

  it('a file time far in the future counts as untouched (a clock far ahead must not pin a lock)', async () => {
    const dir = tempDir('nt-lockx-');
    plant(dir, JSON.stringify({ pid: process.ppid, host: 'elsewhere', token: 'planted' }), -10_000);
    await expect(withGunLock(dir, GUN, async () => 'mine', { waitMs: 60, staleMs: 1_000 })).resolves.toBe('mine');
  });

  it('after a takeover the lock is ours (our token), and nothing but it is in the directory', async () => {
    const dir = tempDir('nt-lockx-');
    const path = plant(dir, JSON.stringify({ pid: deadPid(), host: hostname(), token: 'planted' }));
    const inside = await withGunLock(
      dir,
      GUN,
      async () => ({ names: readdirSync(dirname(path)), owner: JSON.parse(readFileSync(path, 'utf8')) }),
      { waitMs: 60 },
    );
    expect(inside.names).toEqual(['.lock']);
    expect(inside.owner.pid).toBe(process.pid);
    expect(readdirSync(dirname(path))).toEqual([]);
  });

  it('the holder touches its lock every staleMs / 4', async () => {
    const dir = tempDir('nt-lockx-');
    const path = gunLockPath(dir, GUN);
    const old = new Date(Date.now() - 3_600_000);
    const mtime = await withGunLock(
      dir,
      GUN,
      async () => {
        utimesSync(path, old, old);
        await sleep(400); // 4 beats at staleMs 400 / 4 = 100 ms (the floor is 50 ms)
        return statSync(path).mtimeMs;
      },
      { staleMs: 400 },
    );
    expect(Date.now() - mtime).toBeLessThan(60_000);
  });

  it('a lock that stopped being ours (taken over meanwhile) is neither touched nor removed', async () => {
    const dir = tempDir('nt-lockx-');
    const path = gunLockPath(dir, GUN);
    const other = JSON.stringify({ pid: process.ppid, host: 'elsewhere', token: 'theirs' });
    const old = new Date(Date.now() - 3_600_000);
    await withGunLock(
      dir,
      GUN,
      async () => {
        writeFileSync(path, other);
        utimesSync(path, old, old);
        await sleep(250); // several beats at staleMs 200
      },
      { staleMs: 200 },
    );
    expect(readFileSync(path, 'utf8')).toBe(other);
    expect(Math.abs(statSync(path).mtimeMs - old.getTime())).toBeLessThan(1);
  });

  it('a missing lock file at release is fine (someone removed it)', async () => {
    const dir = tempDir('nt-lockx-');
    const path = gunLockPath(dir, GUN);
    await expect(
      withGunLock(dir, GUN, async () => {
        writeFileSync(path, '{}'); // not ours any more
        return 'done';
      }),
    ).resolves.toBe('done');
    expect(readFileSync(path, 'utf8')).toBe('{}');
  });

  it('a handle of another GUN is not a pass: that GUN gets its own lock', async () => {
    const dir = tempDir('nt-lockx-');
    const other = `${GUN}2`;
    const seen = await withGunLock(dir, GUN, async (lock) =>
      withGunLock(dir, other, async (inner) => ({ same: inner === lock, path: inner?.path }), { holding: lock }),
    );
    expect(seen).toEqual({ same: false, path: gunLockPath(dir, other) });
  });

  it('optional only forgives a lock that cannot be made: a live holder is still LOCKED', async () => {
    const dir = tempDir('nt-lockx-');
    plant(dir, JSON.stringify({ pid: process.ppid, host: hostname(), token: 'planted' }));
    await expect(withGunLock(dir, GUN, async () => 'x', { waitMs: 60, optional: true })).rejects.toMatchObject({
      code: 'LOCKED',
    });
  });

  // Before the fix, mkdir's EEXIST (a file where the GUN's directory should be) read as "the lock is held": every
  // run waited the whole LOCK_WAIT_MS (5 minutes) and then failed LOCKED, and an optional reader did not read at all.
  it('a file where the GUN directory should be is IO at once (naming the lock path, cause EEXIST), not a held lock', async () => {
    const dir = tempDir('nt-lockx-');
    const path = gunLockPath(dir, GUN);
    mkdirSync(dirname(dirname(path)), { recursive: true });
    writeFileSync(dirname(path), 'a file where the GUN directory should be');
    const started = Date.now();
    const e = await rejected(withGunLock(dir, GUN, async () => 'x', { waitMs: 60_000 }));
    expect(e).toMatchObject({ code: 'IO', details: { path } });
    expect((e as { cause?: { code?: string } }).cause?.code).toBe('EEXIST');
    expect(Date.now() - started).toBeLessThan(30_000);
    await expect(withGunLock(dir, GUN, async (l) => l, { waitMs: 60_000, optional: true })).resolves.toBeUndefined();
  });

  it('a directory or a symlink at the lock path is IO at once (not a lock anyone holds), and is left alone', async () => {
    for (const make of ['dir', 'symlink'] as const) {
      const dir = tempDir('nt-lockx-');
      const path = gunLockPath(dir, GUN);
      mkdirSync(dirname(path), { recursive: true });
      if (make === 'dir') mkdirSync(join(path, 'inside'), { recursive: true });
      else symlinkSync(join(dir, 'elsewhere'), path);
      const old = new Date(Date.now() - 3_600_000); // old enough to look abandoned: still not taken over
      lutimesSync(path, old, old);
      const started = Date.now();
      const e = await rejected(withGunLock(dir, GUN, async () => 'x', { waitMs: 60_000, staleMs: 1_000 }));
      expect(e, make).toMatchObject({ code: 'IO', details: { path } });
      expect((e as { cause?: { code?: string } }).cause?.code, make).toBe('EEXIST');
      expect(Date.now() - started, make).toBeLessThan(30_000);
      expect(readdirSync(dirname(path)), make).toEqual(['.lock']);
      await expect(
        withGunLock(dir, GUN, async (l) => l, { optional: true }),
        make,
      ).resolves.toBeUndefined();
    }
  });

  it('a lock file that cannot be opened in a directory that can be made is IO, not a wait (ENAMETOOLONG past PATH_MAX)', async () => {
    // Pad the trust dir so that the GUN's directory is just under PATH_MAX (4096 with the NUL) and `.lock` crosses it.
    let dir = tempDir('nt-lockx-');
    const tail = gunLockPath('', GUN).length - '.lock'.length; // '/tuf/example.com/lock/edges/' minus the leading ''
    while (dir.length + tail + 200 < 4090) dir = join(dir, 'p'.repeat(199));
    dir = join(dir, 'q'.repeat(4092 - tail - dir.length - 1));
    const path = gunLockPath(dir, GUN);
    expect(dirname(path).length).toBeLessThan(4096);
    expect(path.length).toBeGreaterThanOrEqual(4096);
    const e = await rejected(withGunLock(dir, GUN, async () => 'x', { waitMs: 60_000 }));
    expect(e).toMatchObject({ code: 'IO', details: { path } });
    expect((e as { cause?: { code?: string } }).cause?.code).toBe('ENAMETOOLONG');
    expect(statSync(dirname(path)).isDirectory()).toBe(true);
  });

  it('the lock file is closed once written: only the path stays, no descriptor', async () => {
    const dir = tempDir('nt-lockx-');
    const path = gunLockPath(dir, GUN);
    const open = await withGunLock(dir, GUN, async () => openFiles());
    expect(open).not.toContain(path);
  });

  it('a lock directory that cannot be made is IO naming the lock path (a path component too long: ENAMETOOLONG)', async () => {
    const dir = join(tempDir('nt-lockx-'), 'x'.repeat(300));
    const e = await rejected(withGunLock(dir, GUN, async () => 'x', { waitMs: 60 }));
    expect(e).toMatchObject({ code: 'IO', details: { path: gunLockPath(dir, GUN) } });
    expect((e as { cause?: { code?: string } }).cause?.code).toBe('ENAMETOOLONG');
  });
});
