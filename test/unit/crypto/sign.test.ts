import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKey, privateKeyFromPkcs8, signData } from '../../../src/crypto/sign.js';
import type { PrivateKey } from '../../../src/crypto/types.js';
import { verifySignature } from '../../../src/crypto/verify.js';
import { octets, seq } from '../../../src/encoding/der.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { isNotaryError } from '../../../src/errors.js';
import { nodeAt, rewriteDer } from '../../helpers/der-rewrite.js';
import { testKey } from './cert-builder.js';

const DATA = utf8('payload');

function pkcs8Of(kind: string): Uint8Array {
  return new Uint8Array(testKey(kind).export({ type: 'pkcs8', format: 'der' }));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isNotaryError(e) ? e.code : `not a NotaryError: ${String(e)}`;
  }
  return undefined;
}

describe('generateKey', () => {
  it('makes P-256 ecdsa keys with a DER SPKI public key', () => {
    const k = generateKey('ecdsa');
    expect(k.algorithm).toBe('ecdsa');
    expect(k.publicKey.type).toBe('ecdsa');
    expect(k.publicKey.public).toHaveLength(91);
    expect(createPrivateKey({ key: Buffer.from(k.pkcs8), format: 'der', type: 'pkcs8' }).asymmetricKeyDetails).toEqual({
      namedCurve: 'prime256v1',
    });
  });

  it('makes ed25519 keys whose public value is 32 raw bytes', () => {
    const k = generateKey('ed25519');
    expect(k.algorithm).toBe('ed25519');
    expect(k.publicKey).toMatchObject({ type: 'ed25519' });
    expect(k.publicKey.public).toHaveLength(32);
  });

  it('refuses other algorithms as programmer misuse', () => {
    expect(() => generateKey('rsa' as 'ecdsa')).toThrow(RangeError);
  });

  it('makes a different key each time', () => {
    expect(generateKey('ecdsa').publicKey.public).not.toEqual(generateKey('ecdsa').publicKey.public);
  });
});

describe('signData', () => {
  it('ecdsa → method ecdsa, 64-byte raw r||s that verifies', () => {
    const k = generateKey('ecdsa');
    const sig = signData(k, DATA);
    expect(sig.method).toBe('ecdsa');
    expect(sig.sig).toHaveLength(64);
    expect(verifySignature(k.publicKey, sig, DATA)).toBe(true);
  });

  it('ed25519 → method eddsa, deterministic 64 bytes', () => {
    const k = generateKey('ed25519');
    const sig = signData(k, DATA);
    expect(sig.method).toBe('eddsa');
    expect(sig.sig).toEqual(signData(k, DATA).sig);
    expect(verifySignature(k.publicKey, sig, DATA)).toBe(true);
  });

  it('P-384 and P-521 keys sign with their full-width raw signatures', () => {
    for (const [kind, len] of [
      ['ec-P-384', 96],
      ['ec-P-521', 132],
    ] as const) {
      const k = privateKeyFromPkcs8(pkcs8Of(kind));
      const sig = signData(k, DATA);
      expect(sig.sig).toHaveLength(len);
      expect(verifySignature(k.publicKey, sig, DATA)).toBe(true);
    }
  });

  it('rsa → rsapss with a modulus-sized signature', () => {
    const k = privateKeyFromPkcs8(pkcs8Of('rsa-2048'));
    const sig = signData(k, DATA);
    expect(sig).toMatchObject({ method: 'rsapss' });
    expect(sig.sig).toHaveLength(256);
  });

  it('a key object with broken pkcs8 raises BAD_KEY_FILE', () => {
    const k: PrivateKey = { algorithm: 'ecdsa', pkcs8: new Uint8Array(10), publicKey: generateKey('ecdsa').publicKey };
    expect(codeOf(() => signData(k, DATA))).toBe('BAD_KEY_FILE');
  });
});

describe('privateKeyFromPkcs8', () => {
  it('derives ecdsa and rsa SPKI public keys', () => {
    const ec = privateKeyFromPkcs8(pkcs8Of('ec-P-256'));
    expect(ec.publicKey.type).toBe('ecdsa');
    expect(ec.publicKey.public).toEqual(
      new Uint8Array(createPublicKey(testKey('ec-P-256')).export({ type: 'spki', format: 'der' })),
    );
    const rsa = privateKeyFromPkcs8(pkcs8Of('rsa-2048'));
    expect(rsa.algorithm).toBe('rsa');
    expect(rsa.publicKey.type).toBe('rsa');
    // RSA SPKI: rsaEncryption with NULL parameters, as Go writes it.
    expect(Buffer.from(rsa.publicKey.public.subarray(4, 19)).toString('hex')).toBe('300d06092a864886f70d0101010500');
  });

  it('derives the raw ed25519 public key', () => {
    const k = privateKeyFromPkcs8(pkcs8Of('ed25519'));
    expect(k.publicKey.type).toBe('ed25519');
    const jwk = testKey('ed25519').export({ format: 'jwk' });
    expect(Buffer.from(k.publicKey.public).toString('base64url')).toBe(jwk.x);
  });

  it('rejects malformed DER with BAD_KEY_FILE', () => {
    expect(codeOf(() => privateKeyFromPkcs8(new Uint8Array(0)))).toBe('BAD_KEY_FILE');
    expect(codeOf(() => privateKeyFromPkcs8(utf8('-----BEGIN PRIVATE KEY-----')))).toBe('BAD_KEY_FILE');
    const der = pkcs8Of('ec-P-256');
    expect(codeOf(() => privateKeyFromPkcs8(der.subarray(0, der.length - 5)))).toBe('BAD_KEY_FILE');
  });

  it('rejects a non-minimal DER length in any layer with BAD_KEY_FILE (as Go; OpenSSL would load it)', () => {
    for (const kind of ['ec-P-256', 'rsa-2048', 'ed25519']) {
      const der = pkcs8Of(kind);
      expect(privateKeyFromPkcs8(der).algorithm).toBeDefined();
      // The outer SEQUENCE, the AlgorithmIdentifier, and the first header of the key inside the OCTET STRING.
      const outer = rewriteDer(der, (p) => p.length === 0);
      const algorithm = rewriteDer(der, (p) => p.join('.') === '1');
      const inner = nodeAt(der, [2]);
      const innerBad = seq(
        nodeAt(der, [0]).bytes,
        nodeAt(der, [1]).bytes,
        octets(rewriteDer(inner.value, (p) => p.length === 0)),
      );
      for (const bad of [outer, algorithm, innerBad]) {
        expect(
          codeOf(() => privateKeyFromPkcs8(bad)),
          kind,
        ).toBe('BAD_KEY_FILE');
      }
    }
  });

  it('rejects unsupported algorithms, curves and small rsa keys with UNSUPPORTED_KEY', () => {
    const x25519 = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'der' });
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({
      type: 'pkcs8',
      format: 'der',
    });
    expect(codeOf(() => privateKeyFromPkcs8(new Uint8Array(x25519)))).toBe('UNSUPPORTED_KEY');
    expect(codeOf(() => privateKeyFromPkcs8(new Uint8Array(k1)))).toBe('UNSUPPORTED_KEY');
    expect(codeOf(() => privateKeyFromPkcs8(pkcs8Of('rsa-1024')))).toBe('UNSUPPORTED_KEY');
  });

  it('round-trips: the re-encoded pkcs8 loads to the same public key', () => {
    const k = privateKeyFromPkcs8(pkcs8Of('ec-P-256'));
    expect(privateKeyFromPkcs8(k.pkcs8).publicKey.public).toEqual(k.publicKey.public);
  });
});
