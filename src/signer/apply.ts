// Applies ops to the working copy with the rules of Notary's `applyChangelist` (client/helpers.go, tuf/tuf.go).

import type { PublicKey } from '../crypto/types.js';
import { notaryError } from '../errors.js';
import { isBaseRole, isDelegationName, isTargetsRole, isWildcardDelegation, parentRole } from '../grammar/role-name.js';
import { MAX_DELEGATION_DEPTH, MAX_DELEGATION_FANOUT, withinDepthLimit } from '../grammar/walk-limits.js';
import { pathAllowed } from '../metadata/delegations.js';
import { canonicalKeyId, tufKeyId } from '../metadata/key-id.js';
import type { DelegationEdit } from './change.js';
import type { Op } from './ops.js';
import type { RepoState } from './repo-state.js';

/** Tells whether we hold at least one key of a role (Go `VerifyCanSign`); never asks for a passphrase. */
export type HoldsKey = (keys: ReadonlyMap<string, PublicKey>) => Promise<boolean>;

function invalid(message: string, details: Record<string, unknown>): never {
  throw notaryError('INVALID_ARGUMENT', message, { details });
}

async function requireParentKey(state: RepoState, holds: HoldsKey, role: string): Promise<void> {
  const parent = parentRole(role);
  const { keys } = state.signingRule(parent);
  if (!(await holds(keys))) {
    throw notaryError('KEY_NOT_FOUND', `no key to sign ${parent}, the parent of ${role}`, {
      details: { role: parent },
    });
  }
}

/**
 * Applies ops in order. Errors stop the publish (nothing is uploaded), as in Notary.
 * @throws NotaryError ROLE_NOT_FOUND, INVALID_ARGUMENT, KEY_NOT_FOUND (no key for a parent whose delegations change)
 */
export async function applyOps(state: RepoState, ops: Iterable<Op>, holds: HoldsKey): Promise<void> {
  for (const op of ops) {
    switch (op.kind) {
      case 'add-target':
        checkTargetScope(op.role);
        state.addTarget(op.role, op.name, op.meta);
        break;
      case 'remove-target':
        checkTargetScope(op.role);
        state.removeTarget(op.role, op.name);
        break;
      case 'delegation':
        await applyDelegation(state, op.action, op.role, op.edit, holds);
        break;
      case 'base-role-keys':
        if (!isBaseRole(op.role)) invalid(`cannot replace the keys of ${op.role} in root`, { role: op.role });
        if (op.keys.length === 0) invalid(`role ${op.role} would have no keys`, { role: op.role });
        state.setBaseRoleKeys(op.role, op.keys);
        break;
      case 'witness':
        // Re-sign a role we already have verified data for (Notary's witness of a valid role).
        if (!isTargetsRole(op.role)) invalid(`cannot witness ${op.role}`, { role: op.role });
        state.work(op.role).dirty = true;
        break;
    }
  }
}

function checkTargetScope(role: string): void {
  if (!isTargetsRole(role)) invalid(`cannot add targets to role ${role}`, { role });
}

async function applyDelegation(
  state: RepoState,
  action: 'create' | 'update' | 'delete',
  role: string,
  edit: DelegationEdit,
  holds: HoldsKey,
): Promise<void> {
  if (isWildcardDelegation(role)) {
    if (action !== 'update') invalid(`cannot ${action} wildcard delegation ${role}`, { role });
    await purgeKeys(state, role.slice(0, -2), edit.removeKeys ?? [], holds);
    return;
  }
  if (!isDelegationName(role)) invalid(`invalid delegation name ${role}`, { role });
  if (!withinDepthLimit(role)) {
    invalid(`${role} is nested deeper than ${MAX_DELEGATION_DEPTH} levels`, { role, limit: MAX_DELEGATION_DEPTH });
  }
  const parent = parentRole(role);
  if (parent !== 'targets') state.delegation(parent); // the parent must itself exist
  await requireParentKey(state, holds, role);

  if (action === 'delete') {
    if (state.roles.has(parent) && state.work(parent).view.delegation(role) !== undefined) {
      state.editDelegations(parent, (e) => e.removeDelegation(role));
    }
    state.dropRole(role);
    return;
  }

  const existing = state.roles.get(parent)?.view.delegation(role);
  if (existing === undefined && (action === 'update' || !edit.threshold)) {
    // Go: NewRole with threshold 0 fails; only a create carrying keys' threshold makes a role.
    throw notaryError('ROLE_NOT_FOUND', `delegation ${role} does not exist`, { details: { role } });
  }
  if (existing === undefined) {
    // The verifier refuses to walk a targets file listing more delegations than this (grammar/walk-limits).
    const siblings = state.roles.get(parent)?.view.delegations.roles.length ?? 0;
    if (siblings >= MAX_DELEGATION_FANOUT) {
      invalid(`${parent} already delegates to ${siblings} roles, the most a client walks`, {
        role,
        limit: MAX_DELEGATION_FANOUT,
      });
    }
  }
  const parentPaths = parent === 'targets' ? [''] : state.delegation(parent).effectivePaths;
  for (const p of edit.addPaths ?? []) {
    if (!pathAllowed(p, parentPaths))
      invalid(`path ${JSON.stringify(p)} is outside what ${parent} may delegate`, { role, path: p });
  }

  // Remove keys are canonical IDs; the role lists TUF IDs (a certificate's differs).
  let removeKeyIds: string[] = [];
  if (existing !== undefined && edit.removeKeys?.length) {
    const wanted = new Set(edit.removeKeys);
    const keys = state.delegation(role).keys;
    removeKeyIds = existing.keyIds.filter((id) => {
      const k = keys.get(id);
      return k !== undefined && wanted.has(safeCanonicalId(k));
    });
  }
  // Notary applies a threshold only when it creates the role; an update may change it (our extension: Notary's
  // own CLI never writes one, and a create from `docker trust signer add` must not reset a raised threshold).
  const threshold = existing === undefined || action === 'update' ? edit.threshold : undefined;
  state.editDelegations(parent, (e) =>
    e.updateDelegation(role, {
      ...(edit.addKeys ? { addKeys: edit.addKeys } : {}),
      removeKeyIds,
      ...(edit.addPaths ? { addPaths: edit.addPaths } : {}),
      ...(edit.removePaths ? { removePaths: edit.removePaths } : {}),
      ...(edit.clearPaths ? { clearPaths: true } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
    }),
  );
  if (existing === undefined && state.hasStaleFile(role) && (await holds(state.delegation(role).keys))) {
    // Re-created while the server still serves its old file: a fresh, newer file signed by the new keys replaces
    // it (else every client would check the old file against the new keys). Without a key, the preflight refuses.
    state.newRole(role);
  }
}

function safeCanonicalId(k: PublicKey): string {
  try {
    return canonicalKeyId(k);
  } catch {
    return tufKeyId(k);
  }
}

/**
 * Go `PurgeDelegationKeys`: removes keys (canonical IDs) from every delegation in the subtree under `start`, in
 * each loaded file we can sign; files we cannot sign are left alone (Notary warns and skips them).
 */
async function purgeKeys(
  state: RepoState,
  start: string,
  canonicalIds: readonly string[],
  holds: HoldsKey,
): Promise<void> {
  const drop = new Set(canonicalIds);
  const names = [...state.roles.keys()].filter((r) => r === start || r.startsWith(`${start}/`)).sort();
  for (const name of names) {
    const w = state.work(name);
    const ids = [...w.view.delegations.keys].filter(([, k]) => drop.has(safeCanonicalId(k))).map(([id]) => id);
    if (ids.length === 0) continue;
    let rule: ReturnType<RepoState['signingRule']>;
    try {
      rule = state.signingRule(name);
    } catch {
      continue; // not reachable from targets any more
    }
    if (!(await holds(rule.keys))) continue;
    state.editDelegations(name, (e) => e.purgeDelegationKeys(ids));
  }
}
