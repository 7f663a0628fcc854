import { describe, expect, it } from 'vitest';
import {
  canonicalBytes,
  type JsonObject,
  parseJsonWithCanonicalMember,
  wireString,
} from '../../../src/canonical/index.js';
import { utf8 } from '../../../src/encoding/utf8.js';

const decode = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

function member(text: string): string | undefined {
  const r = parseJsonWithCanonicalMember(utf8(text), 'signed');
  if (r.canonical !== undefined) {
    expect(r.canonical).toEqual(canonicalBytes((r.value as JsonObject).signed as JsonObject));
  }
  return decode(r.canonical);
}

describe('parseJsonWithCanonicalMember', () => {
  it('returns the canonical bytes straight from canonical source, as a view into the input', () => {
    const input = utf8('{"signed":{"a":[1,-2,"x"],"b":{"c":null}},"signatures":[]}');
    const r = parseJsonWithCanonicalMember(input, 'signed');
    expect(decode(r.canonical)).toBe('{"a":[1,-2,"x"],"b":{"c":null}}');
    expect(r.canonical?.buffer).toBe(input.buffer);
  });

  it('undoes Go wire escapes (and only them)', () => {
    const v = { 'a&b<c>': '\u2028\u2029', q: 'x"\\u003c' };
    const text = `{"signed":${wireString(v)},"signatures":[]}`;
    expect(text).toContain('\\\\u003c');
    expect(member(text)).toBe('{"a&b<c>":"\u2028\u2029","q":"x\\"\\\\u003c"}');
  });

  it('works for non-ASCII before and after the member and for string input', () => {
    expect(member('{"é":"😀","signed":{"k":"！"},"z":"😀"}')).toBe('{"k":"！"}');
    const r = parseJsonWithCanonicalMember('{"signed":{"k":"é"}}', 'signed');
    expect(decode(r.canonical)).toBe('{"k":"é"}');
  });

  it('whitespace outside the member does not matter', () => {
    expect(member(' { "x" : 1 , "signed" : {"a":1} , "y" : 2 } ')).toBe('{"a":1}');
  });

  const notCanonical = [
    '{"signed":{"a": 1}}',
    '{"signed":{ "a":1}}',
    '{"signed":[1 ,2]}',
    '{"signed":{"b":1,"a":2}}',
    '{"signed":{"😀smile":1,"！bang":2}}',
    '{"signed":"\\/"}',
    '{"signed":"\\u0041"}',
    '{"signed":"\\n"}',
    '{"signed":"\\u003C"}',
    '{"signed":"\\u0022"}',
    '{"signed":"\\ud83d\\ude00"}',
    '{"signed":"\\ud800"}',
    '{"signed":1.0}',
    '{"signed":1.5}',
    '{"signed":1e2}',
    '{"signed":-0}',
    '{"signed":{"a":{"c":1,"b":2}}}',
  ];
  for (const text of notCanonical) {
    it(`not canonical: ${text}`, () => expect(member(text)).toBeUndefined());
  }

  it('accepts the canonical ordering of astral vs BMP keys', () => {
    expect(member('{"signed":{"！bang":2,"😀smile":1}}')).toBe('{"！bang":2,"😀smile":1}');
  });

  it('undefined when the member is absent or the top level is not an object', () => {
    expect(parseJsonWithCanonicalMember(utf8('{"x":{}}'), 'signed').canonical).toBeUndefined();
    expect(parseJsonWithCanonicalMember(utf8('[{"signed":{}}]'), 'signed').canonical).toBeUndefined();
    expect(parseJsonWithCanonicalMember(utf8('{"x":{"signed":{}}}'), 'signed').canonical).toBeUndefined();
  });

  it('scalar members work too', () => {
    expect(member('{"signed":"<\\u0026>"}')).toBe('"<&>"');
    expect(member('{"signed":-12}')).toBe('-12');
    expect(member('{"signed":null}')).toBe('null');
  });
});

describe('parseJsonWithCanonicalMember: what counts as canonical', () => {
  it('escapes that canonical text keeps (\\" and \\\\) and Go wire escapes in keys and values stay canonical', () => {
    expect(member('{"signed":{"a\\"b":"c\\\\d"}}')).toBe('{"a\\"b":"c\\\\d"}');
    expect(member('{"signed":{"a\\u003cb":"\\u0026","x\\u2028":"\\u2029\\u003e"}}')).toBe(
      '{"a<b":"&","x\u2028":"\u2029>"}',
    );
  });

  it('escapes anywhere outside the member do not make it a copy', () => {
    for (const text of [
      '{"a":"\\u003c\\n","signed":{"k":[1,"v"]},"z":"\\u0026\\/"}',
      '{"a":"\\u003c","signed":{"k":1}}',
      '{"signed":{"k":1},"z":"\\u003e"}',
    ]) {
      const input = utf8(text);
      const r = parseJsonWithCanonicalMember(input, 'signed');
      expect(r.canonical?.buffer).toBe(input.buffer);
      expect(r.canonical).toEqual(canonicalBytes((r.value as JsonObject).signed as JsonObject));
    }
  });

  it('whitespace anywhere inside the member, at any depth, makes it non-canonical', () => {
    for (const text of [
      '{"signed":[ 1]}',
      '{"signed":[1 ]}',
      '{"signed":[1, 2]}',
      '{"signed":[ ]}',
      '{"signed":{ }}',
      '{"signed":{"a" :1}}',
      '{"signed":{"a":1 }}',
      '{"signed":{"a":1, "b":2}}',
      '{"signed":{"a":[{"b":[1,{"c": 2}]}]}}',
    ]) {
      expect(member(text)).toBeUndefined();
    }
  });

  it('numbers: minimal integers of any length up to 2^53-1 are canonical, other forms are not', () => {
    expect(member('{"signed":[1234567890123456,-9007199254740991,0,-7]}')).toBe(
      '[1234567890123456,-9007199254740991,0,-7]',
    );
    for (const n of ['-0', '0.0', '1E2', '1e+2', '10e-1', '-0e0', '5.0']) {
      expect(member(`{"signed":[${n}]}`)).toBeUndefined();
    }
  });

  it('key order is checked in every object of the member, by UTF-8 bytes, also after a repeated key shape', () => {
    expect(member('{"signed":[{"a":1,"b":2},{"a":1,"b":2}]}')).toBe('[{"a":1,"b":2},{"a":1,"b":2}]');
    expect(member('{"signed":[{"a":1,"b":2},{"b":1,"a":2}]}')).toBeUndefined();
    expect(member('{"signed":{"a":1,"ab":2,"b":3}}')).toBe('{"a":1,"ab":2,"b":3}');
    expect(member('{"signed":{"ab":1,"a":2}}')).toBeUndefined();
    expect(member('{"signed":{"\uffff":1,"\u{10000}":2}}')).toBe('{"\uffff":1,"\u{10000}":2}');
    expect(member('{"signed":{"\u{10000}":1,"\uffff":2}}')).toBeUndefined();
  });

  it('only the top-level member counts: the same key deeper down, or inside an array, is not it', () => {
    const r = parseJsonWithCanonicalMember(utf8('{"a":{"signed":{"x":1}},"signed":{"y":2}}'), 'signed');
    expect(decode(r.canonical)).toBe('{"y":2}');
    expect(parseJsonWithCanonicalMember(utf8('{"a":[{"signed":1}]}'), 'signed').canonical).toBeUndefined();
  });

  it('large inputs (the ASCII fast path and beyond it) give the same value and canonical bytes', () => {
    const long = 'x'.repeat(5000);
    for (const filler of [long, `é${long}`, `${long}😀`]) {
      const text = `{"pad":"${filler}","signed":{"k":"${filler}"},"z":"${filler}"}`;
      const input = utf8(text);
      const r = parseJsonWithCanonicalMember(input, 'signed');
      expect(r.value).toEqual({ pad: filler, signed: { k: filler }, z: filler });
      expect(decode(r.canonical)).toBe(`{"k":"${filler}"}`);
      expect(r.canonical?.buffer).toBe(input.buffer);
    }
  });

  it('large invalid UTF-8 is refused like small', () => {
    const bytes = utf8(`{"signed":"${'x'.repeat(5000)}"}`);
    bytes[3] = 0xff;
    expect(() => parseJsonWithCanonicalMember(bytes, 'signed')).toThrow(
      expect.objectContaining({ code: 'INVALID_JSON' }),
    );
  });

  it('a byte input that is a view into a larger buffer is measured from the view', () => {
    const whole = utf8('garbage{"é":1,"signed":{"k":"ü"}}garbage');
    const view = whole.subarray(7, whole.length - 7);
    const r = parseJsonWithCanonicalMember(view, 'signed');
    expect(decode(r.canonical)).toBe('{"k":"ü"}');
  });
});

describe('parseJsonWithCanonicalMember: features that cancel out', () => {
  it('one non-canonical feature does not undo another', () => {
    for (const text of [
      '{"signed":[ -0]}',
      '{"signed":[ "\\ud83d\\ude00"]}',
      '{"signed":[ 1.5]}',
      '{"signed":[ "\\u003C"]}',
      '{"signed":{"b":1, "a":2}}',
    ]) {
      expect(member(text)).toBeUndefined();
    }
  });
});
