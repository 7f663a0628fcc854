// A role's signing rule `{keyids, threshold}` as root roles and delegation roles share it.
import { type JsonObject, type JsonValue, newJsonObject } from '../canonical/index.js';
import { readInteger, readObject, readStringArray } from './fields.js';

/** A role's signing rule: which key IDs may sign and how many distinct keys must. */
export interface RoleKeys {
  readonly name: string;
  readonly keyIds: readonly string[];
  readonly threshold: number;
}

/**
 * Reads `{keyids: string[], threshold: int ≥ minThreshold}`. With `nullKeyIds`, `keyids: null` reads as no keys: Go
 * marshals a nil slice as null, which `notary delegation remove` leaves in a delegation when it removes the role's
 * last key. Root roles never get that leniency.
 * @throws NotaryError INVALID_METADATA
 */
export function parseRoleKeys(
  v: JsonValue,
  role: string,
  field: string,
  name: string,
  minThreshold: number,
  nullKeyIds = false,
): RoleKeys {
  const o = readObject(v, role, field);
  const keyIds = nullKeyIds && o.keyids === null ? [] : readStringArray(o.keyids, role, `${field}.keyids`);
  const threshold = readInteger(o.threshold, role, `${field}.threshold`, minThreshold);
  return { name, keyIds, threshold };
}

/** `{keyids, threshold}` as Go writes a root role. */
export function roleKeysJson(keyIds: readonly string[], threshold: number): JsonObject {
  const o = newJsonObject();
  o.keyids = [...keyIds];
  o.threshold = threshold;
  return o;
}
