// Canonical JSON exactly as Notary signs it (docker/go canonical encoder): no whitespace, keys in UTF-8 byte order,
// only `"` and `\` escaped in strings, integers only.

import { notaryError } from '../errors.js';
import type { JsonValue } from './json-value.js';
import { sortedKeys } from './key-order.js';

/**
 * UTF-8 bytes of the canonical form: what signatures and key IDs cover.
 * @throws NotaryError NON_CANONICAL for non-integer or unsafe numbers, strings with lone surrogates (not
 *   representable in UTF-8) and non-JSON values
 */
export function canonicalBytes(value: JsonValue): Uint8Array {
  return encode(value, false);
}

/**
 * The canonical text of a value (`canonicalBytes` as a string).
 * @throws NotaryError NON_CANONICAL as `canonicalBytes`
 */
export function canonicalString(value: JsonValue): string {
  return decoder.decode(encode(value, false));
}

/**
 * The canonical form as Go's `encoding/json` re-emits it inside a wire file (`json.Marshal` of a RawMessage):
 * the same key order and numbers, with `<`, `>`, `&`, U+2028 and U+2029 written as `\u` escapes. Raw control
 * characters, which Go cannot emit here at all, are written as `\u00XX` (or `\n`, `\r`, `\t`) so the file stays
 * valid JSON.
 * @throws NotaryError NON_CANONICAL as `canonicalBytes`
 */
export function wireBytes(value: JsonValue): Uint8Array {
  return encode(value, true);
}

/** `wireBytes` as a string. @throws NotaryError NON_CANONICAL as `canonicalBytes` */
export function wireString(value: JsonValue): string {
  return decoder.decode(encode(value, true));
}

/**
 * Integers print as decimal; Go's canonical encoder refuses anything else.
 * @throws NotaryError NON_CANONICAL for non-integers and integers beyond 2^53
 */
export function integerText(n: number): string {
  if (!Number.isSafeInteger(n)) {
    throw notaryError('NON_CANONICAL', `json: unsupported value: ${n}`, { details: { value: String(n) } });
  }
  return n === 0 ? '0' : String(n);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function encode(value: JsonValue, wire: boolean): Uint8Array {
  const w = new Writer(wire);
  w.value(value);
  return w.buf.subarray(0, w.pos);
}

// Writes UTF-8 straight into a growing buffer: building a 10 MB string by concatenation (a 50k-target file) spends
// most of its time in the garbage collector.
class Writer {
  buf = new Uint8Array(1024);
  pos = 0;
  constructor(readonly wire: boolean) {}

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let len = this.buf.length * 2;
    while (len < this.pos + n) len *= 2;
    const b = new Uint8Array(len);
    b.set(this.buf.subarray(0, this.pos));
    this.buf = b;
  }

  byte(c: number): void {
    if (this.pos === this.buf.length) this.ensure(1);
    this.buf[this.pos++] = c;
  }

  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  string(s: string): void {
    const n = s.length;
    this.ensure(n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = 0x22;
    // Printable ASCII other than `"` and `\` (and, on the wire, `<>&`) is copied byte for byte.
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (
        c >= 0x7f ||
        c < 0x20 ||
        c === 0x22 ||
        c === 0x5c ||
        (this.wire && (c === 0x3c || c === 0x3e || c === 0x26))
      ) {
        this.slowString(s);
        return;
      }
      b[p++] = c;
    }
    b[p++] = 0x22;
    this.pos = p;
  }

  slowString(s: string): void {
    // A lone surrogate has no UTF-8 encoding: TextEncoder would silently write U+FFFD and the key order computed
    // on the original string would no longer match the bytes.
    if (LONE_SURROGATE.test(s)) {
      throw notaryError('NON_CANONICAL', 'json: string contains a lone surrogate', {
        details: { value: s.slice(0, 80) },
      });
    }
    const q = this.wire ? wireQuote(s) : `"${s.replace(/["\\]/g, '\\$&')}"`;
    this.ensure(q.length * 3);
    this.pos += encoder.encodeInto(q, this.buf.subarray(this.pos)).written;
  }

  value(v: JsonValue): void {
    if (typeof v === 'string') {
      this.string(v);
    } else if (typeof v === 'number') {
      this.ascii(integerText(v));
    } else if (v === null) {
      this.ascii('null');
    } else if (typeof v === 'boolean') {
      this.ascii(v ? 'true' : 'false');
    } else if (Array.isArray(v)) {
      this.byte(0x5b);
      for (let i = 0; i < v.length; i++) {
        if (i > 0) this.byte(0x2c);
        this.value(v[i] as JsonValue);
      }
      this.byte(0x5d);
    } else if (typeof v === 'object') {
      this.byte(0x7b);
      const keys = sortedKeys(v);
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
    } else {
      throw notaryError('NON_CANONICAL', `json: unsupported type ${typeof v}`);
    }
  }
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const WIRE_ESCAPE_ALL = /["\\<>&\u2028\u2029\u0000-\u001f]/g;
const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function wireQuote(s: string): string {
  return `"${s.replace(WIRE_ESCAPE_ALL, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}
