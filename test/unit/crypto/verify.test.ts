import { constants, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { encodePem } from '../../../src/crypto/pem.js';
import { createRootCertificate } from '../../../src/crypto/root-cert.js';
import { privateKeyFromPkcs8, signData } from '../../../src/crypto/sign.js';
import type { PublicKey, RawSignature, SignatureMethod } from '../../../src/crypto/types.js';
import { verifySignature } from '../../../src/crypto/verify.js';
import { fromHex } from '../../../src/encoding/hex.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { testKey } from './cert-builder.js';

const DATA = utf8('{"_type":"Targets","version":1}');

function spki(k: KeyObject): Uint8Array {
  return new Uint8Array(createPublicKey(k).export({ type: 'spki', format: 'der' }));
}

function pkcs8(k: KeyObject): Uint8Array {
  return new Uint8Array(k.export({ type: 'pkcs8', format: 'der' }));
}

function p1363(k: KeyObject, data: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', data, { key: k, dsaEncoding: 'ieee-p1363' }));
}

function flip(b: Uint8Array, i: number): Uint8Array {
  const c = b.slice();
  c[i] = (c[i] as number) ^ 0x01;
  return c;
}

const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function toBig(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}

function toBytes(n: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

describe('ecdsa method (raw r||s over sha256)', () => {
  for (const curve of ['256', '384', '521'] as const) {
    it(`verifies P-${curve} signatures of exactly 2*ceil(bits/8) bytes`, () => {
      const k = testKey(`ec-P-${curve}`);
      const key: PublicKey = { type: 'ecdsa', public: spki(k) };
      const sig = p1363(k, DATA);
      expect(sig.length).toBe(2 * Math.ceil(Number(curve) / 8));
      expect(verifySignature(key, { method: 'ecdsa', sig }, DATA)).toBe(true);
      expect(verifySignature(key, { method: 'ecdsa', sig: flip(sig, 3) }, DATA)).toBe(false);
      expect(verifySignature(key, { method: 'ecdsa', sig }, flip(DATA, 0))).toBe(false);
    });
  }

  it('accepts high-S signatures (Go produces them; no low-S rule)', () => {
    const k = testKey('ec-P-256');
    const key: PublicKey = { type: 'ecdsa', public: spki(k) };
    const sig = p1363(k, DATA);
    const r = sig.subarray(0, 32);
    const s = toBig(sig.subarray(32));
    const otherS = P256_N - s;
    const flipped = new Uint8Array([...r, ...toBytes(otherS, 32)]);
    const high = s > P256_N / 2n ? sig : flipped;
    const low = s > P256_N / 2n ? flipped : sig;
    // Prove which one is high-S with noble's strict mode, then show we accept both.
    const pub = createPublicKey(k).export({ format: 'jwk' });
    const point = new Uint8Array([
      4,
      ...Buffer.from(pub.x as string, 'base64url'),
      ...Buffer.from(pub.y as string, 'base64url'),
    ]);
    expect(p256.verify(high, DATA, point, { lowS: true })).toBe(false);
    expect(p256.verify(high, DATA, point, { lowS: false })).toBe(true);
    expect(verifySignature(key, { method: 'ecdsa', sig: high }, DATA)).toBe(true);
    expect(verifySignature(key, { method: 'ecdsa', sig: low }, DATA)).toBe(true);
  });

  it('rejects DER-encoded signatures', () => {
    const k = testKey('ec-P-256');
    const der = new Uint8Array(sign('sha256', DATA, k));
    expect(verifySignature({ type: 'ecdsa', public: spki(k) }, { method: 'ecdsa', sig: der }, DATA)).toBe(false);
  });

  it('rejects wrong lengths, zero r and s >= n', () => {
    const k = testKey('ec-P-256');
    const key: PublicKey = { type: 'ecdsa', public: spki(k) };
    const sig = p1363(k, DATA);
    for (const bad of [
      sig.subarray(0, 63),
      new Uint8Array([...sig, 0]),
      new Uint8Array([0, ...sig]),
      new Uint8Array(0),
    ]) {
      expect(verifySignature(key, { method: 'ecdsa', sig: bad }, DATA)).toBe(false);
    }
    const zeroR = new Uint8Array(64);
    zeroR.set(sig.subarray(32), 32);
    expect(verifySignature(key, { method: 'ecdsa', sig: zeroR }, DATA)).toBe(false);
    const bigS = new Uint8Array([...sig.subarray(0, 32), ...toBytes(toBig(sig.subarray(32)) + P256_N, 32)]);
    expect(verifySignature(key, { method: 'ecdsa', sig: bigS }, DATA)).toBe(false);
  });

  it('verifies with the leaf key of an ecdsa-x509 certificate', () => {
    const k = testKey('ec-P-256');
    const priv = privateKeyFromPkcs8(pkcs8(k));
    const pem = createRootCertificate(priv, 'example.com/x', new Date());
    const key: PublicKey = { type: 'ecdsa-x509', public: pem };
    expect(verifySignature(key, signData(priv, DATA), DATA)).toBe(true);
    expect(verifySignature({ type: 'ecdsa-x509', public: pem.subarray(1) }, signData(priv, DATA), DATA)).toBe(false);
  });

  it('rejects curves other than P-256/384/521', () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    expect(verifySignature({ type: 'ecdsa', public: spki(k) }, { method: 'ecdsa', sig: p1363(k, DATA) }, DATA)).toBe(
      false,
    );
  });
});

describe('eddsa method', () => {
  // RFC 8032 §7.1 TEST 1 and TEST 2.
  const vectors = [
    {
      pub: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
      msg: '',
      sig: 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    },
    {
      pub: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
      msg: '72',
      sig: '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
    },
  ];
  for (const [i, v] of vectors.entries()) {
    it(`verifies RFC 8032 test ${i + 1}`, () => {
      const key: PublicKey = { type: 'ed25519', public: fromHex(v.pub) };
      const sig: RawSignature = { method: 'eddsa', sig: fromHex(v.sig) };
      expect(verifySignature(key, sig, fromHex(v.msg))).toBe(true);
      expect(verifySignature(key, { method: 'eddsa', sig: flip(sig.sig, 10) }, fromHex(v.msg))).toBe(false);
      expect(verifySignature(key, sig, utf8('x'))).toBe(false);
    });
  }

  it('rejects keys that are not 32 raw bytes and signatures that are not 64 bytes', () => {
    const v = vectors[0]!;
    const sig: RawSignature = { method: 'eddsa', sig: fromHex(v.sig) };
    expect(verifySignature({ type: 'ed25519', public: fromHex(v.pub).subarray(1) }, sig, new Uint8Array(0))).toBe(
      false,
    );
    expect(verifySignature({ type: 'ed25519', public: fromHex(`00${v.pub}`) }, sig, new Uint8Array(0))).toBe(false);
    const short = { method: 'eddsa' as const, sig: sig.sig.subarray(0, 63) };
    expect(verifySignature({ type: 'ed25519', public: fromHex(v.pub) }, short, new Uint8Array(0))).toBe(false);
  });
});

describe('rsa methods', () => {
  const rsa = testKey('rsa-2048');
  const rsaKey: PublicKey = { type: 'rsa', public: spki(rsa) };
  const pss = (saltLength: number, data = DATA): Uint8Array =>
    new Uint8Array(sign('sha256', data, { key: rsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }));
  const pkcs1 = new Uint8Array(sign('sha256', DATA, { key: rsa, padding: constants.RSA_PKCS1_PADDING }));

  it('rsapss verifies salt 32 and rejects any other salt length', () => {
    expect(verifySignature(rsaKey, { method: 'rsapss', sig: pss(32) }, DATA)).toBe(true);
    expect(verifySignature(rsaKey, { method: 'rsapss', sig: pss(20) }, DATA)).toBe(false);
    expect(verifySignature(rsaKey, { method: 'rsapss', sig: pss(0) }, DATA)).toBe(false);
    expect(verifySignature(rsaKey, { method: 'rsapss', sig: flip(pss(32), 100) }, DATA)).toBe(false);
  });

  it('signData with an rsa key produces rsapss that verifies', () => {
    const priv = privateKeyFromPkcs8(pkcs8(rsa));
    const sig = signData(priv, DATA);
    expect(sig.method).toBe('rsapss');
    expect(verifySignature(priv.publicKey, sig, DATA)).toBe(true);
  });

  it('rsapkcs1v15 verifies PKCS#1 v1.5 and the two paddings do not cross', () => {
    expect(verifySignature(rsaKey, { method: 'rsapkcs1v15', sig: pkcs1 }, DATA)).toBe(true);
    expect(verifySignature(rsaKey, { method: 'rsapss', sig: pkcs1 }, DATA)).toBe(false);
    expect(verifySignature(rsaKey, { method: 'rsapkcs1v15', sig: pss(32) }, DATA)).toBe(false);
  });

  it('rejects signatures shorter than the modulus even when they would left-pad to a valid one', () => {
    // Find a signature with a leading zero byte by varying the message (about 1 in 256).
    for (let i = 0; i < 4096; i++) {
      const data = utf8(`m${i}`);
      const sig = new Uint8Array(sign('sha256', data, { key: rsa, padding: constants.RSA_PKCS1_PADDING }));
      if (sig[0] !== 0) continue;
      expect(verifySignature(rsaKey, { method: 'rsapkcs1v15', sig }, data)).toBe(true);
      expect(verifySignature(rsaKey, { method: 'rsapkcs1v15', sig: sig.subarray(1) }, data)).toBe(false);
      return;
    }
    throw new Error('no signature with a leading zero found');
  });

  it('rejects keys under 2048 bits even with a valid signature', () => {
    const small = testKey('rsa-1024');
    const sig = new Uint8Array(
      sign('sha256', DATA, { key: small, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    );
    expect(verifySignature({ type: 'rsa', public: spki(small) }, { method: 'rsapss', sig }, DATA)).toBe(false);
  });

  it('pycrypto-pkcs#1 pss needs an rsa key holding PEM; rsapss needs DER', () => {
    const pem = utf8(encodePem('PUBLIC KEY', spki(rsa)));
    const pemKey: PublicKey = { type: 'rsa', public: pem };
    expect(verifySignature(pemKey, { method: 'pycrypto-pkcs#1 pss', sig: pss(32) }, DATA)).toBe(true);
    expect(verifySignature(pemKey, { method: 'rsapss', sig: pss(32) }, DATA)).toBe(false);
    expect(verifySignature(rsaKey, { method: 'pycrypto-pkcs#1 pss', sig: pss(32) }, DATA)).toBe(false);
    expect(verifySignature(pemKey, { method: 'pycrypto-pkcs#1 pss', sig: pss(20) }, DATA)).toBe(false);
  });

  it('verifies with the leaf key of an rsa-x509 certificate', () => {
    const priv = privateKeyFromPkcs8(pkcs8(rsa));
    const pem = createRootCertificate(priv, 'example.com/rsa', new Date());
    expect(verifySignature({ type: 'rsa-x509', public: pem }, { method: 'rsapss', sig: pss(32) }, DATA)).toBe(true);
    expect(verifySignature({ type: 'rsa-x509', public: pem }, { method: 'rsapkcs1v15', sig: pkcs1 }, DATA)).toBe(true);
  });
});

describe('key type and method must fit', () => {
  const ec = testKey('ec-P-256');
  const ed = testKey('ed25519');
  const rsa = testKey('rsa-2048');
  const ecSig = p1363(ec, DATA);
  const edSig = new Uint8Array(sign(null, DATA, ed));
  const edRaw = spki(ed).subarray(12);
  const rsaSig = new Uint8Array(
    sign('sha256', DATA, { key: rsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  );

  const cases: Array<[string, PublicKey, SignatureMethod, Uint8Array]> = [
    ['ecdsa sig, ed25519 keytype over an ec spki', { type: 'ed25519', public: spki(ec) }, 'ecdsa', ecSig],
    ['ecdsa sig labelled rsa key', { type: 'rsa', public: spki(ec) }, 'ecdsa', ecSig],
    ['ecdsa key, eddsa method', { type: 'ecdsa', public: spki(ec) }, 'eddsa', ecSig],
    ['ecdsa key, rsapss method', { type: 'ecdsa', public: spki(ec) }, 'rsapss', ecSig],
    ['ed25519 key, ecdsa method', { type: 'ed25519', public: edRaw }, 'ecdsa', edSig],
    ['ed25519 spki labelled ecdsa, eddsa method', { type: 'ecdsa', public: spki(ed) }, 'eddsa', edSig],
    ['rsa key, ecdsa method', { type: 'rsa', public: spki(rsa) }, 'ecdsa', rsaSig],
    ['rsa spki labelled ecdsa, rsapss method', { type: 'ecdsa', public: spki(rsa) }, 'rsapss', rsaSig],
    ['rsa-x509 method on ecdsa-x509 type', { type: 'ecdsa-x509', public: spki(rsa) }, 'rsapss', rsaSig],
  ];
  for (const [name, key, method, sig] of cases) {
    it(`${name} → false`, () => {
      expect(verifySignature(key, { method, sig }, DATA)).toBe(false);
    });
  }

  it('the matching pairs verify (control)', () => {
    expect(verifySignature({ type: 'ecdsa', public: spki(ec) }, { method: 'ecdsa', sig: ecSig }, DATA)).toBe(true);
    expect(verifySignature({ type: 'ed25519', public: edRaw }, { method: 'eddsa', sig: edSig }, DATA)).toBe(true);
    expect(verifySignature({ type: 'rsa', public: spki(rsa) }, { method: 'rsapss', sig: rsaSig }, DATA)).toBe(true);
  });

  it('unknown methods are false', () => {
    const key: PublicKey = { type: 'ecdsa', public: spki(ec) };
    expect(verifySignature(key, { method: 'ECDSA' as SignatureMethod, sig: ecSig }, DATA)).toBe(false);
    expect(verifySignature(key, { method: 'hmac' as SignatureMethod, sig: ecSig }, DATA)).toBe(false);
  });
});

describe('malformed keys never throw', () => {
  const garbage = [new Uint8Array(0), utf8('not a key'), new Uint8Array(91), new Uint8Array(32).fill(0xff)];
  const types = ['ecdsa', 'ecdsa-x509', 'rsa', 'rsa-x509', 'ed25519', 'unknown'] as const;
  const methods: SignatureMethod[] = ['ecdsa', 'eddsa', 'rsapss', 'rsapkcs1v15', 'pycrypto-pkcs#1 pss'];
  it('returns false for every garbage key, type and method', () => {
    for (const g of garbage) {
      for (const type of types) {
        for (const method of methods) {
          const key = { type, public: g } as unknown as PublicKey;
          expect(verifySignature(key, { method, sig: new Uint8Array(64) }, DATA)).toBe(false);
        }
      }
    }
  });

  it('truncated spki and a pem with a broken certificate are false', () => {
    const ec = testKey('ec-P-256');
    const s = spki(ec);
    const sig = p1363(ec, DATA);
    expect(
      verifySignature({ type: 'ecdsa', public: s.subarray(0, s.length - 1) }, { method: 'ecdsa', sig }, DATA),
    ).toBe(false);
    const brokenCert = utf8(encodePem('CERTIFICATE', s));
    expect(verifySignature({ type: 'ecdsa-x509', public: brokenCert }, { method: 'ecdsa', sig }, DATA)).toBe(false);
    // a point off the curve
    const offCurve = s.slice();
    offCurve[offCurve.length - 1] = (offCurve[offCurve.length - 1] as number) ^ 1;
    expect(verifySignature({ type: 'ecdsa', public: offCurve }, { method: 'ecdsa', sig }, DATA)).toBe(false);
  });

  it('a key that failed once still fails and a good key with equal bytes in a new array still verifies', () => {
    const ec = testKey('ec-P-256');
    const sig = p1363(ec, DATA);
    const s = spki(ec);
    for (let i = 0; i < 3; i++) {
      expect(verifySignature({ type: 'ecdsa', public: s.slice() }, { method: 'ecdsa', sig }, DATA)).toBe(true);
      expect(verifySignature({ type: 'ecdsa', public: s.slice(1) }, { method: 'ecdsa', sig }, DATA)).toBe(false);
    }
  });

  it('private key pkcs8 given as a public key is false', () => {
    const ec = testKey('ec-P-256');
    const priv = createPrivateKey({ key: Buffer.from(pkcs8(ec)), format: 'der', type: 'pkcs8' });
    const der = new Uint8Array(priv.export({ type: 'pkcs8', format: 'der' }));
    expect(verifySignature({ type: 'ecdsa', public: der }, { method: 'ecdsa', sig: p1363(ec, DATA) }, DATA)).toBe(
      false,
    );
  });
});
