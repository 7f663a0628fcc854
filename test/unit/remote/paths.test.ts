// GUN and role validation and the URL paths built from them.
import { describe, expect, it } from 'vitest';
import { NotaryRemote } from '../../../src/remote/index.js';
import { isValidRoleName, metadataFileName, tufBasePath, validateGun } from '../../../src/remote/paths.js';

describe('validateGun', () => {
  for (const gun of ['example.com/p/q', 'docker.io/library/alpine', 'localhost:5000/a', 'a', 'A.b_c~d-e/f']) {
    it(`accepts ${gun}`, () => {
      expect(() => validateGun(gun)).not.toThrow();
    });
  }
  const bad = [
    '',
    '/a',
    'a/',
    'a//b',
    'a/../b',
    '..',
    'a/./b',
    'a b',
    'a?b',
    'a#b',
    'a%2Fb',
    'a\\b',
    'a*b',
    'a\nb',
    'ü/x',
    'x'.repeat(256),
  ];
  for (const gun of bad) {
    it(`refuses ${JSON.stringify(gun.slice(0, 20))}`, () => {
      expect(() => validateGun(gun)).toThrow(expect.objectContaining({ code: 'INVALID_GUN' }));
    });
  }
  it('the remote refuses such a GUN at construction', () => {
    expect(() => new NotaryRemote({ serverUrl: 'http://127.0.0.1:1', gun: 'a/../b' })).toThrow(
      expect.objectContaining({ code: 'INVALID_GUN' }),
    );
    expect(() => new NotaryRemote({ serverUrl: 'ftp://x', gun: 'a' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });
});

describe('roles and file names', () => {
  it('knows base roles and safe delegations', () => {
    for (const r of ['root', 'targets', 'snapshot', 'timestamp', 'targets/releases', 'targets/a/b', 'targets/x@y+z']) {
      expect(isValidRoleName(r)).toBe(true);
    }
    for (const r of [
      '',
      'Root',
      'targets/',
      'targets//a',
      'targets/..',
      'targets/.',
      'targets/a b',
      'foo',
      'targets/%2e',
    ]) {
      expect(isValidRoleName(r)).toBe(false);
    }
  });

  it('builds Notary file names', () => {
    const hex = 'a'.repeat(64);
    expect(metadataFileName('root')).toBe('root.json');
    expect(metadataFileName('targets/releases', { checksum: hex })).toBe(`targets/releases.${hex}.json`);
    expect(metadataFileName('root', { version: 12 })).toBe('12.root.json');
    expect(metadataFileName('snapshot', { checksum: 'b'.repeat(128) })).toBe(`snapshot.${'b'.repeat(128)}.json`);
    expect(() => metadataFileName('root', { checksum: 'A'.repeat(64) })).toThrow(RangeError);
    expect(() => metadataFileName('root', { version: 1.5 })).toThrow(RangeError);
    expect(tufBasePath('localhost:5000/a~b')).toBe('/v2/localhost:5000/a~b/_trust/tuf/');
  });
});
