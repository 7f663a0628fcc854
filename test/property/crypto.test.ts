import { constants, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/hash.js';
import { createRootCertificate } from '../../src/crypto/root-cert.js';
import { generateKey, signData } from '../../src/crypto/sign.js';
import type { PrivateKey, PublicKey } from '../../src/crypto/types.js';
import { verifySignature } from '../../src/crypto/verify.js';
import { certificatePem, parseCertificateChain } from '../../src/crypto/x509.js';
import { concatBytes } from '../../src/encoding/bytes.js';
import { fromHex } from '../../src/encoding/hex.js';

const P256_SPKI_PREFIX = fromHex('3059301306072a8648ce3d020106082a8648ce3d030107034200');

const ecKey: PrivateKey = generateKey('ecdsa');
const edKey: PrivateKey = generateKey('ed25519');
const rsaPrivate = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const rsaPublic: PublicKey = {
  type: 'rsa',
  public: new Uint8Array(createPublicKey(rsaPrivate).export({ type: 'spki', format: 'der' })),
};

const message = fc.uint8Array({ minLength: 0, maxLength: 512 });

function flipBit(b: Uint8Array, index: number, bit: number): Uint8Array {
  const c = b.slice();
  const i = index % c.length;
  c[i] = (c[i] as number) ^ (1 << bit);
  return c;
}

describe('a signature fails after any single bit flip', () => {
  for (const [name, key] of [
    ['ecdsa', ecKey],
    ['eddsa', edKey],
  ] as const) {
    it(`${name}: flipping a bit of the data or of the signature`, () => {
      fc.assert(
        fc.property(message, fc.nat(), fc.integer({ min: 0, max: 7 }), fc.boolean(), (data, index, bit, inSig) => {
          const sig = signData(key, data);
          expect(verifySignature(key.publicKey, sig, data)).toBe(true);
          if (inSig) {
            expect(verifySignature(key.publicKey, { ...sig, sig: flipBit(sig.sig, index, bit) }, data)).toBe(false);
          } else if (data.length > 0) {
            expect(verifySignature(key.publicKey, sig, flipBit(data, index, bit))).toBe(false);
          }
        }),
        { numRuns: 150 },
      );
    });
  }

  it('rsapss: flipping a bit of the data or of the signature', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.integer({ min: 0, max: 7 }), (data, index, bit) => {
        const sig = new Uint8Array(
          sign('sha256', data, { key: rsaPrivate, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
        );
        expect(verifySignature(rsaPublic, { method: 'rsapss', sig }, data)).toBe(true);
        expect(verifySignature(rsaPublic, { method: 'rsapss', sig: flipBit(sig, index, bit) }, data)).toBe(false);
        if (data.length > 0)
          expect(verifySignature(rsaPublic, { method: 'rsapss', sig }, flipBit(data, index, bit))).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('never throws on arbitrary key bytes and signatures', () => {
    const types = fc.constantFrom('ecdsa', 'ecdsa-x509', 'rsa', 'rsa-x509', 'ed25519') as fc.Arbitrary<
      PublicKey['type']
    >;
    const methods = fc.constantFrom('ecdsa', 'eddsa', 'rsapss', 'rsapkcs1v15', 'pycrypto-pkcs#1 pss') as fc.Arbitrary<
      'ecdsa' | 'eddsa' | 'rsapss' | 'rsapkcs1v15' | 'pycrypto-pkcs#1 pss'
    >;
    fc.assert(
      fc.property(
        types,
        fc.uint8Array({ maxLength: 300 }),
        methods,
        fc.uint8Array({ maxLength: 300 }),
        (type, pub, method, sig) => {
          expect(verifySignature({ type, public: pub }, { method, sig }, pub)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('noble and node:crypto agree', () => {
  const secret = p256.utils.randomSecretKey();
  const point = p256.getPublicKey(secret, false);
  const nobleKey: PublicKey = { type: 'ecdsa', public: concatBytes(P256_SPKI_PREFIX, point) };
  const edSecret = ed25519.utils.randomSecretKey();
  const edPublic: PublicKey = { type: 'ed25519', public: ed25519.getPublicKey(edSecret) };

  it('P-256: noble signatures (low and high S) verify in node, node signatures verify in noble', () => {
    fc.assert(
      fc.property(message, fc.boolean(), (data, highS) => {
        let sig = p256.sign(data, secret, { lowS: true });
        if (highS) {
          const parsed = p256.Signature.fromBytes(sig);
          sig = new p256.Signature(parsed.r, p256.Point.CURVE().n - parsed.s).toBytes('compact');
          expect(p256.verify(sig, data, point, { lowS: true })).toBe(false);
        }
        expect(p256.verify(sig, data, point, { lowS: false })).toBe(true);
        expect(verifySignature(nobleKey, { method: 'ecdsa', sig }, data)).toBe(true);

        const ours = signData(ecKey, data).sig;
        const ourPoint = ecKey.publicKey.public.subarray(P256_SPKI_PREFIX.length);
        expect(p256.verify(ours, data, ourPoint, { lowS: false })).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('P-256: both libraries give the same verdict on corrupted signatures', () => {
    fc.assert(
      fc.property(message, fc.nat(), fc.integer({ min: 0, max: 7 }), (data, index, bit) => {
        const sig = flipBit(p256.sign(data, secret, { lowS: false }), index, bit);
        let noble: boolean;
        try {
          noble = p256.verify(sig, data, point, { lowS: false });
        } catch {
          noble = false;
        }
        expect(verifySignature(nobleKey, { method: 'ecdsa', sig }, data)).toBe(noble);
      }),
      { numRuns: 100 },
    );
  });

  it('Ed25519: noble and node signatures cross-verify and agree on corrupted ones', () => {
    fc.assert(
      fc.property(message, (data) => {
        const sig = ed25519.sign(data, edSecret);
        expect(verifySignature(edPublic, { method: 'eddsa', sig }, data)).toBe(true);
        const ours = signData(edKey, data).sig;
        expect(ed25519.verify(ours, data, edKey.publicKey.public)).toBe(true);
        const bad = flipBit(sig, data.length, 0);
        expect(verifySignature(edPublic, { method: 'eddsa', sig: bad }, data)).toBe(
          ed25519.verify(bad, data, edPublic.public),
        );
      }),
      { numRuns: 100 },
    );
  });

  it('SHA-256 matches noble', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (data) => {
        expect(sha256(data)).toEqual(nobleSha256(data));
      }),
    );
  });
});

describe('certificates round-trip', () => {
  it('parse → certificatePem reproduces the PEM of any GUN', () => {
    const gun = fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' });
    fc.assert(
      fc.property(gun, (g) => {
        const pem = createRootCertificate(ecKey, g, new Date());
        const certs = parseCertificateChain(pem);
        expect(certs[0]?.commonName).toBe(g);
        expect(certificatePem(certs.map((c) => c.der))).toEqual(pem);
      }),
      { numRuns: 50 },
    );
  });
});
