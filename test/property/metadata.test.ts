import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/canonical/index.js';
import { generateKey } from '../../src/crypto/sign.js';
import type { SignatureMethod } from '../../src/crypto/types.js';
import { verifySignature } from '../../src/crypto/verify.js';
import { isNotaryError } from '../../src/errors.js';
import {
  type FileMeta,
  formatRfc3339Nano,
  parseExpiry,
  parseTargets,
  serializeMetadata,
  signMetadataWithKeys,
  Targets,
  tufKeyId,
  verifyRole,
} from '../../src/metadata/index.js';

const key = generateKey('ecdsa');
const edKey = generateKey('ed25519');
const keyId = tufKeyId(key.publicKey);
const role = { name: 'targets', keyIds: [keyId], threshold: 1 };
const keyMap = new Map([[keyId, key.publicKey]]);
const EXPIRES = parseExpiry('2030-01-01T00:00:00Z');

const special = fc.constantFrom('！bang', '😀smile', 'a&b<c>', '\u2028', 'tab\there', 'é', 'latest', '"q"', '\\');
const name = fc.oneof(fc.string({ unit: 'binary', maxLength: 10 }), special);
const digest = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });
const custom: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.maxSafeInteger(), fc.string({ maxLength: 4 }), fc.boolean()), {
    maxKeys: 3,
  }),
);
const meta: fc.Arbitrary<FileMeta> = fc
  .record({
    length: fc.maxSafeNat(),
    sha256: fc.option(digest(32), { nil: undefined }),
    sha512: fc.option(digest(64), { nil: undefined }),
    custom: fc.option(custom, { nil: undefined }),
  })
  .filter((m) => m.sha256 !== undefined || m.sha512 !== undefined)
  .map((m) => ({
    length: m.length,
    hashes: { ...(m.sha256 ? { sha256: m.sha256 } : {}), ...(m.sha512 ? { sha512: m.sha512 } : {}) },
    ...(m.custom === undefined || m.custom === null ? {} : { custom: m.custom }),
  }));
const targetsArb = fc.uniqueArray(fc.tuple(name, meta), { maxLength: 8, selector: (t) => t[0] });

describe('metadata properties', () => {
  it('build → sign → serialize → parse round-trips exactly and verifies', () => {
    fc.assert(
      fc.property(targetsArb, fc.integer({ min: 1, max: 1000 }), (entries, version) => {
        const file = signMetadataWithKeys(Targets.create({ expires: EXPIRES, version, targets: entries }), [key]);
        const parsed = parseTargets(file.raw);
        expect(serializeMetadata(parsed.signed, parsed.signatures)).toEqual(file.raw);
        expect(parsed.signed.canonicalBytes()).toEqual(file.signed.canonicalBytes());
        expect(parsed.signed.version).toBe(version);
        for (const [n, m] of entries) expect(parsed.signed.getTarget(n)).toEqual({ name: n, ...m });
        expect(verifyRole(role, keyMap, parsed)).toEqual(new Set([keyId]));
      }),
      { numRuns: 60 },
    );
  });

  it('a signature fails after any bit flip of the signed bytes (ECDSA and Ed25519)', () => {
    const t = Targets.create({
      expires: EXPIRES,
      targets: [['v1', { length: 1, hashes: { sha256: new Uint8Array(32) } }]],
    });
    const data = t.canonicalBytes();
    const sigs = signMetadataWithKeys(t, [key, edKey]).signatures;
    fc.assert(
      fc.property(fc.nat(data.length - 1), fc.integer({ min: 0, max: 7 }), fc.constantFrom(0, 1), (i, bit, which) => {
        const flipped = data.slice();
        flipped[i] = (flipped[i] as number) ^ (1 << bit);
        const s = sigs[which]!;
        const pub = which === 0 ? key.publicKey : edKey.publicKey;
        expect(verifySignature(pub, { method: s.method as SignatureMethod, sig: s.sig }, data)).toBe(true);
        expect(verifySignature(pub, { method: s.method as SignatureMethod, sig: s.sig }, flipped)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('any byte change in a file is rejected, unless the signed value it means is unchanged', () => {
    const file = signMetadataWithKeys(
      Targets.create({
        expires: EXPIRES,
        targets: [['a&b<c>', { length: 7, hashes: { sha256: new Uint8Array(32).fill(7) } }]],
      }),
      [key],
    );
    const original = file.signed.canonicalBytes();
    fc.assert(
      fc.property(fc.nat(file.raw.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const raw = file.raw.slice();
        raw[i] = (raw[i] as number) ^ x;
        try {
          const parsed = parseTargets(raw);
          verifyRole(role, keyMap, parsed);
          // Accepted: only an equivalent spelling (e.g. `\u003C` for `\u003c`, `ECDSA` for `ecdsa`) may pass.
          expect(parsed.signed.canonicalBytes()).toEqual(original);
        } catch (e) {
          if (!isNotaryError(e)) throw e;
          expect(['INVALID_JSON', 'INVALID_METADATA', 'THRESHOLD_NOT_MET', 'INVALID_KEY_ID']).toContain(e.code);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('expiry: format then parse is the identity on epoch nanoseconds in 0000–9999', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -62167219200n * 1_000_000_000n, max: 253402300799999999999n }), (ns) => {
        expect(parseExpiry(formatRfc3339Nano(ns)).epochNs).toBe(ns);
      }),
    );
  });

  it('expiry: any offset means the same instant as its UTC form', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9000-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        fc.integer({ min: 0, max: 999_999 }),
        (d, offset, subMs) => {
          const utcNs = BigInt(d.getTime()) * 1_000_000n + BigInt(subMs);
          const local = new Date(d.getTime() + offset * 60_000);
          const sign = offset < 0 ? '-' : '+';
          const abs = Math.abs(offset);
          const frac = `${String(local.getUTCMilliseconds()).padStart(3, '0')}${String(subMs).padStart(6, '0')}`;
          const text =
            `${local.toISOString().slice(0, 19)}.${frac}` +
            `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(parseExpiry(text).epochNs).toBe(utcNs);
        },
      ),
    );
  });
});
