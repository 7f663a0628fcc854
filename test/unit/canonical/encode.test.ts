import { describe, expect, it } from 'vitest';
import {
  canonicalBytes,
  canonicalString,
  integerText,
  type JsonValue,
  parseJson,
  wireBytes,
  wireFromCanonical,
  wireString,
} from '../../../src/canonical/index.js';
import { isNotaryError } from '../../../src/errors.js';

function expectNonCanonical(v: unknown): void {
  let err: unknown;
  try {
    canonicalString(v as JsonValue);
  } catch (e) {
    err = e;
  }
  expect(isNotaryError(err, 'NON_CANONICAL')).toBe(true);
}

describe('canonical JSON (docker/go canonical encoder)', () => {
  it('no whitespace, keys sorted, arrays in order, literals', () => {
    expect(canonicalString({ b: [3, 1, 2], a: { d: null, c: true }, _type: false })).toBe(
      '{"_type":false,"a":{"c":true,"d":null},"b":[3,1,2]}',
    );
    expect(canonicalString([])).toBe('[]');
    expect(canonicalString({})).toBe('{}');
    expect(canonicalString('')).toBe('""');
  });

  it('sorts keys by UTF-8 bytes: ！bang (U+FF01) before 😀smile (U+1F600), unlike the default JS sort', () => {
    const v = { '😀smile': 2, '！bang': 1, 'v3&<x>': 0 };
    expect(canonicalString(v)).toBe('{"v3&<x>":0,"！bang":1,"😀smile":2}');
    expect(Object.keys(v).sort()).toEqual(['v3&<x>', '😀smile', '！bang']);
    // Same result whatever the insertion order.
    expect(canonicalString({ '！bang': 1, 'v3&<x>': 0, '😀smile': 2 })).toBe(canonicalString(v));
  });

  it('escapes only " and \\; control characters, <>&, U+2028 and non-ASCII are raw', () => {
    const s = 'q"b\\t\tn\nz\u0000c\u001f<>&\u2028\u2029é😀\u007f';
    expect(canonicalString(s)).toBe(`"q\\"b\\\\t\tn\nz\u0000c\u001f<>&\u2028\u2029é😀\u007f"`);
    expect(canonicalBytes('\t')).toEqual(Uint8Array.of(0x22, 0x09, 0x22));
    expect(canonicalBytes('é')).toEqual(Uint8Array.of(0x22, 0xc3, 0xa9, 0x22));
    expect(canonicalString({ 'k"\\': 1 })).toBe('{"k\\"\\\\":1}');
  });

  it('integers only, printed in plain decimal', () => {
    expect(canonicalString([0, -0, 1, -1, 9007199254740991, -9007199254740991, 1e15])).toBe(
      '[0,0,1,-1,9007199254740991,-9007199254740991,1000000000000000]',
    );
    expect(integerText(-0)).toBe('0');
    for (const bad of [1.5, 0.1, -2.5, 2 ** 53, -(2 ** 53), 1e21, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectNonCanonical(bad);
      expectNonCanonical({ custom: [bad] });
    }
  });

  it('skips undefined members and refuses non-JSON values', () => {
    expect(canonicalString({ a: undefined, b: 1 } as unknown as JsonValue)).toBe('{"b":1}');
    expectNonCanonical(() => 1);
    expectNonCanonical(1n);
    expectNonCanonical(Symbol('x'));
  });

  it('refuses lone surrogates (they have no UTF-8 form), accepts pairs', () => {
    expectNonCanonical('\ud800');
    expectNonCanonical('a\udc00b');
    expectNonCanonical({ '\ud83d': 1 });
    expect(canonicalString('\ud83d\ude00')).toBe('"😀"');
    expect(() => wireString('x\udfff')).toThrow();
  });

  it('handles objects without a prototype and a __proto__ key', () => {
    const o = parseJson('{"__proto__":{"x":1},"constructor":2}');
    expect(canonicalString(o)).toBe('{"__proto__":{"x":1},"constructor":2}');
  });

  it('large values grow the output buffer', () => {
    const big = 'x'.repeat(100_000);
    const v = { a: big, b: Array.from({ length: 5000 }, (_, i) => ({ i, s: 'é'.repeat(i % 7) })) };
    expect(canonicalString(v)).toBe(`{"a":"${big}","b":[${v.b.map((e) => `{"i":${e.i},"s":"${e.s}"}`).join(',')}]}`);
  });
});

describe('wire form (Go json.Marshal of a RawMessage: HTML escaping)', () => {
  it('escapes <>& and U+2028/9 as lower-case \\u, keeps canonical order and numbers', () => {
    expect(wireString({ 'v3&<x>': '<&>\u2028\u2029', a: 1 })).toBe(
      '{"a":1,"v3\\u0026\\u003cx\\u003e":"\\u003c\\u0026\\u003e\\u2028\\u2029"}',
    );
  });

  it('keeps non-ASCII raw and escapes " and \\ as the canonical form does', () => {
    expect(wireString('é😀！"\\')).toBe('"é😀！\\"\\\\"');
  });

  it('writes raw control characters (which Go cannot marshal) as valid JSON escapes', () => {
    expect(wireString('a\tb\nc\rd\u0000\u001f\u0008')).toBe('"a\\tb\\nc\\rd\\u0000\\u001f\\u0008"');
  });

  it('parses back to the same value and matches wireBytes', () => {
    const v = { 'a&b<c>': ['\u2028', 'tab\there', { '！bang': 1, '😀smile': 2 }] };
    expect(parseJson(wireString(v))).toEqual(v);
    expect(new TextDecoder().decode(wireBytes(v))).toBe(wireString(v));
  });
});

describe('wire form from canonical bytes', () => {
  it('returns the canonical bytes themselves when nothing needs escaping', () => {
    const c = canonicalBytes({ a: ['é€😀', 1], b: 'plain' });
    expect(wireFromCanonical(c)).toBe(c);
    // Also for bytes the encoder did not make (scanned instead).
    const copy = c.slice();
    expect(wireFromCanonical(copy)).toBe(copy);
  });

  it('escapes <, >, &, controls and U+2028/9 but not other E2 sequences', () => {
    const v = { k: '€<\u2028>\u2029&\u2027\t\u0001' };
    const w = wireFromCanonical(canonicalBytes(v));
    expect(new TextDecoder().decode(w)).toBe('{"k":"€\\u003c\\u2028\\u003e\\u2029\\u0026\u2027\\t\\u0001"}');
    expect(w).toEqual(wireBytes(v));
  });

  it('writes integers digit by digit where they fit 31 bits, as decimal text beyond', () => {
    const ns = [0, 7, 10, 99, 100, 65535, 2 ** 31 - 1, 2 ** 31, -1, -(2 ** 31), 2 ** 53 - 1];
    expect(canonicalString(ns)).toBe(`[${ns.join(',')}]`);
  });
});
