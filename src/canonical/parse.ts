// Strict JSON parser for untrusted input: RFC 8259 grammar, duplicate keys rejected, `__proto__`-safe objects,
// integers beyond 2^53 rejected rather than rounded, bounded nesting. Optionally proves a member already canonical.

import { isAscii } from 'node:buffer';
import { fromUtf8, utf8 } from '../encoding/utf8.js';
import { notaryError } from '../errors.js';
import { type JsonObject, type JsonValue, newJsonObject } from './json-value.js';
import { compareUtf8 } from './key-order.js';
import { type LazyMatcher, LazyObject } from './lazy-object.js';

/** Options of the strict parser. */
export interface ParseOptions {
  /** Deepest nesting of arrays/objects accepted (default 64; TUF metadata needs about 8). */
  maxDepth?: number;
}

/**
 * Parses JSON text or UTF-8 bytes. Objects have no inherited properties (see `newJsonObject`).
 * @throws NotaryError INVALID_JSON on any syntax error, invalid UTF-8 or lone surrogate, duplicate key, excess
 *   nesting or an integer that a double cannot hold exactly
 */
export function parseJson(input: string | Uint8Array, options: ParseOptions = {}): JsonValue {
  return parseText(typeof input === 'string' ? input : fromUtf8(input), options, undefined).result;
}

/** What `parseJsonWithCanonicalMember` returns. */
export interface ParsedWithCanonical {
  value: JsonValue;
  /**
   * `canonicalBytes(value[key])`, taken straight from the source when it was already canonical (possibly with Go's
   * wire escapes `\u003c \u003e \u0026 \u2028 \u2029`); `undefined` when the member is absent, the top level is
   * not an object, or the source was not canonical (then encode the value instead). Without wire escapes this is
   * a view into `input` (no copy): do not modify `input` afterwards.
   */
  canonical: Uint8Array | undefined;
  /**
   * Set when `options.lazy` applied: `value[key][lazy key]` is then this `LazyObject` (a placeholder, not JSON;
   * `lazy.toJson()` is the real value). Only ever set together with `canonical`.
   */
  lazy?: LazyObject | undefined;
}

/** Options of `parseJsonWithCanonicalMember`. */
export interface CanonicalMemberOptions extends ParseOptions {
  /**
   * Leave the object `value[key][lazy.key]` undecoded when its source is canonical (see `LazyObject`): a 50k-entry
   * targets map then costs one scan instead of 50k objects. When that object (or the member `key`) is not
   * canonical, the parse is exactly `parseJsonWithCanonicalMember` without this option.
   */
  lazy?: { readonly key: string; readonly matcher: LazyMatcher };
}

/**
 * Parses like `parseJson` and additionally reports the canonical bytes of the top-level member `key` when the
 * source already holds them. Go writes metadata files this way, so a verifier can skip re-encoding megabytes: the
 * result is identical to `canonicalBytes(value[key])` by construction (and by property test).
 * @throws NotaryError INVALID_JSON as `parseJson`
 */
export function parseJsonWithCanonicalMember(
  input: string | Uint8Array,
  key: string,
  options: CanonicalMemberOptions = {},
): ParsedWithCanonical {
  const text = typeof input === 'string' ? input : decodeText(input);
  let p = parseText(text, options, key, options.lazy);
  // Without canonical bytes a verifier needs the whole value anyway: parse again, eagerly (rare: not Go-written).
  if (p.lazy !== undefined && p.watchStart < 0) p = parseText(text, options, key);
  let canonical: Uint8Array | undefined;
  if (p.watchStart >= 0) {
    if (p.watchWire || typeof input === 'string') {
      const span = text.slice(p.watchStart, p.watchEnd);
      canonical = utf8(p.watchWire ? span.replace(WIRE_ESCAPE, unwire) : span);
    } else {
      // Byte offsets from character offsets: only the text outside the member is measured (small for metadata,
      // where the member is `signed` and the rest is the signature list).
      const from = Buffer.byteLength(text.slice(0, p.watchStart));
      const to = input.length - Buffer.byteLength(text.slice(p.watchEnd));
      canonical = input.subarray(from, to);
    }
  }
  return p.lazy === undefined ? { value: p.result, canonical } : { value: p.result, canonical, lazy: p.lazy };
}

/**
 * Strict UTF-8 decoding, with a shortcut for pure ASCII (all Go-written metadata whose names are ASCII): checking
 * and copying bytes as Latin-1 is several times faster than the validating decoder on multi-megabyte files, and
 * ASCII decodes identically either way.
 */
function decodeText(bytes: Uint8Array): string {
  if (bytes.length > 4096 && isAscii(bytes)) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  }
  return fromUtf8(bytes);
}

function parseText(
  text: string,
  options: ParseOptions,
  watch: string | undefined,
  lazy?: CanonicalMemberOptions['lazy'],
): Parser {
  const p = new Parser(text, options.maxDepth ?? 64, watch, lazy);
  p.ws();
  p.result = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail('unexpected data after the top-level value');
  return p;
}

// Matches every escape of a span already known to hold only `\"`, `\\` and Go's five wire escapes; matching from
// the left keeps `\\u003c` (an escaped backslash, then text) intact.
const WIRE_ESCAPE = /\\(["\\]|u003c|u003e|u0026|u2028|u2029)/g;
function unwire(m: string, e: string): string {
  return e.length === 1 ? m : String.fromCharCode(Number.parseInt(e.slice(1), 16));
}

// Runs of string characters that need no attention: not `"`, `\`, a control character or a surrogate.
const PLAIN = /[^"\\\u0000-\u001f\ud800-\udfff]*/y;

// Per matcher with a `pattern`: one sticky regex for a whole member `"KEY":VALUE` whose key is PLAIN (so the key
// ends at the first `"`) and whose value is what the matcher accepts. Built from PLAIN's own source.
const ENTRY = new WeakMap<LazyMatcher, RegExp>();
function entryRegex(matcher: LazyMatcher): RegExp | undefined {
  if (matcher.pattern === undefined) return undefined;
  let re = ENTRY.get(matcher);
  if (re === undefined) {
    re = new RegExp(`"${PLAIN.source}":(?:${matcher.pattern})`, 'y');
    ENTRY.set(matcher, re);
  }
  return re;
}

class Parser {
  i = 0;
  result: JsonValue = null;
  /** Count of non-canonical features seen so far (whitespace, other escapes, non-integer or non-minimal numbers, unsorted keys). */
  nc = 0;
  /** Count of Go wire escapes seen so far. */
  wire = 0;
  watchStart = -1;
  watchEnd = -1;
  watchWire = false;
  readonly track: boolean;
  readonly keyHints: string[][] = [];
  /** True while parsing the value of the watched top-level member. */
  inWatch = false;
  lazy: LazyObject | undefined;

  constructor(
    readonly s: string,
    readonly maxDepth: number,
    readonly watch: string | undefined,
    readonly lazyWanted: CanonicalMemberOptions['lazy'],
  ) {
    this.track = watch !== undefined;
  }

  fail(what: string): never {
    throw notaryError('INVALID_JSON', `invalid json at offset ${this.i}: ${what}`, { details: { offset: this.i } });
  }

  ws(): void {
    const s = this.s;
    const start = this.i;
    let i = start;
    let c = s.charCodeAt(i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++i);
    if (i !== start) {
      this.i = i;
      this.nc++;
    }
  }

  value(depth: number): JsonValue {
    const c = this.s.charCodeAt(this.i);
    if (c === 0x22) return this.string();
    if (c === 0x7b) return this.object(depth + 1);
    if (c === 0x5b) return this.array(depth + 1);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x6e) return this.literal('null', null);
    return this.fail(Number.isNaN(c) ? 'unexpected end of input' : 'unexpected character');
  }

  literal<T extends JsonValue>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail('invalid literal');
    this.i += word.length;
    return v;
  }

  object(depth: number): JsonObject {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    const s = this.s;
    this.i++;
    const o = newJsonObject();
    this.ws();
    if (s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return o;
    }
    let prev: string | undefined;
    // Objects at one depth tend to repeat their keys in order (`hashes`, `length`, …): reusing the previous,
    // already internalised key string saves a slice and a string-table lookup per key on 50k-entry files.
    let hints = this.keyHints[depth];
    if (hints === undefined) {
      hints = [];
      this.keyHints[depth] = hints;
    }
    let member = 0;
    for (;;) {
      if (s.charCodeAt(this.i) !== 0x22) this.fail('expected a string key');
      const keyAt = this.i;
      const hint = hints[member];
      let k: string;
      // A hint holds only plain characters (no `"` or `\`), so matching its text followed by `"` is exact.
      if (hint !== undefined && s.charCodeAt(keyAt + 1 + hint.length) === 0x22 && s.startsWith(hint, keyAt + 1)) {
        k = hint;
        this.i = keyAt + hint.length + 2;
      } else {
        k = this.string();
        if (this.i - keyAt - 2 === k.length && member < 16) hints[member] = k;
      }
      member++;
      if (s.charCodeAt(this.i) !== 0x3a) this.ws();
      if (s.charCodeAt(this.i) !== 0x3a) this.fail('expected ":"');
      this.i++;
      if (s.charCodeAt(this.i) <= 0x20) this.ws();
      const watched = depth === 1 && k === this.watch;
      const nc0 = this.nc;
      const wire0 = this.wire;
      const start = this.i;
      let v: JsonValue;
      if (watched) {
        this.inWatch = true;
        v = this.value(depth);
        this.inWatch = false;
      } else if (depth === 2 && this.inWatch && this.lazy === undefined && k === this.lazyWanted?.key) {
        // The placeholder is typed as JSON only inside the parser; `ParsedWithCanonical.lazy` documents it.
        v = (this.lazyObject(depth + 1) as unknown as JsonValue | undefined) ?? this.value(depth);
      } else {
        v = this.value(depth);
      }
      // Values are never undefined, so this is an own-property test (objects inherit nothing).
      if (o[k] !== undefined) {
        this.i = keyAt;
        this.fail(`duplicate key ${JSON.stringify(k)}`);
      }
      o[k] = v;
      if (watched && this.nc === nc0) {
        this.watchStart = start;
        this.watchEnd = this.i;
        this.watchWire = this.wire !== wire0;
      }
      if (this.track) {
        if (prev !== undefined && compareUtf8(prev, k) > 0) this.nc++;
        prev = k;
      }
      let c = s.charCodeAt(this.i);
      if (c !== 0x2c && c !== 0x7d) {
        this.ws();
        c = s.charCodeAt(this.i);
      }
      this.i++;
      if (c === 0x7d) return o;
      if (c !== 0x2c) {
        this.i--;
        this.fail('expected "," or "}"');
      }
      if (s.charCodeAt(this.i) !== 0x22) this.ws();
    }
  }

  /**
   * Scans the object at `i` without decoding it, proving it canonical on the way (no whitespace, keys strictly
   * increasing in UTF-8 order, values the matcher accepts or canonical JSON parsed here). Returns undefined, with
   * the parser state untouched, at the first non-canonical feature: the caller then parses it as usual and so
   * reports exactly what an eager parse reports (a duplicate key, for instance, shows up as keys not increasing).
   * Syntax errors are thrown here as the eager parse would throw them: the scan stops at the same place.
   */
  lazyObject(depth: number): LazyObject | undefined {
    if (depth > this.maxDepth || this.lazyWanted === undefined) return undefined;
    const s = this.s;
    const matcher = this.lazyWanted.matcher;
    const start = this.i;
    const nc0 = this.nc;
    const wire0 = this.wire;
    const bail = (): undefined => {
      this.i = start;
      this.nc = nc0;
      this.wire = wire0;
      return undefined;
    };
    const entry = entryRegex(matcher);
    let pos = new Int32Array(1024);
    let n = 0;
    const escapedKeys = new Map<number, string>();
    const slow = new Map<number, JsonValue>();
    // The previous member's key, decoded, and whether it came from source text without escapes (then it holds no
    // surrogate, see PLAIN, and UTF-16 order is UTF-8 byte order: the engine's own comparison decides).
    let prevKey = '';
    let prevPlain = true;
    let i = start + 1;
    let end: number;
    if (s.charCodeAt(i) === 0x7d) {
      end = i + 1;
    } else {
      for (;;) {
        if (s.charCodeAt(i) !== 0x22) return bail();
        const ks = i + 1;
        let ke = -1;
        let vs: number;
        let ve = -1;
        let key: string | undefined;
        if (entry !== undefined) {
          // Key and value in one native step; anything else (escapes, other values) takes the general path.
          entry.lastIndex = i;
          if (entry.test(s)) {
            ve = entry.lastIndex;
            ke = s.indexOf('"', ks);
            i = ke + 1;
          }
        }
        if (ve < 0) {
          PLAIN.lastIndex = ks;
          PLAIN.test(s);
          ke = PLAIN.lastIndex;
          if (s.charCodeAt(ke) === 0x22) {
            i = ke + 1;
          } else {
            this.i = i;
            key = this.string();
            if (this.nc !== nc0) return bail();
            i = this.i;
            ke = i - 1;
          }
        }
        const k = key ?? s.slice(ks, ke);
        if (n > 0) {
          if (prevPlain && key === undefined ? !(prevKey < k) : compareUtf8(prevKey, k) >= 0) return bail();
        }
        prevKey = k;
        prevPlain = key === undefined;
        if (s.charCodeAt(i) !== 0x3a) return bail();
        vs = i + 1;
        if (ve < 0) ve = matcher.match(s, vs);
        if (ve < 0) {
          // `value` expects no leading whitespace (`object` skips it first); whitespace is not canonical anyway.
          if (s.charCodeAt(vs) <= 0x20) return bail();
          this.i = vs;
          const v = this.value(depth);
          if (this.nc !== nc0) return bail();
          slow.set(n, v);
          ve = this.i;
        }
        if (4 * n + 4 > pos.length) {
          const grown = new Int32Array(pos.length * 2);
          grown.set(pos);
          pos = grown;
        }
        pos[4 * n] = ks;
        pos[4 * n + 1] = ke;
        pos[4 * n + 2] = vs;
        pos[4 * n + 3] = ve;
        if (key !== undefined) escapedKeys.set(n, key);
        n++;
        const c = s.charCodeAt(ve);
        if (c === 0x7d) {
          end = ve + 1;
          break;
        }
        if (c !== 0x2c) return bail();
        i = ve + 1;
      }
    }
    this.i = end;
    const maxDepth = this.maxDepth;
    const lazy = new LazyObject(
      s,
      start,
      end,
      pos,
      n,
      escapedKeys,
      slow,
      (t) => parseText(t, { maxDepth }, undefined).result,
      matcher,
    );
    this.lazy = lazy;
    return lazy;
  }

  array(depth: number): JsonValue[] {
    if (depth > this.maxDepth) this.fail('nesting too deep');
    const s = this.s;
    this.i++;
    const a: JsonValue[] = [];
    this.ws();
    if (s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return a;
    }
    for (;;) {
      if (s.charCodeAt(this.i) <= 0x20) this.ws();
      a.push(this.value(depth));
      let c = s.charCodeAt(this.i);
      if (c !== 0x2c && c !== 0x5d) {
        this.ws();
        c = s.charCodeAt(this.i);
      }
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
    const start = this.i + 1;
    PLAIN.lastIndex = start;
    PLAIN.test(s);
    const i = PLAIN.lastIndex;
    if (s.charCodeAt(i) === 0x22) {
      this.i = i + 1;
      return s.slice(start, i);
    }
    return this.slowString(start, i);
  }

  /** Escapes, surrogates and errors; `i` is the first character the fast scan stopped at. */
  slowString(start: number, at: number): string {
    const s = this.s;
    let out = s.slice(start, at);
    let i = at;
    for (;;) {
      PLAIN.lastIndex = i;
      PLAIN.test(s);
      if (PLAIN.lastIndex !== i) {
        out += s.slice(i, PLAIN.lastIndex);
        i = PLAIN.lastIndex;
      }
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        this.i = i + 1;
        return out;
      }
      if (c === 0x5c) {
        i = this.escape(i, (ch) => {
          out += ch;
        });
        continue;
      }
      if (c >= 0xd800 && c <= 0xdbff) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          out += s.slice(i, i + 2);
          i += 2;
          continue;
        }
      }
      this.i = i;
      if (c >= 0xd800 && c <= 0xdfff) this.fail('lone surrogate in string');
      this.fail(Number.isNaN(c) ? 'unterminated string' : 'control character in string');
    }
  }

  /** Decodes the escape at `i` (a backslash), hands the text to `emit`, returns the index after it. */
  escape(i: number, emit: (text: string) => void): number {
    const s = this.s;
    const e = s.charCodeAt(i + 1);
    switch (e) {
      case 0x22:
        emit('"');
        return i + 2;
      case 0x5c:
        emit('\\');
        return i + 2;
      case 0x2f:
        emit('/');
        break;
      case 0x62:
        emit('\b');
        break;
      case 0x66:
        emit('\f');
        break;
      case 0x6e:
        emit('\n');
        break;
      case 0x72:
        emit('\r');
        break;
      case 0x74:
        emit('\t');
        break;
      case 0x75:
        return this.unicodeEscape(i, emit);
      default:
        this.i = i;
        this.fail('invalid escape');
    }
    this.nc++;
    return i + 2;
  }

  unicodeEscape(i: number, emit: (text: string) => void): number {
    const s = this.s;
    const cu = this.hex4(i + 2);
    const next = i + 6;
    if (cu >= 0xd800 && cu <= 0xdbff && s.charCodeAt(next) === 0x5c && s.charCodeAt(next + 1) === 0x75) {
      const lo = this.hex4(next + 2);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        emit(String.fromCharCode(cu, lo));
        this.nc++;
        return next + 6;
      }
    }
    // A lone surrogate becomes U+FFFD, as Go's decoder does.
    emit(cu >= 0xd800 && cu <= 0xdfff ? '\ufffd' : String.fromCharCode(cu));
    // Go's compaction writes exactly these five (lowercase); everything else means the source was not canonical.
    if (
      (cu === 0x3c || cu === 0x3e || cu === 0x26 || cu === 0x2028 || cu === 0x2029) &&
      s.slice(i + 2, i + 6) === cu.toString(16).padStart(4, '0')
    ) {
      this.wire++;
    } else {
      this.nc++;
    }
    return next;
  }

  hex4(at: number): number {
    let n = 0;
    for (let k = at; k < at + 4; k++) {
      const c = this.s.charCodeAt(k);
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else {
        this.i = at;
        this.fail('invalid \\u escape');
      }
      n = n * 16 + d;
    }
    return n;
  }

  number(): number {
    const s = this.s;
    const start = this.i;
    let i = start;
    let c = s.charCodeAt(i);
    const neg = c === 0x2d;
    if (neg) c = s.charCodeAt(++i);
    let n = 0;
    if (c === 0x30) {
      c = s.charCodeAt(++i);
    } else if (c >= 0x31 && c <= 0x39) {
      do {
        n = n * 10 + (c - 0x30);
        c = s.charCodeAt(++i);
      } while (c >= 0x30 && c <= 0x39);
    } else {
      this.i = i;
      this.fail('invalid number');
    }
    let simple = true;
    if (c === 0x2e) {
      simple = false;
      c = s.charCodeAt(++i);
      if (!isDigit(c)) {
        this.i = i;
        this.fail('invalid fraction');
      }
      while (isDigit(c)) c = s.charCodeAt(++i);
    }
    if (c === 0x65 || c === 0x45) {
      simple = false;
      c = s.charCodeAt(++i);
      if (c === 0x2b || c === 0x2d) c = s.charCodeAt(++i);
      if (!isDigit(c)) {
        this.i = i;
        this.fail('invalid exponent');
      }
      while (isDigit(c)) c = s.charCodeAt(++i);
    }
    // Up to 15 digits the running value is exact; longer or non-integer forms go through Number().
    const v = simple && i - start <= (neg ? 16 : 15) ? (neg ? -n : n) : Number(s.slice(start, i));
    // Go reads numbers as float64 and would silently round 2^53+1; we refuse instead.
    if (!Number.isFinite(v) || (Number.isInteger(v) && !Number.isSafeInteger(v))) {
      this.i = start;
      this.fail('number cannot be represented exactly');
    }
    // Canonical numbers are minimal integers: no fraction, exponent or negative zero.
    if (!simple || (neg && n === 0)) this.nc++;
    this.i = i;
    return v;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
