import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/crypto/hash.js';
import { toHex } from '../../../src/encoding/hex.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { checkHashes, checkLength, fileMetaFromBytes } from '../../../src/metadata/index.js';
import { expectCode } from './fixtures.js';

const data = utf8('snapshot bytes');

describe('checkHashes', () => {
  it('passes when every known digest matches (either or both)', () => {
    const meta = fileMetaFromBytes(data);
    expect(() => checkHashes(data, meta)).not.toThrow();
    expect(() => checkHashes(data, fileMetaFromBytes(data, ['sha256']))).not.toThrow();
    expect(() => checkHashes(data, fileMetaFromBytes(data, ['sha512']))).not.toThrow();
  });

  it('any mismatching digest fails, even if the other matches', () => {
    const good = fileMetaFromBytes(data);
    const other = fileMetaFromBytes(utf8('other'));
    expectCode(
      () => checkHashes(data, { hashes: { sha256: good.hashes.sha256!, sha512: other.hashes.sha512! } }, 'snapshot'),
      'HASH_MISMATCH',
      {
        role: 'snapshot',
        algorithm: 'sha512',
      },
    );
    expectCode(
      () => checkHashes(data, { hashes: { sha256: other.hashes.sha256!, sha512: good.hashes.sha512! } }, 'root'),
      'HASH_MISMATCH',
      {
        role: 'root',
        algorithm: 'sha256',
        expected: toHex(other.hashes.sha256!),
        actual: toHex(sha256(data)),
      },
    );
  });

  it('a digest of the wrong size fails', () => {
    expectCode(() => checkHashes(data, { hashes: { sha256: sha256(data).subarray(1) } }), 'HASH_MISMATCH');
  });

  it('no known digest at all fails', () => {
    expectCode(() => checkHashes(data, { hashes: {} }, 'targets'), 'HASH_MISMATCH', {
      role: 'targets',
      algorithm: null,
    });
  });
});

describe('checkLength', () => {
  it('must equal the byte count', () => {
    expect(() => checkLength(data, { length: data.length })).not.toThrow();
    expectCode(() => checkLength(data, { length: data.length + 1 }, 'snapshot'), 'LENGTH_MISMATCH', {
      role: 'snapshot',
      expected: data.length + 1,
      actual: data.length,
    });
    expectCode(() => checkLength(data, { length: data.length - 1 }), 'LENGTH_MISMATCH');
  });
});

describe('fileMetaFromBytes', () => {
  it('defaults to sha256 and sha512 and records the exact length', () => {
    const m = fileMetaFromBytes(data);
    expect(m.length).toBe(data.length);
    expect(m.hashes.sha256?.length).toBe(32);
    expect(m.hashes.sha512?.length).toBe(64);
    expect(() => fileMetaFromBytes(data, [])).toThrow(RangeError);
  });
});
