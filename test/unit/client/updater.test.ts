// The updater's I/O flow against the simulator: request sequences, cache contents, recovery, offline, attacks.
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { MetadataCache, type MissingDelegationPolicy, Updater } from '../../../src/client/index.js';
import { bytesEqual } from '../../../src/encoding/bytes.js';
import { notaryError } from '../../../src/errors.js';
import { RepoSimulator, type SimFetcher, tamper } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

const NOW = new Date('2030-01-02T00:00:00Z');

let sim: RepoSimulator;
let fetcher: SimFetcher;
let cache: MetadataCache;

beforeEach(() => {
  sim = new RepoSimulator();
  fetcher = sim.fetcher();
  cache = new MetadataCache(tempDir('nt-updater-'), sim.gun);
});

function updater(over: { now?: Date; offline?: boolean; missing?: MissingDelegationPolicy } = {}): Updater {
  return new Updater({
    gun: sim.gun,
    cache,
    remote: fetcher,
    now: () => over.now ?? NOW,
    offline: over.offline,
    missingDelegations: over.missing,
  });
}

/** Replaces every stored version of `role` reachable by checksum with a tampered copy. */
function tamperStored(s: RepoSimulator, role: string): void {
  for (const [k, v] of s.byChecksum) if (k.startsWith(`${role}.`)) s.byChecksum.set(k, tamper(v));
}

function snapshotCache(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of ['root', 'timestamp', 'snapshot', 'targets', 'targets/releases']) {
    const b = cache.read(r);
    if (b) out[r] = Buffer.from(b).toString('base64');
  }
  return out;
}

describe('bootstrap and update (Notary request sequence)', () => {
  it('cold cache: root, timestamp, snapshot, targets (the last two by name, speculatively); exact bytes cached 0600 in 0700 dirs', async () => {
    sim.addTarget('v1', 'one');
    sim.publish();
    const repo = await updater().update();
    expect(repo.targets.getTarget('v1')?.length).toBe(3);
    expect(fetcher.log).toEqual(['root.json', 'timestamp.json', 'snapshot.json', 'targets.json']);
    for (const r of ['root', 'timestamp', 'snapshot', 'targets']) {
      expect(bytesEqual(cache.read(r) as Uint8Array, sim.file(r))).toBe(true);
      expect(statSync(cache.pathOf(r)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(cache.dir).mode & 0o777).toBe(0o700);
  });

  it('warm cache: only the timestamp is fetched', async () => {
    await updater().update();
    fetcher.log.length = 0;
    await updater().update();
    expect(fetcher.log).toEqual(['timestamp.json']);
  });

  it('a new publish fetches the changed roles by checksum', async () => {
    await updater().update();
    sim.addTarget('v2', 'two');
    sim.publish();
    fetcher.log.length = 0;
    const repo = await updater().update();
    expect(repo.targets.hasTarget('v2')).toBe(true);
    expect(fetcher.log.length).toBe(3);
  });

  it('no trust data on the server: REPOSITORY_NOT_FOUND', async () => {
    fetcher.intercept = (req) => {
      if (req.role === 'root') throw notaryError('REPOSITORY_NOT_FOUND', 'nope');
      return undefined;
    };
    await expect(updater().update()).rejects.toMatchObject({ code: 'REPOSITORY_NOT_FOUND' });
  });
});

describe('root rotation recovery (tufClient.Update → updateRoot → retry)', () => {
  it('walks N.root.json from cached+1 when the keys rotated', async () => {
    await updater().update();
    sim.rotateRoot({ rotate: ['root'] });
    sim.rotateRoot({ rotate: ['root', 'timestamp'] });
    sim.rotateRoot({ rotate: ['root', 'snapshot', 'targets'] });
    sim.publish();
    fetcher.log.length = 0;
    const repo = await updater().update();
    expect(repo.root.version).toBe(4);
    expect(fetcher.log.map((l) => l.replace(/[0-9a-f]{64}/, 'H'))).toEqual([
      'timestamp.json',
      'root.json',
      '2.root.json',
      '3.root.json',
      'timestamp.json',
      'snapshot.H.json',
      'targets.H.json',
    ]);
    expect(bytesEqual(cache.read('root') as Uint8Array, sim.file('root'))).toBe(true);
  });

  it('a root rotated without re-signing by the old keys is refused and the cache keeps the old root', async () => {
    await updater().update();
    const before = snapshotCache();
    sim.rotateRoot({ rotate: ['root', 'timestamp'], signWithOld: false });
    sim.publish();
    await expect(updater().update()).rejects.toMatchObject({ code: 'ROOT_ROTATION_FAILED' });
    expect(snapshotCache()).toEqual(before);
  });

  it('an expired cached root is replaced before the update', async () => {
    sim.lifetimes.root = 86_400;
    sim.rotateRoot();
    sim.publish();
    await updater({ now: new Date(sim.now.getTime() + 1000) }).update();
    delete sim.lifetimes.root;
    sim.rotateRoot();
    sim.publish();
    fetcher.log.length = 0;
    const repo = await updater({ now: new Date(sim.now.getTime() + 2 * 86_400_000) }).update();
    expect(repo.root.version).toBe(3);
    expect(fetcher.log[0]).toBe('root.json');
  });

  it('a server root older than the cached one is a rollback', async () => {
    sim.rotateRoot();
    sim.publish();
    await updater().update();
    const v1 = sim.byVersion.get('1.root') as Uint8Array;
    fetcher.intercept = (req) =>
      req.role === 'root' ? v1 : req.role === 'timestamp' ? tamper(sim.file('timestamp')) : undefined;
    await expect(updater().update()).rejects.toMatchObject({ code: 'ROLLBACK' });
  });
});

describe('attacks end in their code and leave the cache untouched', () => {
  beforeEach(async () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'x', 'targets/releases');
    sim.addTarget('t', 'y');
    sim.publish();
    await updater().update();
    sim.addTarget('t2', 'z');
    sim.publish();
  });

  const cases: [string, (s: RepoSimulator) => void, string][] = [
    ['tampered timestamp', (s) => s.serveAs('timestamp', tamper(s.file('timestamp'))), 'THRESHOLD_NOT_MET'],
    ['tampered snapshot', (s) => tamperStored(s, 'snapshot'), 'HASH_MISMATCH'],
    ['tampered targets', (s) => tamperStored(s, 'targets'), 'HASH_MISMATCH'],
    ['rolled back timestamp', (s) => s.serveAs('timestamp', s.byVersion.get('1.timestamp') as Uint8Array), 'ROLLBACK'],
  ];
  for (const [name, mutate, expected] of cases) {
    it(name, async () => {
      const before = snapshotCache();
      mutate(sim);
      await expect(updater().update()).rejects.toMatchObject({ code: expected });
      expect(snapshotCache()).toEqual(before);
    });
  }

  it('freeze: a client whose clock is past the timestamp expiry', async () => {
    const before = snapshotCache();
    await expect(updater({ now: new Date(NOW.getTime() + 30 * 86_400_000) }).update()).rejects.toMatchObject({
      code: 'EXPIRED',
    });
    expect(snapshotCache()).toEqual(before);
  });

  it('no silent fallback to the cached timestamp when the server is unreachable', async () => {
    const before = snapshotCache();
    fetcher.intercept = () => {
      throw notaryError('NETWORK', 'connection refused');
    };
    await expect(updater().update()).rejects.toMatchObject({ code: 'NETWORK' });
    expect(snapshotCache()).toEqual(before);
  });

  it('an oversized timestamp is refused by the cap', async () => {
    fetcher.intercept = (req) => (req.role === 'timestamp' ? new Uint8Array((1 << 20) + 1) : undefined);
    await expect(updater().update()).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  });

  it('a snapshot bigger than the timestamp says is refused by the cap', async () => {
    fetcher.intercept = (req, body) => (req.role === 'snapshot' ? new Uint8Array([...body, 0x20]) : undefined);
    await expect(updater().update()).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  });
});

describe('cache robustness', () => {
  it('a corrupt cached root is fatal', async () => {
    await updater().update();
    writeFileSync(cache.pathOf('root'), '{"signed":');
    await expect(updater().update()).rejects.toMatchObject({ code: 'CACHE_CORRUPT' });
  });

  it('a corrupt cached snapshot or targets is fetched again', async () => {
    await updater().update();
    writeFileSync(cache.pathOf('snapshot'), 'garbage');
    writeFileSync(
      cache.pathOf('targets'),
      readFileSync(cache.pathOf('targets')).toString().replace('Targets', 'Targetz'),
    );
    fetcher.log.length = 0;
    await updater().update();
    expect(fetcher.log.length).toBe(3);
    expect(bytesEqual(cache.read('targets') as Uint8Array, sim.file('targets'))).toBe(true);
  });

  it('two updaters on one cache both succeed and leave a consistent cache', async () => {
    await updater().update();
    sim.addTarget('c', 'd');
    sim.publish();
    const [a, b] = await Promise.all([updater().update(), updater().update()]);
    expect(a.targets.hasTarget('c') && b.targets.hasTarget('c')).toBe(true);
    for (const r of ['timestamp', 'snapshot', 'targets'])
      expect(bytesEqual(cache.read(r) as Uint8Array, sim.file(r))).toBe(true);
  });
});

describe('offline', () => {
  it('verifies the cache only and says so', async () => {
    await updater().update();
    fetcher.log.length = 0;
    const repo = await updater({ offline: true }).update();
    expect(repo.offline).toBe(true);
    expect(fetcher.log).toEqual([]);
  });

  it('expired cached data is EXPIRED, a missing cache OFFLINE_NO_CACHE', async () => {
    await expect(updater({ offline: true }).update()).rejects.toMatchObject({ code: 'OFFLINE_NO_CACHE' });
    await updater().update();
    await expect(
      updater({ offline: true, now: new Date(NOW.getTime() + 30 * 86_400_000) }).update(),
    ).rejects.toMatchObject({ code: 'EXPIRED' });
  });

  it('an inconsistent cache is a hash mismatch, not a fetch', async () => {
    await updater().update();
    sim.addTarget('c', 'd');
    sim.publish();
    writeFileSync(cache.pathOf('timestamp'), sim.file('timestamp'));
    await expect(updater({ offline: true }).update()).rejects.toMatchObject({
      code: expect.stringMatching(/^(HASH|LENGTH)_MISMATCH$/),
    });
  });
});

describe('delegations load on demand', () => {
  it('fetches a delegation once, verifies it and caches it', async () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'x', 'targets/releases');
    sim.publish();
    const repo = await updater().update();
    fetcher.log.length = 0;
    const r = await repo.resolve('targets/releases');
    expect(r?.targets.hasTarget('r')).toBe(true);
    await repo.resolve('targets/releases');
    expect(fetcher.log.length).toBe(1);
    expect(bytesEqual(cache.read('targets/releases') as Uint8Array, sim.file('targets/releases'))).toBe(true);
    expect(statSync(join(cache.dir, 'targets')).mode & 0o777).toBe(0o700);
  });

  it('delegated but never signed: empty by default, DELEGATION_MISSING when strict', async () => {
    sim.addDelegation('targets/releases');
    sim.publish();
    expect(await (await updater().update()).resolve('targets/releases')).toBeUndefined();
    await expect((await updater({ missing: 'strict' }).update()).resolve('targets/releases')).rejects.toMatchObject({
      code: 'DELEGATION_MISSING',
    });
  });

  it('a delegation that vanishes from the snapshot while still delegated is DELEGATION_MISSING', async () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'x', 'targets/releases');
    sim.publish();
    await updater().update();
    sim.omitFromSnapshot.add('targets/releases');
    sim.publishSnapshotAndTimestamp();
    // Refused by the update itself (5.5.5), before the new snapshot can reach the cache.
    await expect(updater().update()).rejects.toMatchObject({ code: 'DELEGATION_MISSING' });
  });
});

describe('a refused update does not advance the cache (R6)', () => {
  /** targets/releases signs `latest`; targets signs an older digest for it. */
  function releasesRepo(): void {
    sim.addTarget('latest', 'old digest from targets');
    sim.addDelegation('targets/releases');
    sim.addTarget('latest', 'new digest from releases', 'targets/releases');
    sim.publish();
  }

  it('a snapshot that drops a still-delegated role is refused on every run, and caches nothing', async () => {
    releasesRepo();
    const first = await updater().update();
    const want = (await first.resolve('targets/releases'))?.targets.getTarget('latest');
    expect(want).toBeDefined();
    const before = snapshotCache();
    sim.omitFromSnapshot.add('targets/releases');
    sim.publishSnapshotAndTimestamp();
    for (let run = 0; run < 2; run++) {
      await expect(updater().update()).rejects.toMatchObject({
        code: 'DELEGATION_MISSING',
        details: { role: 'targets/releases' },
      });
      expect(snapshotCache()).toEqual(before);
    }
  });

  it('a nested role dropped while its parent still delegates it is refused at update time', async () => {
    sim.addDelegation('targets/a');
    sim.addDelegation('targets/a/b');
    sim.addTarget('x', 'nested', 'targets/a/b');
    sim.touch('targets/a');
    sim.publish();
    const first = await updater().update();
    expect((await first.resolve('targets/a/b'))?.targets.hasTarget('x')).toBe(true);
    const before = snapshotCache();
    sim.omitFromSnapshot.add('targets/a/b');
    sim.publishSnapshotAndTimestamp();
    for (let run = 0; run < 2; run++) {
      await expect(updater().update()).rejects.toMatchObject({
        code: 'DELEGATION_MISSING',
        details: { role: 'targets/a/b' },
      });
      expect(snapshotCache()).toEqual(before);
    }
  });

  it('a role removed from its parent may leave the snapshot', async () => {
    releasesRepo();
    await (await updater().update()).resolve('targets/releases');
    sim.role('targets').delegations.length = 0;
    sim.touch('targets');
    sim.omitFromSnapshot.add('targets/releases');
    sim.publish();
    const repo = await updater().update();
    expect(await repo.resolve('targets/releases')).toBeUndefined();
    expect(bytesEqual(cache.read('snapshot') as Uint8Array, sim.file('snapshot'))).toBe(true);
  });
});

describe('rollback floors never depend on file times (the GUN lock serialises updaters)', () => {
  it('cached files with future mtimes still refuse an older timestamp, and stay as they were', async () => {
    const oldTs = sim.file('timestamp');
    sim.addTarget('a', 'b');
    sim.publish();
    await updater().update();
    const before = snapshotCache();
    const future = new Date(Date.now() + 365 * 86_400_000);
    for (const r of ['root', 'timestamp', 'snapshot', 'targets']) utimesSync(cache.pathOf(r), future, future);
    fetcher.intercept = (req) => (req.role === 'timestamp' ? oldTs : undefined);
    for (let run = 0; run < 2; run++) {
      await expect(updater().update()).rejects.toMatchObject({ code: 'ROLLBACK', details: { role: 'timestamp' } });
      expect(snapshotCache()).toEqual(before);
    }
  });

  it('a delegation loaded after another update moved the cache on is verified against this view and not cached', async () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'v1', 'targets/releases');
    sim.publish();
    const stale = await updater().update(); // this view: releases v1, not loaded yet
    sim.addTarget('r', 'v2', 'targets/releases');
    sim.publish();
    const fresh = await updater().update();
    await fresh.resolve('targets/releases'); // the cache now holds releases v2
    const cachedV2 = cache.read('targets/releases') as Uint8Array;
    const r = await stale.resolve('targets/releases');
    expect(r?.targets.version).toBe(1); // no false ROLLBACK against the newer file
    expect(bytesEqual(cache.read('targets/releases') as Uint8Array, cachedV2)).toBe(true);
  });

  it('a delegation older than the cached one is a ROLLBACK while the cache is this view', async () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'v1', 'targets/releases');
    sim.publish();
    const v1 = sim.file('targets/releases');
    await (await updater().update()).resolve('targets/releases');
    sim.addTarget('r', 'v2', 'targets/releases');
    sim.publish();
    await (await updater().update()).resolve('targets/releases');
    // The snapshot key holder re-announces releases v1 in a fresh snapshot.
    sim.serveAs('targets/releases', v1);
    sim.publishSnapshotAndTimestamp();
    const repo = await updater().update();
    await expect(repo.resolve('targets/releases')).rejects.toMatchObject({
      code: 'ROLLBACK',
      details: { role: 'targets/releases' },
    });
  });
});
