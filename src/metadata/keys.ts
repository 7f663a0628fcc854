// Public keys as metadata lists them: `{"keytype":T,"keyval":{"private":null,"public":b64}}` keyed by key ID.
import { type JsonObject, type JsonValue, newJsonObject } from '../canonical/index.js';
import type { KeyType, PublicKey } from '../crypto/types.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { isNotaryError } from '../errors.js';
import { fieldName, invalidMetadata, readObject, readString } from './fields.js';

/** The `keytype` values accepted in metadata. */
export const KEY_TYPES: readonly KeyType[] = Object.freeze(['ecdsa', 'ecdsa-x509', 'rsa', 'rsa-x509', 'ed25519']);

function isKeyType(t: string): t is KeyType {
  return (KEY_TYPES as readonly string[]).includes(t);
}

/**
 * Validates and decodes a `keys` object. Key IDs are not checked against the key here: a wrong ID only matters
 * when a role uses the key, and `verifyRole` raises INVALID_KEY_ID then.
 * @throws NotaryError INVALID_METADATA
 */
export function parseKeys(v: JsonValue | undefined, role: string, field: string): Map<string, PublicKey> {
  const obj = readObject(v, role, field);
  const keys = new Map<string, PublicKey>();
  for (const id of Object.keys(obj)) {
    keys.set(id, parseKey(obj[id], role, `${field}.${fieldName(id)}`));
  }
  return keys;
}

/** One key object. @throws NotaryError INVALID_METADATA */
export function parseKey(v: JsonValue | undefined, role: string, field: string): PublicKey {
  const obj = readObject(v, role, field);
  const type = readString(obj.keytype, role, `${field}.keytype`);
  if (!isKeyType(type))
    throw invalidMetadata(role, `${field}.keytype`, `has unsupported key type ${JSON.stringify(type)}`);
  const keyval = readObject(obj.keyval, role, `${field}.keyval`);
  const priv = keyval.private;
  // Metadata must never carry private material; Go writes `"private":null`.
  if (priv !== undefined && priv !== null) throw invalidMetadata(role, `${field}.keyval.private`, 'must be null');
  const b64 = readString(keyval.public, role, `${field}.keyval.public`);
  let pub: Uint8Array;
  try {
    pub = fromBase64(b64, 'public key');
  } catch (e) {
    if (isNotaryError(e)) throw invalidMetadata(role, `${field}.keyval.public`, 'is not padded standard base64');
    throw e;
  }
  if (pub.length === 0) throw invalidMetadata(role, `${field}.keyval.public`, 'is empty');
  if (type === 'ed25519' && pub.length !== 32) {
    throw invalidMetadata(role, `${field}.keyval.public`, 'must be 32 bytes for ed25519');
  }
  return { type, public: pub };
}

/** The JSON Notary writes for a key. */
export function keyToJson(key: PublicKey): JsonObject {
  const keyval = newJsonObject();
  keyval.private = null;
  keyval.public = toBase64(key.public);
  const o = newJsonObject();
  o.keytype = key.type;
  o.keyval = keyval;
  return o;
}

/** A `keys` object from a map of key ID → key. */
export function keysToJson(keys: Iterable<[string, PublicKey]>): JsonObject {
  const o = newJsonObject();
  for (const [id, key] of keys) o[id] = keyToJson(key);
  return o;
}
