// The per-GUN lock: mutual exclusion, re-entrancy, takeover of a dead or silent holder, LOCKED for a live one.
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gunLockPath, withGunLock } from '../../../src/client/gun-lock.js';
import { deadPid } from '../../helpers/dead-pid.js';
import { tempDir } from '../../helpers/temp-dir.js';

const GUN = 'example.com/lock/repo';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function plantLock(dir: string, owner: { pid: number; host: string }, ageMs = 0): string {
  const path = gunLockPath(dir, GUN);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ ...owner, token: 'planted' }));
  const t = new Date(Date.now() - ageMs);
  utimesSync(path, t, t);
  return path;
}

describe('withGunLock', () => {
  it('serialises two holders of one GUN and removes the lock file afterwards', async () => {
    const dir = tempDir('nt-lock-');
    const events: string[] = [];
    const hold = (name: string) =>
      withGunLock(dir, GUN, async () => {
        events.push(`${name}+`);
        await sleep(40);
        events.push(`${name}-`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(events).toHaveLength(4);
    expect(events[1]).toBe(`${events[0]?.[0]}-`); // the first finished before the second began
    expect(existsSync(gunLockPath(dir, GUN))).toBe(false);
    expect(readdirSync(dirname(gunLockPath(dir, GUN)))).toEqual([]);
  });

  it('other GUNs are not blocked, and a nested call handed the held lock runs straight through', async () => {
    const dir = tempDir('nt-lock-');
    const out = await withGunLock(dir, GUN, async (lock) => {
      const other = await withGunLock(dir, `${GUN}2`, async () => 'other', { waitMs: 200, holding: lock });
      const nested = await withGunLock(dir, GUN, async (inner) => (inner === lock ? 'nested' : 'new lock'), {
        waitMs: 200,
        holding: lock,
      });
      return `${other}/${nested}`;
    });
    expect(out).toBe('other/nested');
  });

  it('a nested call that does not say it holds the lock waits like any other (LOCKED after its wait)', async () => {
    const dir = tempDir('nt-lock-');
    let code: unknown;
    await withGunLock(dir, GUN, async () => {
      try {
        await withGunLock(dir, GUN, async () => 'nested', { waitMs: 150 });
      } catch (e) {
        code = (e as { code?: unknown }).code;
      }
    });
    expect(code).toBe('LOCKED');
  });

  it('a released handle no longer lets a call through', async () => {
    const dir = tempDir('nt-lock-');
    let kept: Parameters<Parameters<typeof withGunLock>[2]>[0];
    await withGunLock(dir, GUN, async (lock) => {
      kept = lock;
    });
    expect(kept?.held).toBe(false);
    let entered: () => void = () => {};
    const inside = new Promise<void>((r) => {
      entered = r;
    });
    const other = withGunLock(dir, GUN, async () => {
      entered();
      await sleep(100);
    });
    let code: unknown;
    await inside; // the other holder has the lock now (no timing guess: the machine may be loaded)
    try {
      await withGunLock(dir, GUN, async () => 'x', { waitMs: 30, holding: kept });
    } catch (e) {
      code = (e as { code?: unknown }).code;
    }
    await other;
    expect(code).toBe('LOCKED');
  });

  it('releases the lock when fn throws', async () => {
    const dir = tempDir('nt-lock-');
    await expect(
      withGunLock(dir, GUN, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(existsSync(gunLockPath(dir, GUN))).toBe(false);
  });

  it('a live holder makes a waiter fail with LOCKED once the wait is over', async () => {
    const dir = tempDir('nt-lock-');
    const path = plantLock(dir, { pid: process.ppid, host: hostname() });
    await expect(withGunLock(dir, GUN, async () => 'x', { waitMs: 150 })).rejects.toMatchObject({
      code: 'LOCKED',
      details: { path },
    });
    expect(existsSync(path)).toBe(true);
  });

  it('takes over the lock of a dead process on this host at once', async () => {
    const dir = tempDir('nt-lock-');
    plantLock(dir, { pid: deadPid(), host: hostname() });
    await expect(withGunLock(dir, GUN, async () => 'mine', { waitMs: 150 })).resolves.toBe('mine');
  });

  it('takes over a lock nobody touched for the stale time (a holder on another host that crashed)', async () => {
    const dir = tempDir('nt-lock-');
    plantLock(dir, { pid: process.ppid, host: 'elsewhere' }, 5_000);
    await expect(withGunLock(dir, GUN, async () => 'mine', { waitMs: 150, staleMs: 1_000 })).resolves.toBe('mine');
    // A live foreign holder that keeps touching it is waited for.
    plantLock(dir, { pid: process.ppid, host: 'elsewhere' }, 0);
    await expect(withGunLock(dir, GUN, async () => 'x', { waitMs: 150, staleMs: 1_000 })).rejects.toMatchObject({
      code: 'LOCKED',
    });
  });

  it('the holder keeps its lock fresh while it works, so waiters do not take it over', async () => {
    const dir = tempDir('nt-lock-');
    let inside = 0;
    let maxInside = 0;
    const hold = () =>
      withGunLock(
        dir,
        GUN,
        async () => {
          maxInside = Math.max(maxInside, ++inside);
          await sleep(400);
          inside--;
        },
        { staleMs: 200 },
      );
    await Promise.all([hold(), hold()]);
    expect(maxInside).toBe(1);
  });

  it('optional: a trust dir where no lock can be made is read without one; otherwise IO', async () => {
    const dir = tempDir('nt-lock-');
    writeFileSync(`${dir}/tuf`, 'not a directory');
    await expect(withGunLock(dir, GUN, async () => 'read', { optional: true })).resolves.toBe('read');
    await expect(withGunLock(dir, GUN, async () => 'x')).rejects.toMatchObject({ code: 'IO' });
  });
});
