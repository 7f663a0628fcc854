// The client against the corpus the real Go CLI produced: same answers as `notary list`/`notary lookup`, the same
// cache bytes, the N.root.json walk from a cache that still trusts root v1, and the Go client's cache read offline.
import { cpSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetadataCache, openRepository, type RoleFetcher } from '../../../src/client/index.js';
import { sha256 } from '../../../src/crypto/index.js';
import { bytesEqual } from '../../../src/encoding/bytes.js';
import { toHex } from '../../../src/encoding/hex.js';
import { notaryError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/temp-dir.js';

const FIX = join(import.meta.dirname, '../../../fixtures');
const manifest = JSON.parse(readFileSync(join(FIX, 'manifest.json'), 'utf8')) as {
  generatedAt: string;
  repos: { name: string; gun: string; dir: string }[];
};
const NOW = new Date(manifest.generatedAt);

/** Serves a fixture repo's `server/` directory the way notary-server does (current, by version, by sha256). */
class FixtureFetcher implements RoleFetcher {
  readonly log: string[] = [];
  private readonly byChecksum = new Map<string, string>();
  constructor(private readonly dir: string) {
    const walk = (d: string): void => {
      for (const e of readdirSync(d)) {
        const p = join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith('.json')) {
          const rel = relative(dir, p).slice(0, -5);
          const role = rel.replace(/^\d+\./, '');
          this.byChecksum.set(`${role}.${toHex(sha256(readFileSync(p)))}`, p);
        }
      }
    };
    walk(dir);
  }
  async getRole(role: string, o: { maxBytes: number; checksum?: string; version?: number }): Promise<Uint8Array> {
    const name = o.checksum ? `${role}.${o.checksum}` : o.version ? `${o.version}.${role}` : role;
    this.log.push(`${name}.json`);
    const path = o.checksum ? this.byChecksum.get(name) : join(this.dir, `${name}.json`);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path ?? '/nonexistent');
    } catch {
      throw notaryError(
        role === 'root' && !o.version && !o.checksum ? 'REPOSITORY_NOT_FOUND' : 'METADATA_NOT_FOUND',
        `${name} not found`,
      );
    }
    if (bytes.length > o.maxBytes) throw notaryError('RESPONSE_TOO_LARGE', `${name} too large`);
    return bytes;
  }
}

interface Row {
  name: string;
  digest: string;
  size: number;
  role: string;
}

function parseList(text: string): Row[] {
  return text
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = /^(.+?)\s+([0-9a-f]{64})\s+(\d+)\s+(\S+)\s*$/.exec(l);
      if (!m) throw new Error(`bad list line ${l}`);
      return { name: m[1] as string, digest: m[2] as string, size: Number(m[3]), role: m[4] as string };
    });
}

for (const repo of manifest.repos) {
  const dir = join(FIX, repo.dir);
  describe(`fixture ${repo.name} (${repo.gun})`, () => {
    it('online from an empty trust dir: notary list / notary lookup answers and server-identical cache', async () => {
      const trustDir = tempDir('nt-fix-');
      const r = await openRepository({
        gun: repo.gun,
        trustDir,
        remote: new FixtureFetcher(join(dir, 'server')),
        now: NOW,
      });
      const listed = await r.list();
      expect(listed).toEqual(parseList(readFileSync(join(dir, 'cli/list.txt'), 'utf8')));
      for (const f of readdirSync(join(dir, 'cli')).filter((n) => /^lookup-\d+\.name$/.test(n))) {
        const name = readFileSync(join(dir, 'cli', f), 'utf8').replace(/\n$/, '');
        const want = readFileSync(join(dir, 'cli', f.replace('.name', '.txt')), 'utf8');
        const got = await r.lookup(name, { roles: ['targets'] });
        expect(`${name} ${got.digest} ${got.size}\n`).toBe(want);
      }
      const cache = new MetadataCache(trustDir, repo.gun);
      for (const role of ['root', 'timestamp', 'snapshot', 'targets']) {
        expect(bytesEqual(cache.read(role) as Uint8Array, readFileSync(join(dir, 'server', `${role}.json`)))).toBe(
          true,
        );
      }
    });

    it('offline on the cache the Go CLI wrote', async () => {
      const trustDir = tempDir('nt-fix-go-');
      cpSync(join(dir, 'trust'), trustDir, { recursive: true });
      const r = await openRepository({ gun: repo.gun, trustDir, offline: true, now: NOW });
      expect(r.offline).toBe(true);
      // The Go CLI caches delegations too, so offline listing works for every repo.
      expect(await r.list()).toEqual(parseList(readFileSync(join(dir, 'cli/list.txt'), 'utf8')));
    });
  });
}

describe('fixture root-rotated: a cache that still trusts root v1', () => {
  it('walks 2.root.json and 3.root.json to root.json (v4) and caches v4', async () => {
    const repo = manifest.repos.find((r) => r.name === 'root-rotated') as { gun: string; dir: string };
    const dir = join(FIX, repo.dir);
    const trustDir = tempDir('nt-fix-rot-');
    cpSync(join(dir, 'trust-at-root-v1'), trustDir, { recursive: true });
    const fetcher = new FixtureFetcher(join(dir, 'server'));
    const r = await openRepository({ gun: repo.gun, trustDir, remote: fetcher, now: NOW });
    expect(r.trusted.root.version).toBe(4);
    // The sequence Notary's client makes (fact sheet §8): the snapshot fails under the old root, then the walk.
    expect(fetcher.log.map((l) => l.replace(/[0-9a-f]{64}/, 'H'))).toEqual([
      'timestamp.json',
      'snapshot.H.json',
      'root.json',
      '2.root.json',
      '3.root.json',
      'timestamp.json',
      'snapshot.H.json',
      'targets.H.json',
    ]);
    const cached = new MetadataCache(trustDir, repo.gun).read('root') as Uint8Array;
    expect(bytesEqual(cached, readFileSync(join(dir, 'server/root.json')))).toBe(true);
  });
});
