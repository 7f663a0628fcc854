// The signing seam: one async method, so keys in memory, a KMS or a PKCS#11 token plug in the same way.
import { signData } from '../crypto/sign.js';
import type { PrivateKey, PublicKey, RawSignature } from '../crypto/types.js';
import { notaryError } from '../errors.js';
import { canonicalKeyId, tufKeyId } from './key-id.js';

/** Produces signatures for one key of a role. */
export interface Signer {
  /** The key ID the role lists: the TUF ID of `publicKey` (for root, the ID of the `ecdsa-x509` certificate). */
  readonly keyId: string;
  /** The public key as the role lists it. */
  readonly publicKey: PublicKey;
  /** Signs exactly `data` (the canonical bytes) with Notary's method for the key type. */
  sign(data: Uint8Array): Promise<RawSignature>;
}

/**
 * A `Signer` for a private key in memory. `listedKey` is the public key as the role lists it when that differs
 * from the bare key (a root's certificate); its TUF ID becomes `keyId`.
 * @throws NotaryError SIGNER_MISMATCH when `listedKey` is not the public half of `key` (compared by canonical ID)
 */
export function keySigner(key: PrivateKey, listedKey: PublicKey = key.publicKey): Signer {
  if (listedKey !== key.publicKey && canonicalKeyId(listedKey) !== canonicalKeyId(key.publicKey)) {
    throw notaryError('SIGNER_MISMATCH', `private key does not match listed key ${tufKeyId(listedKey)}`, {
      details: { keyId: tufKeyId(listedKey) },
    });
  }
  return {
    keyId: tufKeyId(listedKey),
    publicKey: listedKey,
    sign: async (data) => signData(key, data),
  };
}

/**
 * Signers for the keys of a role that we hold. `roleKeys` maps listed ID → public key (e.g. `root.keysOf('root')`);
 * `lookup` finds a private key by canonical ID (key files are named that way). Keys we do not hold are skipped.
 * @throws NotaryError BAD_CERTIFICATE when a listed x509 key holds no usable certificate
 */
export function signersFor(
  roleKeys: ReadonlyMap<string, PublicKey>,
  lookup: (canonicalId: string) => PrivateKey | undefined,
): Signer[] {
  const out: Signer[] = [];
  for (const [id, pub] of roleKeys) {
    const priv = lookup(canonicalKeyId(pub));
    if (priv === undefined) continue;
    const s = keySigner(priv, pub);
    // A role lists the key under its TUF ID; a mislabelled entry would produce unverifiable signatures.
    if (s.keyId === id) out.push(s);
  }
  return out;
}
