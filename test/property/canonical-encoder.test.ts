import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  canonicalBytes,
  canonicalString,
  type JsonObject,
  type JsonValue,
  wireBytes,
  wireFromCanonical,
  wireString,
} from '../../src/canonical/index.js';
import { isNotaryError } from '../../src/errors.js';
import { thrownCode } from '../helpers/error-code.js';
import { toJsonObject } from '../helpers/json-object.js';

// The fast encoder (hand-written UTF-8, insertion sort for small objects, wire form derived from the canonical
// bytes) against a deliberately naive reference: string escapes by regex, keys sorted by Buffer.compare of their
// UTF-8, the wire form escaped per character as Go's json.Marshal (HTMLEscape) does.

const special = fc.constantFrom(
  '！',
  '😀',
  '\u{10ffff}',
  '\ue000',
  '\uffff',
  '\u{10000}',
  '€', // E2 82 AC: shares its lead byte with U+2028/9 but is not escaped
  '\u2027',
  '\u2028',
  '\u2029',
  '\u202a',
  '<',
  '>',
  '&',
  '"',
  '\\',
  '\t',
  '\n',
  '\r',
  '\b',
  '\f',
  '\u0000',
  '\u001f',
  '\u007f',
  'é',
  'ß',
  'a',
  'Z',
  '_',
);
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 10 }).filter((s) => !hasLoneSurrogate(s)),
  fc.array(special, { maxLength: 8 }).map((a) => a.join('')),
);
const integer = fc.oneof(
  fc.maxSafeInteger(),
  fc.integer({ min: -1, max: 2 ** 31 }),
  fc.constantFrom(0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53 - 1, -(2 ** 53 - 1)),
);

const { json } = fc.letrec<{ json: JsonValue }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    integer,
    text,
    fc.array(tie('json'), { maxLength: 5 }),
    // Up to 20 keys: both the insertion sort (≤ 8 keys) and the native sort with its neighbour check.
    fc.dictionary(text, tie('json'), { maxKeys: 20 }).map(toJsonObject),
  ),
}));

function hasLoneSurrogate(s: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

function refEncode(v: JsonValue, quote: (s: string) => string): string {
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number') return v === 0 ? '0' : v.toFixed(0);
  if (v === null || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => refEncode(x, quote)).join(',')}]`;
  const keys = Object.keys(v).sort(byUtf8);
  return `{${keys.map((k) => `${quote(k)}:${refEncode(v[k] as JsonValue, quote)}`).join(',')}}`;
}

const refCanonicalQuote = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

function refWireQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

/** A copy whose objects get their keys inserted in UTF-8 order. */
function inOrder(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(inOrder);
  if (v === null || typeof v !== 'object') return v;
  const o: Record<string, JsonValue> = {};
  for (const k of Object.keys(v).sort(byUtf8)) o[k] = inOrder((v as JsonObject)[k] as JsonValue);
  return o;
}

describe('fast canonical encoder = reference encoder', () => {
  it('canonical bytes and text', () => {
    fc.assert(
      fc.property(json, (v) => {
        const expected = refEncode(v, refCanonicalQuote);
        expect(canonicalString(v)).toBe(expected);
        expect(canonicalBytes(v)).toEqual(utf8(expected));
      }),
      { numRuns: 500 },
    );
  });

  it('wire bytes, and the wire form derived from canonical bytes (also from a copy the encoder never saw)', () => {
    fc.assert(
      fc.property(json, (v) => {
        const expected = utf8(refEncode(v, refWireQuote));
        expect(wireBytes(v)).toEqual(expected);
        expect(wireString(v)).toBe(refEncode(v, refWireQuote));
        const canonical = canonicalBytes(v);
        expect(wireFromCanonical(canonical)).toEqual(expected);
        expect(wireFromCanonical(canonical.slice())).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('values whose objects already hold their keys in order (the native JSON.stringify path) encode the same', () => {
    // Copies with every object's keys inserted in UTF-8 order, as metadata built by this project is: most of them
    // take the native path (counted through JSON.stringify); integer-like keys, controls, surrogates, unsafe
    // numbers and undefined members must still come out as the reference says, or fail as it does.
    const stringify = vi.spyOn(JSON, 'stringify');
    let containers = 0;
    let nativeRuns = 0;
    try {
      fc.assert(
        fc.property(json, (v) => {
          const ordered = inOrder(v);
          const before = stringify.mock.calls.length;
          const expected = refEncode(ordered, refCanonicalQuote);
          expect(canonicalString(ordered)).toBe(expected);
          if (ordered !== null && typeof ordered === 'object') {
            containers++;
            if (stringify.mock.calls.length > before) nativeRuns++;
          }
          expect(wireBytes(ordered)).toEqual(utf8(refEncode(ordered, refWireQuote)));
          expect(wireFromCanonical(canonicalBytes(ordered))).toEqual(utf8(refEncode(ordered, refWireQuote)));
        }),
        { numRuns: 500 },
      );
      // Objects and arrays are what goes native (whole, or child by child): most of them must have.
      expect(nativeRuns).toBeGreaterThan(containers * 0.5);
    } finally {
      stringify.mockRestore();
    }
  });

  it('with the native path off (a toJSON on Array.prototype), the hand encoder alone equals the reference', () => {
    // JSON.stringify would see that toJSON in every array: the encoder must not call it, and writes all by hand.
    const stringify = vi.spyOn(JSON, 'stringify');
    Object.defineProperty(Array.prototype, 'toJSON', { value: () => 'poisoned', configurable: true, writable: true });
    try {
      fc.assert(
        fc.property(json, (v) => {
          for (const x of [v, inOrder(v)]) {
            expect(canonicalString(x)).toBe(refEncode(x, refCanonicalQuote));
            expect(wireBytes(x)).toEqual(utf8(refEncode(x, refWireQuote)));
          }
        }),
        { numRuns: 300 },
      );
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      delete (Array.prototype as { toJSON?: unknown }).toJSON;
      stringify.mockRestore();
    }
  });

  it('the native path keeps every refusal (unsafe numbers, undefined in arrays, functions) and every other object as before', () => {
    const refused: unknown[] = [
      { a: 1.5 },
      { a: [1, undefined] },
      { a: Number.NaN },
      { a: 2 ** 53 },
      { a: { toJSON: () => 'x' } },
      { a: 1n },
    ];
    for (const [i, v] of refused.entries()) {
      expect(
        thrownCode(() => canonicalBytes(v as JsonValue)),
        `#${i}`,
      ).toBe('NON_CANONICAL');
    }
    // Other objects are encoded by their own enumerable keys, as always (JSON.stringify would call Date's toJSON).
    expect(canonicalString({ a: new Date(0) } as unknown as JsonValue)).toBe('{"a":{}}');
    // Undefined object members are left out, as before; a poisoned prototype cannot reach the output.
    expect(canonicalString({ a: 1, b: undefined } as unknown as JsonValue)).toBe('{"a":1}');
    const proto = Object.prototype as { toJSON?: () => string };
    proto.toJSON = () => 'poisoned';
    try {
      expect(canonicalString({ a: { b: 1 } })).toBe('{"a":{"b":1}}');
    } finally {
      delete proto.toJSON;
    }
  });

  it('a value the native path refuses deep down is walked a bounded number of times, not once per ancestor', () => {
    // A spine 60 deep whose every level also holds a sibling of 20 objects, and a newline at the bottom: every
    // ancestor fails natively because of it. Each object's keys are read a few times in all (walk, native retry
    // of a good sibling, hand encoding), never in proportion to the depth.
    let spine: JsonValue = { z: 'line\nbreak' };
    let objects = 1;
    for (let d = 0; d < 60; d++) {
      const sibling = Array.from({ length: 20 }, (_, i) => ({ k: i, v: `s${i}` }));
      spine = { a: sibling, b: spine };
      objects += 21;
    }
    const keys = vi.spyOn(Object, 'keys');
    try {
      const text = canonicalString(spine);
      expect(text).toBe(refEncode(spine, refCanonicalQuote));
      expect(keys.mock.calls.length).toBeLessThanOrEqual(3 * objects);
    } finally {
      keys.mockRestore();
    }
  });

  it('objects of many keys mixing astral and U+E000–U+FFFF keys sort by UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(text, { minLength: 9, maxLength: 60 }), (keys) => {
        const o: JsonObject = Object.create(null);
        for (const [i, k] of keys.entries()) Object.defineProperty(o, k, { value: i, enumerable: true });
        expect(canonicalString(o)).toBe(refEncode(o, refCanonicalQuote));
      }),
    );
  });

  it('any lone surrogate is refused, wherever it is', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'), text, (a, lone, b) => {
        for (const v of [`${a}${lone}${b}`, { [`${a}${lone}${b}`]: 1 }, [1, `${a}${lone}`]] as JsonValue[]) {
          let err: unknown;
          try {
            canonicalBytes(v);
          } catch (e) {
            err = e;
          }
          expect(isNotaryError(err, 'NON_CANONICAL')).toBe(true);
        }
      }),
    );
  });
});
