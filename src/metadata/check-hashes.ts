// Checks downloaded bytes against the FileMeta that names them (Notary's `data.CheckHashes` plus a length check).
import { sha256, sha512 } from '../crypto/hash.js';
import { constantTimeEqual } from '../encoding/bytes.js';
import { toHex } from '../encoding/hex.js';
import { notaryError } from '../errors.js';
import type { FileMeta } from './file-meta.js';

/**
 * Every known digest present in `meta.hashes` must match `bytes` (constant-time compare), and at least one must be
 * present.
 * @throws NotaryError HASH_MISMATCH (details: role, algorithm, expected, actual), or HASH_MISMATCH with
 *   `algorithm: null` when `meta` has no known hash
 */
export function checkHashes(bytes: Uint8Array, meta: Pick<FileMeta, 'hashes'>, role = 'unknown'): void {
  let checked = 0;
  const pairs: [string, Uint8Array | undefined, (b: Uint8Array) => Uint8Array][] = [
    ['sha256', meta.hashes.sha256, sha256],
    ['sha512', meta.hashes.sha512, sha512],
  ];
  for (const [algorithm, expected, digest] of pairs) {
    if (expected === undefined) continue;
    const actual = digest(bytes);
    if (!constantTimeEqual(actual, expected)) {
      throw notaryError(
        'HASH_MISMATCH',
        `${algorithm} checksum for ${role} did not match: expected ${toHex(expected)}`,
        {
          details: { role, algorithm, expected: toHex(expected), actual: toHex(actual) },
        },
      );
    }
    checked++;
  }
  if (checked === 0) {
    throw notaryError('HASH_MISMATCH', `no checksum information for ${role}`, { details: { role, algorithm: null } });
  }
}

/**
 * The byte count must equal `meta.length`. (Notary only uses it as a download cap; the snapshot and timestamp
 * record exact sizes, so anything else means the bytes are not the ones described.)
 * @throws NotaryError LENGTH_MISMATCH (details: role, expected, actual)
 */
export function checkLength(bytes: Uint8Array, meta: Pick<FileMeta, 'length'>, role = 'unknown'): void {
  if (bytes.length !== meta.length) {
    throw notaryError('LENGTH_MISMATCH', `${role} is ${bytes.length} bytes, expected ${meta.length}`, {
      details: { role, expected: meta.length, actual: bytes.length },
    });
  }
}
