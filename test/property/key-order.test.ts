import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareUtf8, sortedKeys } from '../../src/canonical/index.js';

// Key order decides every signature's bytes: compareUtf8 and sortedKeys must agree with Buffer.compare of the
// UTF-8 bytes for characters on both sides of the surrogate range, for small objects (insertion sort) and large
// ones (native sort, checked, re-sorted when an astral character meets U+E000..U+FFFF).
const ALPHABET = ['a', 'b', 'Z', '_', '\u007f', 'é', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{10ffff}', '1'];
const text = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 4 }).map((a) => a.join(''));
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('UTF-8 key order (property)', () => {
  it('compareUtf8 has the sign of Buffer.compare', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(Math.sign(compareUtf8(a, b))).toBe(byBytes(a, b));
      }),
      { numRuns: 2000 },
    );
  });

  it('sortedKeys sorts any object by UTF-8 bytes, small or large', () => {
    fc.assert(
      fc.property(fc.uniqueArray(text, { maxLength: 24 }), (keys) => {
        const o = Object.fromEntries(keys.map((k) => [k, 0]));
        expect(sortedKeys(o)).toEqual([...keys].sort(byBytes));
      }),
      { numRuns: 1000 },
    );
  });
});
