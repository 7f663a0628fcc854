// What every `signed` part shares: `_type`, `version`, `expires`, the JSON as received and its canonical bytes.
import { canonicalBytes, type JsonObject, newJsonObject } from '../canonical/index.js';
import { type Expiry, type Instant, isExpired, parseExpiry } from './expiry.js';
import { invalidMetadata, readInteger, readString } from './fields.js';
import type { MetadataType } from './role-name.js';

/**
 * Base of the validated, immutable views `Root`, `Targets`, `Snapshot` and `Timestamp`. `json` is the `signed`
 * object exactly as received (unknown fields kept): treat it as read-only, since `canonicalBytes()` is memoised
 * and signatures are checked over it, never over a re-serialised model.
 */
export abstract class MetadataBase {
  abstract readonly type: MetadataType;
  /** The role this metadata was parsed or built as (`targets/releases` for a delegation). */
  readonly role: string;
  readonly #json: JsonObject;
  readonly version: number;
  readonly expires: Expiry;
  #canonical: Uint8Array | undefined;

  protected constructor(role: string, type: MetadataType, json: JsonObject, canonical: Uint8Array | undefined) {
    const t = readString(json._type, role, '_type');
    if (t !== type) throw invalidMetadata(role, '_type', `must be ${type}, not ${JSON.stringify(t.slice(0, 40))}`);
    this.role = role;
    this.#json = json;
    this.version = readInteger(json.version, role, 'version', 1);
    this.expires = parseExpiry(readString(json.expires, role, 'expires'), role);
    this.#canonical = canonical;
  }

  /** The `signed` object as received (unknown fields kept). Read-only by contract. */
  get json(): JsonObject {
    return this.#json;
  }

  /**
   * `canonicalBytes(json)`: the bytes signatures cover. Taken from the received file when it already held them.
   * @throws NotaryError NON_CANONICAL when the JSON holds values canonical JSON cannot express (e.g. floats)
   */
  canonicalBytes(): Uint8Array {
    this.#canonical ??= canonicalBytes(this.json);
    return this.#canonical;
  }

  /** Go's `IsExpired`: `expires` strictly before `now`. */
  isExpired(now: Instant): boolean {
    return isExpired(this.expires, now);
  }
}

/** Copies the common fields into a fresh `signed` object for builders. */
export function commonJson(type: MetadataType, version: number, expires: Expiry): JsonObject {
  if (!Number.isSafeInteger(version) || version < 1) throw new RangeError('version must be an integer ≥ 1');
  const o = newJsonObject();
  o._type = type;
  o.expires = expires.text;
  o.version = version;
  return o;
}
