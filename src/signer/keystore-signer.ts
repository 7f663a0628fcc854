// Where signing keys come from: caller-supplied `Signer`s (KMS, PKCS#11, memory) first, then the file key store.

import type { PublicKey } from '../crypto/types.js';
import { isNotaryError } from '../errors.js';
import type { FileKeyStore } from '../keystore/index.js';
import { canonicalKeyId, tufKeyId } from '../metadata/key-id.js';
import { keySigner, type Signer } from '../metadata/signer.js';

/**
 * Finds a signer for a key a role lists. `has` must not need a passphrase (it decides which roles we can sign,
 * as Docker's `GetSignableRoles` does from key file names); `signerFor` may decrypt.
 */
export interface SignerSource {
  /** Whether this source holds the private key with canonical ID `canonicalId`. */
  has(canonicalId: string): Promise<boolean>;
  /**
   * A signer for `listedKey` (as the role lists it, a certificate for root keys), or undefined when not held.
   * @throws NotaryError WRONG_PASSPHRASE, PASSPHRASE_REQUIRED, BAD_KEY_FILE, ... from the key store
   */
  signerFor(listedKey: PublicKey): Promise<Signer | undefined>;
}

/** A source over caller-supplied signers (matched by the canonical ID of their public key). */
export function staticSignerSource(signers: readonly Signer[]): SignerSource {
  const byId = new Map<string, Signer>();
  for (const s of signers) byId.set(canonicalKeyId(s.publicKey), s);
  return {
    has: async (id) => byId.has(id),
    async signerFor(listedKey) {
      const s = byId.get(canonicalKeyId(listedKey));
      if (s === undefined) return undefined;
      // The role may list the key as a certificate (root): present the signer under the listed key and ID.
      return s.publicKey === listedKey
        ? s
        : { keyId: tufKeyId(listedKey), publicKey: listedKey, sign: (d) => s.sign(d) };
    },
  };
}

/**
 * A source over the file key store: key files are named by canonical ID, so `has` is a file check, and the key is
 * decrypted (asking the store's passphrase source) only when a signature is actually needed.
 */
export function keyStoreSignerSource(store: FileKeyStore): SignerSource {
  return {
    has: (id) => store.has(id),
    async signerFor(listedKey) {
      const id = canonicalKeyId(listedKey);
      if (!(await store.has(id))) return undefined;
      try {
        return keySigner((await store.get(id)).key, listedKey);
      } catch (e) {
        if (isNotaryError(e, 'KEY_NOT_FOUND')) return undefined;
        throw e;
      }
    },
  };
}

/** Tries each source in turn. */
export function chainSignerSources(...sources: readonly SignerSource[]): SignerSource {
  return {
    async has(id) {
      for (const s of sources) if (await s.has(id)) return true;
      return false;
    },
    async signerFor(listedKey) {
      for (const s of sources) {
        const signer = await s.signerFor(listedKey);
        if (signer !== undefined) return signer;
      }
      return undefined;
    },
  };
}

/**
 * Signers for every key of a role that some source holds (in the role's key order; one per distinct key).
 * @throws NotaryError from the sources (passphrase problems)
 */
export async function signersForKeys(source: SignerSource, keys: ReadonlyMap<string, PublicKey>): Promise<Signer[]> {
  const out: Signer[] = [];
  const seen = new Set<string>();
  for (const [id, key] of keys) {
    let canonical: string;
    try {
      canonical = canonicalKeyId(key);
    } catch {
      continue; // an unusable certificate cannot be ours
    }
    if (seen.has(canonical)) continue;
    const s = await source.signerFor(key);
    // A role lists the key under its TUF ID; a mislabelled entry would give signatures nobody can match.
    if (s !== undefined && s.keyId === id) {
      seen.add(canonical);
      out.push(s);
    }
  }
  return out;
}
