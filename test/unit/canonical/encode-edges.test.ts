import { describe, expect, it, vi } from 'vitest';
import {
  canonicalBytes,
  canonicalString,
  type JsonObject,
  type JsonValue,
  newJsonObject,
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

/**
 * Runs `f` twice: as is, and with the native JSON.stringify path off (a non-enumerable toJSON on Array.prototype,
 * which every array and, through it, no plain object inherits: the encoder then writes everything by hand).
 */
function bothPaths(f: () => void): void {
  f();
  Object.defineProperty(Array.prototype, 'toJSON', { value: () => 'poisoned', configurable: true, writable: true });
  try {
    f();
  } finally {
    delete (Array.prototype as { toJSON?: unknown }).toJSON;
  }
}

/** The values JSON.stringify was called with while `f` ran. */
function stringified(f: () => void): unknown[] {
  const spy = vi.spyOn(JSON, 'stringify');
  try {
    f();
    return spy.mock.calls.map((c) => c[0]);
  } finally {
    spy.mockRestore();
  }
}

describe('canonical encoder edges', () => {
  it('3-byte characters around the buffer size and its doublings are all written', () => {
    bothPaths(() => {
      for (const n of [
        ...Array.from({ length: 11 }, (_, i) => 335 + i),
        ...Array.from({ length: 7 }, (_, i) => 680 + i),
      ]) {
        const s = 'あ'.repeat(n);
        expect(text(canonicalBytes(s))).toBe(`"${s}"`);
        expect(text(canonicalBytes(['x', s]))).toBe(`["x","${s}"]`);
      }
    });
  });

  it('long runs of literals, numbers and empty containers grow the buffer byte for byte', () => {
    const values = [
      Array(700).fill(true),
      Array(700).fill(null),
      Array(700).fill(false),
      Array.from({ length: 700 }, (_, i) => i * 1_000_003),
      Array.from({ length: 300 }, (_, i) => 2 ** 40 + i),
      Array(700).fill([]),
      Array(700).fill({}),
    ] as JsonValue[];
    // The expected text is taken before the native path is turned off (JSON.stringify would see the toJSON).
    const expected = values.map((v) => JSON.stringify(v));
    bothPaths(() => {
      for (const [i, v] of values.entries()) expect(canonicalString(v), `#${i}`).toBe(expected[i]);
    });
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

  it('objects and arrays whose every part JSON.stringify writes exactly go to it whole; any other part stays by hand', () => {
    const plain = { a: 1, b: 'x é€', c: true, d: null, e: [0, -5, false, 'y'], f: {} };
    const bare = Object.assign(Object.create(null) as JsonObject, { a: [true], b: -0 });
    const built = newJsonObject();
    built['k'] = 'v';
    built['l'] = [1];
    for (const v of [plain, bare, built, [], {}, [true, 1, 'z', null]] as JsonValue[]) {
      expect(stringified(() => canonicalString(v))).toEqual([v]);
    }
    // Out of order, a control or a surrogate in a key or a string, a key to escape: the container is written by
    // hand, each child that qualifies still natively.
    const child = { x: [1] };
    for (const v of [
      { b: child, a: 1 },
      { a: child, '\u0001': 1 },
      { a: child, b: '\u001f' },
      { a: child, b: '😀' },
      { a: child, '😀': 1 },
      [child, 'x\ny'],
    ] as JsonValue[]) {
      expect(stringified(() => canonicalString(v))).toEqual([child]);
    }
    expect(canonicalString({ a: child, b: '😀' })).toBe('{"a":{"x":[1]},"b":"😀"}');
  });

  it('the wire form of values written natively escapes <, >, & and U+2028/9 (never taken for wire-safe)', () => {
    for (const [v, wire] of [
      [['<'], '["\\u003c"]'],
      [{ a: 'x>y' }, '{"a":"x\\u003ey"}'],
      [[1, { b: '&' }], '[1,{"b":"\\u0026"}]'],
      [['\u2028\u2029'], '["\\u2028\\u2029"]'],
    ] as const) {
      expect(stringified(() => canonicalBytes(v as JsonValue))).toEqual([v]);
      expect(wireString(v as JsonValue)).toBe(wire);
      expect(text(wireFromCanonical(canonicalBytes(v as JsonValue)))).toBe(wire);
    }
  });

  it('prototypes that could give JSON.stringify a toJSON keep an object on the hand path', () => {
    const withToJson = { toJSON: () => 'replaced' };
    const frozenEmptyOver = Object.freeze(Object.create(withToJson));
    const frozenWithMethod = Object.freeze(Object.assign(Object.create(null), { toJSON: () => 'replaced' }));
    const open = Object.create(null);
    const objOf = (proto: object) => Object.assign(Object.create(proto) as JsonObject, { a: 1 });
    class Tagged extends Array {
      toJSON() {
        return 'replaced';
      }
    }
    for (const v of [objOf(frozenEmptyOver), objOf(frozenWithMethod), objOf(open), Tagged.from([1, 2])]) {
      const expected = Array.isArray(v) ? '[1,2]' : '{"a":1}';
      expect(canonicalString(v as JsonValue)).toBe(expected);
      expect(canonicalString([v] as JsonValue)).toBe(`[${expected}]`);
    }
    // A prototype that is not frozen may gain a toJSON after an encoding: it is never taken for inert.
    open.toJSON = () => 'replaced';
    expect(canonicalString(objOf(open))).toBe('{"a":1}');
    // A toJSON on Array.prototype alone (plain objects do not inherit it) turns the native path off for all.
    Object.defineProperty(Array.prototype, 'toJSON', { value: () => 'replaced', configurable: true, writable: true });
    try {
      expect(canonicalString({ a: [1], b: { c: [] } })).toBe('{"a":[1],"b":{"c":[]}}');
    } finally {
      delete (Array.prototype as { toJSON?: unknown }).toJSON;
    }
  });

  it('an own toJSON that only JSON.stringify would see changes nothing (arrays, non-enumerable on objects)', () => {
    const hidden = <T extends object>(o: T): T =>
      Object.defineProperty(o, 'toJSON', { value: () => 'replaced', enumerable: false });
    const arr = Object.assign([1, 'a'], { toJSON: () => 'replaced' });
    for (const [v, expected] of [
      [arr, '[1,"a"]'],
      [{ x: arr }, '{"x":[1,"a"]}'],
      [hidden({ a: 1 }), '{"a":1}'],
      [[hidden({ a: 1 })], '[{"a":1}]'],
      [hidden([true]), '[true]'],
    ] as const) {
      expect(canonicalString(v as unknown as JsonValue)).toBe(expected);
      expect(wireString(v as unknown as JsonValue)).toBe(expected);
    }
    // An enumerable toJSON member is a key like any other: a function there is refused, a string written.
    expect(canonicalString({ toJSON: 'x' })).toBe('{"toJSON":"x"}');
  });

  it('the wire form of a copy of canonical bytes escapes only what Go escapes (not spaces or DEL)', () => {
    const v = { a: 'x <\u001f \u007f>&\u2028 !' };
    const copy = Uint8Array.from(canonicalBytes(v));
    expect(text(wireFromCanonical(copy))).toBe(wireString(v));
    expect(wireString(v)).toBe('{"a":"x \\u003c\\u001f \u007f\\u003e\\u0026\\u2028 !"}');
  });
});
