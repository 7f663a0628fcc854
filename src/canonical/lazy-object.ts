// A canonical JSON object kept as source text: keys proven sorted and unique, values decoded only when asked for.
import { type JsonObject, type JsonValue, newJsonObject } from './json-value.js';
import { compareUtf8 } from './key-order.js';

/**
 * How the strict parser recognises member values it may leave undecoded. `match(text, at)` returns the index just
 * past the value that starts at `at`, or -1. It may only accept a value that is canonical JSON without escapes (so
 * the parser has nothing to count or decode in it) and that the caller's own validation accepts; anything it
 * declines is parsed by the strict parser as usual and reported by `LazyObject.slowValue`.
 */
export interface LazyMatcher {
  match(text: string, at: number): number;
  /**
   * Optional: the source of a regex (no flags; used sticky) that accepts exactly the values `match` accepts, with
   * the same end. The parser then matches a whole member `"KEY":VALUE` with a key without escapes in one native
   * step, which is what keeps a cold (not yet optimised) scan of a large map cheap.
   */
  readonly pattern?: string;
  /**
   * Optional: the value `match` accepted at `start..end`, decoded without the generic parser (it must equal what
   * the strict parser yields for that text). Makes `LazyObject.toJson` cheaper.
   */
  decode?(text: string, start: number, end: number): JsonValue;
}

/** Callback the parser hands to `LazyObject` to decode one span with the strict parser. */
export type SpanParser = (text: string) => JsonValue;

/**
 * A JSON object whose source the strict parser proved to be canonical: no whitespace, keys strictly increasing in
 * UTF-8 byte order (hence no duplicates), every value well-formed. Keys and values stay in the source text and are
 * decoded on demand; lookups are binary searches. Built only by `parseJsonWithCanonicalMember` with `lazy`.
 */
export class LazyObject {
  /** Number of members. */
  readonly size: number;
  /** The whole source text the offsets refer to. */
  readonly text: string;
  readonly #start: number;
  readonly #end: number;
  /** Per member: key start, key end (inside the quotes), value start, value end. */
  readonly #pos: Int32Array;
  /** Decoded keys of members whose key holds escapes (the source text is not the key itself). */
  readonly #escapedKeys: ReadonlyMap<number, string>;
  /** Values the matcher declined, already parsed. */
  readonly #slow: ReadonlyMap<number, JsonValue>;
  readonly #parse: SpanParser;
  readonly #matcher: LazyMatcher;

  /** @internal Use `parseJsonWithCanonicalMember`. */
  constructor(
    text: string,
    start: number,
    end: number,
    pos: Int32Array,
    size: number,
    escapedKeys: ReadonlyMap<number, string>,
    slow: ReadonlyMap<number, JsonValue>,
    parse: SpanParser,
    matcher: LazyMatcher,
  ) {
    this.text = text;
    this.#start = start;
    this.#end = end;
    this.#pos = pos;
    this.size = size;
    this.#escapedKeys = escapedKeys;
    this.#slow = slow;
    this.#parse = parse;
    this.#matcher = matcher;
  }

  /** The key of member `i` (0 ≤ i < size), decoded. */
  keyAt(i: number): string {
    this.#check(i);
    return this.#escapedKeys.get(i) ?? this.text.slice(this.#pos[4 * i] as number, this.#pos[4 * i + 1] as number);
  }

  /** All keys in source order, which is UTF-8 byte order. */
  keys(): string[] {
    const out = new Array<string>(this.size);
    for (let i = 0; i < this.size; i++) out[i] = this.keyAt(i);
    return out;
  }

  /** Index of `key`, or -1. */
  indexOf(key: string): number {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.#compareKey(key, mid);
      if (c === 0) return mid;
      if (c < 0) hi = mid - 1;
      else lo = mid + 1;
    }
    return -1;
  }

  has(key: string): boolean {
    return this.indexOf(key) >= 0;
  }

  /** Index in `text` where the value of member `i` starts. */
  valueStart(i: number): number {
    this.#check(i);
    return this.#pos[4 * i + 2] as number;
  }

  /** The value of member `i` if the matcher declined it (it was parsed already), else undefined. */
  slowValue(i: number): JsonValue | undefined {
    return this.#slow.get(i);
  }

  /** Indices of the members whose values the matcher declined, ascending. */
  slowIndices(): number[] {
    return [...this.#slow.keys()].sort((a, b) => a - b);
  }

  /** The value of member `i`, decoded now (a fresh copy each call for matched values). */
  valueAt(i: number): JsonValue {
    this.#check(i);
    const slow = this.#slow.get(i);
    if (slow !== undefined) return slow;
    return this.#parse(this.text.slice(this.#pos[4 * i + 2] as number, this.#pos[4 * i + 3] as number));
  }

  /** The value of `key`, or undefined. */
  get(key: string): JsonValue | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.valueAt(i);
  }

  /** The whole object, decoded (equal to what an eager parse of its text yields, members in source order). */
  toJson(): JsonObject {
    const decode = this.#matcher.decode;
    if (decode === undefined) return this.#parse(this.text.slice(this.#start, this.#end)) as JsonObject;
    const o = newJsonObject();
    const pos = this.#pos;
    for (let i = 0; i < this.size; i++) {
      const slow = this.#slow.get(i);
      o[this.keyAt(i)] =
        slow !== undefined // JSON values are never undefined (null is a value)
          ? slow
          : decode.call(this.#matcher, this.text, pos[4 * i + 2] as number, pos[4 * i + 3] as number);
    }
    return o;
  }

  #check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) throw new RangeError(`member index ${i} out of range`);
  }

  /** `compareUtf8(key, keyAt(i))` without slicing the source for keys that hold no escapes. */
  #compareKey(key: string, i: number): number {
    const decoded = this.#escapedKeys.get(i);
    if (decoded !== undefined) return compareUtf8(key, decoded);
    return compareUtf8Range(key, 0, key.length, this.text, this.#pos[4 * i] as number, this.#pos[4 * i + 1] as number);
  }
}

/** `compareUtf8(a.slice(a0, a1), b.slice(b0, b1))` without the slices. */
export function compareUtf8Range(a: string, a0: number, a1: number, b: string, b0: number, b1: number): number {
  const n = Math.min(a1 - a0, b1 - b0);
  for (let k = 0; k < n; k++) {
    const x = a.charCodeAt(a0 + k);
    const y = b.charCodeAt(b0 + k);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) return fixup(x) - fixup(y);
      return x - y;
    }
  }
  return a1 - a0 - (b1 - b0);
}

// As in key-order.ts: surrogates stand for code points above FFFF, so they sort after E000–FFFF.
function fixup(c: number): number {
  if (c >= 0xe000) return c - 0x800;
  if (c >= 0xd800) return c + 0x2000;
  return c;
}
