// Edge cases of signature verification that the mutation run of src/crypto (SPEC §7.8, "src/crypto (verify half)
// survivors") showed untested: RSA public exponents Go refuses, the pycrypto method's key type, cross-encoding cache.
import {
  constants,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  verify as nodeVerify,
  sign,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/crypto/hash.js';
import { encodePem } from '../../../src/crypto/pem.js';
import type { PublicKey } from '../../../src/crypto/types.js';
import { verifySignature } from '../../../src/crypto/verify.js';
import { concatBytes } from '../../../src/encoding/bytes.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { testKey } from './cert-builder.js';

const DATA = utf8('{"_type":"Snapshot","version":7}');

function spki(k: KeyObject): Uint8Array {
  const pub = k.type === 'public' ? k : createPublicKey(k);
  return new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
}

function b64url(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex').toString('base64url');
}

/** EMSA-PKCS1-v1_5 encoding of SHA-256(data) for a 256-byte modulus: with e = 1 it is its own signature. */
function pkcs1Encoded(data: Uint8Array): Uint8Array {
  const digestInfo = concatBytes(Buffer.from('3031300d060960864801650304020105000420', 'hex'), sha256(data));
  const pad = new Uint8Array(256 - 3 - digestInfo.length).fill(0xff);
  return concatBytes(Uint8Array.of(0, 1), pad, Uint8Array.of(0), digestInfo);
}

describe('rsa public exponent (Go: 2 <= e <= 2^31-1, else no signature verifies)', () => {
  it('a 2048-bit key with e = 1 verifies nothing, not even the padded digest itself (anyone could forge it)', () => {
    // Any odd 2048-bit modulus: with e = 1, s^e mod n = s, so the "signature" is the encoded message.
    const n = (1n << 2047n) | (1n << 1000n) | 1n;
    const key = createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(1n) }, format: 'jwk' });
    const pub: PublicKey = { type: 'rsa', public: spki(key) };
    const forged = pkcs1Encoded(DATA);
    // node:crypto alone accepts it: the check is ours (as Go's rsa.checkPub).
    expect(nodeVerify('sha256', DATA, { key, padding: constants.RSA_PKCS1_PADDING }, forged)).toBe(true);
    expect(verifySignature(pub, { method: 'rsapkcs1v15', sig: forged }, DATA)).toBe(false);
  });

  it('e = 3 and e = 2^31-1 verify, e = 2^31+1 does not, even with genuine signatures', () => {
    for (const [e, ok] of [
      [3, true],
      [2 ** 31 - 1, true],
      [2 ** 31 + 1, false],
    ] as const) {
      const k = generateKeyPairSync('rsa', { modulusLength: 2048, publicExponent: e }).privateKey;
      const pub: PublicKey = { type: 'rsa', public: spki(k) };
      const pss = new Uint8Array(
        sign('sha256', DATA, { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
      );
      const pkcs1 = new Uint8Array(sign('sha256', DATA, { key: k, padding: constants.RSA_PKCS1_PADDING }));
      expect(verifySignature(pub, { method: 'rsapss', sig: pss }, DATA)).toBe(ok);
      expect(verifySignature(pub, { method: 'rsapkcs1v15', sig: pkcs1 }, DATA)).toBe(ok);
    }
  });
});

describe('pycrypto-pkcs#1 pss', () => {
  const rsa = testKey('rsa-2048');
  const pem = utf8(encodePem('PUBLIC KEY', spki(rsa)));
  const sig = new Uint8Array(
    sign('sha256', DATA, { key: rsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  );

  it('needs keytype rsa: the same PEM under any other keytype verifies nothing', () => {
    expect(verifySignature({ type: 'rsa', public: pem }, { method: 'pycrypto-pkcs#1 pss', sig }, DATA)).toBe(true);
    for (const type of ['rsa-x509', 'ecdsa', 'ecdsa-x509', 'ed25519'] as const) {
      expect(verifySignature({ type, public: pem }, { method: 'pycrypto-pkcs#1 pss', sig }, DATA)).toBe(false);
    }
  });

  it('a DER key read as pem first, then as der, is not confused by the key cache (and the reverse)', () => {
    const der = spki(rsa);
    expect(verifySignature({ type: 'rsa', public: der }, { method: 'pycrypto-pkcs#1 pss', sig }, DATA)).toBe(false);
    expect(verifySignature({ type: 'rsa', public: der }, { method: 'rsapss', sig }, DATA)).toBe(true);
    const pem2 = utf8(encodePem('RSA PUBLIC KEY', der));
    expect(verifySignature({ type: 'rsa', public: pem2 }, { method: 'pycrypto-pkcs#1 pss', sig }, DATA)).toBe(true);
    expect(verifySignature({ type: 'rsa', public: pem2 }, { method: 'rsapss', sig }, DATA)).toBe(false);
  });
});
