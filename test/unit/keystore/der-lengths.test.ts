// Key files with a non-minimal DER length (Go's encoding/asn1 refuses them in PKCS#8, PKCS#1, SEC1 and
// EncryptedPrivateKeyInfo alike): BAD_KEY_FILE through the key store, whatever the layer holding the length.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PrivateKey } from '../../../src/crypto/types.js';
import { octets, seq } from '../../../src/encoding/der.js';
import { FileKeyStore } from '../../../src/keystore/file-key-store.js';
import { rsaPkcs1 } from '../../../src/keystore/key-material.js';
import { constantPassphrase } from '../../../src/keystore/passphrase.js';
import { encryptPrivateKeyInfo } from '../../../src/keystore/pbes2.js';
import { encodePemBlock, pemHeaders } from '../../../src/keystore/pem.js';
import { encodeNotaryPrivateKeyInfo } from '../../../src/keystore/pkcs8.js';
import { canonicalKeyId } from '../../../src/metadata/key-id.js';
import { nodeAt, rewriteDer } from '../../helpers/der-rewrite.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { ecdsaKey, ed25519Key, expectRejectCode, rsaKey } from './helpers.js';

const PASS = 'correct horse';
const at = (path: string) => (der: Uint8Array) => rewriteDer(der, (p) => p.join('.') === path);

/** A store holding `key` under its canonical ID, in a file of one `type` block with `bytes`. */
async function storeWith(key: PrivateKey, type: string, bytes: Uint8Array, passphrase: string) {
  const dir = tempDir('ks-der-');
  const options = { passphrases: constantPassphrase(passphrase), allowUnencrypted: true };
  const keyId = canonicalKeyId(key.publicKey);
  // creates the private dir and a good file, then overwritten; a fresh store reads the file (no memory of the add)
  await (await FileKeyStore.open(dir, options)).add(key, { role: 'targets', gun: 'example.com/der' });
  writeFileSync(
    join(dir, 'private', `${keyId}.key`),
    encodePemBlock({ type, headers: pemHeaders({ role: 'targets', gun: 'example.com/der' }), bytes }),
  );
  return { ks: await FileKeyStore.open(dir, options), keyId };
}

/** The Notary PKCS#8 with the DER inside its privateKey OCTET STRING replaced. */
function withInner(pkcs8: Uint8Array, inner: Uint8Array): Uint8Array {
  return seq(nodeAt(pkcs8, [0]).bytes, nodeAt(pkcs8, [1]).bytes, octets(inner));
}

describe('key files with a non-minimal DER length', () => {
  it('unencrypted PKCS#8: BAD_KEY_FILE for a length in the PrivateKeyInfo or in the key inside it', async () => {
    for (const key of [ecdsaKey(), ed25519Key(), rsaKey()]) {
      const plain = encodeNotaryPrivateKeyInfo(key);
      const good = await storeWith(key, 'PRIVATE KEY', plain, '');
      expect((await good.ks.get(good.keyId)).key.publicKey).toEqual(key.publicKey); // control
      for (const path of ['', '0', '1', '1.0', '2']) {
        const { ks, keyId } = await storeWith(key, 'PRIVATE KEY', at(path)(plain), '');
        await expectRejectCode(ks.get(keyId), 'BAD_KEY_FILE');
      }
      if (key.algorithm === 'ed25519') continue; // its private key is a raw blob, no DER
      const inner = nodeAt(plain, [2]).value; // SEC1 ECPrivateKey or PKCS#1 RSAPrivateKey
      for (const path of ['', '1', '2']) {
        const { ks, keyId } = await storeWith(key, 'PRIVATE KEY', withInner(plain, at(path)(inner)), '');
        await expectRejectCode(ks.get(keyId), 'BAD_KEY_FILE');
      }
    }
  });

  it('encrypted PKCS#8: BAD_KEY_FILE for a length in the EncryptedPrivateKeyInfo or in the decrypted key', async () => {
    const key = ecdsaKey();
    const plain = encodeNotaryPrivateKeyInfo(key);
    const encrypted = await encryptPrivateKeyInfo(plain, PASS);
    const good = await storeWith(key, 'ENCRYPTED PRIVATE KEY', encrypted, PASS);
    expect((await good.ks.get(good.keyId)).key.publicKey).toEqual(key.publicKey); // control
    // whole file, algorithm, PBES2 params, PBKDF2 salt and iterations, IV, ciphertext
    for (const path of ['', '0', '0.1', '0.1.0.1.0', '0.1.0.1.1', '0.1.1.1', '1']) {
      const { ks, keyId } = await storeWith(key, 'ENCRYPTED PRIVATE KEY', at(path)(encrypted), PASS);
      await expectRejectCode(ks.get(keyId), 'BAD_KEY_FILE');
    }
    // inside the decrypted PKCS#8, below what the passphrase check reads (the algorithm OID; the SEC1 key's scalar)
    for (const inner of [at('1.0')(plain), withInner(plain, at('1')(nodeAt(plain, [2]).value))]) {
      const { ks, keyId } = await storeWith(
        key,
        'ENCRYPTED PRIVATE KEY',
        await encryptPrivateKeyInfo(inner, PASS),
        PASS,
      );
      await expectRejectCode(ks.get(keyId), 'BAD_KEY_FILE');
    }
    // decrypted bytes that are not one DER SEQUENCE of DER elements mean a wrong passphrase (Notary: "incorrect
    // password" for any parse failure): the plaintext's own header and those of its direct children
    for (const inner of [at('')(plain), at('1')(plain)]) {
      const { ks, keyId } = await storeWith(
        key,
        'ENCRYPTED PRIVATE KEY',
        await encryptPrivateKeyInfo(inner, PASS),
        PASS,
      );
      await expectRejectCode(ks.get(keyId), 'WRONG_PASSPHRASE');
    }
  });

  it('legacy RSA PRIVATE KEY (PKCS#1, read by OpenSSL, which takes non-minimal lengths): BAD_KEY_FILE', async () => {
    const key = rsaKey();
    const pkcs1 = rsaPkcs1(key);
    const good = await storeWith(key, 'RSA PRIVATE KEY', pkcs1, '');
    expect((await good.ks.get(good.keyId)).key.publicKey).toEqual(key.publicKey); // control
    for (const path of ['', '1', '3', '8']) {
      const { ks, keyId } = await storeWith(key, 'RSA PRIVATE KEY', at(path)(pkcs1), '');
      await expectRejectCode(ks.get(keyId), 'BAD_KEY_FILE');
    }
  });
});
