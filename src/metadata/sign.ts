// Signing a `signed` part: canonical bytes in, envelope with one signature per signer out (`signed.Sign`).
import { signData } from '../crypto/sign.js';
import type { PrivateKey, PublicKey, SignatureMethod } from '../crypto/types.js';
import { verifySignature } from '../crypto/verify.js';
import { notaryError } from '../errors.js';
import { envelopeBytes, type Signature } from './envelope.js';
import type { MetadataBase } from './metadata-base.js';
import type { SignedMetadata } from './signed-metadata.js';
import { keySigner, type Signer } from './signer.js';

/** Options of `signMetadata` / `signMetadataWithKeys`. */
export interface SignOptions {
  /** Signatures to keep (e.g. collected from other parties); a new signature replaces one with the same key ID. */
  readonly keep?: readonly Signature[];
}

/**
 * Signs `signed.canonicalBytes()` with every signer and returns the file (`raw` is its wire bytes). Each new
 * signature is checked against the signer's public key, so a misconfigured KMS or token cannot slip in a signature
 * that would only fail later on the server.
 * @throws NotaryError SIGNER_MISMATCH when a signer's signature does not verify with its public key;
 *   NON_CANONICAL when the JSON cannot be canonical; whatever a signer throws
 */
export async function signMetadata<T extends MetadataBase>(
  signed: T,
  signers: readonly Signer[],
  options: SignOptions = {},
): Promise<SignedMetadata<T>> {
  const data = signed.canonicalBytes();
  const fresh = new Map<string, Signature>();
  for (const s of signers) {
    if (fresh.has(s.keyId)) continue;
    const raw = await s.sign(data);
    fresh.set(s.keyId, checked(s.keyId, s.publicKey, { keyId: s.keyId, method: raw.method, sig: raw.sig }, data));
  }
  return assemble(signed, fresh, options.keep ?? []);
}

/** A private key to sign with, optionally with the public key the role lists for it (a root certificate). */
export type SigningKey = PrivateKey | { readonly key: PrivateKey; readonly listedKey: PublicKey };

/**
 * Synchronous `signMetadata` for private keys in memory.
 * @throws NotaryError SIGNER_MISMATCH, NON_CANONICAL as `signMetadata`
 */
export function signMetadataWithKeys<T extends MetadataBase>(
  signed: T,
  keys: readonly SigningKey[],
  options: SignOptions = {},
): SignedMetadata<T> {
  const data = signed.canonicalBytes();
  const fresh = new Map<string, Signature>();
  for (const k of keys) {
    const { key, listedKey } = 'pkcs8' in k ? { key: k, listedKey: k.publicKey } : k;
    const signer = keySigner(key, listedKey);
    if (fresh.has(signer.keyId)) continue;
    // keySigner's sign is async only for the interface; sign directly here.
    const raw = signData(key, data);
    fresh.set(signer.keyId, checked(signer.keyId, listedKey, { keyId: signer.keyId, ...raw }, data));
  }
  return assemble(signed, fresh, options.keep ?? []);
}

/** Wraps already-made signatures (or none) into a file. @throws NotaryError NON_CANONICAL */
export function withSignatures<T extends MetadataBase>(signed: T, signatures: readonly Signature[]): SignedMetadata<T> {
  // The wire form comes from the (memoised) canonical bytes that were just signed: one encoding per file.
  return { signed, signatures: [...signatures], raw: envelopeBytes(signed.json, signatures, signed.canonicalBytes()) };
}

function assemble<T extends MetadataBase>(
  signed: T,
  fresh: Map<string, Signature>,
  keep: readonly Signature[],
): SignedMetadata<T> {
  const signatures = [...keep.filter((s) => !fresh.has(s.keyId)), ...fresh.values()];
  return withSignatures(signed, signatures);
}

function checked(keyId: string, publicKey: PublicKey, sig: Signature, data: Uint8Array): Signature {
  if (!verifySignature(publicKey, { method: sig.method as SignatureMethod, sig: sig.sig }, data)) {
    throw notaryError('SIGNER_MISMATCH', `signature by key ${keyId} does not verify with its public key`, {
      details: { keyId },
    });
  }
  return sig;
}
