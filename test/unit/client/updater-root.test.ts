// The updater's root checks (SPEC §7.1/§7.3): expiry of the first, cached and final root, and the bound on a root
// walk. Each case fails when the check it names is removed (they were deletable without any other test failing).
import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_ROOT_ROTATIONS, MetadataCache, Updater } from '../../../src/client/index.js';
import { bytesEqual } from '../../../src/encoding/bytes.js';
import { RepoSimulator, type SimFetcher } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

const DAY_MS = 86_400_000;

let sim: RepoSimulator;
let fetcher: SimFetcher;
let cache: MetadataCache;

beforeEach(() => {
  sim = new RepoSimulator();
  fetcher = sim.fetcher();
  cache = new MetadataCache(tempDir('nt-updater-root-'), sim.gun);
});

function update(now: Date, offline = false) {
  return new Updater({ gun: sim.gun, cache, remote: fetcher, now: () => now, offline }).update();
}

function cached(): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const r of ['root', 'timestamp', 'snapshot', 'targets']) {
    const b = cache.read(r);
    out[r] = b === undefined ? undefined : Buffer.from(b).toString('base64');
  }
  return out;
}

const at = (ms: number) => new Date(sim.now.getTime() + ms);

describe('root expiry', () => {
  it('F6: an expired root on first use is EXPIRED and nothing is cached', async () => {
    sim.lifetimes.root = 86_400;
    sim.rotateRoot();
    sim.publish();
    await expect(update(at(2 * DAY_MS))).rejects.toMatchObject({ code: 'EXPIRED', details: { role: 'root' } });
    expect(cache.read('root')).toBeUndefined();
    expect(cache.read('timestamp')).toBeUndefined();
  });

  it('F3: a cached root that expired, with no newer root on the server, is EXPIRED (cache unchanged)', async () => {
    sim.lifetimes.root = 86_400;
    sim.rotateRoot();
    sim.publish();
    await update(at(1000));
    sim.addTarget('new', 'data');
    sim.publish();
    const before = cached();
    fetcher.log.length = 0;
    await expect(update(at(2 * DAY_MS))).rejects.toMatchObject({ code: 'EXPIRED', details: { role: 'root' } });
    // The expired root is noticed before the timestamp: the first request looks for a newer root.
    expect(fetcher.log).toEqual(['root.json']);
    expect(cached()).toEqual(before);
  });

  it('a walk that ends on an expired root is EXPIRED and the cache keeps the old root', async () => {
    await update(at(1000));
    const before = cached();
    sim.lifetimes.root = 86_400;
    sim.rotateRoot({ rotate: ['timestamp'] });
    sim.publish();
    // The new timestamp key fails under the cached root: recovery walks to root v2, which has expired by now.
    await expect(update(at(2 * DAY_MS))).rejects.toMatchObject({ code: 'EXPIRED', details: { role: 'root' } });
    expect(cached()).toEqual(before);
    // Before it expires, the same walk succeeds and caches root v2.
    const repo = await update(at(2000));
    expect(repo.root.version).toBe(2);
    expect(bytesEqual(cache.read('root') as Uint8Array, sim.file('root'))).toBe(true);
  });

  it('offline, an expired cached root is EXPIRED (there is no way to a newer one)', async () => {
    sim.lifetimes.root = 86_400;
    sim.rotateRoot();
    sim.publish();
    await update(at(1000));
    // Timestamp (14 days) and the rest are still fresh two days later; only the root has expired.
    expect((await update(at(1000), true)).offline).toBe(true);
    await expect(update(at(2 * DAY_MS), true)).rejects.toMatchObject({ code: 'EXPIRED', details: { role: 'root' } });
  });
});

describe('MAX_ROOT_ROTATIONS bounds a root walk', () => {
  beforeEach(async () => {
    await update(at(1000));
    fetcher.log.length = 0;
  });

  it(`a root more than ${MAX_ROOT_ROTATIONS} versions ahead is refused before any N.root.json is fetched`, async () => {
    expect(MAX_ROOT_ROTATIONS).toBe(256);
    sim.rootVersion = 1 + MAX_ROOT_ROTATIONS; // the next root is trusted + 257
    sim.rotateRoot({ rotate: ['timestamp'] });
    sim.publish();
    await expect(update(at(2000))).rejects.toMatchObject({
      code: 'ROOT_ROTATION_FAILED',
      details: { role: 'root', version: 2 + MAX_ROOT_ROTATIONS, trustedVersion: 1, limit: MAX_ROOT_ROTATIONS },
    });
    expect(fetcher.log).toEqual(['timestamp.json', 'root.json']);
  });

  it(`exactly ${MAX_ROOT_ROTATIONS} versions ahead is walked (here: the first intermediate root is missing)`, async () => {
    sim.rootVersion = MAX_ROOT_ROTATIONS; // the next root is trusted + 256
    sim.rotateRoot({ rotate: ['timestamp'] });
    sim.publish();
    // The walk asks for 2.root.json, which the server does not have: the recovery cannot run, so the original
    // trust failure (the timestamp under the old key) stands.
    await expect(update(at(2000))).rejects.toMatchObject({ code: 'THRESHOLD_NOT_MET' });
    expect(fetcher.log).toEqual(['timestamp.json', 'root.json', '2.root.json']);
  });
});
