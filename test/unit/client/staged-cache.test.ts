// Cache writes started while the update still verifies (StagedWrite): visible only after the whole update verified,
// never left behind as temp files, their I/O errors reported only when no trust failure comes first.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { MetadataCache, Updater } from '../../../src/client/index.js';
import { bytesEqual } from '../../../src/encoding/bytes.js';
import { DeferredCache } from '../../../src/signer/deferred-cache.js';
import { filesUnder } from '../../helpers/files-under.js';
import { RepoSimulator, type SimFetcher } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

const NOW = new Date('2030-01-02T00:00:00Z');

let sim: RepoSimulator;
let fetcher: SimFetcher;
let cache: MetadataCache;

beforeEach(() => {
  sim = new RepoSimulator();
  fetcher = sim.fetcher();
  cache = new MetadataCache(tempDir('nt-staged-'), sim.gun);
});

function updater(c: MetadataCache = cache): Updater {
  return new Updater({ gun: sim.gun, cache: c, remote: fetcher, now: () => NOW });
}

function contents(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of filesUnder(cache.dir)) {
    out[f] = Buffer.from(cache.read(f.replace(/\.json$/, '')) ?? new Uint8Array()).toString('base64');
  }
  return out;
}

describe('staged cache writes', () => {
  it('a cold update caches exact bytes, 0600, and leaves no temp file', async () => {
    sim.addTarget('v1', 'one');
    sim.publish();
    await updater().update();
    expect(filesUnder(cache.dir)).toEqual(['root.json', 'snapshot.json', 'targets.json', 'timestamp.json']);
    for (const r of ['root', 'timestamp', 'snapshot', 'targets']) {
      expect(bytesEqual(cache.read(r) as Uint8Array, sim.file(r))).toBe(true);
      expect(statSync(cache.pathOf(r)).mode & 0o777).toBe(0o600);
    }
  });

  it('targets staged and then refused (expired): nothing becomes visible, no temp file stays', async () => {
    sim.addTarget('v1', 'one');
    sim.publish();
    await updater().update();
    const before = contents();
    sim.addTarget('v2', 'two');
    sim.touch('targets', 1); // signed to expire one second after the simulator's clock, before NOW
    sim.publish();
    await expect(updater().update()).rejects.toMatchObject({ code: 'EXPIRED', details: { role: 'targets' } });
    expect(contents()).toEqual(before);
    expect(filesUnder(cache.dir)).toEqual(['root.json', 'snapshot.json', 'targets.json', 'timestamp.json']);
  });

  it('a cold update that fails leaves no cached file and no temp file', async () => {
    sim.addTarget('v1', 'one');
    sim.touch('targets', 1);
    sim.publish();
    await expect(updater().update()).rejects.toMatchObject({ code: 'EXPIRED' });
    expect(filesUnder(cache.dir)).toEqual([]);
  });

  it('a cache that cannot be written is IO, after verification; a trust failure found meanwhile wins', async () => {
    sim.addTarget('v1', 'one');
    sim.publish();
    // A file where the metadata directory should be: every staged write fails at once.
    mkdirSync(join(cache.dir, '..'), { recursive: true });
    writeFileSync(cache.dir, 'not a directory');
    await expect(updater().update()).rejects.toMatchObject({ code: 'IO' });
    sim.touch('targets', 1);
    sim.publish();
    await expect(updater().update()).rejects.toMatchObject({ code: 'EXPIRED' });
  });

  it('commitAll renames parents last: a failure stops before the parents, and no temp file stays', async () => {
    const c = new MetadataCache(tempDir('nt-staged-'), sim.gun);
    c.write('targets', Uint8Array.of(1));
    writeFileSync(join(c.dir, 'targets'), 'not a dir'); // `targets/x` cannot be written
    const ts = Uint8Array.of(9);
    const early = c.stage('timestamp', ts);
    await expect(
      c.commitAll([
        { role: 'timestamp', bytes: ts, staged: early },
        { role: 'targets/x', bytes: Uint8Array.of(2) },
        { role: 'root', bytes: Uint8Array.of(3) },
      ]),
    ).rejects.toMatchObject({ code: 'IO', details: { role: 'targets/x' } });
    expect(c.read('root')).toEqual(Uint8Array.of(3)); // rank 0: renamed before the failing delegation
    expect(c.read('timestamp')).toBeUndefined(); // rank 4: never renamed
    expect(filesUnder(c.dir)).toEqual(['root.json', 'targets', 'targets.json']);
    expect(early?.pending).toBe(false);
  });

  it('a staged write whose bytes are not the committed ones is discarded and written again', async () => {
    const c = new MetadataCache(tempDir('nt-staged-'), sim.gun);
    const stale = c.stage('root', Uint8Array.of(1));
    await c.commitAll([{ role: 'root', bytes: Uint8Array.of(2), staged: stale }]);
    expect(c.read('root')).toEqual(Uint8Array.of(2));
    await stale?.discard();
    expect(filesUnder(c.dir)).toEqual(['root.json']);
  });

  it('a deferred (publish) cache writes nothing ahead: an update leaves its files pending, not on disk', async () => {
    sim.addTarget('v1', 'one');
    sim.publish();
    const deferred = new DeferredCache(tempDir('nt-staged-'), sim.gun);
    expect(deferred.stage()).toBeUndefined();
    await updater(deferred).update();
    expect(filesUnder(deferred.dir)).toEqual([]);
    for (const r of ['root', 'timestamp', 'snapshot', 'targets']) {
      expect(bytesEqual(deferred.read(r) as Uint8Array, sim.file(r))).toBe(true);
    }
  });

  it('a deferred cache commit writes every pending file to disk (parents last), and a second commit writes nothing', async () => {
    sim.addTarget('v1', 'one');
    sim.publish();
    const dir = tempDir('nt-staged-');
    const deferred = new DeferredCache(dir, sim.gun);
    await updater(deferred).update();
    expect(filesUnder(deferred.dir)).toEqual([]);
    await deferred.commit();
    const disk = new MetadataCache(dir, sim.gun);
    for (const r of ['root', 'timestamp', 'snapshot', 'targets']) {
      expect(bytesEqual(disk.read(r) as Uint8Array, sim.file(r)), r).toBe(true);
    }
    expect(filesUnder(deferred.dir)).toEqual(['root.json', 'snapshot.json', 'targets.json', 'timestamp.json']);
    const mtimes = filesUnder(deferred.dir).map((f) => statSync(join(deferred.dir, f)).mtimeMs);
    await deferred.commit();
    expect(filesUnder(deferred.dir).map((f) => statSync(join(deferred.dir, f)).mtimeMs)).toEqual(mtimes);
  });
});
