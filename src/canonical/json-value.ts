// The JSON value model shared by the strict parser and the canonical encoder.

export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
/** Objects from the strict parser have a null prototype, so `__proto__` is an ordinary key. */
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A null-prototype object: safe to fill with attacker-chosen keys. */
export function newJsonObject(): JsonObject {
  return Object.create(null) as JsonObject;
}

export function hasOwn(o: object, key: string): boolean {
  return Object.hasOwn(o, key);
}
