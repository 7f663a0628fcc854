// Strict JSON parser for untrusted input: RFC 8259 grammar, duplicate keys rejected, `__proto__`-safe objects,
// integers beyond 2^53 rejected rather than rounded, bounded nesting.

import { fromUtf8 } from '../encoding/utf8.js';
import { notaryError } from '../errors.js';
import type { JsonObject, JsonValue } from './json-value.js';

export interface ParseOptions {
  /** Deepest nesting of arrays/objects accepted (default 64; TUF metadata needs about 8). */
  maxDepth?: number;
}

/**
 * Parses JSON text or UTF-8 bytes. Objects have a null prototype.
 * @throws NotaryError INVALID_JSON on any syntax error, invalid UTF-8, duplicate key, excess nesting or an integer
 *   that a double cannot hold exactly
 */
export function parseJson(input: string | Uint8Array, options: ParseOptions = {}): JsonValue {
  const text = typeof input === 'string' ? input : fromUtf8(input);
  const p = new Parser(text, options.maxDepth ?? 64);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail('unexpected data after the top-level value');
  return v;
}

class Parser {
  i = 0;
  constructor(
    readonly s: string,
    readonly maxDepth: number,
  ) {}

  fail(what: string): never {
    throw notaryError('INVALID_JSON', `invalid json at offset ${this.i}: ${what}`, { details: { offset: this.i } });
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
    this.i = i;
  }

  value(depth: number): JsonValue {
    const c = this.s.charCodeAt(this.i);
    switch (c) {
      case 0x7b: // {
        return this.object(depth + 1);
      case 0x5b: // [
        return this.array(depth + 1);
      case 0x22: // "
        return this.string();
      case 0x74: // t
        return this.literal('true', true);
      case 0x66: // f
        return this.literal('false', false);
      case 0x6e: // n
        return this.literal('null', null);
      default:
        if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
        return this.fail(Number.isNaN(c) ? 'unexpected end of input' : 'unexpected character');
    }
  }

  literal<T extends JsonValue>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail('invalid literal');
    this.i += word.length;
    return v;
  }

  object(depth: number): JsonObject {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    this.i++;
    const o = Object.create(null) as JsonObject;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return o;
    }
    for (;;) {
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail('expected a string key');
      const keyAt = this.i;
      const k = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail('expected ":"');
      this.i++;
      this.ws();
      const v = this.value(depth);
      if (Object.hasOwn(o, k)) {
        this.i = keyAt;
        this.fail(`duplicate key ${JSON.stringify(k)}`);
      }
      o[k] = v;
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x7d) return o;
      if (c !== 0x2c) {
        this.i--;
        this.fail('expected "," or "}"');
      }
      this.ws();
    }
  }

  array(depth: number): JsonValue[] {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    this.i++;
    const a: JsonValue[] = [];
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return a;
    }
    for (;;) {
      this.ws();
      a.push(this.value(depth));
      this.ws();
      const c = this.s.charCodeAt(this.i);
      this.i++;
      if (c === 0x5d) return a;
      if (c !== 0x2c) {
        this.i--;
        this.fail('expected "," or "]"');
      }
    }
  }

  string(): string {
    const s = this.s;
    let i = this.i + 1;
    let out = '';
    let start = i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        out += s.slice(start, i);
        this.i = i + 1;
        return out;
      }
      if (c === 0x5c) {
        out += s.slice(start, i);
        const e = s.charCodeAt(i + 1);
        i += 2;
        switch (e) {
          case 0x22:
            out += '"';
            break;
          case 0x5c:
            out += '\\';
            break;
          case 0x2f:
            out += '/';
            break;
          case 0x62:
            out += '\b';
            break;
          case 0x66:
            out += '\f';
            break;
          case 0x6e:
            out += '\n';
            break;
          case 0x72:
            out += '\r';
            break;
          case 0x74:
            out += '\t';
            break;
          case 0x75: {
            const cu = this.hex4(i);
            i += 4;
            if (cu >= 0xd800 && cu <= 0xdbff && s.charCodeAt(i) === 0x5c && s.charCodeAt(i + 1) === 0x75) {
              const lo = this.hex4(i + 2);
              if (lo >= 0xdc00 && lo <= 0xdfff) {
                out += String.fromCharCode(cu, lo);
                i += 6;
                break;
              }
            }
            // A lone surrogate becomes U+FFFD, as Go's decoder does.
            out += cu >= 0xd800 && cu <= 0xdfff ? '\ufffd' : String.fromCharCode(cu);
            break;
          }
          default:
            this.i = i - 2;
            this.fail('invalid escape');
        }
        start = i;
        continue;
      }
      if (c < 0x20) {
        this.i = i;
        this.fail(Number.isNaN(c) ? 'unterminated string' : 'control character in string');
      }
      i++;
    }
  }

  hex4(at: number): number {
    const h = this.s.slice(at, at + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) {
      this.i = at;
      this.fail('invalid \\u escape');
    }
    return Number.parseInt(h, 16);
  }

  number(): number {
    const s = this.s;
    const start = this.i;
    let i = start;
    if (s.charCodeAt(i) === 0x2d) i++;
    const d0 = s.charCodeAt(i);
    if (d0 === 0x30) i++;
    else if (d0 >= 0x31 && d0 <= 0x39) while (isDigit(s.charCodeAt(i))) i++;
    else {
      this.i = i;
      this.fail('invalid number');
    }
    if (s.charCodeAt(i) === 0x2e) {
      i++;
      if (!isDigit(s.charCodeAt(i))) {
        this.i = i;
        this.fail('invalid fraction');
      }
      while (isDigit(s.charCodeAt(i))) i++;
    }
    const e = s.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      i++;
      const sign = s.charCodeAt(i);
      if (sign === 0x2b || sign === 0x2d) i++;
      if (!isDigit(s.charCodeAt(i))) {
        this.i = i;
        this.fail('invalid exponent');
      }
      while (isDigit(s.charCodeAt(i))) i++;
    }
    const n = Number(s.slice(start, i));
    // Go reads numbers as float64 and would silently round 2^53+1; we refuse instead.
    if (!Number.isFinite(n) || (Number.isInteger(n) && !Number.isSafeInteger(n))) {
      this.i = start;
      this.fail('number cannot be represented exactly');
    }
    this.i = i;
    return n;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
