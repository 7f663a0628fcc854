// SHA-256 and SHA-512 digests over bytes (node:crypto, one-shot: these sit in every verify and hash check).
import { createHash } from 'node:crypto';

/** SHA-256 digest of `data` (32 bytes). */
export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** SHA-512 digest of `data` (64 bytes). */
export function sha512(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha512').update(data).digest());
}
