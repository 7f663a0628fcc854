// `delegations` of a targets file: the keys and the child roles it delegates to (`isValidTargetsStructure`).
import { type JsonObject, type JsonValue, newJsonObject } from '../canonical/index.js';
import type { PublicKey } from '../crypto/types.js';
import { isDelegationName, parentRole } from '../grammar/role-name.js';
import { invalidMetadata, readObject, readString, readStringArray } from './fields.js';
import { keysToJson, parseKeys } from './keys.js';
import { parseRoleKeys, type RoleKeys } from './role-keys.js';

/** A delegated role: its signing rule plus the target path prefixes it may sign (`""` means all). */
export interface DelegationRole extends RoleKeys {
  readonly paths: readonly string[];
}

/** `delegations` of a targets file: the keys child roles use (by listed ID) and the child roles in file order. */
export interface Delegations {
  readonly keys: ReadonlyMap<string, PublicKey>;
  readonly roles: readonly DelegationRole[];
}

/** No delegations (what a missing or null `delegations` means). */
export const EMPTY_DELEGATIONS: Delegations = Object.freeze({ keys: new Map(), roles: Object.freeze([]) });

/**
 * Validates `delegations` of the targets file of `role`. Missing or null means none (Go accepts both). Every role
 * must be a valid delegation name whose parent is `role`, appear once, have threshold ≥ 1 and list only keys
 * present in `delegations.keys`; `paths` is an optional array of strings.
 * @throws NotaryError INVALID_METADATA
 */
export function parseDelegations(v: JsonValue | undefined, role: string): Delegations {
  if (v === undefined || v === null) return EMPTY_DELEGATIONS;
  const o = readObject(v, role, 'delegations');
  const keys =
    o.keys === undefined || o.keys === null
      ? new Map<string, PublicKey>()
      : parseKeys(o.keys, role, 'delegations.keys');
  if (o.roles === undefined || o.roles === null) return { keys, roles: [] };
  const list = o.roles;
  if (!Array.isArray(list)) throw invalidMetadata(role, 'delegations.roles', 'must be an array');
  const seen = new Set<string>();
  const roles = list.map((r, i): DelegationRole => {
    const field = `delegations.roles[${i}]`;
    const ro = readObject(r, role, field);
    const name = readString(ro.name, role, `${field}.name`);
    if (!isDelegationName(name)) throw invalidMetadata(role, `${field}.name`, `is not a valid delegation name`);
    // A file may only delegate to its direct children (`path.Dir(name) == role`).
    if (parentRole(name) !== role) throw invalidMetadata(role, `${field}.name`, `is not a direct child of ${role}`);
    if (seen.has(name)) throw invalidMetadata(role, `${field}.name`, 'is listed twice');
    seen.add(name);
    const rk = parseRoleKeys(ro, role, field, name, 1, true);
    rk.keyIds.forEach((id, k) => {
      if (!keys.has(id)) throw invalidMetadata(role, `${field}.keyids[${k}]`, 'names a key not in delegations.keys');
    });
    const paths = ro.paths === undefined || ro.paths === null ? [] : readStringArray(ro.paths, role, `${field}.paths`);
    return { name, keyIds: rk.keyIds, threshold: rk.threshold, paths };
  });
  return { keys, roles };
}

/** The JSON Go writes: `{"keys":{…},"roles":[{keyids,name,paths?,threshold}]}` (`paths` omitted when empty). */
export function delegationsToJson(d: Delegations): JsonObject {
  const o = newJsonObject();
  o.keys = keysToJson(d.keys);
  o.roles = d.roles.map((r) => delegationRoleToJson(r));
  return o;
}

/** One delegation role as Go writes it. */
export function delegationRoleToJson(r: DelegationRole): JsonObject {
  const o = newJsonObject();
  o.keyids = [...r.keyIds];
  o.name = r.name;
  if (r.paths.length > 0) o.paths = [...r.paths];
  o.threshold = r.threshold;
  return o;
}

/** Whether `path` is within a role's prefixes (Go `checkPaths`: plain `strings.HasPrefix`, `""` matches all). */
export function pathAllowed(path: string, prefixes: readonly string[]): boolean {
  for (const p of prefixes) if (path.startsWith(p)) return true;
  return false;
}

/** Go's `RestrictDelegationPathPrefixes`: the child's prefixes that fall under one of the parent's. */
export function restrictPaths(parentPaths: readonly string[], childPaths: readonly string[]): string[] {
  return childPaths.filter((p) => pathAllowed(p, parentPaths));
}
