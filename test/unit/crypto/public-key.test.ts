import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodePem } from '../../../src/crypto/pem.js';
import { publicKeyFromSpki, resolvePublicKey, spkiBytes } from '../../../src/crypto/public-key.js';
import { createRootCertificate } from '../../../src/crypto/root-cert.js';
import { generateKey, signData } from '../../../src/crypto/sign.js';
import { ed25519Spki } from '../../../src/crypto/spki.js';
import { verifySignature } from '../../../src/crypto/verify.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { isNotaryError } from '../../../src/errors.js';
import { testKey } from './cert-builder.js';

function spki(kind: string): Uint8Array {
  return new Uint8Array(createPublicKey(testKey(kind)).export({ type: 'spki', format: 'der' }));
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isNotaryError(e) ? e.code : String(e);
  }
  return undefined;
}

describe('publicKeyFromSpki', () => {
  it('keeps ecdsa and rsa SPKI and unwraps ed25519 to 32 raw bytes', () => {
    expect(publicKeyFromSpki(spki('ec-P-256'))).toEqual({ type: 'ecdsa', public: spki('ec-P-256') });
    expect(publicKeyFromSpki(spki('rsa-2048'))).toEqual({ type: 'rsa', public: spki('rsa-2048') });
    const ed = publicKeyFromSpki(spki('ed25519'));
    expect(ed.type).toBe('ed25519');
    expect(ed25519Spki(ed.public)).toEqual(spki('ed25519'));
  });

  it('rejects garbage and other algorithms with UNSUPPORTED_KEY', () => {
    expect(codeOf(() => publicKeyFromSpki(utf8('nope')))).toBe('UNSUPPORTED_KEY');
    expect(codeOf(() => ed25519Spki(new Uint8Array(31)))).toBe('UNSUPPORTED_KEY');
  });
});

describe('spkiBytes and resolvePublicKey', () => {
  it('reads each encoding', () => {
    const key = generateKey('ecdsa');
    const cert = createRootCertificate(key, 'g', new Date());
    expect(spkiBytes({ type: 'ecdsa-x509', public: cert }, 'cert')).toEqual(key.publicKey.public);
    const pem = utf8(encodePem('PUBLIC KEY', key.publicKey.public));
    expect(spkiBytes({ type: 'rsa', public: pem }, 'pem')).toEqual(key.publicKey.public);
    expect(resolvePublicKey(key.publicKey)).toMatchObject({ kind: 'ecdsa', curve: 'P-256', bits: 256 });
    expect(resolvePublicKey({ type: 'rsa', public: spki('rsa-2048') })).toMatchObject({ kind: 'rsa', bits: 2048 });
  });

  it('returns null for malformed keys instead of throwing', () => {
    expect(resolvePublicKey({ type: 'ecdsa', public: new Uint8Array(5) })).toBeNull();
    expect(resolvePublicKey({ type: 'ecdsa-x509', public: utf8('no pem') })).toBeNull();
    expect(resolvePublicKey({ type: 'ed25519', public: new Uint8Array(33) })).toBeNull();
  });

  it('stays correct when more keys pass through than the cache holds', () => {
    const data = utf8('x');
    const first = generateKey('ed25519');
    const sig = signData(first, data);
    expect(verifySignature(first.publicKey, sig, data)).toBe(true);
    // Distinct 32-byte values: OpenSSL does not decode Ed25519 points on import, so every one resolves.
    for (let i = 0; i < 1100; i++) {
      const pub = new Uint8Array(32);
      new DataView(pub.buffer).setUint32(0, i + 1);
      expect(resolvePublicKey({ type: 'ed25519', public: pub })?.kind).toBe('ed25519');
    }
    expect(verifySignature(first.publicKey, sig, data)).toBe(true);
    expect(verifySignature(generateKey('ed25519').publicKey, sig, data)).toBe(false);
  });
});
