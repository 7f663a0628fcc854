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
