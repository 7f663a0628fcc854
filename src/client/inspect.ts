// The data of `docker trust inspect` (docker/cli trust/inspect.go + common.go), field names and order as docker's JSON.

import { compareUtf8 } from '../canonical/index.js';
import type { PublicKey } from '../crypto/index.js';
import { toHex } from '../encoding/hex.js';
import { utf8 } from '../encoding/utf8.js';
import { assertTargetName } from '../grammar/target-name.js';
import { canonicalKeyId, pathAllowed } from '../metadata/index.js';
import { RELEASES_ROLE } from './lookup.js';
import type { TrustedRepository } from './trusted-repository.js';

/** docker's name for tags signed with the repository (targets) key: `releasedRoleName`. */
export const REPO_ADMIN = 'Repo Admin';

export interface TrustKey {
  readonly ID: string;
}
export interface TrustSigner {
  readonly Name: string;
  /** Omitted when empty (`json:",omitempty"`). */
  readonly Keys?: readonly TrustKey[];
}
export interface TrustTagRow {
  readonly SignedTag: string;
  /** Hex sha256 of the target (`''` when it has none). */
  readonly Digest: string;
  readonly Signers: readonly string[];
}
/** One element of `docker trust inspect`'s JSON array. */
export interface TrustInspect {
  readonly Name: string;
  readonly SignedTags: readonly TrustTagRow[];
  readonly Signers: readonly TrustSigner[];
  readonly AdministrativeKeys: readonly TrustSigner[];
}

export interface InspectOptions {
  /** The `Name` field: the reference as the user typed it (default the GUN). */
  readonly name?: string | undefined;
  /** Only this tag (docker inspects `repo:tag` that way); default every tag. */
  readonly tag?: string | undefined;
}

const isReleased = (role: string): boolean => role === 'targets' || role === RELEASES_ROLE;
const signerName = (role: string): string => (isReleased(role) ? REPO_ADMIN : role.replace(/^targets\//, ''));

/**
 * Builds docker's `trustRepo`:
 * - `SignedTags`: tags in `targets` or `targets/releases` ("released"), one row per (tag, hex sha256); `Signers` are
 *   the other delegations holding the same tag and digest, in walk order, or `["Repo Admin"]`; rows in natural
 *   order of the tag (`sortorder.NaturalLess`; ties by digest).
 * - `Signers`: every delegation but `targets/releases`, named without `targets/`, keys by canonical key ID in the
 *   order listed, sorted by name descending.
 * - `AdministrativeKeys`: `Root` (root role key IDs as root.json lists them: certificate IDs) then `Repository`
 *   (targets role key IDs).
 * Every delegation is walked (and verified: one that fails fails the inspection, where Notary would skip it).
 * @throws NotaryError the verification codes of any role walked
 */
export async function inspectRepository(repo: TrustedRepository, opts: InspectOptions = {}): Promise<TrustInspect> {
  if (opts.tag !== undefined) assertTargetName(opts.tag);
  const tag = opts.tag ?? '';
  const entries: { role: string; name: string; digest: string }[] = [];
  const signerKeys = new Map<string, string[]>();
  await repo.walk({ targetPath: tag }, (targets, role) => {
    const names = tag === '' ? targets.targetNames() : targets.hasTarget(tag) ? [tag] : [];
    for (const name of names) {
      // Stricter than docker for `inspect` without a tag: a role's entries outside its paths are not signatures.
      const t = pathAllowed(name, role.paths) ? targets.getTarget(name) : undefined;
      if (t === undefined) continue;
      entries.push({ role: role.name, name, digest: t.hashes.sha256 === undefined ? '' : toHex(t.hashes.sha256) });
    }
    return false;
  });
  // GetDelegationRoles walks every role regardless of the tag.
  await repo.walk({}, (targets) => {
    for (const d of targets.delegations.roles) {
      if (d.name === RELEASES_ROLE) continue;
      const ids = d.keyIds.map((id) => canonicalKeyId(targets.delegations.keys.get(id) as PublicKey));
      signerKeys.set(signerName(d.name), ids);
    }
    return false;
  });

  const rows = new Map<string, { tag: string; digest: string; signers: string[] }>();
  const keyOf = (name: string, digest: string) => `${name}\u0000${digest}`;
  for (const e of entries)
    if (isReleased(e.role)) rows.set(keyOf(e.name, e.digest), { tag: e.name, digest: e.digest, signers: [] });
  for (const e of entries) {
    const row = rows.get(keyOf(e.name, e.digest));
    if (row !== undefined && !isReleased(e.role)) row.signers.push(signerName(e.role));
  }
  const signedTags: TrustTagRow[] = [...rows.values()]
    .sort((a, b) => (naturalLess(a.tag, b.tag) ? -1 : naturalLess(b.tag, a.tag) ? 1 : compareUtf8(a.digest, b.digest)))
    .map((r) => ({ SignedTag: r.tag, Digest: r.digest, Signers: r.signers.length > 0 ? r.signers : [REPO_ADMIN] }));

  const signers: TrustSigner[] = [...signerKeys.entries()]
    .sort(([a], [b]) => compareUtf8(b, a))
    .map(([Name, ids]) => withKeys(Name, ids));
  const root = repo.root;
  const admin: TrustSigner[] = [
    withKeys('Root', [...root.baseRole('root').keyIds]),
    withKeys('Repository', [...root.baseRole('targets').keyIds]),
  ];
  return { Name: opts.name ?? repo.gun, SignedTags: signedTags, Signers: signers, AdministrativeKeys: admin };
}

function withKeys(Name: string, ids: readonly string[]): TrustSigner {
  return ids.length === 0 ? { Name } : { Name, Keys: ids.map((ID) => ({ ID })) };
}

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** fvbommel/sortorder `NaturalLess` over UTF-8 bytes: digit runs compare as numbers, fewer leading zeros first. */
export function naturalLess(s1: string, s2: string): boolean {
  const a = utf8(s1);
  const b = utf8(s2);
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const c1 = a[i] as number;
    const c2 = b[j] as number;
    const d1 = isDigit(c1);
    const d2 = isDigit(c2);
    if (d1 !== d2) return d1;
    if (!d1) {
      if (c1 !== c2) return c1 < c2;
      i++;
      j++;
      continue;
    }
    while (i < a.length && a[i] === 0x30) i++;
    while (j < b.length && b[j] === 0x30) j++;
    const nz1 = i;
    const nz2 = j;
    while (i < a.length && isDigit(a[i] as number)) i++;
    while (j < b.length && isDigit(b[j] as number)) j++;
    const len1 = i - nz1;
    const len2 = j - nz2;
    if (len1 !== len2) return len1 < len2;
    for (let k = 0; k < len1; k++) {
      const x = a[nz1 + k] as number;
      const y = b[nz2 + k] as number;
      if (x !== y) return x < y;
    }
    if (nz1 !== nz2) return nz1 < nz2;
  }
  // Identical so far (i === j here): the shorter string sorts first.
  return a.length < b.length;
}
