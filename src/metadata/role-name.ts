// The `_type` string of each role; the role-name grammar itself lives in grammar/role-name.ts.
import { type BaseRoleName, isBaseRole, isDelegationName } from '../grammar/role-name.js';

/** `_type` of each kind of metadata (`TUFTypes`); delegations are `Targets` too. */
export type MetadataType = 'Root' | 'Targets' | 'Snapshot' | 'Timestamp';

/** `_type` by base role. */
export const METADATA_TYPES: Readonly<Record<BaseRoleName, MetadataType>> = Object.freeze({
  root: 'Root',
  targets: 'Targets',
  snapshot: 'Snapshot',
  timestamp: 'Timestamp',
});

/** The `_type` metadata for `role` must carry, or undefined for names that are not roles. */
export function metadataTypeOf(role: string): MetadataType | undefined {
  if (isBaseRole(role)) return METADATA_TYPES[role];
  return isDelegationName(role) ? 'Targets' : undefined;
}
