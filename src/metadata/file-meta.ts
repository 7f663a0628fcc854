// FileMeta `{"custom"?,"hashes":{alg:b64},"length":n}`: targets entries and snapshot/timestamp meta.
import { canonicalBytes, isJsonObject, type JsonObject, type JsonValue, newJsonObject } from '../canonical/index.js';
import { sha256, sha512 } from '../crypto/hash.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { fieldName, invalidMetadata } from './fields.js';

/** The digests Notary knows; other algorithms in a file are ignored (but must still be base64). */
export type HashAlgorithm = 'sha256' | 'sha512';

/** Decoded digests of the known algorithms (raw bytes: 32 for sha256, 64 for sha512). */
export interface Hashes {
  readonly sha256?: Uint8Array;
  readonly sha512?: Uint8Array;
}

/** Size and digests of a file (a target, or a metadata file in snapshot/timestamp). */
export interface FileMeta {
  readonly length: number;
  readonly hashes: Hashes;
  /** Any JSON (a target's `custom`); absent when the file has none. */
  readonly custom?: JsonValue;
}

/** A target: its name in the targets map plus its FileMeta. */
export interface TargetFile extends FileMeta {
  readonly name: string;
}

const ANY_B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const NOT_B64 = /[^A-Za-z0-9+/=]/;

/**
 * Whether `s` is padded standard base64 of exactly `bytes` bytes (32 or 64): right length, `=` only as the final
 * padding, nothing outside the alphabet. An unanchored negated-class test is several times faster than an anchored
 * `{86}` regex or a decode, which matters for the 100k digests of a 50k-target file.
 */
function isBase64Of(s: string, bytes: 32 | 64): boolean {
  const n = bytes === 32 ? 44 : 88;
  const pad = bytes === 32 ? 1 : 2;
  return s.length === n && s.indexOf('=') === n - pad && s.charCodeAt(n - 1) === 0x3d && !NOT_B64.test(s);
}

/**
 * Checks a FileMeta object without decoding it: `length` an integer ≥ 0, `hashes` an object of base64 strings
 * with sha256 (32 bytes) and/or sha512 (64 bytes), at least one of them. The field path (`<prefix>.<name>`) is only
 * built on error, so the hot loop over 50k targets allocates nothing.
 * @throws NotaryError INVALID_METADATA
 */
export function validateFileMeta(v: JsonValue | undefined, role: string, prefix: string, name: string): void {
  const field = () => `${prefix}.${fieldName(name)}`;
  if (!isJsonObject(v)) throw invalidMetadata(role, field(), v === undefined ? 'is missing' : 'must be an object');
  const length = v.length;
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
    throw invalidMetadata(role, `${field()}.length`, length === undefined ? 'is missing' : 'must be an integer ≥ 0');
  }
  const hashes = v.hashes;
  if (!isJsonObject(hashes)) {
    throw invalidMetadata(role, `${field()}.hashes`, hashes === undefined ? 'is missing' : 'must be an object');
  }
  let known = 0;
  const algs = Object.keys(hashes);
  for (let i = 0; i < algs.length; i++) {
    const alg = algs[i] as string;
    const h = hashes[alg];
    if (alg === 'sha256') {
      if (typeof h !== 'string' || !isBase64Of(h, 32)) {
        throw invalidMetadata(role, `${field()}.hashes.sha256`, 'must be 32 bytes in padded standard base64');
      }
      known++;
    } else if (alg === 'sha512') {
      if (typeof h !== 'string' || !isBase64Of(h, 64)) {
        throw invalidMetadata(role, `${field()}.hashes.sha512`, 'must be 64 bytes in padded standard base64');
      }
      known++;
    } else if (typeof h !== 'string' || !ANY_B64.test(h)) {
      // Go decodes every hash value as []byte, so even unknown algorithms must hold base64.
      throw invalidMetadata(role, `${field()}.hashes.${JSON.stringify(alg)}`, 'must be padded standard base64');
    }
  }
  if (known === 0) throw invalidMetadata(role, `${field()}.hashes`, 'needs a sha256 or sha512 hash');
}

/** Decodes a FileMeta that `validateFileMeta` accepted. */
export function readFileMeta(v: JsonObject): FileMeta {
  const hashes = v.hashes as JsonObject;
  const h: { sha256?: Uint8Array; sha512?: Uint8Array } = {};
  if (typeof hashes.sha256 === 'string') h.sha256 = fromBase64(hashes.sha256);
  if (typeof hashes.sha512 === 'string') h.sha512 = fromBase64(hashes.sha512);
  const custom = v.custom;
  return custom === undefined
    ? { length: v.length as number, hashes: h }
    : { length: v.length as number, hashes: h, custom };
}

/**
 * The JSON of a FileMeta as Go writes it (`custom` omitted when absent or null).
 * @throws RangeError for a negative or non-integer length, no known hash, or a digest of the wrong size
 * @throws NotaryError NON_CANONICAL when `custom` cannot be canonical JSON (floats, lone surrogates)
 */
export function fileMetaToJson(meta: FileMeta): JsonObject {
  if (!Number.isSafeInteger(meta.length) || meta.length < 0) throw new RangeError('length must be an integer ≥ 0');
  const hashes = newJsonObject();
  if (meta.hashes.sha256 !== undefined) {
    if (meta.hashes.sha256.length !== 32) throw new RangeError('sha256 digest must be 32 bytes');
    hashes.sha256 = toBase64(meta.hashes.sha256);
  }
  if (meta.hashes.sha512 !== undefined) {
    if (meta.hashes.sha512.length !== 64) throw new RangeError('sha512 digest must be 64 bytes');
    hashes.sha512 = toBase64(meta.hashes.sha512);
  }
  if (hashes.sha256 === undefined && hashes.sha512 === undefined)
    throw new RangeError('a sha256 or sha512 hash is needed');
  const o = newJsonObject();
  if (meta.custom !== undefined && meta.custom !== null) {
    // Fail now rather than when signing; the value is stored as given and written canonically.
    canonicalBytes(meta.custom);
    o.custom = meta.custom;
  }
  o.hashes = hashes;
  o.length = meta.length;
  return o;
}

/**
 * FileMeta of exact bytes, as Notary makes it (`NewFileMeta` with `NotaryDefaultHashes`: sha256 and sha512).
 * @throws RangeError when `algorithms` is empty
 */
export function fileMetaFromBytes(
  bytes: Uint8Array,
  algorithms: readonly HashAlgorithm[] = ['sha256', 'sha512'],
): FileMeta {
  if (algorithms.length === 0) throw new RangeError('at least one hash algorithm is needed');
  const hashes: { sha256?: Uint8Array; sha512?: Uint8Array } = {};
  if (algorithms.includes('sha256')) hashes.sha256 = sha256(bytes);
  if (algorithms.includes('sha512')) hashes.sha512 = sha512(bytes);
  return { length: bytes.length, hashes };
}
