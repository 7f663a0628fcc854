// Turns metadata public keys into node:crypto KeyObjects (cached: one key verifies thousands of signatures).
import { notaryError } from '../errors.js';
import { pemBlocks } from './pem.js';
import { classify, ED25519_SPKI_PREFIX, ed25519Spki, exportSpki, type ResolvedKey, resolveSpki } from './spki.js';
import type { PublicKey } from './types.js';
import { type Certificate, parseCertificate } from './x509-parse.js';

/**
 * How `keyval.public` is read: `der` SPKI (ecdsa, rsa), `raw` 32 bytes (ed25519), `cert` the first PEM certificate
 * (*-x509), `pem` a PEM-wrapped SPKI (rsa keys under the `pycrypto-pkcs#1 pss` method).
 */
export type KeyEncoding = 'der' | 'raw' | 'cert' | 'pem';

/**
 * The DER SPKI that `key.public` stands for under `encoding` (a certificate's subject key for `cert`).
 * @throws NotaryError UNSUPPORTED_KEY or BAD_CERTIFICATE when the bytes do not hold such a key
 */
export function spkiBytes(key: PublicKey, encoding: KeyEncoding): Uint8Array {
  switch (encoding) {
    case 'der':
      return key.public;
    case 'raw':
      return ed25519Spki(key.public);
    case 'cert':
      return leafCertificate(key).spki;
    case 'pem': {
      const [first] = pemBlocks(key.public);
      if (!first) throw notaryError('UNSUPPORTED_KEY', 'key holds no pem block');
      return first.bytes;
    }
  }
}

/**
 * The certificate in the first PEM block of `key.public`: Go's verifiers take that block, whatever follows it
 * (intermediates are not needed to verify).
 * @throws NotaryError BAD_CERTIFICATE
 */
function leafCertificate(key: PublicKey): Certificate {
  const [first] = pemBlocks(key.public);
  if (first?.type !== 'CERTIFICATE') throw notaryError('BAD_CERTIFICATE', 'key holds no pem certificate');
  return parseCertificate(first.bytes);
}

/** The natural reading of `keyval.public` for a key type. */
export function defaultEncoding(type: PublicKey['type']): KeyEncoding {
  switch (type) {
    case 'ecdsa':
    case 'rsa':
      return 'der';
    case 'ed25519':
      return 'raw';
    case 'ecdsa-x509':
    case 'rsa-x509':
      return 'cert';
  }
}

// Content-keyed, bounded cache. Metadata parsers hand us fresh arrays for the same key on every file, so identity
// (WeakMap) would miss; a string of the bytes is cheap next to one signature check. Failures are cached too.
const CACHE_LIMIT = 1024;
const cache = new Map<string, ResolvedKey | null>();

/** How many resolved keys the cache holds now (at most 1,024): for tests of its bound. */
export function resolvedKeyCacheSize(): number {
  return cache.size;
}

/**
 * The parsed key behind `key` read with `encoding`, or `null` when it is malformed or unsupported. Never throws.
 */
export function resolvePublicKey(
  key: PublicKey,
  encoding: KeyEncoding = defaultEncoding(key.type),
): ResolvedKey | null {
  const id = `${encoding}:${Buffer.from(key.public.buffer, key.public.byteOffset, key.public.byteLength).toString('latin1')}`;
  const hit = cache.get(id);
  if (hit !== undefined) return hit;
  let resolved: ResolvedKey | null;
  try {
    // A certificate's key was parsed with the certificate (which root validation has usually parsed already).
    resolved = encoding === 'cert' ? classify(leafCertificate(key).publicKey) : resolveSpki(spkiBytes(key, encoding));
  } catch {
    resolved = null;
  }
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(id, resolved);
  return resolved;
}

/**
 * Metadata form of a DER SPKI: `ecdsa`/`rsa` keep the SPKI, Ed25519 becomes its raw 32 bytes (Notary's layout).
 * @throws NotaryError UNSUPPORTED_KEY on malformed or unsupported keys
 */
export function publicKeyFromSpki(spki: Uint8Array): PublicKey {
  const resolved = resolveSpki(spki);
  switch (resolved.kind) {
    case 'ecdsa':
      return { type: 'ecdsa', public: exportSpki(resolved.keyObject) };
    case 'rsa':
      return { type: 'rsa', public: exportSpki(resolved.keyObject) };
    case 'ed25519':
      return { type: 'ed25519', public: exportSpki(resolved.keyObject).subarray(ED25519_SPKI_PREFIX.length) };
  }
}
