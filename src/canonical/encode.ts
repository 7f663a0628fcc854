// Canonical JSON exactly as Notary signs it (docker/go canonical encoder): no whitespace, keys in UTF-8 byte order,
// only `"` and `\` escaped in strings, integers only. The wire form is derived from the canonical bytes.

import { notaryError } from '../errors.js';
import type { JsonObject, JsonValue } from './json-value.js';
import { sortKeysInPlace } from './key-order.js';

/**
 * UTF-8 bytes of the canonical form: what signatures and key IDs cover.
 * @throws NotaryError NON_CANONICAL for non-integer or unsafe numbers, strings with lone surrogates (not
 *   representable in UTF-8) and non-JSON values
 */
export function canonicalBytes(value: JsonValue): Uint8Array {
  return encode(value);
}

/**
 * The canonical text of a value (`canonicalBytes` as a string).
 * @throws NotaryError NON_CANONICAL as `canonicalBytes`
 */
export function canonicalString(value: JsonValue): string {
  return decoder.decode(encode(value));
}

/**
 * The canonical form as Go's `encoding/json` re-emits it inside a wire file (`json.Marshal` of a RawMessage):
 * the same key order and numbers, with `<`, `>`, `&`, U+2028 and U+2029 written as `\u` escapes. Raw control
 * characters, which Go cannot emit here at all, are written as `\u00XX` (or `\n`, `\r`, `\t`) so the file stays
 * valid JSON.
 * @throws NotaryError NON_CANONICAL as `canonicalBytes`
 */
export function wireBytes(value: JsonValue): Uint8Array {
  return wireFromCanonical(encode(value));
}

/** `wireBytes` as a string. @throws NotaryError NON_CANONICAL as `canonicalBytes` */
export function wireString(value: JsonValue): string {
  return decoder.decode(wireBytes(value));
}

/**
 * The wire form of canonical bytes (`wireBytes(v)` from `canonicalBytes(v)`), so a file is encoded once for both
 * its signature and its upload. In canonical text the bytes the wire form escapes (`<`, `>`, `&`, controls,
 * U+2028/9 as E2 80 A8/A9) can only occur inside strings, so escaping them byte by byte is exact. Returns the
 * input itself (no copy) when nothing needs escaping, which is the common case; for bytes this module encoded
 * that is known without a scan (canonical bytes are treated as immutable everywhere, as the memoised ones are).
 */
export function wireFromCanonical(canonical: Uint8Array): Uint8Array {
  if (WIRE_SAFE.has(canonical)) return canonical;
  const n = canonical.length;
  let i = 0;
  for (; i < n; i++) if (WIRE_CLASS[canonical[i] as number] !== 0 && wireEscape(canonical, i) !== undefined) break;
  if (i === n) return canonical;
  // Escapes at most grow 3 bytes (E2 80 A8) into 6 or 1 into 6.
  const out = new Uint8Array(n + countExtra(canonical, i));
  out.set(canonical.subarray(0, i));
  let p = i;
  for (; i < n; i++) {
    const c = canonical[i] as number;
    const esc = WIRE_CLASS[c] === 0 ? undefined : wireEscape(canonical, i);
    if (esc === undefined) {
      out[p++] = c;
      continue;
    }
    for (let k = 0; k < esc.length; k++) out[p++] = esc.charCodeAt(k);
    if (c === 0xe2) i += 2;
  }
  return out;
}

// 1 for bytes that may start something the wire form escapes: controls, `&`, `<`, `>`, and E2 (U+2028/9).
const WIRE_CLASS = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) WIRE_CLASS[c] = 1;
for (const c of [0x26, 0x3c, 0x3e, 0xe2]) WIRE_CLASS[c] = 1;

const SHORT_ESCAPES: Record<number, string> = { 10: '\\n', 13: '\\r', 9: '\\t' };

/** The escape for the byte at `i`, or undefined when E2 does not start U+2028/9. */
function wireEscape(b: Uint8Array, i: number): string | undefined {
  const c = b[i] as number;
  if (c === 0xe2) {
    if (b[i + 1] !== 0x80) return undefined;
    const d = b[i + 2];
    return d === 0xa8 ? '\\u2028' : d === 0xa9 ? '\\u2029' : undefined;
  }
  return SHORT_ESCAPES[c] ?? `\\u00${c < 0x10 ? '0' : ''}${c.toString(16)}`;
}

function countExtra(b: Uint8Array, from: number): number {
  let extra = 0;
  for (let i = from; i < b.length; i++) {
    if (WIRE_CLASS[b[i] as number] === 0) continue;
    const esc = wireEscape(b, i);
    if (esc === undefined) continue;
    extra += b[i] === 0xe2 ? esc.length - 3 : esc.length - 1;
  }
  return extra;
}

/**
 * Integers print as decimal; Go's canonical encoder refuses anything else.
 * @throws NotaryError NON_CANONICAL for non-integers and integers beyond 2^53
 */
export function integerText(n: number): string {
  if (!Number.isSafeInteger(n)) throw unsupportedNumber(n);
  return n === 0 ? '0' : String(n);
}

function unsupportedNumber(n: number): Error {
  return notaryError('NON_CANONICAL', `json: unsupported value: ${n}`, { details: { value: String(n) } });
}

const decoder = new TextDecoder();

// Outputs of `encode` that hold nothing the wire form escapes (weak: no bytes are kept alive by this).
const WIRE_SAFE = new WeakSet<Uint8Array>();

function encode(value: JsonValue): Uint8Array {
  const w = new Writer();
  // A poisoned prototype would reach JSON.stringify's output: then the hand encoder does everything.
  w.nativeOk = !('toJSON' in Object.prototype) && !('toJSON' in Array.prototype);
  w.value(value);
  const out = w.buf.subarray(0, w.pos);
  if (!w.wireSpecial) WIRE_SAFE.add(out);
  return out;
}

// The native path. A value (object or array) whose strings (keys and values) are free of control characters and
// surrogates, whose numbers are safe integers, whose objects are plain with their keys already in canonical order
// and no undefined member, and that gives nothing a toJSON, is written by JSON.stringify exactly as canonical
// JSON: it then escapes only `"` and `\`, keeps the key order Object.keys gives, and prints safe integers in
// decimal (-0 as 0); keys without surrogates compare in UTF-16 as in UTF-8. Natively, that is: a 1k-target
// targets map encodes in ~1 ms instead of ~5 on code V8 has not optimised yet, which is every CLI run (SPEC §9
// "Start-up, fifth pass"). The hand encoder below takes the rest, tries each child again, and makes every error.
const NOT_NATIVE = /[\u0000-\u001f\ud800-\udfff]/;
const WIRE_ESCAPED = /[<>&\u2028\u2029]/;
const textEncoder = new TextEncoder();

// Prototypes that give an object nothing JSON.stringify would see: none, Object.prototype (checked for a toJSON at
// every call), or a frozen, property-less one that inherits nothing (`newJsonObject`'s and the file-meta entries').
const INERT = new WeakSet<object>();

function inertPrototype(p: object | null): boolean {
  if (p === null || p === Object.prototype || INERT.has(p)) return true;
  if (!Object.isFrozen(p) || Object.getPrototypeOf(p) !== null || Reflect.ownKeys(p).length !== 0) return false;
  INERT.add(p);
  return true;
}

/**
 * Whether `v` may go through JSON.stringify. Every object or array on the way to a reason it may not (itself
 * included) goes into `failed`, so the hand encoder, which asks again at each child, never walks the same path
 * twice: each value is walked at most twice in all, not once per ancestor (a deep, hostile `custom` value would
 * otherwise cost its depth times its size).
 */
function nativeSafe(v: JsonValue, failed: Set<object>): boolean {
  switch (typeof v) {
    case 'string':
      return !NOT_NATIVE.test(v);
    case 'number':
      return Number.isSafeInteger(v);
    case 'boolean':
      return true;
    case 'object': {
      if (v === null) return true;
      if (failed.has(v)) return false;
      if (!nativeContainer(v, failed)) {
        failed.add(v);
        return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function nativeContainer(v: JsonValue[] | JsonObject, failed: Set<object>): boolean {
  // An own toJSON (a non-enumerable one on an object, any on an array) is seen by JSON.stringify only.
  if (Object.hasOwn(v, 'toJSON')) return false;
  const proto = Object.getPrototypeOf(v);
  if (Array.isArray(v)) {
    if (proto !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) if (!nativeSafe(v[i] as JsonValue, failed)) return false;
    return true;
  }
  if (!inertPrototype(proto)) return false;
  const keys = Object.keys(v);
  // Order first: an object built in any other order fails before its children are walked.
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if ((i > 0 && !((keys[i - 1] as string) < k)) || NOT_NATIVE.test(k)) return false;
  }
  for (let i = 0; i < keys.length; i++) {
    const child = (v as { readonly [k: string]: JsonValue | undefined })[keys[i] as string];
    if (!nativeSafe(child as JsonValue, failed)) return false;
  }
  return true;
}

// Writes UTF-8 straight into a growing buffer: building a 10 MB string by concatenation (a 50k-target file) spends
// most of its time in the garbage collector. Strings are encoded by hand (one pass, no intermediate strings).
class Writer {
  buf = new Uint8Array(1024);
  pos = 0;
  /** Whether a string held a character the wire form escapes (`<`, `>`, `&`, a control, U+2028/9). */
  wireSpecial = false;
  /** Whether objects and arrays may be written by JSON.stringify when `nativeSafe` (see above). */
  nativeOk = false;
  /** Objects and arrays known not to be native-safe (see `nativeSafe`). */
  readonly failed = new Set<object>();

  /** Writes `v` through JSON.stringify when that is exact; false (nothing written) otherwise. */
  native(v: JsonValue): boolean {
    if (!this.nativeOk || !nativeSafe(v, this.failed)) return false;
    const text = JSON.stringify(v);
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    if (this.pos + 3 * text.length > this.buf.length) this.grow(3 * text.length);
    this.pos += textEncoder.encodeInto(text, this.buf.subarray(this.pos)).written;
    if (WIRE_ESCAPED.test(text)) this.wireSpecial = true;
    return true;
  }

  grow(n: number): void {
    let len = this.buf.length * 2;
    while (len < this.pos + n) len *= 2;
    const b = new Uint8Array(len);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }

  ascii(s: string): void {
    const n = s.length;
    if (this.pos + n > this.buf.length) this.grow(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  number(v: number): void {
    // Small non-negative integers (lengths, versions, thresholds) are written digit by digit, without a string.
    if (v >= 0 && v <= 0x7fffffff && (v | 0) === v) {
      if (this.pos + 10 > this.buf.length) this.grow(10);
      const b = this.buf;
      let digits = 1;
      for (let t = v; t >= 10; t = (t / 10) | 0) digits++;
      let p = this.pos + digits;
      this.pos = p;
      let t = v;
      do {
        b[--p] = 0x30 + (t % 10);
        t = (t / 10) | 0;
      } while (t > 0);
      return;
    }
    this.ascii(integerText(v));
  }

  string(s: string): void {
    const n = s.length;
    // Worst case: 3 bytes per UTF-16 unit (2 for `"`/`\` escapes), plus the quotes.
    if (this.pos + 3 * n + 2 > this.buf.length) this.grow(3 * n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        const k = ASCII_CLASS[c] as number;
        if (k !== 0) {
          if (k === 1) b[p++] = 0x5c;
          else this.wireSpecial = true;
        }
        b[p++] = c;
      } else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c >= 0xe000) {
        if (c === 0x2028 || c === 0x2029) this.wireSpecial = true;
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      } else {
        // A lone surrogate has no UTF-8 encoding (TextEncoder would silently write U+FFFD, and the key order
        // computed on the original string would no longer match the bytes).
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c >= 0xdc00 || d < 0xdc00 || d > 0xdfff) throw loneSurrogate(s);
        i++;
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        b[p++] = 0xf0 | (c >> 18);
        b[p++] = 0x80 | ((c >> 12) & 0x3f);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      }
    }
    b[p++] = 0x22;
    this.pos = p;
  }

  value(v: JsonValue): void {
    switch (typeof v) {
      case 'string':
        this.string(v);
        return;
      case 'number':
        this.number(v);
        return;
      case 'boolean':
        this.ascii(v ? 'true' : 'false');
        return;
      case 'object':
        if (v === null) this.ascii('null');
        else if (this.native(v)) return;
        else if (Array.isArray(v)) this.array(v);
        else this.object(v);
        return;
      default:
        throw notaryError('NON_CANONICAL', `json: unsupported type ${typeof v}`);
    }
  }

  array(v: readonly JsonValue[]): void {
    this.byte(0x5b);
    for (let i = 0; i < v.length; i++) {
      if (i > 0) this.byte(0x2c);
      this.value(v[i] as JsonValue);
    }
    this.byte(0x5d);
  }

  object(v: { readonly [k: string]: JsonValue }): void {
    this.byte(0x7b);
    const keys = Object.keys(v);
    if (keys.length > 1) sortKeysInPlace(keys);
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      const child = v[k];
      if (child === undefined) continue;
      if (first) first = false;
      else this.byte(0x2c);
      this.string(k);
      this.byte(0x3a);
      this.value(child);
    }
    this.byte(0x7d);
  }

  byte(c: number): void {
    if (this.pos === this.buf.length) this.grow(1);
    this.buf[this.pos++] = c;
  }
}

// ASCII in strings: 0 copied as is, 1 escaped with a backslash (`"`, `\`), 2 raw but escaped on the wire.
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) ASCII_CLASS[c] = 2;
for (const c of [0x26, 0x3c, 0x3e]) ASCII_CLASS[c] = 2;
ASCII_CLASS[0x22] = 1;
ASCII_CLASS[0x5c] = 1;

function loneSurrogate(s: string): Error {
  return notaryError('NON_CANONICAL', 'json: string contains a lone surrogate', { details: { value: s.slice(0, 80) } });
}
