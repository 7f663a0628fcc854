// The sign preflight's question for every tag it signs: does `verify GUN:TAG` answer exactly what was signed?

import { dockerRule, type Hit } from '../client/lookup.js';
import type { TrustedRepository } from '../client/trusted-repository.js';
import { bytesEqual } from '../encoding/bytes.js';
import { toHex } from '../encoding/hex.js';
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';
import type { FileMeta } from '../metadata/file-meta.js';
import { wouldFailVerify } from './preflight.js';

/**
 * `verify GUN:TAG` on the result must give the signed digest and size, for every tag: docker pull's rule resolved
 * once (`dockerRule`, the rule `lookupTarget` applies), then one entry read and compared per tag.
 * @throws NotaryError PUBLISH_WOULD_FAIL_VERIFY (details: tag, reason `unverifiable` with the verifier's code as
 *   `cause`, or `shadowed` with the role that would answer)
 */
export async function assertVerify(
  repo: TrustedRepository,
  gun: string,
  tags: readonly [string, FileMeta][],
): Promise<void> {
  const first = tags[0];
  if (first === undefined) return;
  let find: (tag: string) => Hit | undefined;
  try {
    find = await dockerRule(repo);
  } catch (e) {
    if (!isNotaryError(e)) throw e;
    unverifiable(gun, first[0], e);
  }
  for (const [tag, meta] of tags) {
    const hit = find(tag);
    if (hit === undefined) {
      unverifiable(gun, tag, notaryError('TARGET_NOT_FOUND', `no trust data for ${tag} in ${gun}`));
    }
    const got = hit.file.hashes.sha256;
    if (got === undefined) {
      unverifiable(gun, tag, notaryError('INVALID_METADATA', `${hit.role} lists ${tag} without a sha256 hash`));
    }
    const want = meta.hashes.sha256;
    if (want === undefined || !bytesEqual(got, want) || hit.file.length !== meta.length) {
      wouldFailVerify(
        gun,
        `verify ${tag} would answer sha256:${toHex(got)} from ${hit.role}, not the digest being signed`,
        {
          reason: 'shadowed',
          tag,
          role: hit.role,
        },
      );
    }
  }
}

function unverifiable(gun: string, tag: string, e: NotaryError): never {
  wouldFailVerify(gun, `verify ${tag} would fail (${e.code}: ${e.message})`, {
    reason: 'unverifiable',
    tag,
    cause: e.code,
  });
}
