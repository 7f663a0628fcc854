// docker trust inspect's tag order (fvbommel/sortorder NaturalLess over UTF-8 bytes), one branch per case.
import { describe, expect, it } from 'vitest';
import { naturalLess } from '../../../src/client/index.js';

/** [a, b, naturalLess(a, b)] */
const CASES: [string, string, boolean][] = [
  ['', '', false],
  ['', 'a', true],
  ['a', '', false],
  ['a', 'a', false],
  ['ab', 'abc', true],
  ['abc', 'ab', false],
  ['a', 'b', true],
  ['b', 'a', false],
  ['1', 'a', true], // a digit sorts before a non-digit
  ['a', '1', false],
  ['x9', 'x10', true], // numbers by value
  ['x10', 'x9', false],
  ['x12', 'x13', true],
  ['x13', 'x12', false],
  ['x12', 'x12', false],
  ['a1', 'a01', true], // equal value: fewer leading zeros first
  ['a01', 'a1', false],
  ['a0', 'a00', true],
  ['a00', 'a0', false],
  ['a01b', 'a1c', false], // the zeros decide before the rest is looked at
  ['a1c', 'a01b', true],
  ['a1b', 'a1c', true], // after equal numbers the comparison goes on
  ['a1c', 'a1b', false],
  ['a1', 'a1b', true],
  ['v1.10', 'v1.9', false],
  ['v1.9', 'v1.10', true],
  ['z', 'é', true], // bytes: 0x7a < 0xc3
  ['é', 'z', false],
  ['009', '10', true],
  ['a-', 'a5', false], // punctuation below '0' is no digit
  ['a5', 'a-', true],
  ['a1', 'a', false], // a longer string never sorts first because the other ran out
  ['a', 'a1', true],
  ['a9x', 'a10', true],
  ['a10', 'a9x', false],
  ['10', '009', false],
];

describe('naturalLess', () => {
  it.each(CASES)('naturalLess(%j, %j) is %s', (a, b, want) => {
    expect(naturalLess(a, b)).toBe(want);
  });
});
