// docker trust inspect and notary list details (SPEC §7.6, §7.8 "killing tests"): entries outside a role's paths,
// targets without sha256, nested signers, tags no released role lists, and list's role priorities.
import { beforeEach, describe, expect, it } from 'vitest';
import { openRepository, type Repository } from '../../../src/client/index.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

let sim: RepoSimulator;
beforeEach(() => {
  sim = new RepoSimulator();
});

const open = (): Promise<Repository> =>
  openRepository({ gun: sim.gun, trustDir: tempDir('nt-inspect-'), remote: sim.fetcher(), now: sim.now, env: {} });

describe('inspect', () => {
  it('ignores entries outside a role’s paths, shows a target without sha256 with an empty digest', async () => {
    sim.addDelegation('targets/releases', { paths: ['app'] });
    sim.addTarget('app', 'a', 'targets/releases');
    sim.addTarget('other', 'o', 'targets/releases'); // outside its paths: not a signature
    sim.setTarget('sha512-only', { length: 3, hashes: { sha512: new Uint8Array(64) } });
    sim.publish();
    const out = await (await open()).inspect();
    expect(out.SignedTags.map((r) => [r.SignedTag, r.Digest === '' ? '' : 'hex'])).toEqual([
      ['app', 'hex'],
      ['sha512-only', ''],
    ]);
  });

  it('a tag only a signer holds is no signed tag; nested signers are listed by their path below targets/', async () => {
    sim.addDelegation('targets/releases');
    sim.addDelegation('targets/alice');
    sim.addDelegation('targets/alice/bob');
    sim.addTarget('shared', 's', 'targets/releases');
    sim.addTarget('shared', 's', 'targets/alice/bob');
    sim.addTarget('alice-only', 'x', 'targets/alice');
    sim.touch('targets/alice');
    sim.publish();
    const out = await (await open()).inspect();
    expect(out.SignedTags.map((r) => [r.SignedTag, r.Signers])).toEqual([['shared', ['alice/bob']]]);
    expect(out.Signers.map((s) => s.Name)).toEqual(['alice/bob', 'alice']);
  });
});

describe('list, paths', () => {
  it('a name a walked role lists outside its paths is answered by a later role that may list it', async () => {
    sim.addDelegation('targets/a', { paths: ['only-'] });
    sim.addDelegation('targets/c');
    sim.addTarget('x', 'from a', 'targets/a'); // outside targets/a's paths: not a signature, and no claim on x
    sim.addTarget('x', 'from c', 'targets/c');
    sim.addTarget('only-a', 'a', 'targets/a');
    sim.addTarget('only-a', 'c', 'targets/c');
    sim.publish();
    const listed = await (await open()).list();
    expect(listed.map((t) => [t.name, t.role])).toEqual([
      ['only-a', 'targets/a'],
      ['x', 'targets/c'],
    ]);
  });
});

describe('list', () => {
  beforeEach(() => {
    sim.addDelegation('targets/a');
    sim.addDelegation('targets/c');
    sim.addTarget('x', 'from a', 'targets/a');
    sim.addTarget('x', 'from c', 'targets/c');
    sim.addTarget('top', 't');
    sim.publish();
  });

  it('an empty role list is the default: every role from targets', async () => {
    const repo = await open();
    expect(await repo.list({ roles: [] })).toEqual(await repo.list());
    expect((await repo.list({ roles: [] })).map((t) => [t.name, t.role])).toEqual([
      ['top', 'targets'],
      ['x', 'targets/a'],
    ]);
  });

  it('each listed role walks its subtree with the other listed subtrees skipped', async () => {
    const repo = await open();
    // targets first, but targets/a is listed too: the targets walk skips it, so targets/c answers for x.
    expect((await repo.list({ roles: ['targets', 'targets/a'] })).map((t) => [t.name, t.role])).toEqual([
      ['top', 'targets'],
      ['x', 'targets/c'],
    ]);
  });
});
