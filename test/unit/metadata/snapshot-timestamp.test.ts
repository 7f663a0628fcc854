import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/encoding/utf8.js';
import {
  fileMetaFromBytes,
  parseMetadata,
  parseSnapshot,
  parseTimestamp,
  Snapshot,
  Timestamp,
} from '../../../src/metadata/index.js';
import { buildRepo, EXPIRES, envelope, expectCode, type Loose, signedCopy } from './fixtures.js';

type Mut = (s: Loose) => void;

function snapshotWith(mut: Mut): () => unknown {
  const s = signedCopy(buildRepo().snapshot) as Loose;
  mut(s);
  const bytes = envelope(s);
  return () => parseSnapshot(bytes);
}

function timestampWith(mut: Mut): () => unknown {
  const s = signedCopy(buildRepo().timestamp) as Loose;
  mut(s);
  const bytes = envelope(s);
  return () => parseTimestamp(bytes);
}

describe('snapshot', () => {
  it('parses meta of every role', () => {
    const repo = buildRepo();
    const s = parseSnapshot(repo.snapshot.raw).signed;
    expect(s.getMeta('root')).toEqual(fileMetaFromBytes(repo.root.raw));
    expect(s.getMeta('targets')).toEqual(fileMetaFromBytes(repo.targets.raw));
    expect(s.getMeta('targets/releases')).toBeUndefined();
    expect([...s.meta.keys()].sort()).toEqual(['root', 'targets']);
  });

  it('sha256-only meta is accepted (sha512 optional), delegations need any known hash', () => {
    expect(() =>
      snapshotWith((s) => {
        delete s.meta.root.hashes.sha512;
        s.meta['targets/releases'] = { hashes: { sha512: s.meta.targets.hashes.sha512 }, length: 4 };
      })(),
    ).not.toThrow();
  });

  const cases: [string, Mut, string][] = [
    ['_type', (s) => (s._type = 'Timestamp'), '_type'],
    ['version', (s) => (s.version = 0), 'version'],
    ['meta missing', (s) => delete s.meta, 'meta'],
    ['meta null', (s) => (s.meta = null), 'meta'],
    ['root meta missing', (s) => delete s.meta.root, 'meta.root'],
    ['targets meta missing', (s) => delete s.meta.targets, 'meta.targets'],
    [
      'root meta sha512 only (Go: missing root sha256 checksum information)',
      (s) => delete s.meta.root.hashes.sha256,
      'meta.root.hashes.sha256',
    ],
    ['targets meta sha512 only', (s) => delete s.meta.targets.hashes.sha256, 'meta.targets.hashes.sha256'],
    ['root meta bad sha256', (s) => (s.meta.root.hashes.sha256 = 'AAAA'), 'meta.root.hashes.sha256'],
    ['root meta length negative', (s) => (s.meta.root.length = -5), 'meta.root.length'],
    ['delegation meta without hashes', (s) => (s.meta['targets/x'] = { length: 1 }), 'meta."targets/x".hashes'],
    [
      'delegation meta with unknown hash only',
      (s) => (s.meta['targets/x'] = { hashes: { md5: '' }, length: 1 }),
      'meta."targets/x".hashes',
    ],
  ];
  for (const [name, mut, field] of cases) {
    it(`error: ${name}`, () => {
      expectCode(snapshotWith(mut), 'INVALID_METADATA', { role: 'snapshot', field });
    });
  }

  it('builder requires root and targets with sha256', () => {
    const m = fileMetaFromBytes(utf8('x'));
    expect(
      Snapshot.create({
        expires: EXPIRES,
        version: 4,
        meta: [
          ['root', m],
          ['targets', m],
        ],
      }).version,
    ).toBe(4);
    expectCode(() => Snapshot.create({ expires: EXPIRES, meta: [['root', m]] }), 'INVALID_METADATA', {
      field: 'meta.targets',
    });
    const only512 = fileMetaFromBytes(utf8('x'), ['sha512']);
    expectCode(
      () =>
        Snapshot.create({
          expires: EXPIRES,
          meta: [
            ['root', only512],
            ['targets', m],
          ],
        }),
      'INVALID_METADATA',
      {
        field: 'meta.root.hashes.sha256',
      },
    );
  });
});

describe('timestamp', () => {
  it('exposes the snapshot meta', () => {
    const repo = buildRepo();
    const t = parseTimestamp(repo.timestamp.raw).signed;
    expect(t.snapshot).toEqual(fileMetaFromBytes(repo.snapshot.raw));
    expect(parseMetadata('timestamp', repo.timestamp.raw).signed.type).toBe('Timestamp');
  });

  const cases: [string, Mut, string][] = [
    ['_type', (s) => (s._type = 'timestamp'), '_type'],
    ['version', (s) => (s.version = -3), 'version'],
    ['expires', (s) => (s.expires = '2030-01-01T00:00:60Z'), 'expires'],
    ['meta missing', (s) => delete s.meta, 'meta'],
    ['snapshot meta missing', (s) => (s.meta = {}), 'meta.snapshot'],
    ['snapshot meta without sha256', (s) => delete s.meta.snapshot.hashes.sha256, 'meta.snapshot.hashes.sha256'],
    ['snapshot meta with a bad sha512', (s) => (s.meta.snapshot.hashes.sha512 = 'AA=='), 'meta.snapshot.hashes.sha512'],
    ['snapshot meta length missing', (s) => delete s.meta.snapshot.length, 'meta.snapshot.length'],
  ];
  for (const [name, mut, field] of cases) {
    it(`error: ${name}`, () => {
      expectCode(timestampWith(mut), 'INVALID_METADATA', { role: 'timestamp', field });
    });
  }

  it('builder writes Go shape', () => {
    const t = Timestamp.create({ expires: EXPIRES, snapshot: { length: 3, hashes: { sha256: new Uint8Array(32) } } });
    expect(new TextDecoder().decode(t.canonicalBytes())).toBe(
      '{"_type":"Timestamp","expires":"2030-01-02T03:04:05.123456789Z","meta":{"snapshot":{"hashes":{"sha256":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},"length":3}},"version":1}',
    );
  });
});

describe('parseMetadata dispatch', () => {
  it('chooses the model by role and refuses non-roles', () => {
    const repo = buildRepo();
    expect(parseMetadata('root', repo.root.raw).signed.type).toBe('Root');
    expect(parseMetadata('targets', repo.targets.raw).signed.type).toBe('Targets');
    expect(parseMetadata('snapshot', repo.snapshot.raw).signed.type).toBe('Snapshot');
    expect(() => parseMetadata('mirror', repo.root.raw)).toThrow(RangeError);
    // A file of the wrong kind is INVALID_METADATA on _type.
    expectCode(() => parseMetadata('snapshot', repo.timestamp.raw), 'INVALID_METADATA', { field: '_type' });
  });
});
