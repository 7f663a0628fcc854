import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bitString, explicit, integer, octets, seq } from '../../../src/encoding/der.js';
import { ecComponents } from '../../../src/keystore/key-material.js';
import { decryptLegacyBlock, encodeLegacyBlock, parseLegacyBlock } from '../../../src/keystore/legacy.js';
import { decodeFirstPemBlock, encodePemBlock, type PemBlock, pemHeaders } from '../../../src/keystore/pem.js';
import { ecdsaKey, ed25519Key, expectCode, rsaKey } from './helpers.js';

function opensslPem(pkcs8: Uint8Array, type: 'sec1' | 'pkcs1', cipher?: string, passphrase?: string): PemBlock {
  const k = createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  const pem = k.export({ type, format: 'pem', ...(cipher ? { cipher, passphrase } : {}) } as never) as string;
  return decodeFirstPemBlock(pem);
}

describe('legacy key blocks (parseLegacyPrivateKey)', () => {
  it.each([
    ['ecdsa', ecdsaKey, 'EC PRIVATE KEY'],
    ['rsa', rsaKey, 'RSA PRIVATE KEY'],
    ['ed25519', ed25519Key, 'ED25519 PRIVATE KEY'],
  ] as const)('round-trips %s, encrypted and not', (_, make, type) => {
    const key = make();
    const plain = encodeLegacyBlock(key, '', { role: 'root' });
    expect(plain.type).toBe(type);
    expect(parseLegacyBlock(plain).publicKey).toEqual(key.publicKey);
    const enc = encodeLegacyBlock(key, 'hunter22', { role: 'targets' });
    expect(enc.headers['Proc-Type']).toBe('4,ENCRYPTED');
    expect(enc.headers['DEK-Info']).toMatch(/^AES-256-CBC,[0-9A-F]{32}$/);
    const back = parseLegacyBlock(decodeFirstPemBlock(encodePemBlock(enc)), 'hunter22');
    expect(back.publicKey).toEqual(key.publicKey);
    expect(back.pkcs8).toEqual(key.pkcs8);
  });

  it('decrypts blocks OpenSSL encrypted with the traditional scheme (EVP_BytesToKey MD5)', () => {
    const ec = ecdsaKey();
    for (const cipher of ['aes-256-cbc', 'aes-128-cbc', 'aes-192-cbc', 'des-ede3-cbc']) {
      const block = opensslPem(ec.pkcs8, 'sec1', cipher, 'pw');
      expect(block.headers['Proc-Type']).toBe('4,ENCRYPTED');
      expect(parseLegacyBlock(block, 'pw').publicKey).toEqual(ec.publicKey);
    }
    const rsa = rsaKey();
    expect(parseLegacyBlock(opensslPem(rsa.pkcs8, 'pkcs1', 'aes-256-cbc', 'pw'), 'pw').publicKey).toEqual(
      rsa.publicKey,
    );
    expect(parseLegacyBlock(opensslPem(rsa.pkcs8, 'pkcs1')).publicKey).toEqual(rsa.publicKey);
  });

  it('writes blocks OpenSSL decrypts with the passphrase', () => {
    const ec = ecdsaKey();
    const pem = encodePemBlock(encodeLegacyBlock(ec, 'pw'));
    const k = createPrivateKey({ key: pem, format: 'pem', passphrase: 'pw' });
    expect(new Uint8Array(k.export({ type: 'pkcs8', format: 'der' }))).toEqual(ec.pkcs8);
  });

  it('reports a wrong passphrase as WRONG_PASSPHRASE for every key type', () => {
    for (const key of [ecdsaKey(), rsaKey(), ed25519Key()]) {
      const block = encodeLegacyBlock(key, 'right');
      for (let i = 0; i < 10; i++) expectCode(() => parseLegacyBlock(block, `wrong${i}`), 'WRONG_PASSPHRASE');
    }
  });

  it('rejects malformed encryption headers and data', () => {
    const block = encodeLegacyBlock(ecdsaKey(), 'pw');
    const withDek = (dek: string): PemBlock => ({
      ...block,
      headers: pemHeaders({ ...block.headers, 'DEK-Info': dek }),
    });
    expectCode(() => decryptLegacyBlock(withDek('AES-256-CBC'), 'pw'), 'BAD_KEY_FILE');
    expectCode(() => decryptLegacyBlock(withDek('AES-256-CBC,zz'), 'pw'), 'BAD_KEY_FILE');
    expectCode(() => decryptLegacyBlock(withDek('AES-256-CBC,0011'), 'pw'), 'BAD_KEY_FILE');
    expectCode(() => decryptLegacyBlock(withDek('RC2-40-CBC,0011223344556677'), 'pw'), 'UNSUPPORTED_KEY');
    expectCode(() => decryptLegacyBlock({ ...block, bytes: block.bytes.subarray(1) }, 'pw'), 'BAD_KEY_FILE');
    expectCode(() => decryptLegacyBlock({ ...block, bytes: new Uint8Array(0) }, 'pw'), 'BAD_KEY_FILE');
  });

  it('rejects bad unencrypted contents', () => {
    expectCode(
      () => parseLegacyBlock({ type: 'EC PRIVATE KEY', headers: pemHeaders(), bytes: Uint8Array.of(1) }),
      'BAD_KEY_FILE',
    );
    expectCode(
      () => parseLegacyBlock({ type: 'RSA PRIVATE KEY', headers: pemHeaders(), bytes: Uint8Array.of(0x30, 0) }),
      'BAD_KEY_FILE',
    );
    expectCode(
      () => parseLegacyBlock({ type: 'ED25519 PRIVATE KEY', headers: pemHeaders(), bytes: new Uint8Array(64) }),
      'BAD_KEY_FILE',
    );
    expectCode(
      () => parseLegacyBlock({ type: 'DSA PRIVATE KEY', headers: pemHeaders(), bytes: new Uint8Array(4) }),
      'UNSUPPORTED_KEY',
    );
    // SEC1 without its [0] curve cannot be read outside PKCS#8 (Go: "unknown elliptic curve")
    const { d, point } = ecComponents(ecdsaKey());
    const sec1NoCurve = seq(integer(1), octets(d), explicit(1, bitString(point)));
    expectCode(
      () => parseLegacyBlock({ type: 'EC PRIVATE KEY', headers: pemHeaders(), bytes: sec1NoCurve }),
      'BAD_KEY_FILE',
    );
  });
});
