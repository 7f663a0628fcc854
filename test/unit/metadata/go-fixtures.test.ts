// Metadata written by the real Notary 0.7.0 (server and client) and by legacy Notary 0.1/0.3, from fixtures/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnvelope, parseRoot, verifyRole } from '../../../src/metadata/index.js';
import { checkRepo, expectRoundTrip } from './repo-check.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Role of a metadata file from its path: `…/targets/releases.json` → `targets/releases`; versioned `2.x.json` too. */
function roleOf(path: string, metadataDir: string): string {
  const rel = relative(metadataDir, path).replace(/\.json$/, '');
  return rel.replace(/^\d+\./, '');
}

/** Directories holding metadata: notary-server dumps (`server/`) and client caches (`…/metadata/`). */
function metadataDirs(): string[] {
  if (!existsSync(FIXTURES)) return [];
  const dirs = new Set<string>();
  for (const f of walk(FIXTURES)) {
    if (!f.endsWith('.json')) continue;
    const m = /^(.*\/(?:server|metadata))\//.exec(f);
    if (m?.[1] !== undefined) dirs.add(m[1]);
  }
  return [...dirs].sort();
}

const dirs = metadataDirs();

describe('Go-written metadata fixtures', () => {
  it('exist', () => {
    expect(dirs.length).toBeGreaterThan(5);
  });

  for (const dir of dirs) {
    const name = relative(FIXTURES, dir);
    const files = walk(dir).filter((f) => f.endsWith('.json'));

    it(`${name}: every file parses and re-serialises byte for byte`, () => {
      for (const f of files) {
        const raw = new Uint8Array(readFileSync(f));
        const role = roleOf(f, dir);
        expectRoundTrip(role, raw);
        // Go-written files hold canonical bytes verbatim, so verification needs no re-encoding.
        expect(parseEnvelope(raw, role).canonical).toBeDefined();
      }
    });

    const current = new Map<string, Uint8Array>();
    for (const f of files) {
      const role = roleOf(f, dir);
      if (!/(^|\/)\d+\.[^/]+$/.test(relative(dir, f))) current.set(role, new Uint8Array(readFileSync(f)));
    }
    if (dir.endsWith('/server')) {
      it(`${name}: signatures, thresholds and the hash chain verify`, () => {
        const result = checkRepo(current);
        expect(result.verified).toEqual(expect.arrayContaining(['root', 'timestamp', 'snapshot', 'targets']));
      });

      const versionedRoots = files
        .map((f) => /\/(\d+)\.root\.json$/.exec(f))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => a - b);
      if (versionedRoots.length > 1) {
        it(`${name}: each root version is signed by the previous root's keys`, () => {
          for (let i = 1; i < versionedRoots.length; i++) {
            const prev = parseRoot(new Uint8Array(readFileSync(join(dir, `${versionedRoots[i - 1]}.root.json`))));
            const next = parseRoot(new Uint8Array(readFileSync(join(dir, `${versionedRoots[i]}.root.json`))));
            expect(verifyRole(prev.signed.baseRole('root'), prev.signed.keys, next).size).toBeGreaterThan(0);
            expect(verifyRole(next.signed.baseRole('root'), next.signed.keys, next).size).toBeGreaterThan(0);
          }
        });
      }
    } else {
      it(`${name}: the cached root verifies itself and the files it signs`, () => {
        // Client caches may lag the server (published files are not cached), so the hash chain is not required.
        const result = checkRepo(
          new Map(
            [...current].filter(([role]) => role === 'root' || role === 'targets' || role.startsWith('targets/')),
          ),
          true,
        );
        expect(result.verified).toContain('root');
      });
    }
  }
});
