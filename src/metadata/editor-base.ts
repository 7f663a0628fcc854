// Shared part of the metadata editors: a private copy of the `signed` JSON plus version and expiry setters.
import { isJsonObject, type JsonObject, type JsonValue, newJsonObject } from '../canonical/index.js';
import { defaultExpiry, type Expiry, type Instant } from './expiry.js';
import type { MetadataBase } from './metadata-base.js';

/**
 * Editors copy the `signed` JSON they start from (unknown fields are carried over), apply changes, and `build()`
 * a freshly validated model; the original is never modified.
 */
export abstract class EditorBase<T extends MetadataBase> {
  protected readonly json: JsonObject;
  protected readonly role: string;

  protected constructor(from: T) {
    this.role = from.role;
    // Shallow copy: members are replaced, never mutated in place, except where a subclass copied them first.
    this.json = Object.assign(newJsonObject(), from.json);
  }

  /** @throws RangeError unless an integer ≥ 1 */
  setVersion(version: number): this {
    if (!Number.isSafeInteger(version) || version < 1) throw new RangeError('version must be an integer ≥ 1');
    this.json.version = version;
    return this;
  }

  /** version + 1, as every Notary `Sign*` does. */
  bumpVersion(): this {
    return this.setVersion((this.json.version as number) + 1);
  }

  setExpires(expires: Expiry): this {
    this.json.expires = expires.text;
    return this;
  }

  /** Notary's default lifetime for this role from `now` (root 10y, targets/snapshot 3y, timestamp 14d). */
  setDefaultExpiry(now: Instant): this {
    return this.setExpires(defaultExpiry(this.role, now));
  }

  /** Validates the edited JSON into a new model. @throws NotaryError INVALID_METADATA */
  abstract build(): T;
}

/** A deep copy whose objects inherit nothing, like the parser's. */
export function cloneJson<V extends JsonValue>(v: V): V {
  if (Array.isArray(v)) return v.map((x) => cloneJson(x)) as V;
  if (isJsonObject(v)) {
    const o = newJsonObject();
    for (const k of Object.keys(v)) o[k] = cloneJson(v[k] as JsonValue);
    return o as V;
  }
  return v;
}
