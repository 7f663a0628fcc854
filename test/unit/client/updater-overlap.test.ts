// Cold start: root.json and timestamp.json are requested together (one round trip saved), and nothing about what is
// verified, in which order, or which failure is reported changes.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { MetadataCache, type RoleFetcher, Updater } from '../../../src/client/index.js';
import { notaryError } from '../../../src/errors.js';
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

it('requests the timestamp while root.json is still in flight; the update verifies and caches as before', async () => {
  const g = gatedRoot();
  const done = update(g.remote);
  await flush();
  expect(g.whileRootPending).toEqual(['timestamp']);
  g.release();
  const repo = await done;
  expect(repo.targets.getTarget('v1')?.length).toBe(3);
  expect(fetcher.log.map((l) => l.replace(/[0-9a-f]{64}/, 'H'))).toEqual([
    'root.json',
    'timestamp.json',
    'snapshot.H.json',
    'targets.H.json',
  ]);
  for (const r of ['root', 'timestamp', 'snapshot', 'targets']) expect(cache.read(r)).toBeDefined();
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
