// The signed envelope `{"signed":…,"signatures":[{keyid,method,sig}]}`: strict parse and Go-identical wire bytes.
import {
  isJsonObject,
  type JsonObject,
  type JsonValue,
  parseJsonWithCanonicalMember,
  wireBytes,
  wireString,
} from '../canonical/index.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { concatBytes } from '../encoding/bytes.js';
import { utf8 } from '../encoding/utf8.js';
import { isNotaryError, notaryError } from '../errors.js';
import { invalidMetadata, readArray, readObject, readString } from './fields.js';

/** One entry of `signatures`. `method` is lower-cased as Go does on unmarshal; unknown methods are kept (they never verify). */
export interface Signature {
  readonly keyId: string;
  readonly method: string;
  readonly sig: Uint8Array;
}

/** A parsed envelope before its `signed` part is interpreted. */
export interface Envelope {
  /** The `signed` object exactly as received (unknown fields included). */
  readonly signed: JsonObject;
  readonly signatures: readonly Signature[];
  /** `canonicalBytes(signed)` when the file already held it verbatim (Go-written files do), else undefined. */
  readonly canonical: Uint8Array | undefined;
}

/**
 * Parses envelope bytes with the strict parser. Top-level fields other than `signed` and `signatures` are ignored,
 * as Go does.
 * @throws NotaryError INVALID_JSON (details: role, offset) for malformed JSON; INVALID_METADATA (details: role,
 *   field) for a wrong shape
 */
export function parseEnvelope(raw: Uint8Array, role: string): Envelope {
  let value: JsonValue;
  let canonical: Uint8Array | undefined;
  try {
    ({ value, canonical } = parseJsonWithCanonicalMember(raw, 'signed'));
  } catch (e) {
    if (isNotaryError(e, 'INVALID_JSON')) {
      throw notaryError('INVALID_JSON', `${role} metadata is not valid json: ${e.message}`, {
        details: { role, ...e.details },
        cause: e,
      });
    }
    throw e;
  }
  if (!isJsonObject(value)) throw invalidMetadata(role, '(envelope)', 'must be an object');
  const signed = readObject(value.signed, role, 'signed');
  const list = readArray(value.signatures, role, 'signatures');
  const signatures = list.map((s, i) => parseSignature(s, role, `signatures[${i}]`));
  return { signed, signatures, canonical };
}

function parseSignature(v: JsonValue, role: string, field: string): Signature {
  const o = readObject(v, role, field);
  const keyId = readString(o.keyid, role, `${field}.keyid`);
  const method = readString(o.method, role, `${field}.method`).toLowerCase();
  const b64 = readString(o.sig, role, `${field}.sig`);
  let sig: Uint8Array;
  try {
    sig = fromBase64(b64, 'signature');
  } catch {
    throw invalidMetadata(role, `${field}.sig`, 'is not padded standard base64');
  }
  return { keyId, method, sig };
}

/**
 * The file bytes Go's `json.Marshal(data.Signed)` produces: `{"signed":<canonical, HTML-escaped>,"signatures":
 * [{"keyid":…,"method":…,"sig":…}]}`, no whitespace, no trailing newline.
 * @throws NotaryError NON_CANONICAL when `signed` cannot be canonical JSON
 */
export function envelopeBytes(signed: JsonObject, signatures: readonly Signature[]): Uint8Array {
  let tail = ',"signatures":[';
  for (let i = 0; i < signatures.length; i++) {
    const s = signatures[i] as Signature;
    if (i > 0) tail += ',';
    tail += `{"keyid":${wireString(s.keyId)},"method":${wireString(s.method)},"sig":"${toBase64(s.sig)}"}`;
  }
  tail += ']}';
  return concatBytes(SIGNED_PREFIX, wireBytes(signed), utf8(tail));
}

const SIGNED_PREFIX = utf8('{"signed":');
