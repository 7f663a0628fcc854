// Cold start: root.json, timestamp.json and, speculatively, snapshot.json and targets.json are requested together
// (two round trips saved), and nothing about what is verified, in which order, or which failure is reported
// changes: the speculative files are used only when they are exactly the bytes the verified parent names.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MetadataCache, type RoleFetcher, Updater } from '../../../src/client/index.js';
import { SPECULATIVE_MAX_BYTES } from '../../../src/client/updater.js';
import { notaryError } from '../../../src/errors.js';
import { filesUnder } from '../../helpers/files-under.js';
import { RepoSimulator, type SimFetcher, tamper } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

const NOW = new Date('2030-01-02T00:00:00Z');

let sim: RepoSimulator;
let fetcher: SimFetcher;
let cache: MetadataCache;
const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);

beforeEach(() => {
  sim = new RepoSimulator();
  sim.addTarget('v1', 'one');
  sim.publish();
  fetcher = sim.fetcher();
  cache = new MetadataCache(tempDir('nt-overlap-'), sim.gun);
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

const update = (remote: RoleFetcher) => new Updater({ gun: sim.gun, cache, remote, now: () => NOW }).update();

/** Holds root.json's answer until `release` is called, recording what was requested meanwhile. */
function gatedRoot(): { remote: RoleFetcher; whileRootPending: string[]; release: () => void } {
  let release = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const whileRootPending: string[] = [];
  let pending = false;
  const remote: RoleFetcher = {
    async getRole(role, opts) {
      if (pending) whileRootPending.push(role);
      if (role === 'root' && opts.version === undefined && opts.checksum === undefined) {
        pending = true;
        const body = fetcher.getRole(role, opts);
        await gate;
        pending = false;
        return body;
      }
      return fetcher.getRole(role, opts);
    },
  };
  return { remote, whileRootPending, release };
}

const flush = () => new Promise((r) => setTimeout(r, 20));

it('requests timestamp, snapshot.json and targets.json while root.json is still in flight; caches as before', async () => {
  const g = gatedRoot();
  const done = update(g.remote);
  await flush();
  expect(g.whileRootPending).toEqual(['timestamp', 'snapshot', 'targets']);
  g.release();
  const repo = await done;
  expect(repo.targets.getTarget('v1')?.length).toBe(3);
  // The speculative files were the ones the timestamp and snapshot name: nothing is fetched by hash.
  expect(fetcher.log).toEqual(['root.json', 'timestamp.json', 'snapshot.json', 'targets.json']);
  for (const r of ['root', 'timestamp', 'snapshot', 'targets']) expect(cache.read(r)).toEqual(sim.file(r));
});

it('speculative requests are capped (a larger file is fetched again by hash, within the length its parent gives)', async () => {
  const caps: Record<string, number> = {};
  fetcher.intercept = (req) => {
    if (req.checksum === undefined && (req.role === 'snapshot' || req.role === 'targets'))
      caps[req.role] = req.maxBytes;
    return undefined;
  };
  await update(fetcher);
  expect(caps).toEqual(SPECULATIVE_MAX_BYTES);
  expect(SPECULATIVE_MAX_BYTES.targets).toBeGreaterThanOrEqual(16 << 20);
});

it('speculative files other than the ones named (the server moved on) are fetched by hash; only the named are cached', async () => {
  const oldSnapshot = sim.file('snapshot');
  const oldTargets = sim.file('targets');
  sim.addTarget('v2', 'two');
  sim.publish();
  fetcher.intercept = (req) => {
    if (req.checksum !== undefined) return undefined;
    if (req.role === 'snapshot') return oldSnapshot;
    if (req.role === 'targets') return oldTargets;
    return undefined;
  };
  expect(oldTargets.length).not.toBe(sim.file('targets').length);
  const staged: string[] = [];
  const stage = cache.stage.bind(cache);
  cache.stage = (role, bytes) => {
    staged.push(role);
    return stage(role, bytes);
  };
  const repo = await update(fetcher);
  // A candidate of another length is not even written to a temp file; one of the same length is, and discarded.
  expect(staged.filter((r) => r === 'targets')).toHaveLength(1);
  expect(repo.targets.getTarget('v2')?.length).toBe(3);
  expect(fetcher.log.map((l) => l.replace(/[0-9a-f]{64}/, 'H'))).toEqual([
    'root.json',
    'timestamp.json',
    'snapshot.json',
    'targets.json',
    'snapshot.H.json',
    'targets.H.json',
  ]);
  for (const r of ['root', 'timestamp', 'snapshot', 'targets']) expect(cache.read(r)).toEqual(sim.file(r));
  // The refused candidates' temp files are gone too.
  expect(filesUnder(cache.dir).sort()).toEqual(['root.json', 'snapshot.json', 'targets.json', 'timestamp.json']);
});

it('same length, other bytes: refused before parsing (hash), fetched by hash', async () => {
  fetcher.intercept = (req, body) => (req.checksum === undefined && req.role === 'targets' ? tamper(body) : undefined);
  const repo = await update(fetcher);
  expect(repo.targets.getTarget('v1')?.length).toBe(3);
  expect(fetcher.log.filter((l) => l.startsWith('targets.'))).toHaveLength(2);
  expect(cache.read('targets')).toEqual(sim.file('targets'));
});

it('a failed speculative request changes nothing: the file is fetched by hash', async () => {
  fetcher.intercept = (req) => {
    if (req.checksum === undefined && req.role === 'snapshot') throw notaryError('NETWORK', 'snapshot: reset');
    if (req.checksum === undefined && req.role === 'targets') throw notaryError('SERVER_ERROR', 'targets: 503');
    return undefined;
  };
  const repo = await update(fetcher);
  expect(repo.targets.getTarget('v1')?.length).toBe(3);
  expect(fetcher.log.map((l) => l.replace(/[0-9a-f]{64}/, 'H')).slice(4)).toEqual([
    'snapshot.H.json',
    'targets.H.json',
  ]);
  await flush();
  expect(unhandled).toEqual([]);
});

it('the named bytes failing verification fail the update at once, as the by-hash file would', async () => {
  const s2 = new RepoSimulator();
  s2.lifetimes.snapshot = 3600; // signed 2030-01-01T00:00Z, expired at NOW
  s2.addTarget('v1', 'one');
  s2.publish();
  const f2 = s2.fetcher();
  const c2 = new MetadataCache(tempDir('nt-overlap-'), s2.gun);
  const err = await new Updater({ gun: s2.gun, cache: c2, remote: f2, now: () => NOW })
    .update()
    .catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'EXPIRED', details: { role: 'snapshot' } });
  // No second download of the same bytes by hash: the server would serve exactly these.
  expect(f2.log.some((l) => /^snapshot\.[0-9a-f]{64}\.json$/.test(l))).toBe(false);
  expect(c2.read('root')).toBeUndefined();
});

it('a warm start asks only for the timestamp, as before', async () => {
  await update(fetcher);
  fetcher.log.length = 0;
  await update(fetcher);
  expect(fetcher.log).toEqual(['timestamp.json']);
});

it("root.json failing wins over the timestamp's own failure; nothing cached, no unhandled rejection", async () => {
  fetcher.intercept = (req) => {
    if (req.role === 'root') throw notaryError('SERVER_ERROR', 'root: 503', { details: { status: 503 } });
    if (req.role === 'timestamp') throw notaryError('TIMEOUT', 'timestamp: timed out');
    return undefined;
  };
  await expect(update(fetcher)).rejects.toMatchObject({ code: 'SERVER_ERROR' });
  await flush();
  expect(unhandled).toEqual([]);
  expect(cache.read('root')).toBeUndefined();
  expect(cache.read('timestamp')).toBeUndefined();
});

it('an untrustworthy root.json fails as a root failure even though a good timestamp already arrived', async () => {
  fetcher.intercept = (req, body) => (req.role === 'root' && req.version === undefined ? tamper(body) : undefined);
  const err = await update(fetcher).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'THRESHOLD_NOT_MET', details: { role: 'root' } });
  expect(cache.read('root')).toBeUndefined();
  expect(cache.read('timestamp')).toBeUndefined();
});

it("the timestamp's failure is reported when the root is fine, and nothing is cached", async () => {
  fetcher.intercept = (req) => {
    if (req.role === 'timestamp') throw notaryError('NETWORK', 'timestamp: connection reset');
    return undefined;
  };
  await expect(update(fetcher)).rejects.toMatchObject({ code: 'NETWORK' });
  expect(cache.read('root')).toBeUndefined();
  expect(cache.read('timestamp')).toBeUndefined();
});

it('a timestamp signed by keys the root does not know is rejected after the root is verified', async () => {
  fetcher.intercept = (req, body) => (req.role === 'timestamp' ? tamper(body) : undefined);
  const err = await update(fetcher).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'THRESHOLD_NOT_MET', details: { role: 'timestamp' } });
  expect(cache.read('root')).toBeUndefined();
});
