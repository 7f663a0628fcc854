import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalBytes,
  type LazyMatcher,
  parseJsonWithCanonicalMember,
  wireString,
} from '../../src/canonical/index.js';
import { utf8 } from '../../src/encoding/utf8.js';
import { isNotaryError } from '../../src/errors.js';
import { CANONICAL_FILE_META } from '../../src/metadata/file-meta.js';
import { parseEnvelope, parseTargets, Targets } from '../../src/metadata/index.js';

// The lazy targets parse (scanner + matcher, entries decoded on demand) must decide and answer exactly as the
// eager one (strict parser + full validation) on any input: same accept/reject, same error code and details,
// same names, entries, canonical bytes and JSON.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64Chars = (n: number) =>
  fc.array(fc.constantFrom(...B64), { minLength: n, maxLength: n }).map((a) => a.join(''));
const sha256 = b64Chars(43).map((s) => `${s}=`);
const sha512 = b64Chars(86).map((s) => `${s}==`);

// Raw value texts: the canonical shapes the matcher takes, and near misses of every kind.
const length = fc.oneof(
  fc.maxSafeNat().map(String),
  fc.constantFrom(
    '0',
    '00',
    '012',
    '-1',
    '-0',
    '1.5',
    '1e3',
    '9007199254740993',
    '123456789012345',
    '1234567890123456',
  ),
);
const valueText = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(sha256, length).map(([h, l]) => `{"hashes":{"sha256":"${h}"},"length":${l}}`) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(sha256, sha512, length)
      .map(([h, k, l]) => `{"hashes":{"sha256":"${h}","sha512":"${k}"},"length":${l}}`),
  },
  { weight: 1, arbitrary: fc.tuple(sha512, length).map(([k, l]) => `{"hashes":{"sha512":"${k}"},"length":${l}}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(sha256, length, fc.constantFrom('null', '{"a":1}', '"x<y"', '[1,2]', '{"b":1,"a":2}', '1.5'))
      .map(([h, l, c]) => `{"custom":${c},"hashes":{"sha256":"${h}"},"length":${l}}`),
  },
  {
    weight: 2,
    arbitrary: fc.tuple(sha256, length, fc.integer({ min: 0, max: 9 })).map(
      ([h, l, k]) =>
        [
          `{"hashes":{"sha256":"${h.slice(1)}"},"length":${l}}`, // too short
          `{"hashes":{"sha256":"${h.slice(0, 42)}-="},"length":${l}}`, // bad character
          `{"hashes":{"sha256":"${h}"}, "length":${l}}`, // whitespace
          `{"length":${l},"hashes":{"sha256":"${h}"}}`, // unsorted
          `{"hashes":{"md5":"${h}"},"length":${l}}`, // no known hash
          `{"hashes":{"md5":"AA==","sha256":"${h}"},"length":${l}}`, // extra algorithm
          `{"hashes":{"sha256":"${h}"},"length":${l},"x":1}`, // unknown field
          `{"hashes":{"sha256":"${h}"}}`, // no length
          `{"hashes":{"sha256":"${h}"},"length":${l},"length":${l}}`, // duplicate
          `{"hashes":{"sha256":"\\u0041${h.slice(1)}"},"length":${l}}`, // escape in the digest
        ][k] as string,
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom('null', '[]', '{}', '"x"', '7', '{"hashes":{"sha256":1},"length":1}') },
);

// Key texts: plain, with canonical escapes, Go wire escapes, other escapes, raw specials, astral/BMP pairs.
const keyText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 6 }).map((s) => wireString(s)) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }).map((s) => JSON.stringify(s)) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '"tag"',
      '"a&b<c>"',
      '"a\\u0026b"',
      '"\\u0041"',
      '"\\n"',
      '"\\/"',
      '"q\\"q"',
      '"b\\\\s"',
      '"！"',
      '"😀"',
      '"\\ud83d\\ude00"',
      '"\\ud800"',
      '"__proto__"',
      '"constructor"',
      '"10"',
      '"9"',
      '""',
      '"\u2028"',
      '"\\u2028"',
    ),
  },
);

interface Outcome {
  code?: string;
  details?: unknown;
  names?: string[];
  entries?: unknown[];
  canonical?: string;
  json?: string;
  count?: number;
}

function describeTargets(t: Targets): Outcome {
  const names = t.targetNames().sort();
  let json: string;
  try {
    json = Buffer.from(canonicalBytes(t.json)).toString('hex');
  } catch (e) {
    json = isNotaryError(e) ? e.code : 'error';
  }
  return {
    names,
    entries: names.map((n) => t.getTarget(n)),
    canonical: Buffer.from(t.canonicalBytes()).toString('hex'),
    json,
    count: t.targetCount,
  };
}

function outcome(f: () => Targets): Outcome {
  try {
    return describeTargets(f());
  } catch (e) {
    if (!isNotaryError(e)) throw e;
    return { code: e.code, details: e.details };
  }
}

const eager = (raw: Uint8Array) =>
  outcome(() => {
    const e = parseEnvelope(raw, 'targets');
    return Targets.fromJson(e.signed, 'targets', e.canonical);
  });
const lazy = (raw: Uint8Array) => outcome(() => parseTargets(raw).signed);

function file(entries: string): Uint8Array {
  return utf8(
    `{"signed":{"_type":"Targets","delegations":{"keys":{},"roles":[]},"expires":"2030-01-01T00:00:00Z",` +
      `"targets":${entries},"version":1},"signatures":[]}`,
  );
}

const utf8Order = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * A JSON object text of `pairs` (raw key text, raw value text): as generated, sorted by the decoded key's UTF-8
 * bytes (keys that do not decode sort as `undecodable`), or sorted with the last member repeated.
 */
function members(pairs: [string, string][], order: 'sorted' | 'as-is' | 'sorted-dup', undecodable: string): string {
  let list = pairs;
  if (order !== 'as-is') {
    const dec = (k: string) => {
      try {
        return JSON.parse(k) as string;
      } catch {
        return undecodable;
      }
    };
    list = [...pairs].sort((a, b) => utf8Order(dec(a[0]), dec(b[0])));
    if (order === 'sorted-dup' && list.length > 0) list = [...list, list[list.length - 1] as [string, string]];
  }
  return `{${list.map(([k, v]) => `${k}:${v}`).join(',')}}`;
}

describe('lazy targets parse agrees with the eager parse', () => {
  it('on random entry lists, sorted or not, with duplicates and near-miss values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keyText, valueText), { maxLength: 12 }),
        fc.constantFrom('sorted', 'as-is', 'sorted-dup'),
        (pairs, order) => {
          const raw = file(members(pairs, order, '\uffff'));
          expect(lazy(raw)).toEqual(eager(raw));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('on canonical maps made by the encoder (keys with escapes, astral characters)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 })), sha256),
          {
            maxLength: 10,
            selector: (t) => t[0],
          },
        ),
        fc.nat(),
        (pairs, len) => {
          const obj: Record<string, unknown> = {};
          for (const [k, h] of pairs) obj[k] = { hashes: { sha256: h }, length: len };
          // wireString sorts keys in UTF-8 order and writes Go's wire escapes.
          const raw = file(wireString(obj as never));
          const l = lazy(raw);
          expect(l).toEqual(eager(raw));
          expect(l.code).toBeUndefined();
          // Without control characters (written as \u00XX, not canonical) the lazy path really is taken.
          const plain = pairs.every(([k]) => !/[\u0000-\u001f]/.test(k));
          expect(parseEnvelope(raw, 'targets', { lazyTargets: true }).lazyTargets !== undefined).toBe(plain);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on random whitespace inserted anywhere in a canonical file', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.string({ maxLength: 5 }), sha256), { maxLength: 6, selector: (t) => t[0] }),
        fc.nat(),
        fc.constantFrom(' ', '\n', '\t'),
        (pairs, at, ws) => {
          const obj: Record<string, unknown> = {};
          for (const [k, h] of pairs) obj[k] = { hashes: { sha256: h }, length: 1 };
          const text = new TextDecoder().decode(file(wireString(obj as never)));
          const cut = at % (text.length + 1);
          const raw = utf8(text.slice(0, cut) + ws + text.slice(cut));
          expect(lazy(raw)).toEqual(eager(raw));
        },
      ),
      { numRuns: 300 },
    );
  });
});

// The scanner matches a member whose key has no escapes in one step (`"KEY":` + the matcher's `pattern`) and
// orders such keys with the engine's string comparison; everything else takes the two-step path (key scan, then
// `match`, ordering by compareUtf8). Both must decide identically, whatever the keys (raw characters on both sides
// of the surrogate range, astral characters, escapes, duplicates) and values.
const rawKey = fc.oneof(
  keyText,
  fc.constantFrom('"\ud7ff"', '"\ue000"', '"\uffff"', '"\u{10000}"', '"a\u{1f600}"', '"a\ufffd"', '"t1"', '"t10"'),
  fc
    .array(fc.constantFrom('a', 't', '1', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10ffff}'), { maxLength: 3 })
    .map((a) => JSON.stringify(a.join(''))),
);

function scan(raw: Uint8Array, matcher: LazyMatcher): unknown {
  try {
    const p = parseJsonWithCanonicalMember(raw, 'signed', { lazy: { key: 'targets', matcher } });
    const l = p.lazy;
    return {
      canonical: p.canonical === undefined ? undefined : Buffer.from(p.canonical).toString('hex'),
      lazy:
        l === undefined
          ? undefined
          : {
              keys: l.keys(),
              starts: l.keys().map((_, i) => l.valueStart(i)),
              slow: l.slowIndices(),
              json: JSON.stringify(l.toJson()),
            },
    };
  } catch (e) {
    if (!isNotaryError(e)) throw e;
    return { code: e.code, details: e.details };
  }
}

describe('one-step member matching (LazyMatcher.pattern)', () => {
  const twoStep: LazyMatcher = {
    match: (s, at) => CANONICAL_FILE_META.match(s, at),
    decode: (s, a, b) => (CANONICAL_FILE_META.decode as NonNullable<LazyMatcher['decode']>)(s, a, b),
  };

  it('decides and records exactly as the two-step scan, keys on both sides of the surrogate range included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(rawKey, valueText), { maxLength: 10 }),
        fc.constantFrom('sorted', 'as-is', 'sorted-dup'),
        (pairs, order) => {
          const raw = file(members(pairs, order, '\u{10ffff}'));
          expect(scan(raw, CANONICAL_FILE_META)).toEqual(scan(raw, twoStep));
          expect(lazy(raw)).toEqual(eager(raw));
        },
      ),
      { numRuns: 800 },
    );
  });

  it('orders raw BMP characters above the surrogates after astral ones only by UTF-8 bytes', () => {
    // U+FFFF < U+10000 in UTF-8 byte order, but as UTF-16 code units "\uffff" > "\ud800\udc00": an ordering taken
    // from the engine's comparison would be wrong here, so such a pair must take the UTF-8 comparison.
    const h = 'A'.repeat(43);
    const entry = (k: string) => `${JSON.stringify(k)}:{"hashes":{"sha256":"${h}="},"length":1}`;
    const inOrder = file(`{${entry('\uffff')},${entry('\u{10000}')}}`);
    const reversed = file(`{${entry('\u{10000}')},${entry('\uffff')}}`);
    expect(parseEnvelope(inOrder, 'targets', { lazyTargets: true }).lazyTargets?.keys()).toEqual([
      '\uffff',
      '\u{10000}',
    ]);
    expect(parseEnvelope(reversed, 'targets', { lazyTargets: true }).lazyTargets).toBeUndefined();
    for (const raw of [inOrder, reversed]) {
      expect(scan(raw, CANONICAL_FILE_META)).toEqual(scan(raw, twoStep));
      expect(lazy(raw)).toEqual(eager(raw));
    }
  });
});

describe('the FileMeta matcher', () => {
  // The plain form of what CANONICAL_FILE_META accepts; the matcher writes its digests differently for speed.
  const PLAIN_FORM =
    /\{"hashes":\{(?:"sha256":"[A-Za-z0-9+/]{43}="(?:,"sha512":"[A-Za-z0-9+/]{86}==")?|"sha512":"[A-Za-z0-9+/]{86}==")\},"length":(?:0|[1-9][0-9]{0,14})\}/y;
  const oracle = (s: string, at: number) => {
    PLAIN_FORM.lastIndex = at;
    return PLAIN_FORM.test(s) ? PLAIN_FORM.lastIndex : -1;
  };
  // Digest-like runs over the base64 alphabet plus the characters a faster class could let through (`_` above all,
  // which `\w` holds), at and around the right lengths.
  const near = (n: number) =>
    fc
      .array(fc.constantFrom(...B64, ...'_-.,:"=\\ é\u00ff'.split(''), 'A', 'z', '0', '+', '/'), {
        minLength: n - 2,
        maxLength: n + 2,
      })
      .map((a) => a.join(''));
  const digest = (n: number, pad: string) =>
    fc.oneof(
      b64Chars(n).map((s) => s + pad),
      fc.tuple(b64Chars(n), fc.nat({ max: n - 1 })).map(([s, i]) => `${s.slice(0, i)}_${s.slice(i + 1)}${pad}`),
      near(n + pad.length),
    );
  const text = fc.oneof(
    fc.tuple(digest(43, '='), length).map(([h, l]) => `{"hashes":{"sha256":"${h}"},"length":${l}}`),
    fc
      .tuple(digest(43, '='), digest(86, '=='), length)
      .map(([h, k, l]) => `{"hashes":{"sha256":"${h}","sha512":"${k}"},"length":${l}}`),
    fc.tuple(digest(86, '=='), length).map(([k, l]) => `{"hashes":{"sha512":"${k}"},"length":${l}}`),
    valueText,
  );

  it('accepts exactly what the plain base64 form accepts, with the same end', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3 }), text, fc.string({ maxLength: 3 }), (before, t, after) => {
        const s = before + t + after;
        expect(CANONICAL_FILE_META.match(s, before.length)).toBe(oracle(s, before.length));
      }),
      { numRuns: 3000 },
    );
  });

  it('declines a digest with `_` anywhere, and the lazy parse still agrees with the eager one', () => {
    const h = 'A'.repeat(43);
    for (let i = 0; i < 43; i++) {
      const bad = `${h.slice(0, i)}_${h.slice(i + 1)}=`;
      const v = `{"hashes":{"sha256":"${bad}"},"length":1}`;
      expect(CANONICAL_FILE_META.match(v, 0)).toBe(-1);
      const raw = file(`{"t":${v}}`);
      expect(lazy(raw)).toEqual(eager(raw));
      expect(lazy(raw).code).toBe('INVALID_METADATA');
    }
  });
});
