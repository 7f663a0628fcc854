import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/canonical/index.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { isNotaryError } from '../../../src/errors.js';

// Where the strict parser says the input went wrong: `details.offset` is part of the error's contract (the code
// and details, never the message, are what callers and tests rely on). Each offset is the first character that
// cannot continue a valid document: the bad character, the start of a bad token, or the input's end.
function offsetOf(input: string | Uint8Array, maxDepth?: number): unknown {
  try {
    parseJson(input, maxDepth === undefined ? {} : { maxDepth });
  } catch (e) {
    if (!isNotaryError(e, 'INVALID_JSON')) throw e;
    return (e.details as { offset?: unknown } | undefined)?.offset;
  }
  return 'accepted';
}

const cases: [string, number][] = [
  ['', 0],
  [' ', 1],
  ['{', 1],
  ['}', 0],
  ['[1,]', 3],
  ['[ 1 , ]', 6],
  ['{"a":1,}', 7],
  ['{,}', 1],
  ['[,1]', 1],
  ["{'a':1}", 1],
  ['{a:1}', 1],
  ['{"a" 1}', 5],
  ['{"a":}', 5],
  ['{"a" :1,"b":}', 12],
  ['{"k":tru}', 5],
  ['[fals]', 1],
  ['[nulx]', 1],
  ['01', 1],
  ['-01', 2],
  ['+1', 0],
  ['.5', 0],
  ['1.', 2],
  ['1.e2', 2],
  ['1e', 2],
  ['1e+', 3],
  ['[1e-]', 4],
  ['[1.5e]', 5],
  ['-', 1],
  ['[-]', 2],
  ['--1', 1],
  ['NaN', 0],
  ['True', 0],
  ['"unterminated', 13],
  ['"bad \\x escape"', 5],
  ['"\\u0041\\q"', 7],
  ['"\\u12"', 3],
  ['"\\u12g4"', 3],
  ['"\\ud800\\uzzzz"', 9],
  ['"tab\there"', 4],
  ['"ab\u0001"', 3],
  ['"a\ud800b"', 2],
  ['"\udc00"', 1],
  ['"\ud800"', 1],
  ['1 2', 2],
  ['[1]x', 3],
  ['{ }x', 3],
  ['[ ]x', 3],
  ['{"a":1}  x', 9],
  ['[1 2]', 3],
  ['{"a":1 "b":2}', 7],
  ['{"a":1}}', 7],
  // Duplicate keys point at the second occurrence of the key, however it is spelled.
  ['{"a":1,"a":2}', 7],
  ['{"x":{"k":1, "k":1}}', 13],
  ['[{"ab":1},{"ab":1,"ab":2}]', 18],
  ['{"a":1,"b\\u0041":2,"bA":3}', 19],
  // Unrepresentable numbers point at the number's start.
  ['{"a":9007199254740993}', 5],
  ['[1,-1e400]', 3],
  ['[0,-9007199254740992]', 3],
  // A key cached from an earlier object (no escapes) must not stand in for a key that has them.
  ['[{"a\\"b":1},{"a"b":1}]', 16],
  ['"\\u00!0"', 3],
  ['"\udc00\udc00"', 1],
  ['"\u0001\udc00"', 1],
  ['"\ud800\ue000"', 1],
];

describe('strict JSON parser: error offsets', () => {
  for (const [text, offset] of cases) {
    it(`${JSON.stringify(text)} fails at ${offset}`, () => expect(offsetOf(text)).toBe(offset));
  }

  it('nesting too deep fails at the bracket that goes one level too far', () => {
    expect(offsetOf('[[1]]', 1)).toBe(1);
    expect(offsetOf('{"a":{"b":1}}', 1)).toBe(5);
    expect(offsetOf('[{"a":[]}]', 2)).toBe(6);
    expect(offsetOf('[{"a":[]}]', 3)).toBe('accepted');
  });

  it('byte input: offsets count characters of the decoded text', () => {
    expect(offsetOf(utf8('{"é":1,"é":2}'))).toBe(7);
    expect(offsetOf(utf8('["😀",x]'))).toBe(6);
  });

  it('invalid UTF-8 fails before parsing, without an offset', () => {
    expect(offsetOf(Uint8Array.of(0x22, 0xff, 0x22))).toBeUndefined();
  });
});

describe('strict JSON parser: \\u escapes and surrogates decode exactly', () => {
  const cases: [string, string][] = [
    ['"\\u0041\\udc00"', 'A\ufffd'],
    ['"\\udbff\\udfff"', '\u{10ffff}'],
    ['"\\ud800\\udfff"', '\u{103ff}'],
    ['"\\ud800\\ue000"', '\ufffd\ue000'],
    ['"\\ud800xudc00"', '\ufffdxudc00'],
    ['"\\ud800\\n"', '\ufffd\n'],
    ['"\\ue000\\u2028\\uffff"', '\ue000\u2028\uffff'],
    ['"\\u000a\\u000A\\u00FF\\u00ff\\u00Fa"', '\n\nÿÿú'],
    ['"\\u0041xuz"', 'Axuz'],
    ['"\\u0041u0042"', 'Au0042'],
    ['"\\udc00\\udc00"', '\ufffd\ufffd'],
  ];
  for (const [text, value] of cases) {
    it(`${text}`, () => expect(parseJson(text)).toBe(value));
  }

  it('keys with escapes are decoded every time, whatever an earlier object held', () => {
    expect(parseJson('[{"a\\\\b":1},{"a\\b":2},{"a\\\\b":3}]')).toEqual([{ 'a\\b': 1 }, { 'a\b': 2 }, { 'a\\b': 3 }]);
    expect(parseJson('[{"a\\"b":1},{"a\\"b":2}]')).toEqual([{ 'a"b': 1 }, { 'a"b': 2 }]);
  });
});
