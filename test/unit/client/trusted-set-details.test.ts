// The details of TrustedSet's DELEGATION_MISSING refusals (SPEC §7.2 "Delegation listed in parent, absent from
// snapshot"): which role, which parent still delegates it, and whether it vanished from a prior snapshot.
import { beforeEach, describe, expect, it } from 'vitest';
import { TrustedSet } from '../../../src/client/index.js';
import { isNotaryError } from '../../../src/errors.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';

let sim: RepoSimulator;
beforeEach(() => {
  sim = new RepoSimulator();
});

const now = () => new Date(sim.now.getTime() + 1000);

function refusal(fn: () => unknown): { code: string; details: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    if (isNotaryError(e)) return { code: e.code, details: e.details };
    throw e;
  }
  throw new Error('expected a refusal');
}

function throughSnapshot(prior?: Uint8Array): TrustedSet {
  const set = TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now: now(), allowExpired: false });
  set.updateTimestamp(sim.file('timestamp'));
  set.updateSnapshot(sim.file('snapshot'), prior);
  return set;
}

describe('DELEGATION_MISSING details', () => {
  it('a delegation its parent lists but no snapshot ever did names the role and the parent', () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'x', 'targets/releases');
    sim.omitFromSnapshot.add('targets/releases');
    sim.publish();
    const set = throughSnapshot();
    set.updateTargets(sim.file('targets'));
    expect(refusal(() => set.updateDelegation('targets/releases', sim.file('targets/releases')))).toEqual({
      code: 'DELEGATION_MISSING',
      details: { role: 'targets/releases', parent: 'targets' },
    });
  });

  it('a delegation that left the snapshot while still delegated says so (reason vanished)', () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'x', 'targets/releases');
    sim.publish();
    const prior = sim.file('snapshot');
    sim.omitFromSnapshot.add('targets/releases');
    sim.publishSnapshotAndTimestamp();
    const set = throughSnapshot(prior);
    expect(refusal(() => set.updateTargets(sim.file('targets')))).toEqual({
      code: 'DELEGATION_MISSING',
      details: { role: 'targets/releases', parent: 'targets', reason: 'vanished' },
    });
  });
});
