import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, sha512 } from '../../../src/crypto/hash.js';
import { toHex } from '../../../src/encoding/hex.js';
import { utf8 } from '../../../src/encoding/utf8.js';

describe('sha256 / sha512 (FIPS 180-4 vectors)', () => {
  it('hashes "abc"', () => {
    expect(toHex(sha256(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha512(utf8('abc')))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    );
  });

  it('hashes the empty string', () => {
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha512(new Uint8Array(0))).toHaveLength(64);
  });

  it('hashes a subarray view, not its backing buffer', () => {
    const buf = utf8('xxabcxx');
    expect(sha256(buf.subarray(2, 5))).toEqual(sha256(utf8('abc')));
  });

  it('returns plain Uint8Arrays that agree with createHash on 1 MiB', () => {
    const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
    const d = sha512(big);
    expect(d.constructor).toBe(Uint8Array);
    expect(toHex(d)).toBe(createHash('sha512').update(big).digest('hex'));
  });
});
