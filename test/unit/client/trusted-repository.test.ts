// TrustedRepository over a pure TrustedSet with a counting loader (SPEC §7.6, §7.8 "killing tests"): which names
// resolve at all, that a role is loaded once (and a failed load stays failed), the depth limit of `resolve`, and
// which roles a walk restricted by `rolePath` or `skip` visits.
import { beforeEach, describe, expect, it } from 'vitest';
import { type DelegationLoader, TrustedRepository, TrustedSet } from '../../../src/client/index.js';
import { notaryError } from '../../../src/errors.js';
import { MAX_DELEGATION_DEPTH } from '../../../src/grammar/walk-limits.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';

let sim: RepoSimulator;
let loads: string[];
beforeEach(() => {
  sim = new RepoSimulator();
  loads = [];
});

const now = () => new Date(sim.now.getTime() + 1000);

/** A set with root, timestamp, snapshot and targets of the simulator's current state. */
function topLevel(): TrustedSet {
  const set = TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now: now(), allowExpired: false });
  set.updateTimestamp(sim.file('timestamp'));
  set.updateSnapshot(sim.file('snapshot'));
  set.updateTargets(sim.file('targets'));
  return set;
}

/** Loads a delegation from the simulator into the set, recording the name. */
const loader: DelegationLoader = async (set, name) => {
  loads.push(name);
  set.updateDelegation(name, sim.file(name));
  return set.delegations.get(name);
};

function repo(set = topLevel(), load: DelegationLoader = loader): TrustedRepository {
  return new TrustedRepository(set, load, false);
}

/** Delegates and signs each role (parents first). */
function delegate(...names: string[]): void {
  for (const n of names) {
    sim.addDelegation(n);
    sim.touch(n);
  }
  sim.publish();
}

describe('the verified view', () => {
  it('exposes the top-level files, the delegations loaded so far and the clock it was verified at', async () => {
    delegate('targets/a');
    const set = topLevel();
    const r = repo(set);
    expect(r.timestamp.version).toBe(sim.timestampVersion);
    expect(r.file('root').raw).toEqual(sim.file('root'));
    expect(r.file('timestamp').raw).toEqual(sim.file('timestamp'));
    expect(r.file('targets').raw).toEqual(sim.file('targets'));
    expect(r.verifiedAt).toEqual(set.now);
    expect([...r.delegations.keys()]).toEqual([]);
    await r.resolve('targets/a');
    expect([...r.delegations.keys()]).toEqual(['targets/a']);
    expect(r.delegations.get('targets/a')?.role).toBe('targets/a');
  });
});

describe('resolve', () => {
  it('names outside targets/ resolve to nothing, without a load', async () => {
    delegate('targets/a');
    const r = repo();
    for (const name of ['root', 'snapshot', 'releases', 'targetsx/a']) expect(await r.resolve(name)).toBeUndefined();
    expect(loads).toEqual([]);
  });

  it(`deeper than ${MAX_DELEGATION_DEPTH} levels is DELEGATION_INVALID before anything is loaded`, async () => {
    const deep = `targets/${Array.from({ length: MAX_DELEGATION_DEPTH + 1 }, (_, i) => `d${i}`).join('/')}`;
    await expect(repo().resolve(deep)).rejects.toMatchObject({
      code: 'DELEGATION_INVALID',
      details: { role: deep, limit: MAX_DELEGATION_DEPTH, reason: 'too-deep' },
    });
    expect(loads).toEqual([]);
  });

  it('below a role nobody delegates: nothing', async () => {
    delegate('targets/a');
    expect(await repo().resolve('targets/b/c')).toBeUndefined();
    expect(loads).toEqual([]);
  });

  it('a role whose file is in the snapshot but which its parent does not delegate is not loaded', async () => {
    delegate('targets/a');
    sim.role('targets').delegations.length = 0;
    sim.touch('targets');
    sim.publish();
    const set = topLevel();
    expect(set.snapshot?.signed.getMeta('targets/a')).toBeDefined();
    expect(await repo(set).resolve('targets/a')).toBeUndefined();
    expect(loads).toEqual([]);
  });

  it('a delegation already in the set is not loaded again', async () => {
    delegate('targets/a');
    const set = topLevel();
    set.updateDelegation('targets/a', sim.file('targets/a'));
    expect((await repo(set).resolve('targets/a'))?.role.name).toBe('targets/a');
    expect(loads).toEqual([]);
  });

  it('concurrent questions share one load; a failed load stays failed for this view', async () => {
    delegate('targets/a', 'targets/b');
    const r = repo();
    await Promise.all([r.resolve('targets/a'), r.resolve('targets/a')]);
    expect(loads).toEqual(['targets/a']);

    let attempts = 0;
    const flaky = repo(topLevel(), async (set, name) => {
      attempts++;
      if (attempts === 1) throw notaryError('NETWORK', 'refused', { details: { role: name } });
      return loader(set, name);
    });
    await expect(flaky.resolve('targets/b')).rejects.toMatchObject({ code: 'NETWORK' });
    await expect(flaky.resolve('targets/b')).rejects.toMatchObject({ code: 'NETWORK' });
    expect(attempts).toBe(1);
  });
});

describe('walk', () => {
  beforeEach(() => delegate('targets/a', 'targets/ab', 'targets/a/c', 'targets/b'));

  async function visited(options: Parameters<TrustedRepository['walk']>[0]): Promise<string[]> {
    const out: string[] = [];
    await repo().walk(options, (_t, role) => {
      out.push(role.name);
      return undefined;
    });
    return out;
  }

  it('everything, breadth-first', async () => {
    expect(await visited({})).toEqual(['targets', 'targets/a', 'targets/ab', 'targets/b', 'targets/a/c']);
  });

  it('rolePath: only that role and its subtree are visited (a sibling sharing the prefix is not)', async () => {
    expect(await visited({ rolePath: 'targets/a' })).toEqual(['targets/a', 'targets/a/c']);
    expect(loads).not.toContain('targets/ab');
    expect(loads).not.toContain('targets/b');
  });

  it('skip: a skipped role and its subtree are neither visited nor loaded', async () => {
    expect(await visited({ skip: ['targets/a'] })).toEqual(['targets', 'targets/ab', 'targets/b']);
    expect(loads).not.toContain('targets/a');
  });
});
