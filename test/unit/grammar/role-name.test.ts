import { describe, expect, it } from 'vitest';
// The role-name grammar (src/grammar/role-name.ts): Notary's IsDelegation, base roles, wildcards, signer names.
import {
  assertRoleName,
  isBaseRole,
  isDelegationName,
  isRoleName,
  isSignerName,
  isTargetsRole,
  isWildcardDelegation,
  parentRole,
} from '../../../src/grammar/role-name.js';
import { metadataTypeOf } from '../../../src/metadata/index.js';

describe('delegation names (data.IsDelegation)', () => {
  const good = ['targets/releases', 'targets/a/b/c', 'targets/-_0', `targets/${'x'.repeat(247)}`];
  const bad = [
    'targets',
    'targets/',
    'targets//a',
    'targets/a/',
    'targets/./a',
    'targets/a/../b',
    'targets/A',
    'targets/a b',
    'targets/é',
    'targets/a*',
    'root',
    'releases',
    '/targets/a',
    `targets/${'x'.repeat(248)}`,
    '',
  ];
  for (const n of good) it(`accepts ${n.slice(0, 30)}`, () => expect(isDelegationName(n)).toBe(true));
  for (const n of bad) it(`rejects ${JSON.stringify(n.slice(0, 30))}`, () => expect(isDelegationName(n)).toBe(false));
});

describe('role helpers', () => {
  it('base roles, types and parents', () => {
    expect(['root', 'targets', 'snapshot', 'timestamp'].every(isBaseRole)).toBe(true);
    expect(isBaseRole('Targets')).toBe(false);
    expect(isRoleName('targets/x')).toBe(true);
    expect(isRoleName('mirror')).toBe(false);
    expect(metadataTypeOf('targets/x/y')).toBe('Targets');
    expect(metadataTypeOf('timestamp')).toBe('Timestamp');
    expect(metadataTypeOf('x')).toBeUndefined();
    expect(parentRole('targets/a/b')).toBe('targets/a');
    expect(parentRole('targets/a')).toBe('targets');
    expect(parentRole('targets')).toBe('.');
  });
});

describe('the other role rules', () => {
  it('targets roles, wildcards, signer names', () => {
    expect(isTargetsRole('targets')).toBe(true);
    expect(isTargetsRole('targets/a')).toBe(true);
    expect(isTargetsRole('root')).toBe(false);
    expect(isWildcardDelegation('targets/*')).toBe(true);
    expect(isWildcardDelegation('targets/a/*')).toBe(true);
    expect(isWildcardDelegation('targets/A/*')).toBe(false);
    expect(isWildcardDelegation('targets/a')).toBe(false);
    expect(isSignerName('alice')).toBe(true);
    expect(isSignerName('al-ice_2')).toBe(true);
    expect(isSignerName('-alice')).toBe(false);
    expect(isSignerName('Alice')).toBe(false);
    expect(isSignerName('x'.repeat(248))).toBe(false);
  });
  it('assertRoleName throws INVALID_ARGUMENT for what isRoleName refuses', () => {
    for (const r of ['root', 'targets', 'snapshot', 'timestamp', 'targets/releases', 'targets/a/b']) {
      expect(() => assertRoleName(r)).not.toThrow();
    }
    for (const r of [
      '',
      'Root',
      'targets/',
      'targets//a',
      'targets/..',
      'targets/a b',
      'foo',
      'targets/%2e',
      'targets/x@y',
    ]) {
      expect(() => assertRoleName(r)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });
});
