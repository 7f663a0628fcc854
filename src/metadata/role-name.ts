// Role names: the four base roles, their `_type` strings, and Notary's rules for delegation names.

/** The top-level roles every root.json must define. */
export type BaseRoleName = 'root' | 'targets' | 'snapshot' | 'timestamp';

/** The base roles in Notary's order. */
export const BASE_ROLES: readonly BaseRoleName[] = Object.freeze(['root', 'targets', 'snapshot', 'timestamp']);

/** `_type` of each kind of metadata (`TUFTypes`); delegations are `Targets` too. */
export type MetadataType = 'Root' | 'Targets' | 'Snapshot' | 'Timestamp';

/** `_type` by base role. */
export const METADATA_TYPES: Readonly<Record<BaseRoleName, MetadataType>> = Object.freeze({
  root: 'Root',
  targets: 'Targets',
  snapshot: 'Snapshot',
  timestamp: 'Timestamp',
});

/** One of root, targets, snapshot, timestamp (exact, lower case). */
export function isBaseRole(name: string): name is BaseRoleName {
  return name === 'root' || name === 'targets' || name === 'snapshot' || name === 'timestamp';
}

const DELEGATION_CHARS = /^[-a-z0-9_/]+$/;

/**
 * Notary's `data.IsDelegation`: `targets/` prefix, characters `[-a-z0-9_/]`, shorter than 256, and
 * `path.Clean`-clean. With that alphabet (no `.`), clean means no empty segment and no trailing slash.
 */
export function isDelegationName(name: string): boolean {
  return (
    name.length < 256 &&
    name.startsWith('targets/') &&
    DELEGATION_CHARS.test(name) &&
    !name.includes('//') &&
    !name.endsWith('/')
  );
}

/** A base role or a valid delegation name. */
export function isRoleName(name: string): boolean {
  return isBaseRole(name) || isDelegationName(name);
}

/** `path.Dir` of a clean role name: `targets/a/b` → `targets/a`, `targets/a` → `targets`, `targets` → `.`. */
export function parentRole(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '.' : name.slice(0, i);
}

/** The `_type` metadata for `role` must carry, or undefined for names that are not roles. */
export function metadataTypeOf(role: string): MetadataType | undefined {
  if (isBaseRole(role)) return METADATA_TYPES[role];
  return isDelegationName(role) ? 'Targets' : undefined;
}
