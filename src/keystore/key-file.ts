// One private key as a PEM block: Notary's ParsePEMPrivateKey / ConvertPrivateKeyToPKCS8 and header rules.
import type { PrivateKey, PrivateKeyAlgorithm } from '../crypto/types.js';
import { decodeDer, expectSeq, expectTag, OID, oidToString, TAG } from '../encoding/der.js';
import { notaryError } from '../errors.js';
import { isEncryptedLegacyBlock, isLegacyBlockType, type LegacyBlockType, parseLegacyBlock } from './legacy.js';
import { decryptPrivateKeyInfo, encryptPrivateKeyInfo, parseDecrypted } from './pbes2.js';
import { type PemBlock, pemHeaders } from './pem.js';
import { encodeNotaryPrivateKeyInfo, parsePrivateKeyInfo } from './pkcs8.js';

export const PKCS8_BLOCK = 'PRIVATE KEY';
export const ENCRYPTED_PKCS8_BLOCK = 'ENCRYPTED PRIVATE KEY';

/** The roles whose key files carry a `gun` header; Notary strips it for root, delegations and other names. */
const GUN_ROLES: ReadonlySet<string> = new Set(['targets', 'snapshot', 'timestamp']);

/** Whether a key for `role` keeps its GUN header (Notary's `AddKey`/import rule). */
export function roleKeepsGun(role: string): boolean {
  return GUN_ROLES.has(role);
}

/** True for every block type a Notary key file may hold. */
export function isKeyBlockType(type: string): boolean {
  return type === PKCS8_BLOCK || type === ENCRYPTED_PKCS8_BLOCK || isLegacyBlockType(type);
}

/** Whether reading the block needs a passphrase. */
export function isEncryptedKeyBlock(block: PemBlock): boolean {
  return block.type === ENCRYPTED_PKCS8_BLOCK || (isLegacyBlockType(block.type) && isEncryptedLegacyBlock(block));
}

/**
 * `role` and `gun` headers of a key block ('' when absent), as Notary's ExtractPrivateKeyAttributes.
 * @throws NotaryError BAD_KEY_FILE when the block is not a private key
 */
export function keyBlockAttributes(block: PemBlock): { role: string; gun: string } {
  if (!isKeyBlockType(block.type)) {
    throw notaryError('BAD_KEY_FILE', `pem block ${JSON.stringify(block.type)} is not a private key`);
  }
  return { role: block.headers['role'] ?? '', gun: block.headers['gun'] ?? '' };
}

const LEGACY_ALGORITHMS: Record<LegacyBlockType, PrivateKeyAlgorithm> = {
  'EC PRIVATE KEY': 'ecdsa',
  'RSA PRIVATE KEY': 'rsa',
  'ED25519 PRIVATE KEY': 'ed25519',
};

const PKCS8_ALGORITHMS: Record<string, PrivateKeyAlgorithm> = {
  [OID.ecPublicKey]: 'ecdsa',
  [OID.rsaEncryption]: 'rsa',
  [OID.notaryEd25519]: 'ed25519',
  [OID.ed25519]: 'ed25519',
};

/** The key algorithm when it can be told without a passphrase (not for encrypted PKCS#8), else undefined. */
export function keyBlockAlgorithm(block: PemBlock): PrivateKeyAlgorithm | undefined {
  if (isLegacyBlockType(block.type)) return LEGACY_ALGORITHMS[block.type];
  if (block.type !== PKCS8_BLOCK) return undefined;
  try {
    const [, algId] = expectSeq(decodeDer(block.bytes), 3);
    const [o] = expectSeq(algId, 1);
    return PKCS8_ALGORITHMS[oidToString(expectTag(o, TAG.OID))];
  } catch {
    return undefined;
  }
}

/**
 * Reads the private key in a block. `passphrase` is used only when the block is encrypted.
 * @throws NotaryError PASSPHRASE_REQUIRED (encrypted, no passphrase), WRONG_PASSPHRASE, BAD_KEY_FILE,
 * UNSUPPORTED_KEY
 */
export async function decodeKeyBlock(block: PemBlock, passphrase?: string): Promise<PrivateKey> {
  keyBlockAttributes(block);
  if (isEncryptedKeyBlock(block) && passphrase === undefined) {
    throw notaryError('PASSPHRASE_REQUIRED', 'the key is encrypted and no passphrase was given');
  }
  if (block.type === PKCS8_BLOCK) return parsePrivateKeyInfo(block.bytes);
  if (block.type === ENCRYPTED_PKCS8_BLOCK) {
    const plain = await decryptPrivateKeyInfo(block.bytes, passphrase ?? '');
    return parseDecrypted(plain, parsePrivateKeyInfo);
  }
  return parseLegacyBlock(block, passphrase ?? '');
}

export interface EncodeKeyOptions {
  /** Written as the `role` header when non-empty. */
  role: string;
  /** Written as the `gun` header when non-empty (apply `roleKeepsGun` first). */
  gun?: string;
  /** Empty string = unencrypted `PRIVATE KEY` block (callers must opt in to that). */
  passphrase: string;
}

/**
 * The PEM block Notary writes for `key` (`ConvertPrivateKeyToPKCS8`): Notary-flavoured PKCS#8, encrypted with
 * PBES2 unless the passphrase is empty, `role`/`gun` headers.
 * @throws NotaryError UNSUPPORTED_KEY; RangeError on header values with line breaks
 */
export async function encodeKeyBlock(key: PrivateKey, options: EncodeKeyOptions): Promise<PemBlock> {
  const headers = pemHeaders();
  for (const [name, value] of [
    ['role', options.role],
    ['gun', options.gun ?? ''],
  ] as const) {
    if (/[\r\n]/.test(value)) throw new RangeError(`${name} cannot contain a line break`);
    if (value !== '') headers[name] = value;
  }
  const plain = encodeNotaryPrivateKeyInfo(key);
  if (options.passphrase === '') return { type: PKCS8_BLOCK, headers, bytes: plain };
  const bytes = await encryptPrivateKeyInfo(plain, options.passphrase);
  return { type: ENCRYPTED_PKCS8_BLOCK, headers, bytes };
}
