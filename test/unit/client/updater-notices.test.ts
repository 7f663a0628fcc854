// Updater details that no decision test looked at (SPEC §7.8 "killing tests"): the first-use notice of a cold start,
// which code a broken cached root reports, the caps of the cold-start timestamp and of the recovery's root.json,
// unreadable cache entries, and the details of OFFLINE_NO_CACHE / DELEGATION_MISSING. Codes and details only.
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  MetadataCache,
  ROOT_MAX_BYTES,
  TIMESTAMP_MAX_BYTES,
  Updater,
  type UpdaterOptions,
} from '../../../src/client/index.js';
import type { FirstUse } from '../../../src/client/updater.js';
import { createRootCertificate, generateKey } from '../../../src/crypto/index.js';
import { notaryError } from '../../../src/errors.js';
import { parseRoot } from '../../../src/metadata/index.js';
import { RepoSimulator, type SimFetcher, tamper } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

const DAY_MS = 86_400_000;
let sim: RepoSimulator;
let fetcher: SimFetcher;
let cache: MetadataCache;

beforeEach(() => {
  sim = new RepoSimulator();
  fetcher = sim.fetcher();
  cache = new MetadataCache(tempDir('nt-notices-'), sim.gun);
});

const at = (ms: number) => new Date(sim.now.getTime() + ms);

function updater(opts: Partial<UpdaterOptions> = {}): Updater {
  return new Updater({ gun: sim.gun, cache, remote: fetcher, now: () => at(1000), ...opts });
}

/** The root key IDs the simulator's current root lists for the root role. */
const rootKeyIds = () => [...(parseRoot(sim.file('root')).signed.roles.get('root')?.keyIds ?? [])];

describe('first use (TOFU) notice', () => {
  it('a cold start trusted on first use reports the GUN and the root key IDs once, after caching', async () => {
    const seen: FirstUse[] = [];
    let cachedWhenTold: Uint8Array | undefined;
    const onFirstUse = (info: FirstUse) => {
      seen.push(info);
      cachedWhenTold = cache.read('root');
    };
    await updater({ onFirstUse }).update();
    expect(seen).toEqual([{ gun: sim.gun, rootKeyIds: rootKeyIds() }]);
    expect(rootKeyIds()).toHaveLength(1);
    expect(cachedWhenTold).toEqual(sim.file('root'));
    // A warm start trusts the cache, not first use: no second notice.
    await updater({ onFirstUse }).update();
    expect(seen).toHaveLength(1);
  });

  it('a root pinned by its key ID is not first use: no notice', async () => {
    const seen: FirstUse[] = [];
    const trustPinning = { certs: { [sim.gun]: rootKeyIds() }, ca: {}, disableTofu: true };
    await updater({ trustPinning, onFirstUse: (i) => seen.push(i) }).update();
    expect(cache.read('root')).toEqual(sim.file('root'));
    expect(seen).toEqual([]);
  });

  it('a cold start that fails after the root verified tells nothing and caches nothing', async () => {
    const seen: FirstUse[] = [];
    fetcher.intercept = (req) => (req.role === 'timestamp' ? tamper(sim.file('timestamp')) : undefined);
    await expect(updater({ onFirstUse: (i) => seen.push(i) }).update()).rejects.toMatchObject({
      code: 'THRESHOLD_NOT_MET',
      details: { role: 'timestamp' },
    });
    expect(seen).toEqual([]);
    expect(cache.read('root')).toBeUndefined();
  });

  it('CA pinning reads the CA file through the injected reader (a root that does not chain: no-match)', async () => {
    const pem = parseRoot(sim.file('root')).signed.keys.get(rootKeyIds()[0] as string)?.public as Uint8Array;
    const read: string[] = [];
    const trustPinning = { certs: {}, ca: { 'example.com/': '/nonexistent/ca.pem' }, disableTofu: true };
    const readFile = (path: string) => {
      read.push(path);
      return pem;
    };
    // Notary's root leaf is not a CA, so nothing chains to it: the pin, not the file, is what fails.
    await expect(updater({ trustPinning, readFile }).update()).rejects.toMatchObject({
      code: 'PINNING_FAILED',
      details: { gun: sim.gun, mode: 'ca', matched: 'example.com/', reason: 'no-match' },
    });
    expect(read).toEqual(['/nonexistent/ca.pem']);
  });
});

describe('the cached root', () => {
  it('a cached root whose certificate expired since is BAD_CERTIFICATE (not CACHE_CORRUPT), naming the file', async () => {
    const key = generateKey('ecdsa');
    const pem = createRootCertificate(key, sim.gun, at(-3_600_000), { validityDays: 2 });
    sim.rootKeys = [{ key, cert: { type: 'ecdsa-x509', public: pem } }];
    sim.rootVersion = 0;
    sim.signRoot([]);
    sim.publish();
    await updater().update();
    const later = () => at(3 * DAY_MS);
    const expected = {
      code: 'BAD_CERTIFICATE',
      details: { gun: sim.gun, role: 'root', path: cache.pathOf('root'), reason: 'no-valid-leaf' },
    };
    await expect(updater({ now: later }).update()).rejects.toMatchObject(expected);
    await expect(updater({ now: later, offline: true }).update()).rejects.toMatchObject(expected);
  });
});

describe('download caps', () => {
  it(`the cold start's timestamp (requested with root.json) is capped at ${TIMESTAMP_MAX_BYTES} bytes`, async () => {
    fetcher.intercept = (req) => (req.role === 'timestamp' ? new Uint8Array(TIMESTAMP_MAX_BYTES + 1) : undefined);
    await expect(updater().update()).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      details: { role: 'timestamp', maxBytes: TIMESTAMP_MAX_BYTES },
    });
  });

  it(`the recovery's root.json is capped at ${ROOT_MAX_BYTES} bytes`, async () => {
    await updater().update();
    fetcher.intercept = (req) => {
      if (req.role === 'timestamp') return tamper(sim.file('timestamp'));
      return req.role === 'root' && req.version === undefined ? new Uint8Array(ROOT_MAX_BYTES + 1) : undefined;
    };
    // A cap overrun is itself a trust failure: it is the story, the original failure its cause.
    await expect(updater().update()).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      details: { role: 'root', maxBytes: ROOT_MAX_BYTES, recovery: 'THRESHOLD_NOT_MET' },
    });
  });

  it('a recovery that fails with something other than a NotaryError is reported as "unknown"', async () => {
    await updater().update();
    fetcher.intercept = (req) => {
      if (req.role === 'root') throw new Error('socket hang up');
      return req.role === 'timestamp' ? tamper(sim.file('timestamp')) : undefined;
    };
    await expect(updater().update()).rejects.toMatchObject({
      code: 'THRESHOLD_NOT_MET',
      details: { role: 'timestamp', recovery: 'unknown' },
    });
  });
});

describe('cache entries that cannot be used are fetched again', () => {
  beforeEach(async () => {
    await updater().update();
    sim.addTarget('new', 'bytes');
    sim.publish();
    fetcher.log.length = 0;
  });

  it('a cached timestamp larger than the timestamp cap (CACHE_CORRUPT) is replaced by the server copy', async () => {
    writeFileSync(cache.pathOf('timestamp'), new Uint8Array(TIMESTAMP_MAX_BYTES + 1));
    const repo = await updater().update();
    expect(repo.targets.hasTarget('new')).toBe(true);
    expect(cache.read('timestamp')).toEqual(sim.file('timestamp'));
  });

  it('a cached timestamp that cannot be read (IO) is no floor and is replaced', async () => {
    const failing = Object.assign(Object.create(MetadataCache.prototype) as MetadataCache, cache, {
      read(role: string, maxBytes?: number) {
        if (role === 'timestamp') throw notaryError('IO', 'EIO', { details: { role } });
        return MetadataCache.prototype.read.call(cache, role, maxBytes);
      },
    });
    const repo = await updater({ cache: failing }).update();
    expect(repo.targets.hasTarget('new')).toBe(true);
    expect(cache.read('timestamp')).toEqual(sim.file('timestamp'));
  });

  it('any other error reading a cached file is not swallowed', async () => {
    const failing = Object.assign(Object.create(MetadataCache.prototype) as MetadataCache, cache, {
      read(role: string, maxBytes?: number) {
        if (role === 'snapshot') throw notaryError('INVALID_GUN', 'no', { details: { role } });
        return MetadataCache.prototype.read.call(cache, role, maxBytes);
      },
    });
    await expect(updater({ cache: failing }).update()).rejects.toMatchObject({ code: 'INVALID_GUN' });
  });
});

describe('offline details', () => {
  it('nothing cached: OFFLINE_NO_CACHE names the root', async () => {
    await expect(updater({ offline: true, remote: undefined }).update()).rejects.toMatchObject({
      code: 'OFFLINE_NO_CACHE',
      details: { gun: sim.gun, role: 'root' },
    });
  });

  it('a cached snapshot of another length than the cached timestamp names is LENGTH_MISMATCH', async () => {
    await updater().update();
    sim.addDelegation('targets/x');
    sim.touch('targets/x'); // the snapshot gains an entry: a longer file
    sim.publish();
    writeFileSync(cache.pathOf('timestamp'), sim.file('timestamp'));
    await expect(updater({ offline: true, remote: undefined }).update()).rejects.toMatchObject({
      code: 'LENGTH_MISMATCH',
      details: { role: 'snapshot' },
    });
  });
});

describe('construction and clock', () => {
  it('online without a remote is a programming error', () => {
    expect(() => new Updater({ gun: sim.gun, cache })).toThrow(TypeError);
    expect(() => new Updater({ gun: sim.gun, cache, offline: true })).not.toThrow();
  });

  it('without an injected clock the real one is used', async () => {
    const live = new RepoSimulator({ now: new Date() });
    const liveCache = new MetadataCache(tempDir('nt-notices-live-'), live.gun);
    const repo = await new Updater({ gun: live.gun, cache: liveCache, remote: live.fetcher() }).update();
    expect(Math.abs(repo.verifiedAt.getTime() - Date.now())).toBeLessThan(60_000);
  });
});

describe("missingDelegations: 'strict'", () => {
  it('a delegation without a file is DELEGATION_MISSING naming the GUN and role, never listed before', async () => {
    sim.addDelegation('targets/releases');
    sim.publish();
    const repo = await updater({ missingDelegations: 'strict' }).update();
    await expect(repo.resolve('targets/releases')).rejects.toMatchObject({
      code: 'DELEGATION_MISSING',
      details: { gun: sim.gun, role: 'targets/releases', listedBefore: false },
    });
  });
});

describe('staged writes of a refused delegation', () => {
  it('a delegation that fails verification leaves no temp file beside the cache', async () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('app', 'v1', 'targets/releases');
    sim.publish();
    const repo = await updater().update();
    fetcher.intercept = (req) => (req.role === 'targets/releases' ? tamper(sim.file('targets/releases')) : undefined);
    await expect(repo.resolve('targets/releases')).rejects.toMatchObject({ code: expect.stringMatching(/_MISMATCH$/) });
    const dir = dirname(cache.pathOf('targets/releases'));
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(cache.read('targets/releases')).toBeUndefined();
  });
});
