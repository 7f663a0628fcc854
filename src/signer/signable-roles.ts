// Docker's choice of roles to sign a tag into (`GetSignableRoles`), and tag → target meta conversion.

import { canonicalBytes, type JsonValue } from '../canonical/index.js';
import { RELEASES_ROLE } from '../client/lookup.js';
import { notaryError } from '../errors.js';
import { assertTargetName, isValidTargetName } from '../grammar/target-name.js';
import type { DelegationRole } from '../metadata/delegations.js';
import { pathAllowed } from '../metadata/delegations.js';
import { type FileMeta, fileMetaFromHex, sha256FileMetasFromHex } from '../metadata/file-meta.js';
import type { HoldsKey } from './apply.js';
import type { RepoState } from './repo-state.js';

/** Docker's `trust.ReleasesRole`. */
export { RELEASES_ROLE };

/** A tag to sign: the image manifest's digest and size, as `docker push` reports them. */
export interface TagInput {
  readonly tag: string;
  /** `sha256:<64 hex>` (sha512 is refused: verifiers answer with the sha256 digest). */
  readonly digest: string;
  /** Manifest size in bytes. */
  readonly size: number;
  /** Optional `custom` value; must be canonical-JSON-able (no floats) and is written canonically. */
  readonly custom?: JsonValue;
}

const BAD_DIGEST = 'digest must be sha256:<64 lower-case hex>';

function badTag(t: TagInput, what: string): never {
  throw notaryError('INVALID_ARGUMENT', `tag ${JSON.stringify(t.tag)}: ${what}`, { details: { tag: t.tag } });
}

/**
 * The target meta Docker writes for a tag: the manifest digest as the only hash, the size as length. Only sha256:
 * `verify` (docker pull's rule, `notary lookup`) answers with the sha256, so a sha512-only target would be
 * published and then rejected by every verifier; it is refused here, before anything is staged or sent.
 * @throws NotaryError INVALID_ARGUMENT for an empty tag, a malformed or non-sha256 digest, a bad size or a
 *   non-canonical custom
 */
export function targetMetaOf(t: TagInput): FileMeta {
  assertTargetName(t.tag);
  const digest = t.digest;
  if (typeof digest === 'string' && digest.startsWith('sha512:')) {
    badTag(t, 'sha512 digests cannot be verified (verify answers with the sha256 digest): give sha256:<hex>');
  }
  const alg = typeof digest === 'string' && digest.startsWith('sha256:') ? 'sha256' : undefined;
  if (alg === undefined) badTag(t, BAD_DIGEST);
  if (!Number.isSafeInteger(t.size) || t.size < 0) badTag(t, 'size must be an integer ≥ 0');
  let meta: FileMeta;
  try {
    // Checks the hex (length, lower case) and converts it once, straight to the JSON entry's base64.
    meta = fileMetaFromHex(alg, digest.slice(7), t.size);
  } catch (e) {
    if (e instanceof RangeError) badTag(t, BAD_DIGEST);
    throw e;
  }
  if (t.custom === undefined) return meta;
  const { hashes } = meta;
  try {
    canonicalBytes(t.custom);
  } catch (cause) {
    throw notaryError('INVALID_ARGUMENT', `tag ${JSON.stringify(t.tag)}: custom is not canonical json`, {
      cause,
      details: { tag: t.tag },
    });
  }
  return { length: t.size, hashes, custom: t.custom };
}

/**
 * `tags.map(targetMetaOf)`, with the digests of many tags converted together (`sha256FileMetasFromHex`). Any tag
 * the batch cannot take as it is (a `custom`, anything `targetMetaOf` would refuse) sends the whole list through
 * `targetMetaOf` one by one, so the same tag fails with the same error.
 * @throws NotaryError as `targetMetaOf`
 */
export function targetMetasOf(tags: readonly TagInput[]): FileMeta[] {
  const hexes: string[] = [];
  const lengths: number[] = [];
  for (const t of tags) {
    const d = t.digest;
    if (t.custom !== undefined || typeof d !== 'string' || !d.startsWith('sha256:') || !isValidTargetName(t.tag)) {
      return tags.map(targetMetaOf);
    }
    hexes.push(d.slice(7));
    lengths.push(t.size);
  }
  try {
    return sha256FileMetasFromHex(hexes, lengths);
  } catch (e) {
    if (e instanceof RangeError) return tags.map(targetMetaOf);
    throw e;
  }
}

/**
 * Roles a tag can go to, as Docker decides: `targets` when the repository has no delegations; otherwise every
 * direct child of `targets` whose paths allow the tag and for which we hold a key (in practice `targets/releases`
 * and `targets/<signer>`). Resolved once per publish; `rolesFor` is then cheap per tag.
 * @throws NotaryError KEY_NOT_FOUND from `rolesFor` when delegations exist but none can take the tag
 */
export async function signableRoles(
  state: RepoState,
  holds: HoldsKey,
): Promise<{ rolesFor(tag: string): readonly string[] }> {
  const children = state.work('targets').view.delegations.roles;
  // One array for every tag (callers keep it read-only).
  const targetsOnly = ['targets'];
  if (children.length === 0) return { rolesFor: () => targetsOnly };
  const usable: DelegationRole[] = [];
  for (const r of children) {
    if (await holds(state.delegation(r.name).keys)) usable.push(r);
  }
  return {
    rolesFor(tag) {
      const roles = usable.filter((r) => pathAllowed(tag, r.paths)).map((r) => r.name);
      if (roles.length === 0) {
        throw notaryError('KEY_NOT_FOUND', `no valid signing keys for delegation roles that may sign ${tag}`, {
          details: { tag, delegations: children.map((r) => r.name) },
        });
      }
      return roles;
    },
  };
}
