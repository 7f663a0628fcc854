import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalBytes,
  canonicalString,
  compareUtf8,
  type JsonObject,
  type JsonValue,
  parseJson,
  parseJsonWithCanonicalMember,
  sortedKeys,
  wireString,
} from '../../src/canonical/index.js';
import { utf8 } from '../../src/encoding/utf8.js';
import { toJsonObject } from '../helpers/json-object.js';

// Strings mixing the characters that matter: astral vs U+E000–U+FFFF ordering, HTML escapes, JSON escapes, raw
// control characters, plus arbitrary code points.
const special = fc.constantFrom(
  '！',
  '😀',
  '\ue000',
  '\uffff',
  '\u{10000}',
  '<',
  '>',
  '&',
  '\u2028',
  '\u2029',
  '"',
  '\\',
  '\t',
  '\n',
  '\u0000',
  '\u001f',
  'é',
  '_',
  'a',
  'Z',
  '/',
);
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.array(special, { maxLength: 6 }).map((a) => a.join('')),
);
const integer = fc.maxSafeInteger().map((n) => (n === 0 ? 0 : n));

const { json } = fc.letrec<{ json: JsonValue }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    integer,
    text,
    fc.array(tie('json'), { maxLength: 5 }),
    fc.dictionary(text, tie('json'), { maxKeys: 6 }).map(toJsonObject),
  ),
}));

/** A copy with every object's keys inserted in a different order. */
function reinsert(v: JsonValue, seed: number): JsonValue {
  if (Array.isArray(v)) return v.map((x) => reinsert(x, seed));
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    const rotated = keys.map((_, i) => keys[(i + seed) % keys.length] as string).reverse();
    const out: JsonObject = Object.create(null);
    for (const k of rotated) out[k] = reinsert(v[k] as JsonValue, seed);
    return out;
  }
  return v;
}

/** Raw control characters make canonical text invalid JSON (Go signs them raw but never parses that text). */
function hasControl(v: JsonValue): boolean {
  return allStrings(v).some((s) => /[\u0000-\u001f]/.test(s));
}

function allStrings(v: JsonValue): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(allStrings);
  if (v !== null && typeof v === 'object') return Object.keys(v).flatMap((k) => [k, ...allStrings(v[k] as JsonValue)]);
  return [];
}

const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('canonical JSON properties', () => {
  it('the canonical form does not depend on key insertion order', () => {
    fc.assert(
      fc.property(json, fc.nat(10), (v, seed) => {
        expect(canonicalString(reinsert(v, seed))).toBe(canonicalString(v));
      }),
    );
  });

  it('keys come out in UTF-8 byte order (Buffer.compare), at every level', () => {
    fc.assert(
      fc.property(fc.dictionary(text, integer, { maxKeys: 20 }).map(toJsonObject), (o) => {
        const expected = Object.keys(o).sort(byUtf8);
        expect(sortedKeys(o)).toEqual(expected);
        const back = parseJson(wireString(o)) as JsonObject;
        expect(Object.keys(back).sort(byUtf8)).toEqual(expected);
        for (let i = 1; i < expected.length; i++) {
          expect(Math.sign(compareUtf8(expected[i - 1] as string, expected[i] as string))).toBe(-1);
        }
      }),
    );
  });

  it('compareUtf8 agrees with Buffer.compare on any pair of strings', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(Math.sign(byUtf8(a, b)));
      }),
    );
  });

  it('parse(canonical(v)) deep-equals v, and canonical is a fixed point', () => {
    fc.assert(
      fc.property(json, (v) => {
        fc.pre(!hasControl(v));
        const bytes = canonicalBytes(v);
        const back = parseJson(bytes);
        expect(back).toEqual(v);
        expect(canonicalBytes(back)).toEqual(bytes);
      }),
    );
  });

  it('control characters are signed raw: canonical text holds the bytes, the wire form escapes them', () => {
    fc.assert(
      fc.property(json, (v) => {
        fc.pre(hasControl(v));
        expect(canonicalString(v)).toMatch(/[\u0000-\u001f]/);
        expect(parseJson(wireString(v))).toEqual(v);
      }),
    );
  });

  it('the wire form parses to the same value and contains no raw <, >, &, U+2028/9 or control characters', () => {
    fc.assert(
      fc.property(json, (v) => {
        const w = wireString(v);
        expect(parseJson(w)).toEqual(v);
        expect(w).not.toMatch(/[<>&\u2028\u2029\u0000-\u001f]/);
      }),
    );
  });

  it('canonical bytes taken from the source equal re-encoding, whenever they are reported', () => {
    fc.assert(
      fc.property(json, fc.constantFrom('canonical', 'wire', 'stringify', 'pretty'), (v, form) => {
        // Raw control characters: canonical text is not JSON, and the wire form escapes them (so is not canonical).
        fc.pre(form === 'stringify' || form === 'pretty' || !hasControl(v));
        const inner =
          form === 'canonical'
            ? canonicalString(v)
            : form === 'wire'
              ? wireString(v)
              : JSON.stringify(v, null, form === 'pretty' ? 1 : undefined);
        const r = parseJsonWithCanonicalMember(utf8(`{"signatures":[],"signed":${inner}}`), 'signed');
        if (form === 'canonical' || form === 'wire') expect(r.canonical).toBeDefined();
        if (r.canonical !== undefined) expect(r.canonical).toEqual(canonicalBytes(v));
      }),
    );
  });

  it('the strict parser agrees with JSON.parse on valid text without duplicate keys', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (t) => {
        const expected = JSON.parse(t) as unknown;
        const hasUnsafe = JSON.stringify(expected, (_k, x) =>
          typeof x === 'number' && Number.isInteger(x) && !Number.isSafeInteger(x) ? 'UNSAFE' : x,
        ).includes('"UNSAFE"');
        if (hasUnsafe || /"__proto__"/.test(t)) return;
        expect(parseJson(t)).toEqual(expected);
      }),
    );
  });
});
