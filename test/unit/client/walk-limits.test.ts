// SPEC §7.2 "Walk limits": at most MAX_DELEGATION_FANOUT children per role and MAX_DELEGATIONS_LOADED roles per
// walk, in both walks (`walk`, behind lookup/list; `loadAll`), each at its exact boundary.
import { beforeEach, describe, expect, it } from 'vitest';
import { openRepository } from '../../../src/client/index.js';
import { generateKey, type PrivateKey } from '../../../src/crypto/index.js';
import { MAX_DELEGATION_FANOUT, MAX_DELEGATIONS_LOADED } from '../../../src/grammar/walk-limits.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

const NOW = new Date('2030-01-02T00:00:00Z');
let sim: RepoSimulator;
let key: PrivateKey;

beforeEach(() => {
  sim = new RepoSimulator();
  key = generateKey('ecdsa');
});

function open() {
  return openRepository({ gun: sim.gun, trustDir: tempDir('nt-limits-'), remote: sim.fetcher(), now: NOW });
}

/** `count` children of `parent` (delegated, never signed: each counts as a load, none needs a file). */
function children(parent: string, count: number): void {
  for (let i = 0; i < count; i++) sim.addDelegation(`${parent}/c${i}`, { keys: [key] });
  if (parent !== 'targets') sim.touch(parent);
}

describe('fan-out', () => {
  it(`${MAX_DELEGATION_FANOUT} children are walked, one more is DELEGATION_INVALID in every walk`, async () => {
    expect(MAX_DELEGATION_FANOUT).toBe(1024);
    sim.addDelegation('targets/a', { keys: [key] });
    children('targets/a', MAX_DELEGATION_FANOUT);
    sim.addTarget('t', 'x', 'targets/a');
    sim.publish();
    const ok = await open();
    expect((await ok.list()).map((t) => t.name)).toEqual(['t']);
    await ok.trusted.loadAll();

    sim.addDelegation(`targets/a/c${MAX_DELEGATION_FANOUT}`, { keys: [key] });
    sim.publish();
    const refused = { code: 'DELEGATION_INVALID', details: { role: 'targets/a', limit: 1024, reason: 'fan-out' } };
    const repo = await open();
    await expect(repo.list()).rejects.toMatchObject(refused);
    await expect(repo.trusted.loadAll()).rejects.toMatchObject(refused);
  });
});

describe('roles per walk', () => {
  it(`${MAX_DELEGATIONS_LOADED} roles are walked, one more is DELEGATION_INVALID in every walk`, async () => {
    expect(MAX_DELEGATIONS_LOADED).toBe(4096);
    // 4 signed roles with 1023 unsigned children each: 4 + 4092 = 4096 loads.
    for (const p of ['a', 'b', 'c', 'd']) {
      sim.addDelegation(`targets/${p}`, { keys: [key] });
      children(`targets/${p}`, 1023);
    }
    sim.addTarget('t', 'x', 'targets/d');
    sim.publish();
    const ok = await open();
    expect((await ok.list()).map((t) => t.name)).toEqual(['t']);
    await ok.trusted.loadAll();

    sim.addDelegation('targets/d/c1023', { keys: [key] });
    sim.touch('targets/d');
    sim.publish();
    const repo = await open();
    await expect(repo.list()).rejects.toMatchObject({
      code: 'DELEGATION_INVALID',
      details: { limit: 4096, reason: 'too-many' },
    });
    await expect(repo.trusted.loadAll()).rejects.toMatchObject({
      code: 'DELEGATION_INVALID',
      details: { role: 'targets/d/c1023', limit: 4096, reason: 'too-many' },
    });
  });
});
