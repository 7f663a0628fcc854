import { describe, expect, it } from 'vitest';
import { isBaseRole, isDelegationName, isRoleName, metadataTypeOf, parentRole } from '../../../src/metadata/index.js';

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
