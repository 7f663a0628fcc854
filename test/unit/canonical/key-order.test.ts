import { describe, expect, it } from 'vitest';
import { compareUtf8, sortedKeys, sortKeysInPlace } from '../../../src/canonical/index.js';

const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

describe('UTF-8 byte order', () => {
  it('orders astral characters after U+E000–U+FFFF (JS sort does the opposite)', () => {
    expect(compareUtf8('！bang', '😀smile')).toBeLessThan(0);
    expect(compareUtf8('\uffff', '\u{10000}')).toBeLessThan(0);
    expect(compareUtf8('\ue000', '\ud7ff')).toBeGreaterThan(0);
    expect(compareUtf8('\u{10000}', '\u{10001}')).toBeLessThan(0);
    expect(compareUtf8('a', 'ab')).toBeLessThan(0);
    expect(compareUtf8('_type', 'a')).toBeLessThan(0);
    expect(compareUtf8('Z', '_')).toBeLessThan(0);
    expect(compareUtf8('same', 'same')).toBe(0);
  });

  it('sortedKeys matches Buffer.compare of the UTF-8 bytes', () => {
    const keys = ['😀smile', '！bang', 'v3&<x>', 'a', '', '\u{1F600}', '\ue000', '\ud7ff', 'é', 'Z', '_type', 'ab'];
    const o = Object.fromEntries(keys.map((k, i) => [k, i]));
    expect(sortedKeys(o)).toEqual([...keys].sort(byBytes));
    const ascii = { c: 1, a: 2, b: 3 };
    expect(sortedKeys(ascii)).toEqual(['a', 'b', 'c']);
    expect(sortedKeys({})).toEqual([]);
    // Integer-like keys are enumerated first by JS, but sorted as strings here.
    expect(sortedKeys({ b: 1, 10: 1, 9: 1 })).toEqual(['10', '9', 'b']);
  });

  it('keys made only of units at or above U+D800 (no ASCII anywhere) still sort by UTF-8 bytes', () => {
    const keys = [
      '\u{10000}',
      '\ue000',
      '\u{10ffff}',
      '\uffff',
      '\u{1f600}',
      '\ue001',
      '\uff01',
      '\u{10001}',
      '\ufb00',
    ];
    const expected = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(expected.slice(0, 5)).toEqual(['\ue000', '\ue001', '\ufb00', '\uff01', '\uffff']);
    expect(sortKeysInPlace([...keys])).toEqual(expected);
  });
});
