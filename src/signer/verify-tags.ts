// The sign preflight's question for every tag it signs: does `verify GUN:TAG` answer exactly what was signed?

import type { JsonObject } from '../canonical/index.js';
import { type DockerRule, dockerRule } from '../client/lookup.js';
import type { TrustedRepository } from '../client/trusted-repository.js';
import { bytesEqual } from '../encoding/bytes.js';
import { toHex } from '../encoding/hex.js';
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';
import { pathAllowed } from '../metadata/delegations.js';
import { type FileMeta, fileMetaToJson } from '../metadata/file-meta.js';
import { wouldFailVerify } from './preflight.js';

/**
 * Below this many tags per entry of the roles consulted, each tag is looked up on its own; at or above it, the
 * entries are decoded once (digests left as their base64 text) and compared as text first.
 */
const SCAN_SHARE = 1 / 8;

/**
 * `verify GUN:TAG` on the result must give the signed digest and size, for every tag: docker pull's rule resolved
 * once (`dockerRule`, the rule `lookupTarget` applies). The answering entry's sha256 text and length equal to what
 * is signed accept a tag at once; anything else (another role answering, another digest, no entry, a base64
 * spelling that differs) goes through the exact check: the entry decoded as a verifier decodes it.
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
  let rule: DockerRule;
  try {
    rule = await dockerRule(repo);
  } catch (e) {
    if (!isNotaryError(e)) throw e;
    unverifiable(gun, first[0], e);
  }
  const entries = entriesIfMany(rule, tags.length);
  for (const [tag, meta] of tags) {
    if (entries !== undefined && answersAsSigned(rule, entries, tag, meta)) continue;
    assertAnswers(rule, gun, tag, meta);
  }
}

/** The entry maps of the consulted roles (`Targets.json`: no digest decoded), when the tags are many enough. */
function entriesIfMany(rule: DockerRule, tags: number): (JsonObject | undefined)[] | undefined {
  let total = 0;
  for (const r of rule.roles) total += r.resolved?.targets.targetCount ?? 0;
  if (tags < total * SCAN_SHARE) return undefined;
  return rule.roles.map((r) => r.resolved?.targets.json['targets'] as JsonObject | undefined);
}

/** The role the rule picks for `tag` (first allowed role listing it) lists the sha256 text and length signed. */
function answersAsSigned(
  rule: DockerRule,
  entries: readonly (JsonObject | undefined)[],
  tag: string,
  meta: FileMeta,
): boolean {
  for (let i = 0; i < rule.roles.length; i++) {
    const role = rule.roles[i];
    // A role that failed verification: the exact check decides (it fails the tags that role may sign).
    if (role?.failed !== undefined) return false;
    const r = role?.resolved;
    const listed = entries[i];
    if (r === undefined || listed === undefined || !pathAllowed(tag, r.role.paths) || !Object.hasOwn(listed, tag)) {
      continue;
    }
    const entry = listed[tag] as JsonObject;
    const want = fileMetaToJson(meta)['hashes'] as JsonObject;
    return (entry['hashes'] as JsonObject)['sha256'] === want['sha256'] && entry['length'] === meta.length;
  }
  return false;
}

/** The exact check of one tag: the entry the rule finds, decoded as `lookupTarget` decodes it. */
function assertAnswers(rule: DockerRule, gun: string, tag: string, meta: FileMeta): void {
  let hit: ReturnType<DockerRule['find']>;
  try {
    hit = rule.find(tag);
  } catch (e) {
    if (!isNotaryError(e)) throw e;
    unverifiable(gun, tag, e);
  }
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

function unverifiable(gun: string, tag: string, e: NotaryError): never {
  wouldFailVerify(gun, `verify ${tag} would fail (${e.code}: ${e.message})`, {
    reason: 'unverifiable',
    tag,
    cause: e.code,
  });
}
