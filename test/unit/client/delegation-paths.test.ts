// SPEC §7.2 "Paths": a delegated role may only sign names under its own prefixes intersected with every
// ancestor's (Go's RestrictDelegationPathPrefixes), at one and at more levels, for every question that walks roles.
import { beforeEach, describe, expect, it } from 'vitest';
import { openRepository, type Repository } from '../../../src/client/index.js';
import { restrictPaths } from '../../../src/metadata/index.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

const NOW = new Date('2030-01-02T00:00:00Z');
let sim: RepoSimulator;

function open(): Promise<Repository> {
  return openRepository({ gun: sim.gun, trustDir: tempDir('nt-paths-'), remote: sim.fetcher(), now: NOW });
}

beforeEach(() => {
  sim = new RepoSimulator();
  // targets/a may sign app/…; its child claims app/b/… and other/…; the grandchild claims app/b/c/… and app/z/….
  sim.addDelegation('targets/a', { paths: ['app/'] });
  sim.addDelegation('targets/a/b', { paths: ['app/b/', 'other/'] });
  sim.addDelegation('targets/a/b/c', { paths: ['app/b/c/', 'app/z/'] });
  sim.addTarget('app/a1', '1', 'targets/a');
  sim.addTarget('app/b/1', '2', 'targets/a/b');
  sim.addTarget('other/x', '3', 'targets/a/b'); // outside targets/a's prefixes
  sim.addTarget('app/b/c/1', '4', 'targets/a/b/c');
  sim.addTarget('app/z/1', '5', 'targets/a/b/c'); // inside targets/a's, outside targets/a/b's
  sim.addTarget('other/y', '6', 'targets/a/b/c'); // inside targets/a/b's own claim, outside targets/a's
  sim.publish();
});

describe('parent ∩ child path prefixes', () => {
  it('restrictPaths keeps the child prefixes that fall under a parent prefix', () => {
    expect(restrictPaths(['app/'], ['app/b/', 'other/', 'ap'])).toEqual(['app/b/']);
    expect(restrictPaths([''], ['x/', 'y'])).toEqual(['x/', 'y']);
    expect(restrictPaths(['app/b/'], ['app/'])).toEqual([]);
  });

  it('lookup in one role: only names inside the intersection of every ancestor', async () => {
    const repo = await open();
    expect((await repo.lookup('app/b/1', { role: 'targets/a/b' })).role).toBe('targets/a/b');
    expect((await repo.lookup('app/b/c/1', { role: 'targets/a/b/c' })).role).toBe('targets/a/b/c');
    for (const [tag, role] of [
      ['other/x', 'targets/a/b'],
      ['app/z/1', 'targets/a/b/c'],
      ['other/y', 'targets/a/b/c'],
    ] as const) {
      await expect(repo.lookup(tag, { role })).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
    }
  });

  it('walks (notary lookup, list) do not let a child sign outside its ancestors', async () => {
    const repo = await open();
    expect((await repo.lookup('app/b/c/1', { roles: ['targets'] })).role).toBe('targets/a/b/c');
    for (const tag of ['other/x', 'app/z/1', 'other/y']) {
      await expect(repo.lookup(tag, { roles: ['targets'] })).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
    }
    const names = (await repo.list()).map((t) => `${t.name}@${t.role}`);
    expect(names).toEqual(['app/a1@targets/a', 'app/b/1@targets/a/b', 'app/b/c/1@targets/a/b/c']);
  });
});
