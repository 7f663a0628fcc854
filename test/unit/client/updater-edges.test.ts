// Updater decisions that only show at the edges (SPEC §7.8 "killing tests"): a delegation the snapshot lists without
// sha256, the offline exemption from the GUN lock, and the ancestors loaded for
// delegations that left the snapshot (R6) at three and four levels.
import { writeFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { MetadataCache, Updater } from '../../../src/client/index.js';
import { RepoSimulator, type SimFetcher } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

let sim: RepoSimulator;
let fetcher: SimFetcher;
let cache: MetadataCache;

beforeEach(() => {
  sim = new RepoSimulator();
  fetcher = sim.fetcher();
  cache = new MetadataCache(tempDir('nt-edges-'), sim.gun);
});

const update = (opts: { offline?: boolean; cache?: MetadataCache } = {}) =>
  new Updater({
    gun: sim.gun,
    cache: opts.cache ?? cache,
    remote: fetcher,
    now: () => new Date(sim.now.getTime() + 1000),
    offline: opts.offline,
  }).update();

/** The request log with checksums replaced by H. */
const requests = () => fetcher.log.map((l) => l.replace(/[0-9a-f]{64}/, 'H'));

describe('snapshot meta without sha256 (allowed for delegations; root and targets must carry one)', () => {
  beforeEach(() => {
    sim.addDelegation('targets/releases');
    sim.addTarget('app', 'v1', 'targets/releases');
    sim.snapshotHashes.set('targets/releases', ['sha512']);
    sim.publish();
  });

  it('the delegation is fetched by name (there is no sha256 to ask for) and verified', async () => {
    const repo = await update();
    fetcher.log.length = 0;
    expect((await repo.resolve('targets/releases'))?.targets.hasTarget('app')).toBe(true);
    expect(requests()).toEqual(['targets/releases.json']);
  });

  it('served bytes that differ from the sha512 are HASH_MISMATCH and not cached', async () => {
    fetcher.intercept = (req, body) => {
      if (req.role !== 'targets/releases') return undefined;
      const copy = body.slice();
      copy[copy.length - 2] = (copy[copy.length - 2] ?? 0) ^ 1;
      return copy;
    };
    const repo = await update();
    await expect(repo.resolve('targets/releases')).rejects.toMatchObject({
      code: 'HASH_MISMATCH',
      details: { role: 'targets/releases' },
    });
    expect(cache.read('targets/releases')).toBeUndefined();
  });
});

describe('offline and the GUN lock', () => {
  /** The same cache, seen through a trust dir where no lock can be made (`tuf` is a file there). */
  function unlockableView(): MetadataCache {
    const blocked = tempDir('nt-edges-ro-');
    writeFileSync(`${blocked}/tuf`, 'not a directory');
    return Object.assign(Object.create(MetadataCache.prototype) as MetadataCache, cache, { trustDir: blocked });
  }

  it('offline reads a cache whose trust dir takes no lock; online that is IO', async () => {
    await update();
    fetcher.log.length = 0;
    const view = unlockableView();
    expect((await update({ offline: true, cache: view })).offline).toBe(true);
    await expect(update({ cache: view })).rejects.toMatchObject({ code: 'IO' });
    expect(fetcher.log).toEqual([]);
  });
});

describe('delegations that left the snapshot: their ancestors are loaded first', () => {
  /** targets → a → b → c (each with a file), published and cached. */
  async function chain(): Promise<void> {
    sim.addDelegation('targets/a');
    sim.addDelegation('targets/a/b');
    sim.addDelegation('targets/a/b/c');
    for (const r of ['targets/a', 'targets/a/b', 'targets/a/b/c']) sim.touch(r);
    sim.publish();
    await update();
  }

  it('four levels: c hidden while b still delegates it is DELEGATION_MISSING (b is loaded through a)', async () => {
    await chain();
    sim.omitFromSnapshot.add('targets/a/b/c');
    sim.publish();
    await expect(update()).rejects.toMatchObject({
      code: 'DELEGATION_MISSING',
      details: { role: 'targets/a/b/c' },
    });
  });

  it('two siblings removed by their parent: the shared ancestor is loaded once, the update succeeds', async () => {
    sim.addDelegation('targets/a');
    sim.addDelegation('targets/a/x');
    sim.addDelegation('targets/a/y');
    for (const r of ['targets/a', 'targets/a/x', 'targets/a/y']) sim.touch(r);
    sim.publish();
    await update();
    sim.role('targets/a').delegations.length = 0;
    sim.touch('targets/a');
    sim.omitFromSnapshot.add('targets/a/x');
    sim.omitFromSnapshot.add('targets/a/y');
    sim.publish();
    const repo = await update();
    expect(repo.snapshot.getMeta('targets/a/x')).toBeUndefined();
  });

  it('an ancestor that never had a file delegates nothing: its child leaving the snapshot is accepted', async () => {
    sim.addDelegation('targets/a');
    sim.addDelegation('targets/a/b');
    sim.touch('targets/a/b');
    sim.omitFromSnapshot.add('targets/a'); // a snapshot listing b but never a (crafted, but harmless)
    sim.publish();
    await update();
    sim.omitFromSnapshot.add('targets/a/b');
    sim.publish();
    const repo = await update();
    expect(repo.snapshot.getMeta('targets/a')).toBeUndefined();
    expect(repo.snapshot.getMeta('targets/a/b')).toBeUndefined();
  });

  it('an ancestor its parent no longer delegates is not loaded, even while its file stays in the snapshot', async () => {
    await chain();
    sim.role('targets').delegations.length = 0;
    sim.touch('targets');
    sim.omitFromSnapshot.add('targets/a/b');
    sim.omitFromSnapshot.add('targets/a/b/c');
    sim.publish();
    const repo = await update();
    expect(repo.snapshot.getMeta('targets/a')).toBeDefined();
    expect(repo.targets.delegations.roles).toEqual([]);
  });

  it('a whole subtree removed by targets: the vanished ancestor delegates nothing, the update succeeds', async () => {
    await chain();
    sim.role('targets').delegations.length = 0;
    sim.touch('targets');
    for (const r of ['targets/a', 'targets/a/b', 'targets/a/b/c']) sim.omitFromSnapshot.add(r);
    sim.publish();
    const repo = await update();
    expect(repo.targets.delegations.roles).toEqual([]);
  });
});
