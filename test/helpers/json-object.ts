// Turns a fast-check dictionary into a null-prototype JsonObject: `__proto__` keys must be defined, not assigned.
import type { JsonObject, JsonValue } from '../../src/canonical/index.js';

export function toJsonObject(o: Record<string, JsonValue>): JsonObject {
  const out: JsonObject = Object.create(null);
  for (const k of Object.keys(o)) Object.defineProperty(out, k, { value: o[k], enumerable: true, writable: true });
  return out;
}
