// The metadata cache's I/O edges (§7.4): what is "absent", what is IO or CACHE_CORRUPT (with their details), the
// order in which several files are written, and that no failure leaves a temp file or a half-written cache.
import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACHE_READ_LIMIT, MetadataCache } from '../../../src/client/cache.js';
import { StagedWrite } from '../../../src/client/staged-write.js';
import { deadPid } from '../../helpers/dead-pid.js';
import { rejectedError as rejected, thrownError as thrown } from '../../helpers/error-code.js';
import { filesUnder } from '../../helpers/files-under.js';
import { openFiles } from '../../helpers/open-files.js';
import { tempDir } from '../../helpers/temp-dir.js';

const GUN = 'example.com/io';
const fresh = () => new MetadataCache(tempDir('nt-cacheio-'), GUN);

/** Every role of one update, given in the reverse of the commit order. */
const ROLES = ['timestamp', 'snapshot', 'targets', 'targets/a', 'root'] as const;
/** The commit order (§7.4): root, delegations, targets, snapshot, timestamp. */
const ORDER = ['root', 'targets/a', 'targets', 'snapshot', 'timestamp'];
const fileOf = (role: string) => `${role}.json`;

describe('MetadataCache reads', () => {
  it('a path under a regular file (ENOTDIR) and a socket (ENXIO) are absent, not errors', async () => {
    const c = fresh();
    c.write('targets', Uint8Array.of(1));
    writeFileSync(join(c.dir, 'targets'), 'a file where the delegation directory would be');
    expect(c.read('targets/a')).toBeUndefined();
    expect(c.readEntry('targets/a')).toBeUndefined();
    const server = createServer();
    await new Promise<void>((r) => server.listen(c.pathOf('timestamp'), r));
    try {
      expect(c.read('timestamp')).toBeUndefined();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('any other open error is IO naming the role and the path', () => {
    // A trust dir with a path component longer than any file system allows: ENAMETOOLONG.
    const c = new MetadataCache(join(tempDir('nt-cacheio-'), 'x'.repeat(300)), GUN);
    const e = thrown(() => c.read('snapshot'));
    expect(e).toMatchObject({ code: 'IO', details: { role: 'snapshot', path: c.pathOf('snapshot') } });
    expect((e as { cause?: { code?: string } }).cause?.code).toBe('ENAMETOOLONG');
  });

  it('the size limit: exactly maxBytes is read, one more is CACHE_CORRUPT with role, path, size and limit', () => {
    const c = fresh();
    c.write('timestamp', new Uint8Array(100).fill(7));
    expect(c.read('timestamp', 100)).toEqual(new Uint8Array(100).fill(7));
    expect(thrown(() => c.read('timestamp', 99))).toMatchObject({
      code: 'CACHE_CORRUPT',
      details: { role: 'timestamp', path: c.pathOf('timestamp'), size: 100, limit: 99 },
    });
  });

  it('no caller can raise the limit above CACHE_READ_LIMIT (a sparse file one byte larger)', () => {
    const c = fresh();
    c.write('targets', Uint8Array.of(1));
    const fd = openSync(c.pathOf('targets'), 'r+');
    ftruncateSync(fd, CACHE_READ_LIMIT + 1);
    closeSync(fd);
    const expected = {
      code: 'CACHE_CORRUPT',
      details: { role: 'targets', size: CACHE_READ_LIMIT + 1, limit: CACHE_READ_LIMIT },
    };
    expect(thrown(() => c.read('targets', Number.MAX_SAFE_INTEGER))).toMatchObject(expected);
    expect(thrown(() => c.read('targets'))).toMatchObject(expected);
  });

  it('closes what it opens: no descriptor of a cached file or of its directory stays open after a read or a write', () => {
    const c = fresh();
    c.write('root', Uint8Array.of(1));
    c.write('targets/a', Uint8Array.of(2));
    expect(c.read('root')).toEqual(Uint8Array.of(1));
    mkdirSync(c.pathOf('snapshot'));
    expect(c.read('snapshot')).toBeUndefined(); // opened, then found not to be a regular file
    c.write('timestamp', new Uint8Array(100));
    expect(() => c.read('timestamp', 10)).toThrow(expect.objectContaining({ code: 'CACHE_CORRUPT' }));
    const open = openFiles();
    for (const p of [c.dir, join(c.dir, 'targets'), c.pathOf('root'), c.pathOf('snapshot'), c.pathOf('timestamp')]) {
      expect(open, p).not.toContain(p);
    }
  });

  it("readEntry gives the file's modification time", () => {
    const c = fresh();
    c.write('root', Uint8Array.of(1, 2));
    const t = new Date('2031-05-06T07:08:09.250Z');
    utimesSync(c.pathOf('root'), t, t);
    expect(c.readEntry('root')).toEqual({ bytes: Uint8Array.of(1, 2), mtimeMs: t.getTime() });
    expect(c.readEntry('snapshot')).toBeUndefined();
  });

  it('toString is the metadata directory with a trailing separator', () => {
    const c = fresh();
    expect(String(c)).toBe(c.dir + sep);
  });
});

describe('MetadataCache writes', () => {
  it('write: IO names the role and the path; a directory in the file’s place stays, and no temp file is left', () => {
    const c = fresh();
    mkdirSync(c.pathOf('snapshot'), { recursive: true });
    expect(thrown(() => c.write('snapshot', Uint8Array.of(1)))).toMatchObject({
      code: 'IO',
      details: { role: 'snapshot', path: c.pathOf('snapshot') },
    });
    expect(readdirSync(c.dir)).toEqual(['snapshot.json']);
    expect(statSync(c.pathOf('snapshot')).isDirectory()).toBe(true);
  });

  it("write sweeps a dead writer's temp files from the directory it writes to", () => {
    const c = fresh();
    mkdirSync(c.dir, { recursive: true });
    const stale = `.root.json.${deadPid()}.0123456789ab.tmp`;
    writeFileSync(join(c.dir, stale), 'half');
    c.write('root', Uint8Array.of(1));
    expect(readdirSync(c.dir)).toEqual(['root.json']);
  });

  for (const blocked of ORDER) {
    it(`writeAll and commitAll write root first and parents last: with ${blocked} blocked, only the roles before it are written`, async () => {
      const before = ORDER.slice(0, ORDER.indexOf(blocked)).map(fileOf).sort();
      for (const commit of [false, true]) {
        const c = fresh();
        mkdirSync(c.pathOf(blocked), { recursive: true }); // a directory where the file goes: its rename fails
        const entries = ROLES.map((role) => ({ role, bytes: Uint8Array.of(ROLES.indexOf(role)) }));
        const e = commit ? await rejected(c.commitAll(entries)) : thrown(() => c.writeAll(entries));
        expect(e, `commit=${commit}`).toMatchObject({
          code: 'IO',
          details: { role: blocked, path: c.pathOf(blocked) },
        });
        expect(filesUnder(c.dir), `commit=${commit}`).toEqual(before);
      }
    });
  }

  it('commitAll writes every entry, 0600 in 0700 directories, with no temp file or descriptor left', async () => {
    const c = fresh();
    await c.commitAll(ROLES.map((role) => ({ role, bytes: Uint8Array.of(ROLES.indexOf(role)) })));
    expect(openFiles().filter((p) => p.startsWith(c.dir))).toEqual([]);
    expect(filesUnder(c.dir)).toEqual(ORDER.map(fileOf).sort());
    for (const role of ROLES) {
      expect(c.read(role)).toEqual(Uint8Array.of(ROLES.indexOf(role)));
      expect(statSync(c.pathOf(role)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(c.dir, 'targets')).mode & 0o777).toBe(0o700);
  });

  it('commitAll uses a staged write only for its own role and bytes, and only while it is pending', async () => {
    const c = fresh();
    const bytes = Uint8Array.of(5);
    // Staged as snapshot, handed in for timestamp with the same bytes: timestamp is written on its own.
    const other = c.stage('snapshot', bytes) as StagedWrite;
    // Staged for root, then discarded: root is staged again, not failed.
    const gone = c.stage('root', bytes) as StagedWrite;
    await gone.discard();
    await c.commitAll([
      { role: 'timestamp', bytes, staged: other },
      { role: 'root', bytes, staged: gone },
    ]);
    expect(c.read('timestamp')).toEqual(bytes);
    expect(c.read('root')).toEqual(bytes);
    expect(other.pending).toBe(true); // not this commit's to use or discard
    expect(existsSync(other.tmp)).toBe(true);
    await other.discard();
    expect(filesUnder(c.dir)).toEqual(['root.json', 'timestamp.json']);
  });

  it('commitAll commits the staged temp file it was handed (no second write)', async () => {
    const c = fresh();
    const bytes = Uint8Array.of(6);
    const s = c.stage('snapshot', bytes) as StagedWrite;
    expect(s).toBeInstanceOf(StagedWrite);
    expect(s.path).toBe(c.pathOf('snapshot'));
    const tmp = s.tmp;
    await s.ready();
    const ino = statSync(tmp).ino;
    await c.commitAll([{ role: 'snapshot', bytes, staged: s }]);
    expect(s.pending).toBe(false);
    expect(statSync(c.pathOf('snapshot')).ino).toBe(ino);
  });

  it('commitAll: a temp file that cannot be made is IO naming the role and path, and nothing is renamed', async () => {
    const c = fresh();
    c.write('targets', Uint8Array.of(1));
    writeFileSync(join(c.dir, 'targets'), 'not a dir');
    const e = await rejected(
      c.commitAll([
        { role: 'root', bytes: Uint8Array.of(2) },
        { role: 'targets/a', bytes: Uint8Array.of(3) },
      ]),
    );
    expect(e).toMatchObject({ code: 'IO', details: { role: 'targets/a', path: c.pathOf('targets/a') } });
    expect((e as { cause?: { code?: string } }).cause?.code).toBe('EEXIST'); // mkdir of `targets/`, a file
    // root ranks first, so it was renamed before the failing delegation; no temp file anywhere
    expect(filesUnder(c.dir)).toEqual(['root.json', 'targets', 'targets.json']);
  });
});

describe('MetadataCache.remove', () => {
  it('removes a file, is fine with a missing one, and is IO naming the role when it cannot', () => {
    const c = fresh();
    c.write('snapshot', Uint8Array.of(1));
    c.remove('snapshot');
    expect(c.read('snapshot')).toBeUndefined();
    c.remove('snapshot');
    c.remove('targets/never');
    mkdirSync(join(c.pathOf('timestamp'), 'inside'), { recursive: true });
    expect(thrown(() => c.remove('timestamp'))).toMatchObject({ code: 'IO', details: { role: 'timestamp' } });
    expect(statSync(c.pathOf('timestamp')).isDirectory()).toBe(true);
  });
});
