import { describe, expect, it } from 'vitest';
import { hasOwn, isJsonObject, newJsonObject, parseJson } from '../../../src/canonical/index.js';

describe('JSON value helpers', () => {
  it('isJsonObject: objects only (not null, arrays or scalars), with or without a prototype', () => {
    for (const v of [{}, { a: 1 }, newJsonObject(), parseJson('{"__proto__":1}'), Object.create(null)]) {
      expect(isJsonObject(v)).toBe(true);
    }
    for (const v of [null, [], [1], 'o', 0, 1, true, false, undefined]) expect(isJsonObject(v)).toBe(false);
  });

  it('hasOwn: own keys only, also __proto__ on parsed objects', () => {
    const o = parseJson('{"__proto__":null,"a":0}') as object;
    expect(hasOwn(o, '__proto__')).toBe(true);
    expect(hasOwn(o, 'a')).toBe(true);
    expect(hasOwn(o, 'b')).toBe(false);
    expect(hasOwn(newJsonObject(), 'toString')).toBe(false);
    expect(hasOwn({}, 'toString')).toBe(false);
  });
});
