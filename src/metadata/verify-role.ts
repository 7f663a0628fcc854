// Threshold signature check for one role (`signed.VerifySignatures`), counting distinct keys, not key IDs.
import { defaultEncoding, type KeyEncoding, resolvePublicKey } from '../crypto/public-key.js';
import { exportSpki, type ResolvedKey } from '../crypto/spki.js';
import type { PublicKey, SignatureMethod } from '../crypto/types.js';
import { verifySignature } from '../crypto/verify.js';
import { notaryError } from '../errors.js';
import type { Signature } from './envelope.js';
import { tufKeyId } from './key-id.js';
import type { RoleKeys } from './role-keys.js';

/** What `verifyRole` needs of a file: the canonical bytes of its `signed` part as received, and its signatures. */
export interface VerifiableFile {
  readonly signed: { canonicalBytes(): Uint8Array };
  readonly signatures: readonly Signature[];
}

// Key objects live as long as their metadata; caching their IDs saves a SHA-256 per key per check.
const tufIds = new WeakMap<PublicKey, string>();
const identities = new WeakMap<PublicKey, string>();

function cachedTufId(key: PublicKey): string {
  let id = tufIds.get(key);
  if (id === undefined) {
    id = tufKeyId(key);
    tufIds.set(key, id);
  }
  return id;
}

// The identity of the key a signature verified with: its SPKI as node:crypto exports it, read the way
// `verifySignature` reads the key (an x509 key's first PEM block, whatever headers it carries; an rsa key under the
// `pycrypto-pkcs#1 pss` method as PEM). A certificate and the bare key inside it, or one key under two spellings,
// are then one signer; so is a bundle whose first block the certificate parser would skip for a later one.
function identity(key: PublicKey, method: string): string {
  const encoding: KeyEncoding = method === 'pycrypto-pkcs#1 pss' ? 'pem' : defaultEncoding(key.type);
  let id = identities.get(key);
  if (id === undefined) {
    // Only called after verifySignature accepted a signature by this key read with this encoding, so it resolves;
    // and a key resolves under one encoding only (DER bytes are not PEM text), so one cache entry per key will do.
    const resolved = resolvePublicKey(key, encoding) as ResolvedKey;
    id = Buffer.from(exportSpki(resolved.keyObject)).toString('latin1');
    identities.set(key, id);
  }
  return id;
}

/**
 * Checks that at least `role.threshold` distinct keys of the role signed `file.signed.canonicalBytes()`, and
 * returns the listed key IDs whose signatures are valid ("who signed").
 *
 * - Signatures naming a key ID the role does not list, or with an invalid signature or unknown method, are ignored.
 * - Distinct means distinct keys: one key listed under two IDs, or as a certificate and as a bare key, counts once
 *   (Notary counts key ID strings).
 * - Stricter than Notary: every key the role lists must carry its real TUF ID, whether or not it signed (Notary
 *   raises ErrInvalidKeyID only when a signature names the mislabelled key). A mislabelled key in signed metadata
 *   means a broken or hostile signer, and accepting it would let one key pose as two.
 *
 * @throws NotaryError INVALID_KEY_ID (details: role, keyId, actualKeyId) for a listed key whose ID is wrong;
 *   THRESHOLD_NOT_MET (details: role, needed, got) when too few distinct keys signed
 */
export function verifyRole(role: RoleKeys, keys: ReadonlyMap<string, PublicKey>, file: VerifiableFile): Set<string> {
  const listed = new Map<string, PublicKey>();
  for (const id of role.keyIds) {
    const key = keys.get(id);
    if (key === undefined) continue;
    const actual = cachedTufId(key);
    if (actual !== id) {
      throw notaryError('INVALID_KEY_ID', `${role.name} lists key ${id} whose actual id is ${actual}`, {
        details: { role: role.name, keyId: id, actualKeyId: actual },
      });
    }
    listed.set(id, key);
  }
  const signers = new Set<string>();
  // One entry per listed key ID whose signature verified: the key and the method it verified under.
  const valid: { key: PublicKey; method: string }[] = [];
  if (role.threshold >= 1 && file.signatures.length > 0) {
    const data = file.signed.canonicalBytes();
    for (const sig of file.signatures) {
      const key = listed.get(sig.keyId);
      if (key === undefined || signers.has(sig.keyId)) continue;
      if (!verifySignature(key, { method: sig.method as SignatureMethod, sig: sig.sig }, data)) continue;
      signers.add(sig.keyId);
      valid.push({ key, method: sig.method });
    }
  }
  const got = distinctKeys(valid);
  // A role with threshold < 1 can never be satisfied (Go: ErrRoleThreshold).
  if (role.threshold < 1 || got < role.threshold) {
    throw notaryError(
      'THRESHOLD_NOT_MET',
      `valid signatures did not meet threshold for ${role.name}: ${got} of ${role.threshold}`,
      { details: { role: role.name, needed: role.threshold, got } },
    );
  }
  return signers;
}

/**
 * How many distinct keys made the valid signatures. Zero or one valid signature is that many keys; only from two on
 * are identities needed to tell the keys apart (most roles carry one signature: no key export at all).
 */
function distinctKeys(valid: readonly { key: PublicKey; method: string }[]): number {
  if (valid.length < 2) return valid.length;
  return new Set(valid.map((v) => identity(v.key, v.method))).size;
}
