// FileMeta `{"custom"?,"hashes":{alg:b64},"length":n}`: targets entries and snapshot/timestamp meta.
import {
  canonicalBytes,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type LazyMatcher,
  newJsonObject,
} from '../canonical/index.js';
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
  if (v instanceof Entry) return;
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
    } else if (typeof h !== 'string' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(h)) {
      // Go decodes every hash value as []byte, so even unknown algorithms must hold base64 (any padded standard
      // base64; a rare path, so the pattern sits here rather than in a module constant that mutation testing
      // could only change once per test worker).
      throw invalidMetadata(role, `${field()}.hashes.${JSON.stringify(alg)}`, 'must be padded standard base64');
    }
  }
  if (known === 0) throw invalidMetadata(role, `${field()}.hashes`, 'needs a sha256 or sha512 hash');
}

// The canonical FileMeta shapes of `CANONICAL_FILE_META`, as one sticky regex: irregexp runs native code where a
// hand-written loop would still be interpreted during most of a one-shot CLI run. A digest is written
// `(?=[^_"]{43}=)[\w+/]{43}=`, which accepts exactly what `[A-Za-z0-9+/]{43}=` accepts (without the `i` and `u`
// flags `\w` is `[A-Za-z0-9_]`; the lookahead excludes `_`) but runs about twice as fast: irregexp checks `\w` and
// a two-character negated class by table, the five-range base64 class by comparisons (≈ 10 of the ≈ 15 ms a 50k
// map costs). A property test holds it to the plain form.
const CANONICAL_FILE_META_RE =
  /\{"hashes":\{(?:"sha256":"(?=[^_"]{43}=)[\w+/]{43}="(?:,"sha512":"(?=[^_"]{86}==)[\w+/]{86}==")?|"sha512":"(?=[^_"]{86}==)[\w+/]{86}==")\},"length":(?:0|[1-9][0-9]{0,14})\}/y;

/**
 * Recognises the FileMeta every Docker/Notary target has, in canonical form and nothing else:
 * `{"hashes":{"sha256":B64}` (or sha512, or both), `},"length":N}` with N a canonical integer of at most 15
 * digits. Whatever it accepts is canonical JSON without escapes that `validateFileMeta` accepts; it declines
 * (-1) everything else (`custom`, other algorithms, other spellings), which then goes through the strict parser
 * and `validateFileMeta`. Used by the lazy targets parse (`LazyObject`), proven against it by property tests.
 */
export const CANONICAL_FILE_META: LazyMatcher = {
  pattern: CANONICAL_FILE_META_RE.source,
  match(s: string, at: number): number {
    CANONICAL_FILE_META_RE.lastIndex = at;
    return CANONICAL_FILE_META_RE.test(s) ? CANONICAL_FILE_META_RE.lastIndex : -1;
  },
  decode(s: string, start: number, end: number): JsonValue {
    // `{"hashes":{"sha256":"…"[,"sha512":"…"]},"length":N}`: the digests sit at fixed offsets.
    const hashes = newJsonObject();
    let i = start + 11;
    if (s.charCodeAt(i + 4) === 0x32) {
      hashes.sha256 = s.slice(i + 10, i + 54);
      i += 55;
      if (s.charCodeAt(i) === 0x2c) hashes.sha512 = s.slice(i + 11, i + 99);
    } else {
      hashes.sha512 = s.slice(i + 10, i + 98);
    }
    const o = newJsonObject();
    o.hashes = hashes;
    o.length = Number(s.slice(s.lastIndexOf(':', end) + 1, end - 1));
    return o;
  },
};

/** Decodes a FileMeta that `CANONICAL_FILE_META` accepted at `at` (fixed layout, so no parsing). */
export function readCanonicalFileMeta(s: string, at: number): FileMeta {
  // The matcher's regex already checked the alphabet, length and padding of each digest: no second check here.
  const h: { sha256?: Uint8Array; sha512?: Uint8Array } = {};
  let i = at + 11; // past `{"hashes":{`
  if (s.charCodeAt(i + 4) === 0x32) {
    // `"sha256":"` + 44 + `"`
    h.sha256 = decodeChecked(s.slice(i + 10, i + 54));
    i += 55;
    if (s.charCodeAt(i) === 0x2c) {
      h.sha512 = decodeChecked(s.slice(i + 11, i + 99));
      i += 100;
    }
  } else {
    h.sha512 = decodeChecked(s.slice(i + 10, i + 98));
    i += 99;
  }
  i += 11; // `},"length":`
  return { length: Number(s.slice(i, s.indexOf('}', i))), hashes: h };
}

/**
 * The hex sha256 and the length of a FileMeta that `CANONICAL_FILE_META` accepted at `at`, without decoding the
 * sha512 or building a FileMeta (what a listing of 50k targets needs). `sha256` is undefined when only sha512 is
 * listed.
 */
export function readCanonicalDigest(s: string, at: number): { sha256: string | undefined; length: number } {
  let i = at + 11;
  let sha256: string | undefined;
  if (s.charCodeAt(i + 4) === 0x32) {
    sha256 = Buffer.from(s.slice(i + 10, i + 54), 'base64').toString('hex');
    i += 55;
    if (s.charCodeAt(i) === 0x2c) i += 100;
  } else {
    i += 99;
  }
  i += 11;
  return { sha256, length: Number(s.slice(i, s.indexOf('}', i))) };
}

function decodeChecked(b64: string): Uint8Array {
  return new Uint8Array(Buffer.from(b64, 'base64'));
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

// Entries made here are instances of a private constructor (inheriting nothing, like `newJsonObject`'s) and frozen
// with their `hashes`: they stay as checked when made, so `validateFileMeta` accepts them without checking again
// (building a 50k-tag targets file re-validates nothing it just made).
const ENTRY_PROTO: object = Object.freeze(Object.create(null));
const Entry = function FileMetaJson(this: object) {} as unknown as new () => JsonObject;
Entry.prototype = ENTRY_PROTO;

function entryJson(hashes: JsonObject, length: number, custom?: JsonValue): JsonObject {
  const o = new Entry();
  if (custom !== undefined) o.custom = custom;
  o.hashes = Object.freeze(hashes);
  o.length = length;
  return Object.freeze(o);
}

/** A FileMeta that carries its JSON entry, made once from the hex digest (see `fileMetaFromHex`). */
class HexFileMeta implements FileMeta {
  readonly length: number;
  readonly hashes: Hashes;
  readonly #entry: JsonObject;

  constructor(length: number, hashes: Hashes, entry: JsonObject) {
    this.length = length;
    this.hashes = hashes;
    this.#entry = entry;
  }

  static entryOf(meta: FileMeta): JsonObject | undefined {
    return #entry in meta ? meta.#entry : undefined;
  }
}

// Lower-case hex digits, as Docker writes digests.
const LOWER_HEX = new Uint8Array(128);
for (const c of '0123456789abcdef') LOWER_HEX[c.charCodeAt(0)] = 1;

const LOWER_HEX_RUN = /^[0-9a-f]*$/;

function isLowerHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (LOWER_HEX[s.charCodeAt(i)] !== 1) return false;
  return true;
}

/**
 * A target's FileMeta from a digest in lower-case hex, as image tags carry it (`sha256:<hex>`). The digest is
 * decoded once and its JSON entry made at the same time (base64 straight from those bytes), so signing many
 * tags converts each digest once. Like every FileMeta, treat it (and its digest bytes) as immutable.
 * @throws RangeError for a length that is not an integer ≥ 0, or a digest that is not 64 (sha256) or 128
 *   (sha512) lower-case hex digits
 */
export function fileMetaFromHex(alg: HashAlgorithm, hex: string, length: number): FileMeta {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('length must be an integer ≥ 0');
  if (hex.length !== (alg === 'sha256' ? 64 : 128) || !isLowerHex(hex)) {
    throw new RangeError(`${alg} digest must be ${alg === 'sha256' ? 64 : 128} lower-case hex digits`);
  }
  const buf = Buffer.from(hex, 'hex');
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
  const hashes = newJsonObject();
  hashes[alg] = buf.toString('base64');
  return new HexFileMeta(length, alg === 'sha256' ? { sha256: bytes } : { sha512: bytes }, entryJson(hashes, length));
}

/**
 * `fileMetaFromHex('sha256', hexes[i], lengths[i])` for many digests at once (signing thousands of tags): the hex
 * of all is decoded in one native step and the base64 of all made in another, instead of two conversions per
 * digest. Each digest sits in a 33-byte slot (its 32 bytes and a zero), so slot k is base64 characters 44k..44k+43
 * exactly, whose first 43 are the canonical base64 of the 32 bytes. Same results as one call per digest.
 * @throws RangeError as `fileMetaFromHex`, for the first bad entry
 */
export function sha256FileMetasFromHex(hexes: readonly string[], lengths: readonly number[]): FileMeta[] {
  const n = hexes.length;
  if (lengths.length !== n) throw new RangeError('one length per digest');
  const joined = `${hexes.join('00')}00`;
  // One native scan for the digits of all; the per-digest loop runs only to name the first bad entry.
  const allHex = LOWER_HEX_RUN.test(joined);
  for (let i = 0; i < n; i++) {
    const length = lengths[i] as number;
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError('length must be an integer ≥ 0');
    const hex = hexes[i] as string;
    if (hex.length !== 64 || !(allHex || isLowerHex(hex))) {
      throw new RangeError('sha256 digest must be 64 lower-case hex digits');
    }
  }
  const slots = Buffer.from(joined, 'hex');
  const b64 = slots.toString('base64');
  const out = new Array<FileMeta>(n);
  for (let k = 0; k < n; k++) {
    const bytes = new Uint8Array(slots.buffer, slots.byteOffset + 33 * k, 32);
    const hashes = newJsonObject();
    hashes.sha256 = `${b64.slice(44 * k, 44 * k + 43)}=`;
    const length = lengths[k] as number;
    out[k] = new HexFileMeta(length, { sha256: bytes }, entryJson(hashes, length));
  }
  return out;
}

/**
 * The JSON of a FileMeta as Go writes it (`custom` omitted when absent or null). The result is frozen (its
 * `custom` value excepted) and may be shared, e.g. by a tag signed into two roles.
 * @throws RangeError for a negative or non-integer length, no known hash, or a digest of the wrong size
 * @throws NotaryError NON_CANONICAL when `custom` cannot be canonical JSON (floats, lone surrogates)
 */
export function fileMetaToJson(meta: FileMeta): JsonObject {
  const entry = HexFileMeta.entryOf(meta);
  if (entry !== undefined) return entry;
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
  if (meta.custom === undefined || meta.custom === null) return entryJson(hashes, meta.length);
  // Fail now rather than when signing; the value is stored as given and written canonically.
  canonicalBytes(meta.custom);
  return entryJson(hashes, meta.length, meta.custom);
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
