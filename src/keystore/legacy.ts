// Pre-PKCS#8 key blocks (EC/RSA/ED25519 PRIVATE KEY), optionally RFC 1421-encrypted, as Notary still reads them.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { PrivateKey } from '../crypto/types.js';
import { fromHex, toHex } from '../encoding/hex.js';
import { isNotaryError, notaryError } from '../errors.js';
import { ed25519PrivateKey, ed25519Seed, rsaPkcs1, rsaPrivateKey } from './key-material.js';
import { parseDecrypted } from './pbes2.js';
import { type PemBlock, pemHeaders } from './pem.js';
import { encodeSec1, parseSec1 } from './pkcs8.js';

/** Block types of the legacy formats. */
export const LEGACY_BLOCK_TYPES = ['EC PRIVATE KEY', 'RSA PRIVATE KEY', 'ED25519 PRIVATE KEY'] as const;
export type LegacyBlockType = (typeof LEGACY_BLOCK_TYPES)[number];

export function isLegacyBlockType(type: string): type is LegacyBlockType {
  return (LEGACY_BLOCK_TYPES as readonly string[]).includes(type);
}

/** RFC 1423 ciphers Go's x509.DecryptPEMBlock knows (DES-CBC left out: OpenSSL 3 no longer ships it by default). */
const CIPHERS: Record<string, { node: string; keySize: number; blockSize: number }> = {
  'DES-EDE3-CBC': { node: 'des-ede3-cbc', keySize: 24, blockSize: 8 },
  'AES-128-CBC': { node: 'aes-128-cbc', keySize: 16, blockSize: 16 },
  'AES-192-CBC': { node: 'aes-192-cbc', keySize: 24, blockSize: 16 },
  'AES-256-CBC': { node: 'aes-256-cbc', keySize: 32, blockSize: 16 },
};

/** Go's test for an encrypted legacy block: a `DEK-Info` header is present. */
export function isEncryptedLegacyBlock(block: PemBlock): boolean {
  return Object.hasOwn(block.headers, 'DEK-Info');
}

/** OpenSSL's EVP_BytesToKey with MD5 and one iteration, salt = the first 8 bytes of the IV. */
function bytesToKey(passphrase: string, salt: Uint8Array, size: number): Buffer {
  const out = Buffer.alloc(size);
  let digest = Buffer.alloc(0);
  for (let i = 0; i < size; i += digest.length) {
    digest = createHash('md5').update(digest).update(passphrase, 'utf8').update(salt).digest();
    digest.copy(out, i);
  }
  return out;
}

function dekInfo(block: PemBlock): { cipher: (typeof CIPHERS)[string]; iv: Uint8Array } {
  const dek = block.headers['DEK-Info'] ?? '';
  const comma = dek.indexOf(',');
  if (comma < 0) throw notaryError('BAD_KEY_FILE', 'malformed DEK-Info header');
  const mode = dek.slice(0, comma);
  const cipher = CIPHERS[mode];
  if (!cipher) throw notaryError('UNSUPPORTED_KEY', `unsupported legacy key cipher ${mode}`, { details: { mode } });
  let iv: Uint8Array;
  try {
    iv = fromHex(dek.slice(comma + 1));
  } catch (cause) {
    throw notaryError('BAD_KEY_FILE', 'malformed DEK-Info iv', { cause });
  }
  if (iv.length !== cipher.blockSize) throw notaryError('BAD_KEY_FILE', 'DEK-Info iv has the wrong size');
  return { cipher, iv };
}

/**
 * Decrypts an RFC 1421 `Proc-Type: 4,ENCRYPTED` block body, checking its padding like Go's DecryptPEMBlock.
 * @throws NotaryError WRONG_PASSPHRASE, BAD_KEY_FILE, UNSUPPORTED_KEY
 */
export function decryptLegacyBlock(block: PemBlock, passphrase: string): Uint8Array {
  const { cipher, iv } = dekInfo(block);
  const data = block.bytes;
  if (data.length === 0 || data.length % cipher.blockSize !== 0) {
    throw notaryError('BAD_KEY_FILE', 'encrypted pem data is not a multiple of the block size');
  }
  const key = bytesToKey(passphrase, iv.subarray(0, 8), cipher.keySize);
  const d = createDecipheriv(cipher.node, key, iv);
  d.setAutoPadding(false);
  const plain = new Uint8Array(Buffer.concat([d.update(data), d.final()]));
  const last = plain[plain.length - 1] as number;
  let ok = last >= 1 && last <= cipher.blockSize;
  for (let i = plain.length - last; ok && i < plain.length; i++) ok = plain[i] === last;
  if (!ok) throw notaryError('WRONG_PASSPHRASE', 'wrong passphrase: decrypted legacy key has bad padding');
  return plain.subarray(0, plain.length - last);
}

function parseLegacyDer(type: LegacyBlockType, der: Uint8Array): PrivateKey {
  switch (type) {
    case 'RSA PRIVATE KEY':
      return rsaPrivateKey(der);
    case 'EC PRIVATE KEY':
      return parseSec1(der);
    case 'ED25519 PRIVATE KEY':
      // Notary's raw serialisation: pub32 ‖ seed32 ‖ pub32, no DER.
      if (der.length !== 96) throw notaryError('BAD_KEY_FILE', 'ed25519 private key must be 96 bytes');
      return ed25519PrivateKey(der.subarray(32, 64), [der.subarray(0, 32), der.subarray(64, 96)]);
  }
}

/**
 * Reads a legacy key block. An encrypted block needs `passphrase`; an unencrypted one ignores it.
 * @throws NotaryError WRONG_PASSPHRASE, BAD_KEY_FILE, UNSUPPORTED_KEY
 */
export function parseLegacyBlock(block: PemBlock, passphrase = ''): PrivateKey {
  if (!isLegacyBlockType(block.type)) {
    throw notaryError('UNSUPPORTED_KEY', `unsupported key type ${JSON.stringify(block.type)}`);
  }
  const type = block.type;
  if (!isEncryptedLegacyBlock(block)) return parseLegacyDer(type, block.bytes);
  const plain = decryptLegacyBlock(block, passphrase);
  // The raw ed25519 blob is not DER, so only a length mismatch can reveal a wrong passphrase there.
  if (type === 'ED25519 PRIVATE KEY') {
    try {
      return parseLegacyDer(type, plain);
    } catch (e) {
      if (isNotaryError(e, 'BAD_KEY_FILE')) throw notaryError('WRONG_PASSPHRASE', 'wrong passphrase', { cause: e });
      throw e;
    }
  }
  return parseDecrypted(plain, (der) => parseLegacyDer(type, der));
}

/**
 * Writes a legacy block (for tests and tooling only: the key store itself never writes this format). With a
 * passphrase it is RFC 1421-encrypted with AES-256-CBC as notary 0.1-0.3 did.
 */
export function encodeLegacyBlock(
  key: PrivateKey,
  passphrase: string,
  headers: Readonly<Record<string, string>> = {},
  iv: Uint8Array = new Uint8Array(randomBytes(16)),
): PemBlock {
  let type: LegacyBlockType;
  let der: Uint8Array;
  if (key.algorithm === 'ecdsa') {
    type = 'EC PRIVATE KEY';
    der = encodeSec1(key);
  } else if (key.algorithm === 'rsa') {
    type = 'RSA PRIVATE KEY';
    der = rsaPkcs1(key);
  } else {
    type = 'ED25519 PRIVATE KEY';
    der = new Uint8Array(96);
    der.set(key.publicKey.public, 0);
    der.set(ed25519Seed(key), 32);
    der.set(key.publicKey.public, 64);
  }
  const h = pemHeaders(headers);
  if (passphrase === '') return { type, headers: h, bytes: der };
  const c = createCipheriv('aes-256-cbc', bytesToKey(passphrase, iv.subarray(0, 8), 32), iv);
  h['Proc-Type'] = '4,ENCRYPTED';
  h['DEK-Info'] = `AES-256-CBC,${toHex(iv).toUpperCase()}`;
  return { type, headers: h, bytes: new Uint8Array(Buffer.concat([c.update(der), c.final()])) };
}
