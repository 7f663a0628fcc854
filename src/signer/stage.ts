// Staging as the Go CLI does it (`notary add/remove` without -p, `status`, `reset`): change files, no network.

import { notaryError } from '../errors.js';
import { assertGun } from '../grammar/gun.js';
import { isTargetsRole, isWildcardDelegation } from '../grammar/role-name.js';
import { assertTargetName } from '../grammar/target-name.js';
import { withinDepthLimit } from '../grammar/walk-limits.js';
import type { Change } from './change.js';
import { changelistDir, FileChangelist } from './changelist.js';
import { type CommonOptions, defaultTrustDir } from './context.js';
import { changeFromOp, type Op } from './ops.js';
import { type TagInput, targetMetaOf } from './signable-roles.js';

export interface StageOptions {
  readonly gun: string;
  readonly trustDir?: CommonOptions['trustDir'];
  /** Targets to add (one change per tag and role, as `notary add`). */
  readonly add?: readonly TagInput[];
  /** Target names to remove. */
  readonly remove?: readonly string[];
  /** Roles to stage into; default `targets` (Notary's default). */
  readonly roles?: readonly string[];
}

function changelistOf(gun: string, trustDir: string | undefined): FileChangelist {
  assertGun(gun);
  return new FileChangelist(changelistDir(trustDir ?? defaultTrustDir(), gun));
}

/**
 * Notary's `addChange` rule: targets go to `targets`, a delegation, or a wildcard delegation; and (ours) only to a
 * role the verifier would walk to (grammar/walk-limits).
 */
function checkScope(role: string): void {
  if (!(isTargetsRole(role) || isWildcardDelegation(role)) || !withinDepthLimit(role)) {
    throw notaryError('INVALID_ARGUMENT', `cannot add targets to role ${role}`, { details: { role } });
  }
}

/**
 * Stages target additions/removals in the changelist for the next publish; nothing is contacted.
 * @throws NotaryError INVALID_ARGUMENT (bad tag or role), INVALID_GUN, IO
 */
export async function stage(options: StageOptions): Promise<{ staged: number }> {
  const roles = options.roles?.length ? options.roles : ['targets'];
  for (const r of roles) checkScope(r);
  const ops: Op[] = [];
  for (const t of options.add ?? []) {
    const meta = targetMetaOf(t);
    for (const role of roles) ops.push({ kind: 'add-target', role, name: t.tag, meta });
  }
  for (const name of options.remove ?? []) {
    assertTargetName(name);
    for (const role of roles) ops.push({ kind: 'remove-target', role, name });
  }
  return { staged: (await stageOps(options.gun, options.trustDir, ops)).length };
}

/** Writes ops as change files (in order). @throws NotaryError INVALID_GUN, IO */
export function stageOps(gun: string, trustDir: string | undefined, ops: readonly Op[]): Promise<string[]> {
  return changelistOf(gun, trustDir).add(ops.map(changeFromOp));
}

/** One staged change as `notary status` lists it; an unreadable change file is listed by name. */
export interface StatusEntry {
  readonly index: number;
  /** `unreadable` for a change file that cannot be read or decoded (role, type and path are then empty). */
  readonly action: Change['action'] | 'unreadable';
  readonly role: string;
  readonly type: Change['type'] | '';
  readonly path: string;
  /** The change file name in `<trustDir>/tuf/<gun>/changelist/`. */
  readonly file: string;
  /** Why an unreadable change cannot be used (CHANGELIST_CORRUPT message); `reset` removes it. */
  readonly error?: string;
}

/**
 * The unpublished changes of a GUN, in the order publish applies them (Notary's and ours alike), unreadable change
 * files included (by file name, so that `reset -n` can drop them).
 * @throws NotaryError INVALID_GUN, IO
 */
export async function status(options: { gun: string; trustDir?: string }): Promise<StatusEntry[]> {
  const staged = await changelistOf(options.gun, options.trustDir).scan();
  return staged.map((s, index) =>
    s.change === undefined
      ? { index, action: 'unreadable', role: '', type: '', path: '', file: s.file, error: s.error.message }
      : {
          index,
          action: s.change.action,
          role: s.change.role,
          type: s.change.type,
          path: s.change.path,
          file: s.file,
        },
  );
}

/**
 * Drops staged changes: those at `indices` of `status()` (`notary reset -n`), or all (`--all`).
 * @throws NotaryError INVALID_GUN, IO; RangeError for an index out of range
 */
export async function reset(options: {
  gun: string;
  trustDir?: string;
  indices?: readonly number[];
}): Promise<{ removed: number }> {
  return { removed: await changelistOf(options.gun, options.trustDir).reset(options.indices) };
}
