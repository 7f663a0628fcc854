// Resolving one tag to a digest: docker pull's rule (targets/releases, then targets), one role, or Notary's walk.

import type { JsonValue } from '../canonical/index.js';
import { toHex } from '../encoding/hex.js';
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';
import { assertTargetName } from '../grammar/target-name.js';
import { pathAllowed, type TargetFile } from '../metadata/index.js';
import type { Resolved, TrustedRepository } from './trusted-repository.js';

/** docker's `trust.ReleasesRole`. */
export const RELEASES_ROLE = 'targets/releases';

export interface LookupOptions {
  /** Look only in this role (`targets`, `targets/releases`, any delegation). */
  readonly role?: string | undefined;
  /**
   * Notary's `GetTargetByName(tag, roles...)`: each role's subtree in turn, breadth-first, other listed subtrees
   * skipped. `['targets']` is what `notary lookup` does. Ignored when `role` is given.
   */
  readonly roles?: readonly string[] | undefined;
  /**
   * Signers (`alice` or `targets/alice`) that must each have signed the very same digest and length in their
   * own role, else SIGNER_MISMATCH.
   */
  readonly signers?: readonly string[] | undefined;
}

export interface LookupResult {
  readonly gun: string;
  readonly tag: string;
  /** `sha256:<hex>`, the image manifest digest. */
  readonly digest: string;
  /** `length`: the manifest size in bytes. */
  readonly size: number;
  /** The role the answer came from. */
  readonly role: string;
  /** Every known hash, hex. */
  readonly hashes: { readonly sha256?: string; readonly sha512?: string };
  readonly custom?: JsonValue;
  /** With `signers`: the delegations (full names) that signed this digest, in the order asked. */
  readonly signedBy?: readonly string[];
  /** True when the repository was verified from the cache alone (see `TrustedRepository.offline`). */
  readonly offline: boolean;
}

/** Where a lookup found a target: the entry and the role that lists it. */
export interface Hit {
  readonly file: TargetFile;
  readonly role: string;
}

/**
 * Resolves `tag`. Default: docker pull's rule, `targets/releases` then `targets` (each only if it may sign the tag;
 * other delegations never answer). A role that has to be consulted and fails verification (expired, below
 * threshold, vanished from the snapshot) fails the lookup instead of being skipped as Notary does.
 * @throws NotaryError TARGET_NOT_FOUND (details: gun, tag, roles); SIGNER_MISMATCH (details: signer, reason
 *   `unknown-signer` | `not-signed` | `digest-mismatch`); INVALID_METADATA when the target has no sha256; and the
 *   verification codes of any role consulted; INVALID_ARGUMENT for a name `assertTargetName` rejects
 */
export async function lookupTarget(
  repo: TrustedRepository,
  tag: string,
  opts: LookupOptions = {},
): Promise<LookupResult> {
  assertTargetName(tag);
  let hit: Hit | undefined;
  let searched: readonly string[];
  if (opts.role !== undefined) {
    searched = [opts.role];
    hit = await findInRole(repo, tag, opts.role);
  } else if (opts.roles !== undefined && opts.roles.length > 0) {
    searched = opts.roles;
    hit = await findNotary(repo, tag, opts.roles);
  } else {
    searched = [RELEASES_ROLE, 'targets'];
    hit = (await dockerRule(repo)).find(tag);
  }
  if (hit === undefined) {
    throw notaryError('TARGET_NOT_FOUND', `no trust data for ${tag} in ${repo.gun}`, {
      details: { gun: repo.gun, tag, roles: [...searched] },
    });
  }
  const sha256 = hit.file.hashes.sha256;
  if (sha256 === undefined) {
    throw notaryError('INVALID_METADATA', `${hit.role} lists ${tag} without a sha256 hash`, {
      details: { gun: repo.gun, tag, role: hit.role, field: `targets.${tag}.hashes.sha256` },
    });
  }
  const signedBy = opts.signers === undefined ? undefined : await checkSigners(repo, tag, hit.file, opts.signers);
  const sha256Hex = toHex(sha256);
  const hashes: { sha256?: string; sha512?: string } = { sha256: sha256Hex };
  if (hit.file.hashes.sha512 !== undefined) hashes.sha512 = toHex(hit.file.hashes.sha512);
  return {
    gun: repo.gun,
    tag,
    digest: `sha256:${sha256Hex}`,
    size: hit.file.length,
    role: hit.role,
    hashes,
    ...(hit.file.custom !== undefined ? { custom: hit.file.custom } : {}),
    ...(signedBy !== undefined ? { signedBy } : {}),
    offline: repo.offline,
  };
}

/** `tag` in exactly `role`, if the delegation chain lets that role sign it. */
export async function findInRole(repo: TrustedRepository, tag: string, role: string): Promise<Hit | undefined> {
  return hitIn(await repo.resolve(role), tag, role);
}

function hitIn(r: Resolved | undefined, tag: string, role: string): Hit | undefined {
  if (r === undefined || !pathAllowed(tag, r.role.paths)) return undefined;
  const file = r.targets.getTarget(tag);
  return file === undefined ? undefined : { file, role };
}

/** docker pull's rule with its roles resolved: see `dockerRule`. */
export interface DockerRule {
  /**
   * The roles consulted, in order (`targets/releases`, `targets`); `resolved` undefined when not delegated, or
   * when it failed verification (then `failed` holds the error and the path prefixes its parent gives it).
   */
  readonly roles: readonly DockerRuleRole[];
  /**
   * Where `verify TAG` finds the tag: the first role whose paths allow it and that lists it.
   * @throws NotaryError the verification error of a role that failed and whose paths allow the tag
   */
  find(tag: string): Hit | undefined;
}

export interface DockerRuleRole {
  readonly name: string;
  readonly resolved: Resolved | undefined;
  readonly failed?: { readonly error: NotaryError; readonly paths: readonly string[] };
}

/**
 * docker pull's rule (`targets/releases` when its paths allow the tag and it lists it, else `targets`) with each
 * role resolved once: the one implementation behind `lookupTarget`'s default, and what the signer's preflight
 * asks of every tag it signs (thousands per publish) without a lookup each. A `targets/releases` that fails
 * verification fails only the tags its paths (in `targets`) allow: the others never consult it (SPEC §7.2).
 */
export async function dockerRule(repo: TrustedRepository): Promise<DockerRule> {
  const top = await repo.resolve('targets');
  const roles: DockerRuleRole[] = [await releasesRole(repo, top), { name: 'targets', resolved: top }];
  return {
    roles,
    find(tag) {
      for (const r of roles) {
        if (r.failed !== undefined && pathAllowed(tag, r.failed.paths)) throw r.failed.error;
        const hit = hitIn(r.resolved, tag, r.name);
        if (hit !== undefined) return hit;
      }
      return undefined;
    },
  };
}

async function releasesRole(repo: TrustedRepository, top: Resolved | undefined): Promise<DockerRuleRole> {
  try {
    return { name: RELEASES_ROLE, resolved: await repo.resolve(RELEASES_ROLE) };
  } catch (error) {
    // A direct child of `targets`: its paths are those of its entry there (nothing to intersect them with).
    const entry = top?.targets.delegation(RELEASES_ROLE);
    if (!isNotaryError(error) || entry === undefined) throw error;
    return { name: RELEASES_ROLE, resolved: undefined, failed: { error, paths: entry.paths } };
  }
}

/** Notary's `GetTargetByName(name, roles...)`. */
async function findNotary(repo: TrustedRepository, tag: string, roles: readonly string[]): Promise<Hit | undefined> {
  for (const role of roles) {
    let hit: Hit | undefined;
    await repo.walk({ targetPath: tag, rolePath: role, skip: roles.filter((r) => r !== role) }, (targets, walked) => {
      const file = targets.getTarget(tag);
      if (file === undefined) return false;
      hit = { file, role: walked.name };
      return true;
    });
    if (hit !== undefined) return hit;
  }
  return undefined;
}

async function checkSigners(
  repo: TrustedRepository,
  tag: string,
  want: TargetFile,
  signers: readonly string[],
): Promise<string[]> {
  const out: string[] = [];
  for (const s of signers) {
    const role = s.startsWith('targets/') ? s : `targets/${s}`;
    const mismatch = (reason: string) => ({ details: { gun: repo.gun, tag, signer: role, reason } });
    if ((await repo.resolve(role)) === undefined) {
      throw notaryError('SIGNER_MISMATCH', `${role} is not a signer of ${repo.gun}`, mismatch('unknown-signer'));
    }
    const hit = await findInRole(repo, tag, role);
    if (hit === undefined) {
      throw notaryError('SIGNER_MISMATCH', `${role} has not signed ${tag}`, mismatch('not-signed'));
    }
    // The very same manifest: its length and its sha256 (what `lookupTarget` answers with), byte for byte.
    const got = hit.file;
    const same =
      got.length === want.length &&
      got.hashes.sha256 !== undefined &&
      toHex(got.hashes.sha256) === toHex(want.hashes.sha256 as Uint8Array);
    if (!same) {
      throw notaryError('SIGNER_MISMATCH', `${role} signed a different digest for ${tag}`, mismatch('digest-mismatch'));
    }
    if (!out.includes(role)) out.push(role);
  }
  return out;
}
