import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareUtf8Range,
  type JsonValue,
  type LazyMatcher,
  type LazyObject,
  parseJson,
  parseJsonWithCanonicalMember,
  wireString,
} from '../../src/canonical/index.js';
import { utf8 } from '../../src/encoding/utf8.js';

// LazyObject on its own (the targets tests reach it only through Targets): every accessor must answer as the
// eagerly parsed object does, for keys on both sides of the surrogate range, with matched and declined values.

// A matcher for canonical unsigned integers; other values are declined and parsed by the strict parser.
const INT = /0|[1-9][0-9]*/y;
const matchInt = (s: string, at: number) => {
  INT.lastIndex = at;
  return INT.test(s) ? INT.lastIndex : -1;
};
const full: LazyMatcher = { match: matchInt, pattern: '0|[1-9][0-9]*', decode: (s, a, b) => Number(s.slice(a, b)) };

/** Parses a file whose `signed.targets` member is scanned lazily with `full`. */
const parse = (text: string) =>
  parseJsonWithCanonicalMember(text, 'signed', { lazy: { key: 'targets', matcher: full } });
const bare: LazyMatcher = { match: matchInt };

// Characters whose UTF-16 order differs from their UTF-8 order, plus the escaped and wire-escaped ones.
const ALPHABET = ['a', 'b', '\u007f', 'é', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10ffff}', '"', '\\', '<'];
const key = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 3 }).map((a) => a.join(''));
const value: fc.Arbitrary<JsonValue> = fc.oneof(
  { weight: 3, arbitrary: fc.nat() },
  { weight: 1, arbitrary: fc.constantFrom<JsonValue>('s<', [1, 'x'], { k: null }, true, -3) },
);
const utf8Cmp = (a: string, b: string) => Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));

function lazyOf(obj: Record<string, JsonValue>, matcher: LazyMatcher): LazyObject {
  const text = `{"signed":{"targets":${wireString(obj as JsonValue)}},"signatures":[]}`;
  const p = parseJsonWithCanonicalMember(utf8(text), 'signed', { lazy: { key: 'targets', matcher } });
  expect(p.lazy).toBeDefined();
  return p.lazy as LazyObject;
}

describe('LazyObject answers as the eager object', () => {
  it('keys, lookups (present and absent), values, value starts, slow indices and toJson', () => {
    fc.assert(
      fc.property(
        fc.dictionary(key, value, { maxKeys: 8 }),
        fc.array(key, { maxLength: 6 }),
        fc.boolean(),
        (obj, probes, withDecode) => {
          const l = lazyOf(obj, withDecode ? full : bare);
          const sorted = Object.keys(obj).sort(utf8Cmp);
          expect(l.size).toBe(sorted.length);
          expect(l.keys()).toEqual(sorted);
          sorted.forEach((k, i) => {
            expect(l.keyAt(i)).toBe(k);
            expect(l.indexOf(k)).toBe(i);
            expect(l.has(k)).toBe(true);
            expect(l.get(k)).toEqual(obj[k]);
            expect(l.valueAt(i)).toEqual(obj[k]);
            expect(l.text.startsWith(wireString(obj[k] as JsonValue), l.valueStart(i))).toBe(true);
            expect(l.slowValue(i)).toEqual(typeof obj[k] === 'number' && (obj[k] as number) >= 0 ? undefined : obj[k]);
          });
          for (const k of probes) {
            if (Object.hasOwn(obj, k)) continue;
            expect(l.indexOf(k)).toBe(-1);
            expect(l.has(k)).toBe(false);
            expect(l.get(k)).toBeUndefined();
          }
          expect(l.slowIndices()).toEqual(
            sorted.flatMap((k, i) => (typeof obj[k] === 'number' && (obj[k] as number) >= 0 ? [] : [i])),
          );
          const eager = parseJson(wireString(obj as JsonValue));
          expect(l.toJson()).toEqual(eager);
          expect(Object.keys(l.toJson())).toEqual(sorted);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('matched values are decoded afresh on each call; declined ones are the parsed value', () => {
    const l = lazyOf({ a: 1, b: [1], c: { x: 2 }, d: 'q', e: 7 }, full);
    expect(l.slowIndices()).toEqual([1, 2, 3]);
    expect(l.valueAt(1)).toBe(l.slowValue(1));
    expect(l.valueAt(0)).toBe(1);
    expect(l.get('e')).toBe(7);
    expect(l.slowValue(0)).toBeUndefined();
  });

  it('refuses member indices outside 0..size-1 and non-integers', () => {
    const l = lazyOf({ a: 1, b: 2 }, full);
    for (const i of [-1, 2, 0.5, Number.NaN, 3]) {
      expect(() => l.keyAt(i)).toThrow(RangeError);
      expect(() => l.valueAt(i)).toThrow(RangeError);
      expect(() => l.valueStart(i)).toThrow(RangeError);
    }
    expect(l.keyAt(1)).toBe('b');
    const empty = lazyOf({}, full);
    expect(empty.size).toBe(0);
    expect(() => empty.keyAt(0)).toThrow(RangeError);
    expect(empty.indexOf('')).toBe(-1);
    expect(empty.toJson()).toEqual({});
  });
});

describe('compareUtf8Range', () => {
  it('compares the two ranges as Buffer.compare compares their UTF-8 bytes, wherever the ranges sit', () => {
    const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 4 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, text, text, text, text, text, (pa, a, sa, pb, b, sb) => {
        const got = compareUtf8Range(
          pa + a + sa,
          pa.length,
          pa.length + a.length,
          pb + b + sb,
          pb.length,
          pb.length + b.length,
        );
        expect(Math.sign(got)).toBe(utf8Cmp(a, b));
      }),
      { numRuns: 1000 },
    );
  });

  it('surrogates sort after U+E000..U+FFFF on either side, and prefixes first', () => {
    const c = (a: string, b: string) => Math.sign(compareUtf8Range(a, 0, a.length, b, 0, b.length));
    expect(c('\uffff', '\u{10000}')).toBe(-1);
    expect(c('\u{10000}', '\ue000')).toBe(1);
    expect(c('\ud7ff', '\u{10000}')).toBe(-1);
    expect(c('\u{10000}', '\ud7ff')).toBe(1);
    expect(c('\ue000', '\ud7ff')).toBe(1);
    expect(c('\ue000', '\uffff')).toBe(-1);
    expect(c('a', 'ab')).toBe(-1);
    expect(c('ab', 'a')).toBe(1);
    expect(c('xab', 'ab')).toBe(1);
    expect(compareUtf8Range('xab', 1, 3, 'ab', 0, 2)).toBe(0);
    expect(compareUtf8Range('xxab', 2, 4, 'abc', 0, 2)).toBe(0);
  });
});

// The scan decides "canonical, leave undecoded" or "not canonical, parse eagerly"; both must give the eager value,
// and a syntax error must be the eager parse's error (code and offset).
function scanBoth(targets: string, maxDepth?: number, matcher: LazyMatcher = full) {
  const text = `{"signed":{"targets":${targets}}}`;
  const opts = maxDepth === undefined ? {} : { maxDepth };
  const run = <T>(f: () => T): T | { code: string; details: unknown } => {
    try {
      return f();
    } catch (e) {
      const err = e as { code: string; details: unknown };
      return { code: err.code, details: err.details };
    }
  };
  const eager = run(() => parseJson(text, opts));
  const p = run(() => parseJsonWithCanonicalMember(text, 'signed', { ...opts, lazy: { key: 'targets', matcher } }));
  return { eager, p };
}

describe('the lazy scan: canonical or not, and errors', () => {
  const decoded = (p: unknown) => {
    const r = p as { lazy?: LazyObject; value: { signed: { targets: unknown } } };
    return r.lazy === undefined ? r.value.signed.targets : r.lazy.toJson();
  };

  const canonical: [string, string[], number[]][] = [
    ['{}', [], []],
    ['{"a":1,"b":2}', ['a', 'b'], []],
    ['{"a\\"":1,"b\\u003c":2,"b\\u003cc":3}', ['a"', 'b<', 'b<c'], []],
    ['{"b":1,"b\\u003c":2}', ['b', 'b<'], []],
    ['{"a":[1],"b":{"c":"d"},"c":7,"e":"x"}', ['a', 'b', 'c', 'e'], [0, 1, 3]],
    ['{"a":1,"\uffff":2,"\u{10000}":3}', ['a', '\uffff', '\u{10000}'], []],
    ['{"\u{10000}":1,"\u{10000}a":2}', ['\u{10000}', '\u{10000}a'], []],
  ];
  for (const [t, keys, slow] of canonical) {
    it(`canonical, left undecoded: ${t}`, () => {
      for (const m of [full, bare]) {
        const { eager, p } = scanBoth(t, undefined, m);
        const r = p as { lazy?: LazyObject; canonical?: Uint8Array };
        expect(r.lazy?.keys()).toEqual(keys);
        expect(r.lazy?.slowIndices()).toEqual(slow);
        expect(decoded(p)).toEqual((eager as { signed: { targets: unknown } }).signed.targets);
        expect(r.canonical).toBeDefined();
      }
    });
  }

  const notCanonical = [
    '{ "a":1}',
    '{"a" :1}',
    '{"a": 1}',
    '{"a":1 ,"b":2}',
    '{"a":1, "b":2}',
    '{"a":1 }',
    '{"a":[1, 2]}',
    '{"a":{"c":1,"b":2}}',
    '{"\\u0061":1}',
    '{"b":1,"a":2}',
    '{"é":1,"a":2}',
    '{"\u{10000}":1,"\uffff":2}',
    '{"b\\u003c":1,"b":2}',
    '{"a":1.5}',
  ];
  for (const t of notCanonical) {
    it(`not canonical, parsed eagerly: ${t}`, () => {
      const { eager, p } = scanBoth(t);
      const r = p as { lazy?: LazyObject; canonical?: Uint8Array; value: unknown };
      expect(r.lazy).toBeUndefined();
      expect(r.canonical).toBeUndefined();
      expect(r.value).toEqual(eager);
    });
  }

  const errors = [
    '{"a":1,"a":2}',
    '{"b<":1,"b\\u003c":2}',
    '{"a":1,"b":}',
    '{"a":1,"b"',
    '{"a\\q":1}',
    '{"a":1x}',
    '{"a":1x"b":2}',
    '{"a":1 "b":2}',
    '{"a":[1]x"b":2}',
    '{"a":[1,]}',
    '{"a":1,',
    '{"a"',
  ];
  for (const t of errors) {
    it(`an error exactly as the eager parse reports it: ${t}`, () => {
      const { eager, p } = scanBoth(t);
      expect((eager as { code?: string }).code).toBe('INVALID_JSON');
      expect(p).toEqual(eager);
    });
  }

  it('nesting: the lazy object obeys maxDepth as the eager parse does', () => {
    expect(scanBoth('{"a":1}', 2).p).toEqual(scanBoth('{"a":1}', 2).eager);
    expect((scanBoth('{"a":1}', 2).p as { code?: string }).code).toBe('INVALID_JSON');
    expect((scanBoth('{"a":1}', 3).p as { lazy?: LazyObject }).lazy?.keys()).toEqual(['a']);
    expect((scanBoth('{"a":[1]}', 3).p as { code?: string }).code).toBe('INVALID_JSON');
    expect((scanBoth('{"a":[1]}', 4).p as { lazy?: LazyObject }).lazy?.slowIndices()).toEqual([0]);
  });

  it('hundreds of members (the position table grows)', () => {
    const keys = Array.from({ length: 700 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    const t = `{${keys.map((k, i) => `"${k}":${i % 3 === 0 ? `[${i}]` : i}`).join(',')}}`;
    for (const m of [full, bare]) {
      const { eager, p } = scanBoth(t, undefined, m);
      const l = (p as { lazy?: LazyObject }).lazy as LazyObject;
      expect(l.keys()).toEqual(keys);
      keys.forEach((k, i) => {
        expect(l.get(k)).toEqual(i % 3 === 0 ? [i] : i);
        expect(l.valueStart(i)).toBe(t.indexOf(`"${k}":`) + k.length + 3 + '{"signed":{"targets":'.length);
      });
      expect(l.toJson()).toEqual((eager as { signed: { targets: unknown } }).signed.targets);
    }
  });
});

describe("the lazy member is the watched member's own, nothing else", () => {
  it('a "targets" object before, after or below the watched member stays an ordinary value', () => {
    const before = parse('{"x":{"targets":{"a":1}},"signed":{"targets":{"b":2}}}');
    expect(before.lazy?.keys()).toEqual(['b']);
    expect((before.value as { x: unknown }).x).toEqual({ targets: { a: 1 } });
    for (const text of [
      '{"signed":{"v":1},"x":{"targets":{"a":1}}}',
      '{"signed":{"x":{"targets":{"a":1}}}}',
      '{"signed":[{"targets":{"a":1}}]}',
      '{"targets":{"a":1}}',
    ]) {
      const r = parse(text);
      expect(r.lazy).toBeUndefined();
      expect(r.value).toEqual(parseJson(text));
    }
  });

  it('the lazy placeholder sits in the value; a second "targets" is a duplicate key', () => {
    const r = parse('{"signed":{"a":0,"targets":{"k":5},"z":[]}}');
    const signed = (r.value as { signed: Record<string, unknown> }).signed;
    expect(signed.targets).toBe(r.lazy);
    expect(signed.a).toBe(0);
    expect(signed.z).toEqual([]);
    const dup = scanBoth('{"k":5},"targets":{"k":5}');
    expect((dup.p as { code?: string }).code).toBe('INVALID_JSON');
    expect(dup.p).toEqual(dup.eager);
  });
});

describe('a lazy object under a member that turns out not canonical', () => {
  it('is dropped: the member is parsed again eagerly, and no lazy object is reported without canonical bytes', () => {
    for (const text of [
      '{"signed":{"targets":{"a":1}, "v":1}}',
      '{"signed":{"a": 1,"targets":{"a":1}}}',
      '{"signed":{"targets":{"a":1},"v":1.5}}',
      '{"signed":{"z":1,"targets":{"a":1}}}',
    ]) {
      const r = parse(text);
      expect(r.lazy).toBeUndefined();
      expect(r.canonical).toBeUndefined();
      expect(r.value).toEqual(parseJson(text));
    }
  });
});

describe('decoding a lazy object later', () => {
  it('keeps the maxDepth of the parse that made it (deeper than the default 64 when allowed)', () => {
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    const { eager, p } = scanBoth(`{"a":${deep},"b":1}`, 200, bare);
    const l = (p as { lazy?: LazyObject }).lazy as LazyObject;
    expect(l.slowIndices()).toEqual([0]);
    expect(l.toJson()).toEqual((eager as { signed: { targets: unknown } }).signed.targets);
    expect(l.valueAt(1)).toBe(1);
  });
});
