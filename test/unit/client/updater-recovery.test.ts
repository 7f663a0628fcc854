// The updater's recovery and cache decisions (SPEC §7.1 "Recovery", "Cache writes", §7.3, §7.5), observed through
// error codes and the exact request sequence: each case fails when the decision it names is changed.
import { rmSync, writeFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { MetadataCache, ROOT_MAX_BYTES, Updater } from '../../../src/client/index.js';
import { notaryError } from '../../../src/errors.js';
import { RepoSimulator, type SimFetcher, tamper } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

const DAY_MS = 86_400_000;
let sim: RepoSimulator;
let fetcher: SimFetcher;
let cache: MetadataCache;

beforeEach(() => {
  sim = new RepoSimulator();
  fetcher = sim.fetcher();
  cache = new MetadataCache(tempDir('nt-recovery-'), sim.gun);
});

const at = (ms: number) => new Date(sim.now.getTime() + ms);

function update(opts: { now?: Date; offline?: boolean; pinning?: 'no-tofu' } = {}) {
  return new Updater({
    gun: sim.gun,
    cache,
    remote: fetcher,
    now: () => opts.now ?? at(1000),
    offline: opts.offline,
    ...(opts.pinning ? { trustPinning: { certs: {}, ca: {}, disableTofu: true } } : {}),
  }).update();
}

/** The request log with checksums replaced by H. */
const requests = () => fetcher.log.map((l) => l.replace(/[0-9a-f]{64}/, 'H'));

describe('first bootstrap', () => {
  it('trust pinning applies: TOFU disabled and nothing pinned is PINNING_FAILED', async () => {
    await expect(update({ pinning: 'no-tofu' })).rejects.toMatchObject({ code: 'PINNING_FAILED' });
    expect(cache.read('root')).toBeUndefined();
  });

  it(`root.json is capped at ${ROOT_MAX_BYTES} bytes`, async () => {
    fetcher.intercept = (req) => (req.role === 'root' ? new Uint8Array(ROOT_MAX_BYTES + 1) : undefined);
    await expect(update()).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE', details: { maxBytes: ROOT_MAX_BYTES } });
  });
});

describe('recovery after a trust failure (Notary updateRoot + retry)', () => {
  beforeEach(async () => {
    await update();
    fetcher.log.length = 0;
  });
  const tamperTimestamp = (over: (role: string) => Uint8Array | undefined = () => undefined) => {
    fetcher.intercept = (req) =>
      over(req.role) ?? (req.role === 'timestamp' ? tamper(sim.file('timestamp')) : undefined);
  };

  it('a failure that is not about trust (network) is returned as is, without looking for a root', async () => {
    fetcher.intercept = () => {
      throw notaryError('NETWORK', 'refused');
    };
    await expect(update()).rejects.toMatchObject({ code: 'NETWORK' });
    expect(requests()).toEqual(['timestamp.json']);
  });

  it('root.json is the trusted root: the original error stands, no retry', async () => {
    tamperTimestamp();
    await expect(update()).rejects.toMatchObject({ code: 'THRESHOLD_NOT_MET', details: { role: 'timestamp' } });
    expect(requests()).toEqual(['timestamp.json', 'root.json']);
  });

  it('root.json unreachable: the original trust failure, the recovery code in details', async () => {
    tamperTimestamp((role) => {
      if (role === 'root') throw notaryError('NETWORK', 'refused');
      return undefined;
    });
    await expect(update()).rejects.toMatchObject({ code: 'THRESHOLD_NOT_MET', details: { recovery: 'NETWORK' } });
  });

  it('root.json with the trusted version and other bytes is FORK', async () => {
    sim.rootVersion = 0;
    sim.now = at(60_000);
    sim.signRoot([]); // another v1
    tamperTimestamp();
    await expect(update()).rejects.toMatchObject({
      code: 'FORK',
      details: { role: 'root', version: 1, recovery: 'THRESHOLD_NOT_MET' },
    });
  });

  it('root.json older than the trusted root is ROLLBACK, even when the root keys rotated in between', async () => {
    sim.rotateRoot({ rotate: ['root'] });
    sim.publish();
    await update();
    const v1 = sim.byVersion.get('1.root') as Uint8Array;
    tamperTimestamp((role) => (role === 'root' ? v1 : undefined));
    await expect(update()).rejects.toMatchObject({
      code: 'ROLLBACK',
      details: { role: 'root', version: 1, trustedVersion: 2 },
    });
  });

  it('intermediate roots are capped too', async () => {
    sim.rotateRoot();
    sim.rotateRoot({ rotate: ['timestamp'] });
    sim.publish();
    fetcher.intercept = (req) =>
      req.role === 'root' && req.version === 2 ? new Uint8Array(ROOT_MAX_BYTES + 1) : undefined;
    await expect(update()).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      details: { maxBytes: ROOT_MAX_BYTES, recovery: 'THRESHOLD_NOT_MET' },
    });
  });
});

describe('cached files', () => {
  beforeEach(async () => {
    await update();
    fetcher.log.length = 0;
  });

  it('a cached snapshot with the right bytes but expired is EXPIRED, not fetched again', async () => {
    sim.lifetimes.snapshot = 86_400;
    sim.publishSnapshotAndTimestamp();
    await update();
    delete sim.lifetimes.snapshot;
    sim.now = at(DAY_MS + 60_000);
    sim.publishTimestamp(); // fresh timestamp, same (now expired) snapshot
    fetcher.log.length = 0;
    await expect(update({ now: at(1000) })).rejects.toMatchObject({ code: 'EXPIRED', details: { role: 'snapshot' } });
    expect(requests()).toEqual(['timestamp.json', 'root.json']);
  });

  it('a cached snapshot that names another root is a trust failure, not a stale cache', async () => {
    sim.rotateRoot(); // root v2, the published snapshot still names v1
    writeFileSync(cache.pathOf('root'), sim.file('root'));
    await expect(update()).rejects.toMatchObject({ code: 'HASH_MISMATCH', details: { role: 'root' } });
    expect(requests()).toEqual(['timestamp.json', 'root.json']);
  });

  it('offline: an inconsistent cache is refused without a request', async () => {
    sim.addTarget('c', 'd');
    sim.publish();
    writeFileSync(cache.pathOf('timestamp'), sim.file('timestamp'));
    await expect(update({ offline: true })).rejects.toMatchObject({
      code: expect.stringMatching(/^(HASH|LENGTH)_MISMATCH$/),
      details: { role: 'snapshot' },
    });
    expect(fetcher.log).toEqual([]);
  });

  it('offline: each missing file is OFFLINE_NO_CACHE naming the role', async () => {
    rmSync(cache.pathOf('targets'));
    await expect(update({ offline: true })).rejects.toMatchObject({
      code: 'OFFLINE_NO_CACHE',
      details: { gun: sim.gun, role: 'targets' },
    });
    rmSync(cache.pathOf('snapshot'));
    await expect(update({ offline: true })).rejects.toMatchObject({
      code: 'OFFLINE_NO_CACHE',
      details: { role: 'snapshot' },
    });
    rmSync(cache.pathOf('timestamp'));
    await expect(update({ offline: true })).rejects.toMatchObject({
      code: 'OFFLINE_NO_CACHE',
      details: { role: 'timestamp' },
    });
    expect(fetcher.log).toEqual([]);
  });

  it('a corrupt cached root is CACHE_CORRUPT with the reason', async () => {
    writeFileSync(cache.pathOf('root'), tamper(sim.file('root')));
    await expect(update()).rejects.toMatchObject({
      code: 'CACHE_CORRUPT',
      details: { role: 'root', reason: 'THRESHOLD_NOT_MET', path: cache.pathOf('root') },
    });
  });
});
