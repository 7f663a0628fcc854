import { describe, expect, it } from 'vitest';
import {
  canonicalBytes,
  canonicalString,
  type JsonValue,
  wireFromCanonical,
  wireString,
} from '../../../src/canonical/index.js';
import { isNotaryError } from '../../../src/errors.js';

// Edges of the hand-written UTF-8 writer: buffer growth at exact boundaries, the 1/2/3/4-byte limits, surrogate
// validation, error details, and the wire form of canonical bytes the encoder never saw.
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

function nonCanonical(v: unknown): unknown {
  try {
    canonicalBytes(v as JsonValue);
  } catch (e) {
    if (!isNotaryError(e, 'NON_CANONICAL')) throw e;
    return e.details;
  }
  return 'accepted';
}

describe('canonical encoder edges', () => {
  it('3-byte characters around the buffer size and its doublings are all written', () => {
    for (const n of [
      ...Array.from({ length: 11 }, (_, i) => 335 + i),
      ...Array.from({ length: 7 }, (_, i) => 680 + i),
    ]) {
      const s = 'あ'.repeat(n);
      expect(text(canonicalBytes(s))).toBe(`"${s}"`);
      expect(text(canonicalBytes(['x', s]))).toBe(`["x","${s}"]`);
    }
  });

  it('long runs of literals, numbers and empty containers grow the buffer byte for byte', () => {
    for (const v of [
      Array(700).fill(true),
      Array(700).fill(null),
      Array(700).fill(false),
      Array.from({ length: 700 }, (_, i) => i * 1_000_003),
      Array.from({ length: 300 }, (_, i) => 2 ** 40 + i),
      Array(700).fill([]),
      Array(700).fill({}),
    ] as JsonValue[]) {
      expect(canonicalString(v)).toBe(JSON.stringify(v));
    }
  });

  it('UTF-8 length limits: U+007F/U+0080, U+07FF/U+0800, U+FFFF/U+10000', () => {
    for (const s of ['\u007f', '\u0080', '\u07ff', '\u0800', '\uffff', '\u{10000}', '\u{10ffff}', 'a\u0080\u0800😀']) {
      expect(Buffer.from(canonicalBytes(s))).toEqual(Buffer.from(`"${s}"`));
    }
  });

  it('refuses every lone or mis-ordered surrogate, with the string (up to 80 units) in details', () => {
    for (const s of ['\ud800', '\udc00', '\udc00\udc00', '\ud800\ue000', '\ud800\ud800', 'a\ud800', '\udbff']) {
      expect(nonCanonical(s)).toEqual({ value: s });
    }
    const long = `${'x'.repeat(100)}\ud800`;
    expect(nonCanonical(long)).toEqual({ value: 'x'.repeat(80) });
    expect(nonCanonical({ k: '\udc00\udc00' })).toEqual({ value: '\udc00\udc00' });
  });

  it('non-integers and unsafe integers are refused with the number in details', () => {
    expect(nonCanonical(1.5)).toEqual({ value: '1.5' });
    expect(nonCanonical(2 ** 53)).toEqual({ value: '9007199254740992' });
    expect(nonCanonical([Number.NaN])).toEqual({ value: 'NaN' });
    expect(canonicalString(-0)).toBe('0');
  });

  it('an object with a key named "undefined" (or any name) is written once per key', () => {
    expect(canonicalString({ undefined: 1 })).toBe('{"undefined":1}');
    expect(canonicalString({ b: 1, undefined: null, a: 2 })).toBe('{"a":2,"b":1,"undefined":null}');
  });

  it('the wire form of a copy of canonical bytes escapes only what Go escapes (not spaces or DEL)', () => {
    const v = { a: 'x <\u001f \u007f>&\u2028 !' };
    const copy = Uint8Array.from(canonicalBytes(v));
    expect(text(wireFromCanonical(copy))).toBe(wireString(v));
    expect(wireString(v)).toBe('{"a":"x \\u003c\\u001f \u007f\\u003e\\u0026\\u2028 !"}');
  });
});
