// The role-name grammar: base roles, Notary's delegation names, wildcard delegations and docker signer names.
import { notaryError } from '../errors.js';

/** The top-level roles every root.json must define. */
export type BaseRoleName = 'root' | 'targets' | 'snapshot' | 'timestamp';

/** The base roles in Notary's order. */
export const BASE_ROLES: readonly BaseRoleName[] = Object.freeze(['root', 'targets', 'snapshot', 'timestamp']);

/** Longest role name (Notary's `IsDelegation`: `len(role) < 256`). */
export const MAX_ROLE_NAME_LENGTH = 255;

/** One of root, targets, snapshot, timestamp (exact, lower case). */
export function isBaseRole(name: string): name is BaseRoleName {
  return name === 'root' || name === 'targets' || name === 'snapshot' || name === 'timestamp';
}

const DELEGATION_CHARS = /^[-a-z0-9_/]+$/;

/**
 * Notary's `data.IsDelegation`: `targets/` prefix, characters `[-a-z0-9_/]`, at most 255 characters, and
 * `path.Clean`-clean. With that alphabet (no `.`), clean means no empty segment and no trailing slash. Every such
 * name is also safe as a URL path and as a file path (no `.`, `%`, `?`, `#`, `\`).
 */
export function isDelegationName(name: string): boolean {
  return (
    typeof name === 'string' &&
    name.length <= MAX_ROLE_NAME_LENGTH &&
    name.startsWith('targets/') &&
    DELEGATION_CHARS.test(name) &&
    !name.includes('//') &&
    !name.endsWith('/')
  );
}

/** A base role or a valid delegation name. */
export function isRoleName(name: string): boolean {
  return typeof name === 'string' && (isBaseRole(name) || isDelegationName(name));
}

/** `targets` or a delegation: a role that holds targets. */
export function isTargetsRole(name: string): boolean {
  return name === 'targets' || isDelegationName(name);
}

/** Notary `IsWildDelegation`: `targets/*` or `<delegation>/*` (used by `delegation purge`). */
export function isWildcardDelegation(role: string): boolean {
  return role.endsWith('/*') && (role === 'targets/*' || isDelegationName(role.slice(0, -2)));
}

/** `path.Dir` of a clean role name: `targets/a/b` → `targets/a`, `targets/a` → `targets`, `targets` → `.`. */
export function parentRole(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '.' : name.slice(0, i);
}

/** Docker's rule for key and signer names (`docker trust key generate`, `signer add`): `targets/<name>`. */
export const SIGNER_NAME = /^[a-z0-9][a-z0-9_-]*$/;

/** A docker signer or key name; `targets/<name>` is then a delegation name when short enough. */
export function isSignerName(name: string): boolean {
  return typeof name === 'string' && SIGNER_NAME.test(name) && isDelegationName(`targets/${name}`);
}

/**
 * @throws NotaryError INVALID_ARGUMENT when `role` is not a base role or a delegation name; `details: { role }`
 */
export function assertRoleName(role: string): void {
  if (!isRoleName(role)) {
    const shown = String(role).slice(0, 200);
    throw notaryError('INVALID_ARGUMENT', `invalid role name ${JSON.stringify(shown)}`, { details: { role: shown } });
  }
}
