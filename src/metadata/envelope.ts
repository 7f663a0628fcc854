// The signed envelope `{"signed":…,"signatures":[{keyid,method,sig}]}`: strict parse and Go-identical wire bytes.
import {
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type LazyObject,
  parseJsonWithCanonicalMember,
  wireBytes,
  wireFromCanonical,
  wireString,
} from '../canonical/index.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { concatBytes } from '../encoding/bytes.js';
import { utf8 } from '../encoding/utf8.js';
import { isNotaryError, notaryError } from '../errors.js';
import { invalidMetadata, readArray, readObject, readString } from './fields.js';
import { CANONICAL_FILE_META } from './file-meta.js';

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
  /**
   * With `lazyTargets`, when the file is canonical: `signed.targets` left undecoded. `signed.targets` then holds
   * this object as a placeholder; `Targets.fromEnvelope` knows it.
   */
  readonly lazyTargets?: LazyObject | undefined;
}

/** Options of `parseEnvelope`. */
export interface EnvelopeOptions {
  /**
   * Keep `signed.targets` undecoded when the file is canonical (see `Envelope.lazyTargets`): only for
   * `Targets.fromEnvelope`.
   */
  readonly lazyTargets?: boolean;
}

/**
 * Parses envelope bytes with the strict parser. Top-level fields other than `signed` and `signatures` are ignored,
 * as Go does.
 * @throws NotaryError INVALID_JSON (details: role, offset) for malformed JSON; INVALID_METADATA (details: role,
 *   field) for a wrong shape
 */
export function parseEnvelope(raw: Uint8Array, role: string, options: EnvelopeOptions = {}): Envelope {
  let value: JsonValue;
  let canonical: Uint8Array | undefined;
  let lazy: LazyObject | undefined;
  try {
    ({ value, canonical, lazy } = parseJsonWithCanonicalMember(
      raw,
      'signed',
      options.lazyTargets === true ? { lazy: LAZY_TARGETS } : {},
    ));
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
  return lazy === undefined ? { signed, signatures, canonical } : { signed, signatures, canonical, lazyTargets: lazy };
}

const LAZY_TARGETS = { key: 'targets', matcher: CANONICAL_FILE_META } as const;

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
 * [{"keyid":…,"method":…,"sig":…}]}`, no whitespace, no trailing newline. `canonical`, when given, must be
 * `canonicalBytes(signed)`: the wire form is then derived from it instead of encoding `signed` again.
 * @throws NotaryError NON_CANONICAL when `signed` cannot be canonical JSON
 */
export function envelopeBytes(
  signed: JsonObject,
  signatures: readonly Signature[],
  canonical?: Uint8Array,
): Uint8Array {
  let tail = ',"signatures":[';
  for (let i = 0; i < signatures.length; i++) {
    const s = signatures[i] as Signature;
    if (i > 0) tail += ',';
    tail += `{"keyid":${wireString(s.keyId)},"method":${wireString(s.method)},"sig":"${toBase64(s.sig)}"}`;
  }
  tail += ']}';
  const wire = canonical === undefined ? wireBytes(signed) : wireFromCanonical(canonical);
  return concatBytes(SIGNED_PREFIX, wire, utf8(tail));
}

const SIGNED_PREFIX = utf8('{"signed":');
