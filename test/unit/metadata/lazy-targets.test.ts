import { describe, expect, it } from 'vitest';
import {
  canonicalBytes,
  type JsonObject,
  parseJsonWithCanonicalMember,
  wireString,
} from '../../../src/canonical/index.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { isNotaryError } from '../../../src/errors.js';
import { CANONICAL_FILE_META } from '../../../src/metadata/file-meta.js';
import { parseEnvelope, parseTargets, Targets } from '../../../src/metadata/index.js';

const H256 = 'zuGTidkqcH/H3TvIzLTB2NdZDaUsDlA62z/7SPcaWdc=';
const H512 = 'eSBbdBuh66hnY8yxAM68X3wCXbOy6UcU5owjTASmDe/IykVCk7PUDmscrGOXlecin74JCsf/7aS5kB6Q+u9X0Q==';

function file(targets: string): Uint8Array {
  return utf8(
    `{"signed":{"_type":"Targets","delegations":{"keys":{},"roles":[]},"expires":"2030-01-01T00:00:00Z",` +
      `"targets":${targets},"version":1},"signatures":[]}`,
  );
}

function bigMap(n: number, entry: (i: number) => unknown = () => ({ hashes: { sha256: H256 }, length: 7 })): string {
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) o[`tag-${i}`] = entry(i);
  return wireString(o as never);
}

// Deep equality on 100 KB typed arrays is slow in vitest; compare bytes directly.
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

function eager(raw: Uint8Array): Targets {
  const e = parseEnvelope(raw, 'targets');
  return Targets.fromJson(e.signed, 'targets', e.canonical);
}

function codeOf(f: () => unknown): { code: string; details: unknown } | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!isNotaryError(e)) throw e;
    return { code: e.code, details: e.details };
  }
}

describe('lazy targets parse', () => {
  it('keeps a canonical 3000-entry map undecoded and answers as the eager parse', () => {
    const raw = file(
      bigMap(3000, (i) =>
        i % 3 === 0 ? { hashes: { sha256: H256, sha512: H512 }, length: i } : { hashes: { sha256: H256 }, length: i },
      ),
    );
    expect(parseEnvelope(raw, 'targets', { lazyTargets: true }).lazyTargets?.size).toBe(3000);
    const lazy = parseTargets(raw).signed;
    const ref = eager(raw);
    expect(lazy.targetCount).toBe(3000);
    for (const name of ['tag-0', 'tag-2999', 'tag-1500', 'tag-3', 'nope', 'tag-', '__proto__']) {
      expect(lazy.getTarget(name)).toEqual(ref.getTarget(name));
      expect(lazy.hasTarget(name)).toBe(ref.hasTarget(name));
    }
    expect(lazy.targetNames().sort()).toEqual(ref.targetNames().sort());
    const all = [...lazy.targets()];
    expect(all.map((t) => t.name)).toEqual(lazy.targetNames());
    for (const k of [0, 1, 1234, 2999]) expect(all[k]).toEqual(ref.getTarget(all[k]?.name as string));
    expect(sameBytes(lazy.canonicalBytes(), ref.canonicalBytes())).toBe(true);
    // The JSON is materialised on first access, equal to the eager one (and the canonical bytes still hold).
    expect(sameBytes(canonicalBytes(lazy.json), canonicalBytes(ref.json))).toBe(true);
    expect(Object.keys(lazy.json.targets as JsonObject)).toEqual(Object.keys(ref.json.targets as JsonObject));
    expect(lazy.json).toBe(lazy.json);
  });

  it('a bad digest deep inside still fails the parse, with the eager error', () => {
    const raw = file(
      bigMap(2000, (i) => ({ hashes: { sha256: i === 1500 ? `${H256.slice(0, 42)}!=` : H256 }, length: 1 })),
    );
    const err = codeOf(() => parseTargets(raw));
    expect(err).toEqual({
      code: 'INVALID_METADATA',
      details: { role: 'targets', field: 'targets.tag-1500.hashes.sha256' },
    });
    expect(err).toEqual(codeOf(() => eager(raw)));
  });

  it('reports the first bad entry in the eager order when several are bad', () => {
    const text = '{"10":{"hashes":{}},"9":{"length":1}}';
    expect(codeOf(() => parseTargets(file(text)))).toEqual(codeOf(() => eager(file(text))));
  });

  it('a duplicate name is INVALID_JSON (the scan sees keys not increasing and lets the strict parser decide)', () => {
    const e = `{"hashes":{"sha256":"${H256}"},"length":1}`;
    const raw = file(`{"a":${e},"b":${e},"b":${e}}`);
    expect(codeOf(() => parseTargets(raw))?.code).toBe('INVALID_JSON');
    expect(codeOf(() => parseTargets(raw))).toEqual(codeOf(() => eager(raw)));
  });

  it('unsorted or spaced maps fall back to the eager parse and still verify over canonical bytes', () => {
    const e = `{"hashes":{"sha256":"${H256}"},"length":1}`;
    for (const t of [`{"b":${e},"a":${e}}`, `{"a":${e}, "b":${e}}`, `{ "a":${e}}`]) {
      const raw = file(t);
      expect(parseEnvelope(raw, 'targets', { lazyTargets: true }).lazyTargets).toBeUndefined();
      expect(parseTargets(raw).signed.canonicalBytes()).toEqual(eager(raw).canonicalBytes());
    }
  });

  it('entries the matcher declines (custom, other algorithms) are parsed and validated strictly', () => {
    const raw = file(
      `{"a":{"custom":{"x":"<&>"},"hashes":{"sha256":"${H256}"},"length":1},"b":{"hashes":{"md5":"AA==","sha256":"${H256}"},"length":2},"c":{"hashes":{"sha256":"${H256}"},"length":3}}`,
    );
    expect(parseEnvelope(raw, 'targets', { lazyTargets: true }).lazyTargets?.slowIndices()).toEqual([0, 1]);
    const t = parseTargets(raw).signed;
    expect(t.getTarget('a')?.custom).toEqual({ x: '<&>' });
    expect(t.getTarget('b')?.length).toBe(2);
    expect(t.getTarget('c')).toEqual(eager(raw).getTarget('c'));
  });

  it('names with escapes, Go wire escapes and astral characters are found by binary search', () => {
    const names = ['a&b<c>', '\u2028', 'q"q', 'b\\s', '！', '😀', 'z', 'é', ''];
    const o: Record<string, unknown> = {};
    for (const n of names) o[n] = { hashes: { sha256: H256 }, length: n.length };
    const raw = file(wireString(o as never));
    const lazyObj = parseEnvelope(raw, 'targets', { lazyTargets: true }).lazyTargets;
    expect(lazyObj?.size).toBe(names.length);
    const t = parseTargets(raw).signed;
    for (const n of names) expect(t.getTarget(n)?.length).toBe(n.length);
    expect(t.getTarget('😀x')).toBeUndefined();
    // Source order is UTF-8 order: ！ (U+FF01) before 😀 (U+1F600), unlike UTF-16 order.
    expect(t.targetNames().indexOf('！')).toBeLessThan(t.targetNames().indexOf('😀'));
  });

  it('an empty map is lazy too', () => {
    const t = parseTargets(file('{}')).signed;
    expect(t.targetCount).toBe(0);
    expect(t.getTarget('x')).toBeUndefined();
    expect(t.json.targets).toEqual({});
  });
});

describe('LazyObject', () => {
  it('reads keys and values on demand and materialises like the strict parser', () => {
    const text = `{"s":{"t":{"a":{"hashes":{"sha256":"${H256}"},"length":1},"b":[1,{"c":null}]}}}`;
    const r = parseJsonWithCanonicalMember(text, 's', { lazy: { key: 't', matcher: CANONICAL_FILE_META } });
    const lazy = r.lazy;
    if (lazy === undefined) throw new Error('expected a lazy object');
    expect(lazy.keys()).toEqual(['a', 'b']);
    expect(lazy.indexOf('b')).toBe(1);
    expect(lazy.has('c')).toBe(false);
    expect(lazy.get('b')).toEqual([1, { c: null }]);
    expect(lazy.valueAt(0)).toEqual({ hashes: { sha256: H256 }, length: 1 });
    expect(lazy.toJson()).toEqual({ a: { hashes: { sha256: H256 }, length: 1 }, b: [1, { c: null }] });
    expect(() => lazy.keyAt(2)).toThrow(RangeError);
    expect(new TextDecoder().decode(r.canonical)).toBe(text.slice(5, -1));
  });

  it('is not used outside the watched member or for non-objects', () => {
    const m = { lazy: { key: 't', matcher: CANONICAL_FILE_META } };
    expect(parseJsonWithCanonicalMember('{"x":{"t":{}},"s":{}}', 's', m).lazy).toBeUndefined();
    expect(parseJsonWithCanonicalMember('{"s":{"t":[]}}', 's', m).lazy).toBeUndefined();
    expect(parseJsonWithCanonicalMember('{"s":[{"t":{}}]}', 's', m).lazy).toBeUndefined();
    expect(parseJsonWithCanonicalMember('{"s":{"t":{}}}', 's', m).lazy?.size).toBe(0);
  });
});

describe('CANONICAL_FILE_META', () => {
  const m = (s: string) => CANONICAL_FILE_META.match(`x${s}y`, 1);
  it('accepts exactly the canonical sha256/sha512 shapes', () => {
    for (const ok of [
      `{"hashes":{"sha256":"${H256}"},"length":0}`,
      `{"hashes":{"sha256":"${H256}","sha512":"${H512}"},"length":123456789012345}`,
      `{"hashes":{"sha512":"${H512}"},"length":10}`,
    ]) {
      expect(m(ok)).toBe(ok.length + 1);
    }
    for (const bad of [
      `{"hashes":{"sha256":"${H256}"},"length":01}`,
      `{"hashes":{"sha256":"${H256}"},"length":-1}`,
      `{"hashes":{"sha256":"${H256}"},"length":1234567890123456}`,
      `{"hashes":{"sha256":"${H256}"},"length":1.0}`,
      `{"hashes":{"sha256":"${H256.slice(1)}A"},"length":1}`,
      `{"hashes":{"sha256":"${H256.replace('=', 'A')}"},"length":1}`,
      `{"hashes":{"sha512":"${H512}","sha256":"${H256}"},"length":1}`,
      `{"hashes":{"sha256":"${H256}"}, "length":1}`,
      `{"custom":null,"hashes":{"sha256":"${H256}"},"length":1}`,
    ]) {
      expect(m(bad)).toBe(-1);
    }
  });
});
