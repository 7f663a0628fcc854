import { describe, expect, it } from 'vitest';
import { type JsonObject, newJsonObject, parseJson } from '../../../src/canonical/index.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { isNotaryError } from '../../../src/errors.js';

function expectInvalid(input: string | Uint8Array, maxDepth?: number): void {
  let err: unknown;
  try {
    parseJson(input, maxDepth === undefined ? {} : { maxDepth });
  } catch (e) {
    err = e;
  }
  expect(isNotaryError(err, 'INVALID_JSON')).toBe(true);
  // Syntax errors say where; undecodable bytes fail before parsing starts.
  if (typeof input === 'string') {
    expect((err as { details: { offset: unknown } }).details.offset).toEqual(expect.any(Number));
  }
}

describe('strict JSON parser', () => {
  it('parses the RFC 8259 grammar', () => {
    expect(parseJson(' {"a" : [1, -2, 0, true, false, null, "x"] ,"b":{}}\r\n\t')).toEqual({
      a: [1, -2, 0, true, false, null, 'x'],
      b: {},
    });
    expect(parseJson('"s"')).toBe('s');
    expect(parseJson('[]')).toEqual([]);
    expect(parseJson(utf8('{"é":"😀"}'))).toEqual({ é: '😀' });
  });

  it('decodes every escape', () => {
    expect(parseJson('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\uD83D\\uDE00\\u003c"')).toBe('"\\/\b\f\n\r\tAé😀<');
  });

  it('numbers: exact integers up to 2^53-1, floats kept (the encoder refuses them later)', () => {
    expect(parseJson('[9007199254740991,-9007199254740991,1e2,1.0,-0,0.5,1E-2,123456789012345]')).toEqual([
      9007199254740991, -9007199254740991, 100, 1, -0, 0.5, 0.01, 123456789012345,
    ]);
  });

  it('rejects integers a double cannot hold exactly (Go would silently round 2^53+1)', () => {
    for (const n of [
      '9007199254740993',
      '9007199254740992',
      '-9007199254740993',
      '1e16',
      '12345678901234567890',
      '1e400',
      '-1e400',
    ]) {
      expectInvalid(`{"length":${n}}`);
    }
  });

  it('rejects duplicate keys, also when spelled with escapes', () => {
    expectInvalid('{"a":1,"a":2}');
    expectInvalid('{"a":1,"\\u0061":2}');
    expectInvalid('{"x":{"k":1,"k":1}}');
    expectInvalid('{"__proto__":1,"__proto__":2}');
  });

  it('__proto__ and inherited names are ordinary keys; nothing is polluted', () => {
    const o = parseJson('{"__proto__":{"polluted":true},"constructor":1,"toString":"x"}') as JsonObject;
    expect(Object.keys(o)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getOwnPropertyDescriptor(o, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const empty = parseJson('{}') as JsonObject;
    for (const name of ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf']) {
      expect(empty[name]).toBeUndefined();
      expect(name in empty).toBe(false);
    }
    expect(Object.getPrototypeOf(Object.getPrototypeOf(empty))).toBeNull();
    expect(Object.isFrozen(Object.getPrototypeOf(newJsonObject()))).toBe(true);
  });

  it('objects repeating, extending, shortening or escaping the keys of their siblings', () => {
    expect(
      parseJson('[{"ab":1,"cd":2},{"ab":3,"cd":4},{"abc":5,"c":6},{"a":7},{"a\\"b":8},{"a\\"b":9},{"😀":1},{"😀x":2}]'),
    ).toEqual([
      { ab: 1, cd: 2 },
      { ab: 3, cd: 4 },
      { abc: 5, c: 6 },
      { a: 7 },
      { 'a"b': 8 },
      { 'a"b': 9 },
      { '😀': 1 },
      { '😀x': 2 },
    ]);
    expect(parseJson('[{"x":1},{"x\\u0041":2},{"xA":3}]')).toEqual([{ x: 1 }, { xA: 2 }, { xA: 3 }]);
    expectInvalid('[{"ab":1},{"ab"c":1}]');
    expectInvalid('[{"ab":1},{"ab":1,"ab":2}]');
    expectInvalid('[{"ab":1},{"ab');
  });

  it('lone surrogate escapes become U+FFFD (as Go decodes them); pairs stay', () => {
    expect(parseJson('"\\ud800"')).toBe('\ufffd');
    expect(parseJson('"\\udc00x"')).toBe('\ufffdx');
    expect(parseJson('"\\ud800\\u0041"')).toBe('\ufffdA');
    expect(parseJson('"\\ud800\\ud800\\udc00"')).toBe('\ufffd\u{10000}');
    expect(parseJson('{"\\udfff":1}')).toEqual({ '\ufffd': 1 });
  });

  it('a raw lone surrogate in string input is refused (not representable in UTF-8)', () => {
    expectInvalid('"a\ud800b"');
    expectInvalid('"\udc00"');
    expect(parseJson('"\ud83d\ude00"')).toBe('😀');
  });

  it('bounds nesting (default 64) without overflowing the stack', () => {
    expect(parseJson(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeDefined();
    expectInvalid(`${'['.repeat(65)}${']'.repeat(65)}`);
    expectInvalid(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`);
    expectInvalid('['.repeat(200_000));
    expect(parseJson('[[1]]', { maxDepth: 2 })).toEqual([[1]]);
    expectInvalid('[[1]]', 1);
  });

  it('rejects invalid UTF-8 bytes and a BOM', () => {
    expectInvalid(Uint8Array.of(0x22, 0xff, 0x22));
    expectInvalid(Uint8Array.of(0x22, 0xc3, 0x22));
    expectInvalid(Uint8Array.of(0x22, 0xed, 0xa0, 0x80, 0x22));
    expectInvalid(Uint8Array.of(0xef, 0xbb, 0xbf, 0x31));
  });

  const bad = [
    '',
    ' ',
    '{',
    '}',
    '[1,]',
    '{"a":1,}',
    '{,}',
    '[,1]',
    "{'a':1}",
    '{a:1}',
    '{"a" 1}',
    '{"a":}',
    '01',
    '-01',
    '+1',
    '.5',
    '1.',
    '1.e2',
    '1e',
    '1e+',
    '-',
    '--1',
    'NaN',
    'Infinity',
    'tru',
    'nul',
    'True',
    '"unterminated',
    '"bad \\x escape"',
    '"\\u12"',
    '"\\u12g4"',
    '"tab\there"',
    '"nl\n"',
    '"\u0000"',
    '1 2',
    '{} []',
    '[1]x',
    '/* c */ 1',
    '\f1',
    '\u00a01',
    '[1\f]',
  ];
  for (const text of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => expectInvalid(text));
  }
});
