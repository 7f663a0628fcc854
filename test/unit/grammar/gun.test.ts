// The GUN grammar (src/grammar/gun.ts): one rule for client, signer and CLI.
import { describe, expect, it } from 'vitest';
import { assertGun, gunProblem, isGun, MAX_GUN_LENGTH } from '../../../src/grammar/gun.js';
import { normalizeGun } from '../../../src/remote/index.js';

describe('assertGun', () => {
  for (const gun of ['example.com/p/q', 'docker.io/library/alpine', 'localhost:5000/a', 'a', 'A.b_c~d-e/f']) {
    it(`accepts ${gun}`, () => {
      expect(() => assertGun(gun)).not.toThrow();
      expect(isGun(gun)).toBe(true);
    });
  }
  const bad: [string, string][] = [
    ['', 'empty'],
    ['/a', 'empty path segment'],
    ['a/', 'empty path segment'],
    ['a//b', 'empty path segment'],
    ['a/../b', 'dot segment'],
    ['..', 'dot segment'],
    ['a/./b', 'dot segment'],
    ['a b', 'character not allowed'],
    ['example.com/My App', 'character not allowed'],
    ['a?b', 'character not allowed'],
    ['a#b', 'character not allowed'],
    ['a%2Fb', 'character not allowed'],
    ['a\\b', 'character not allowed'],
    ['a*b', 'character not allowed'],
    ['a\nb', 'character not allowed'],
    ['a\0b', 'character not allowed'],
    ['ü/x', 'character not allowed'],
    ['x'.repeat(MAX_GUN_LENGTH + 1), `longer than ${MAX_GUN_LENGTH} characters`],
  ];
  for (const [gun, reason] of bad) {
    it(`refuses ${JSON.stringify(gun.slice(0, 20))} (${reason})`, () => {
      expect(gunProblem(gun)).toBe(reason);
      expect(() => assertGun(gun)).toThrow(expect.objectContaining({ code: 'INVALID_GUN', details: { gun, reason } }));
    });
  }
  it('accepts exactly 255 characters', () => {
    expect(isGun('x'.repeat(MAX_GUN_LENGTH))).toBe(true);
  });
  it('every docker-normalised name is a GUN', () => {
    for (const n of ['alpine', 'user/app', 'localhost:5000/app', 'Example.com/app', 'index.docker.io/x/y']) {
      expect(isGun(normalizeGun(n)), n).toBe(true);
    }
  });
});
