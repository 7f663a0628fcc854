// Canonical JSON exactly as Notary signs it (docker/go canonical encoder): no whitespace, keys in UTF-8 byte order,
// only `"` and `\` escaped in strings, integers only.

import { utf8 } from '../encoding/utf8.js';
import { notaryError } from '../errors.js';
import type { JsonValue } from './json-value.js';
import { sortedKeys } from './key-order.js';

/**
 * The canonical text of a value (encode it with UTF-8 to get the signed bytes).
 * @throws NotaryError NON_CANONICAL for non-integer or unsafe numbers and non-JSON values
 */
export function canonicalString(value: JsonValue): string {
  const out: string[] = [];
  write(value, out, 'canonical');
  return out.join('');
}

/** UTF-8 bytes of the canonical form: what signatures and key IDs cover. */
export function canonicalBytes(value: JsonValue): Uint8Array {
  return utf8(canonicalString(value));
}

/**
 * The canonical form as Go's `encoding/json` re-emits it inside a wire file (`json.Marshal` of a RawMessage):
 * the same key order and numbers, with `<`, `>`, `&`, U+2028 and U+2029 written as `\u` escapes. Raw control
 * characters, which Go cannot emit here at all, are written as `\u00XX` so the file stays valid JSON.
 */
export function wireString(value: JsonValue): string {
  const out: string[] = [];
  write(value, out, 'wire');
  return out.join('');
}

type Mode = 'canonical' | 'wire';

function write(v: JsonValue, out: string[], mode: Mode): void {
  if (v === null) {
    out.push('null');
  } else if (typeof v === 'string') {
    out.push(mode === 'canonical' ? canonicalQuote(v) : wireQuote(v));
  } else if (typeof v === 'number') {
    out.push(integerText(v));
  } else if (typeof v === 'boolean') {
    out.push(v ? 'true' : 'false');
  } else if (Array.isArray(v)) {
    out.push('[');
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(',');
      write(v[i] as JsonValue, out, mode);
    }
    out.push(']');
  } else if (typeof v === 'object') {
    out.push('{');
    let first = true;
    for (const k of sortedKeys(v)) {
      const child = v[k];
      if (child === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(mode === 'canonical' ? canonicalQuote(k) : wireQuote(k), ':');
      write(child, out, mode);
    }
    out.push('}');
  } else {
    throw notaryError('NON_CANONICAL', `json: unsupported type ${typeof v}`);
  }
}

/** Integers print as decimal; Go's canonical encoder refuses anything else. */
export function integerText(n: number): string {
  if (!Number.isSafeInteger(n)) {
    throw notaryError('NON_CANONICAL', `json: unsupported value: ${n}`, { details: { value: String(n) } });
  }
  return n === 0 ? '0' : String(n);
}

const NEEDS_CANONICAL_ESCAPE = /["\\]/;

function canonicalQuote(s: string): string {
  if (!NEEDS_CANONICAL_ESCAPE.test(s)) return `"${s}"`;
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

const NEEDS_WIRE_ESCAPE = /["\\<>&\u2028\u2029\u0000-\u001f]/;
const WIRE_ESCAPE_ALL = /["\\<>&\u2028\u2029\u0000-\u001f]/g;
const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function wireQuote(s: string): string {
  if (!NEEDS_WIRE_ESCAPE.test(s)) return `"${s}"`;
  return `"${s.replace(WIRE_ESCAPE_ALL, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}
