// Rollback and fork floors of the trusted set (SPEC §7.2 "Version rollback", "Same version, different bytes"):
// each check here was deletable without any other test failing; every case below fails if its check is removed.
import { beforeEach, describe, expect, it } from 'vitest';
import { TrustedSet } from '../../../src/client/index.js';
import { generateKey } from '../../../src/crypto/index.js';
import { outcome } from '../../helpers/error-code.js';
import { RepoSimulator, tamper } from '../../helpers/repo-simulator.js';

const NOW = new Date('2030-01-02T00:00:00Z');

let sim: RepoSimulator;
beforeEach(() => {
  sim = new RepoSimulator();
});

/** A set with root, timestamp and snapshot of the simulator's current state. */
function throughSnapshot(): TrustedSet {
  const set = TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now: NOW, allowExpired: false });
  set.updateTimestamp(sim.file('timestamp'));
  set.updateSnapshot(sim.file('snapshot'));
  return set;
}

function throughTargets(): TrustedSet {
  const set = throughSnapshot();
  set.updateTargets(sim.file('targets'));
  return set;
}

/** Re-signs `role` under its current version with other content: a second, different file with that version. */
function forkRole(role: string): Uint8Array {
  sim.role(role).version--;
  sim.addTarget('forked', 'fork', role);
  sim.publish();
  return sim.file(role);
}

describe('5.6.4 targets floor', () => {
  let older: Uint8Array;
  let newer: Uint8Array;
  beforeEach(() => {
    sim.addTarget('a', '1');
    sim.publish();
    older = sim.file('targets');
    sim.addTarget('b', '2');
    sim.publish();
    newer = sim.file('targets');
    // A snapshot (validly signed, fresh) that names the older targets again.
    sim.serveAs('targets', older);
    sim.publishSnapshotAndTimestamp();
  });

  it('an older targets under a newer prior is ROLLBACK, and only the prior makes it one', () => {
    expect(outcome(() => throughSnapshot().updateTargets(older, newer))).toEqual({
      code: 'ROLLBACK',
      details: { role: 'targets', version: 2, trustedVersion: 3 },
    });
    expect(outcome(() => throughSnapshot().updateTargets(older)).code).toBe('ok');
    expect(outcome(() => throughSnapshot().updateTargets(older, older)).code).toBe('ok');
  });

  it('a prior that no longer verifies under the root is no floor', () => {
    expect(outcome(() => throughSnapshot().updateTargets(older, tamper(newer))).code).toBe('ok');
  });

  it('same version, other bytes: FORK', () => {
    const other = forkRole('targets');
    expect(outcome(() => throughSnapshot().updateTargets(other, newer))).toEqual({
      code: 'FORK',
      details: { role: 'targets', version: 3 },
    });
  });
});

describe('5.5.4 snapshot floor', () => {
  it('same version, other bytes: FORK; a prior that does not verify is no floor', () => {
    const first = sim.file('snapshot');
    sim.snapshotVersion--;
    sim.now = new Date(sim.now.getTime() + 1000);
    sim.publishSnapshotAndTimestamp();
    const set = () => {
      const s = TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now: NOW, allowExpired: false });
      s.updateTimestamp(sim.file('timestamp'));
      return s;
    };
    expect(outcome(() => set().updateSnapshot(sim.file('snapshot'), first))).toEqual({
      code: 'FORK',
      details: { role: 'snapshot', version: 1 },
    });
    expect(outcome(() => set().updateSnapshot(sim.file('snapshot'), tamper(first))).code).toBe('ok');
  });

  it('the prior snapshot is what tells a vanished delegation from a never-signed one', () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'x', 'targets/releases');
    sim.publish();
    const prior = sim.file('snapshot');
    sim.omitFromSnapshot.add('targets/releases');
    sim.publishSnapshotAndTimestamp();
    const set = TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now: NOW, allowExpired: false });
    set.updateTimestamp(sim.file('timestamp'));
    set.updateSnapshot(sim.file('snapshot'), prior);
    expect(set.vanishedDelegations()).toEqual(['targets/releases']);
    expect(throughSnapshot().vanishedDelegations()).toEqual([]);
  });
});

describe('delegation floor', () => {
  const NAME = 'targets/releases';
  let older: Uint8Array;
  let newer: Uint8Array;
  beforeEach(() => {
    sim.addDelegation(NAME);
    sim.addTarget('r1', 'x', NAME);
    sim.publish();
    older = sim.file(NAME);
    sim.addTarget('r2', 'y', NAME);
    sim.publish();
    newer = sim.file(NAME);
    sim.serveAs(NAME, older);
    sim.publishSnapshotAndTimestamp();
  });

  it('an older delegation under a newer prior is ROLLBACK, and only the prior makes it one', () => {
    expect(outcome(() => throughTargets().updateDelegation(NAME, older, newer))).toEqual({
      code: 'ROLLBACK',
      details: { role: NAME, version: 1, trustedVersion: 2 },
    });
    expect(outcome(() => throughTargets().updateDelegation(NAME, older)).code).toBe('ok');
  });

  it('same version, other bytes: FORK', () => {
    const other = forkRole(NAME);
    expect(outcome(() => throughTargets().updateDelegation(NAME, other, newer))).toEqual({
      code: 'FORK',
      details: { role: NAME, version: 2 },
    });
  });

  it('a prior signed by a key the parent no longer delegates to is no floor', () => {
    // The delegation's key is replaced; the new (lower-versioned) file is signed by the new key.
    const key = generateKey('ecdsa');
    sim.addDelegation(NAME, { keys: [key] });
    sim.role(NAME).version = 0;
    sim.touch(NAME);
    sim.publish();
    const set = throughTargets();
    expect(outcome(() => set.updateDelegation(NAME, sim.file(NAME), newer)).code).toBe('ok');
    expect(set.delegations.get(NAME)?.signed.version).toBe(1);
  });
});

describe('each role loads once (a second load is a programming error, not a second floor)', () => {
  it('snapshot, targets and a delegation refuse a second load', () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'x', 'targets/releases');
    sim.publish();
    const set = throughTargets();
    expect(() => set.updateSnapshot(sim.file('snapshot'))).toThrow(TypeError);
    expect(() => set.updateTargets(sim.file('targets'))).toThrow(TypeError);
    set.updateDelegation('targets/releases', sim.file('targets/releases'));
    expect(() => set.updateDelegation('targets/releases', sim.file('targets/releases'))).toThrow(TypeError);
    expect(() => set.restart().updateDelegation('targets/releases', sim.file('targets/releases'))).toThrow(TypeError);
  });
});

describe('root versions on rotation (details name both versions)', () => {
  it('a replayed root is ROLLBACK, a skipped version ROOT_ROTATION_FAILED (version-gap)', () => {
    sim.rotateRoot();
    sim.rotateRoot();
    const set = TrustedSet.bootstrap(sim.byVersion.get('2.root') as Uint8Array, {
      gun: sim.gun,
      now: NOW,
      allowExpired: false,
    });
    expect(outcome(() => set.updateRoot(sim.byVersion.get('2.root') as Uint8Array))).toEqual({
      code: 'ROLLBACK',
      details: { role: 'root', version: 2, trustedVersion: 2 },
    });
    const v1 = TrustedSet.bootstrap(sim.byVersion.get('1.root') as Uint8Array, {
      gun: sim.gun,
      now: NOW,
      allowExpired: false,
    });
    expect(outcome(() => v1.updateRoot(sim.file('root')))).toEqual({
      code: 'ROOT_ROTATION_FAILED',
      details: { role: 'root', version: 3, trustedVersion: 1, reason: 'version-gap' },
    });
  });

  it('a parent that does not delegate the role: DELEGATION_INVALID naming both', () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'x', 'targets/releases');
    sim.publish();
    expect(outcome(() => throughTargets().updateDelegation('targets/other', sim.file('targets/releases')))).toEqual({
      code: 'DELEGATION_INVALID',
      details: { role: 'targets/other', parent: 'targets', reason: 'not-delegated' },
    });
  });
});
