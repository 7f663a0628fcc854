// Field readers for metadata validation: each names the role and field path it rejects (INVALID_METADATA).
import { isJsonObject, type JsonObject, type JsonValue } from '../canonical/index.js';
import { type NotaryError, notaryError } from '../errors.js';

/** The error every structural check raises: details `{ role, field }`, field a dotted path inside `signed`. */
export function invalidMetadata(role: string, field: string, problem: string): NotaryError {
  return notaryError('INVALID_METADATA', `invalid ${role} metadata: ${field} ${problem}`, { details: { role, field } });
}

/** A JSON object. @throws NotaryError INVALID_METADATA */
export function readObject(v: JsonValue | undefined, role: string, field: string): JsonObject {
  if (!isJsonObject(v)) throw invalidMetadata(role, field, v === undefined ? 'is missing' : 'must be an object');
  return v;
}

/** A JSON array. @throws NotaryError INVALID_METADATA */
export function readArray(v: JsonValue | undefined, role: string, field: string): JsonValue[] {
  if (!Array.isArray(v)) throw invalidMetadata(role, field, v === undefined ? 'is missing' : 'must be an array');
  return v;
}

/** A string. @throws NotaryError INVALID_METADATA */
export function readString(v: JsonValue | undefined, role: string, field: string): string {
  if (typeof v !== 'string') throw invalidMetadata(role, field, v === undefined ? 'is missing' : 'must be a string');
  return v;
}

/** A safe integer ≥ `min` (the parser already refused integers a double cannot hold). */
export function readInteger(v: JsonValue | undefined, role: string, field: string, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
    throw invalidMetadata(role, field, v === undefined ? 'is missing' : 'must be an integer');
  }
  if (v < min) throw invalidMetadata(role, field, `must be at least ${min}`);
  return v;
}

/** An array of strings (key IDs, paths). */
export function readStringArray(v: JsonValue | undefined, role: string, field: string): string[] {
  const a = readArray(v, role, field);
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== 'string') throw invalidMetadata(role, `${field}[${i}]`, 'must be a string');
  }
  return a as string[];
}

/** A field name as it appears in error paths: plain names bare, anything else JSON-quoted. */
export function fieldName(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
}
