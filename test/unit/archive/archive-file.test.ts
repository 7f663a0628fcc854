// The archive container's integrity rules: manifest first, every listed file present with its sha256 and length,
// nothing unlisted, entries inside their GUN, valid manifest fields; gzip detected by magic bytes and bounded.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeArchive, encodeArchive } from '../../../src/archive/archive-file.js';
import { ARCHIVE_FORMAT, type ArchiveManifest, describeFile, MANIFEST_NAME } from '../../../src/archive/manifest.js';
import { type TarEntry, writeTar } from '../../../src/archive/tar.js';
import { thrownCode } from '../../helpers/error-code.js';

const GUN = 'example.com/unit/archive';
const enc = new TextEncoder();
const files = new Map<string, Uint8Array>([
  ['1.root.json', enc.encode('{"root":1}')],
  ['timestamp.json', enc.encode('{"ts":1}')],
  ['targets/releases.json', enc.encode('{"d":1}')],
]);

function manifest(overrides: Partial<ArchiveManifest['repositories'][number]> = {}): ArchiveManifest {
  return {
    format: ARCHIVE_FORMAT,
    tool: 'notary-ts test',
    createdAt: '2026-12-06T12:00:00Z',
    repositories: [
      {
        gun: GUN,
        server: 'https://notary.example.com',
        archivedAt: '2026-12-06T12:00:00Z',
        anchor: 'tofu',
        rootVersion: 1,
        files: [...files].map(([f, b]) => describeFile(GUN, f, b)),
        ...overrides,
      },
    ],
  };
}
const byPath = () => new Map([...files].map(([f, b]) => [`${GUN}/_trust/tuf/${f}`, b]));

describe('decodeArchive', () => {
  it('round trips, plain and gzip', () => {
    for (const gz of [false, true]) {
      const c = decodeArchive(encodeArchive(manifest(), byPath(), gz, 0));
      expect(c.manifest.repositories[0]?.files.map((f) => f.role)).toEqual(['root', 'timestamp', 'targets/releases']);
      const got = c.files.get(`${GUN}/_trust/tuf/targets/releases.json`) as Uint8Array;
      expect(Buffer.from(got).equals(Buffer.from(files.get('targets/releases.json') as Uint8Array))).toBe(true);
    }
  });

  it('a changed manifest hash is HASH_MISMATCH; a changed length LENGTH_MISMATCH', () => {
    const m = manifest();
    const f0 = m.repositories[0]?.files[0];
    if (f0 === undefined) throw new Error('fixture');
    const flipped = { ...f0, sha256: `${f0.sha256[0] === '0' ? '1' : '0'}${f0.sha256.slice(1)}` };
    const bad = manifest({ files: [flipped, ...(m.repositories[0]?.files.slice(1) ?? [])] });
    expect(thrownCode(() => decodeArchive(encodeArchive(bad, byPath(), false, 0)))).toBe('HASH_MISMATCH');
    const long = manifest({ files: [{ ...f0, length: f0.length + 1 }, ...(m.repositories[0]?.files.slice(1) ?? [])] });
    expect(thrownCode(() => decodeArchive(encodeArchive(long, byPath(), false, 0)))).toBe('LENGTH_MISMATCH');
  });

  it('unlisted files, missing files, files outside the GUN, a manifest not first: ARCHIVE_INVALID', () => {
    const m = manifest();
    const entries: TarEntry[] = [{ name: MANIFEST_NAME, bytes: enc.encode(JSON.stringify(m)) }];
    for (const [p, b] of byPath()) entries.push({ name: p, bytes: b });
    expect(
      thrownCode(() =>
        decodeArchive(writeTar([...entries, { name: 'extra', bytes: new Uint8Array(1) }], { mtime: 0 })),
      ),
    ).toBe('ARCHIVE_INVALID');
    expect(thrownCode(() => decodeArchive(writeTar(entries.slice(0, 2), { mtime: 0 })))).toBe('ARCHIVE_INVALID');
    expect(thrownCode(() => decodeArchive(writeTar([...entries.slice(1), entries[0] as TarEntry], { mtime: 0 })))).toBe(
      'ARCHIVE_INVALID',
    );
    const outside = manifest({
      files: [{ ...describeFile('example.com/other', '1.root.json', files.get('1.root.json') as Uint8Array) }],
    });
    const tar = writeTar(
      [
        { name: MANIFEST_NAME, bytes: enc.encode(JSON.stringify(outside)) },
        { name: 'example.com/other/_trust/tuf/1.root.json', bytes: files.get('1.root.json') as Uint8Array },
      ],
      { mtime: 0 },
    );
    expect(thrownCode(() => decodeArchive(tar))).toBe('ARCHIVE_INVALID');
  });

  it('bad manifest fields, an unknown format, a bad gun, a broken gzip: ARCHIVE_INVALID', () => {
    const withManifest = (m: unknown) =>
      writeTar([{ name: MANIFEST_NAME, bytes: enc.encode(JSON.stringify(m)) }], { mtime: 0 });
    const good = manifest();
    for (const m of [
      { ...good, format: 'other/1' },
      { ...good, createdAt: 'yesterday' },
      { ...good, repositories: [{ ...good.repositories[0], gun: '../x' }] },
      { ...good, repositories: [{ ...good.repositories[0], anchor: 'trust-me' }] },
      { ...good, repositories: [good.repositories[0], good.repositories[0]] },
      [],
    ]) {
      expect(thrownCode(() => decodeArchive(withManifest(m)))).toBe('ARCHIVE_INVALID');
    }
    const gz = gzipSync(encodeArchive(good, byPath(), false, 0));
    expect(thrownCode(() => decodeArchive(gz.subarray(0, gz.length - 8)))).toBe('ARCHIVE_INVALID');
  });
});
