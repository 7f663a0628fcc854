// The verify facade over the simulator: docker pull resolution, notary lookup/list semantics, signers, inspect.
import { beforeEach, describe, expect, it } from 'vitest';
import { naturalLess, openRepository, type Repository } from '../../../src/client/index.js';
import { toHex } from '../../../src/encoding/hex.js';
import { MAX_DELEGATION_DEPTH } from '../../../src/grammar/walk-limits.js';
import { canonicalKeyId, parseRoot } from '../../../src/metadata/index.js';
import { RepoSimulator, type SimFetcher } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

const NOW = new Date('2030-01-02T00:00:00Z');
let sim: RepoSimulator;
let fetcher: SimFetcher;
let trustDir: string;

beforeEach(() => {
  sim = new RepoSimulator();
  fetcher = sim.fetcher();
  trustDir = tempDir('nt-repo-');
});

function open(now = NOW): Promise<Repository> {
  return openRepository({ gun: sim.gun, trustDir, remote: fetcher, now });
}

function digestOf(role: string, name: string): string {
  const meta = sim.role(role).targets.get(name);
  return `sha256:${toHex(meta?.hashes.sha256 as Uint8Array)}`;
}

describe('lookup: docker pull resolution (targets/releases, then targets)', () => {
  beforeEach(() => {
    sim.addTarget('latest', 'from-targets');
    sim.addTarget('only-targets', 'ot');
    sim.addDelegation('targets/releases');
    sim.addTarget('latest', 'from-releases', 'targets/releases');
    sim.addDelegation('targets/alice');
    sim.addTarget('alice-only', 'ao', 'targets/alice');
    sim.addTarget('latest', 'from-releases', 'targets/alice');
    sim.publish();
  });

  it('targets/releases wins over targets', async () => {
    const r = await (await open()).lookup('latest');
    expect(r).toMatchObject({
      role: 'targets/releases',
      digest: digestOf('targets/releases', 'latest'),
      size: 13,
      offline: false,
    });
    expect(r.hashes.sha512).toMatch(/^[0-9a-f]{128}$/);
  });

  it('falls back to targets; other delegations never answer', async () => {
    const repo = await open();
    expect((await repo.lookup('only-targets')).role).toBe('targets');
    await expect(repo.lookup('alice-only')).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });
    expect((await repo.lookup('alice-only', { role: 'targets/alice' })).role).toBe('targets/alice');
  });

  it('roles: Notary walk order (notary lookup = roles [targets]) finds the parent first', async () => {
    const repo = await open();
    expect((await repo.lookup('latest', { roles: ['targets'] })).role).toBe('targets');
    expect((await repo.lookup('alice-only', { roles: ['targets'] })).role).toBe('targets/alice');
  });

  it('signers must all have signed the same digest', async () => {
    const repo = await open();
    expect((await repo.lookup('latest', { signers: ['alice'] })).signedBy).toEqual(['targets/alice']);
    await expect(repo.lookup('only-targets', { signers: ['alice'] })).rejects.toMatchObject({
      code: 'SIGNER_MISMATCH',
      details: { reason: 'not-signed' },
    });
    await expect(repo.lookup('latest', { signers: ['bob'] })).rejects.toMatchObject({
      code: 'SIGNER_MISMATCH',
      details: { reason: 'unknown-signer' },
    });
    sim.addTarget('latest', 'something else', 'targets/alice');
    sim.publish();
    await expect((await open()).lookup('latest', { signers: ['targets/alice'] })).rejects.toMatchObject({
      code: 'SIGNER_MISMATCH',
      details: { reason: 'digest-mismatch' },
    });
  });

  it('fails closed when the role that would answer is expired (Notary skips it)', async () => {
    sim.touch('targets/releases', 60);
    sim.publish();
    const repo = await open(new Date(sim.now.getTime() + 120_000));
    await expect(repo.lookup('latest')).rejects.toMatchObject({ code: 'EXPIRED' });
    // A question that does not involve the broken role still gets an answer.
    expect((await repo.lookup('alice-only', { role: 'targets/alice' })).role).toBe('targets/alice');
  });

  it('loadAll visits every delegation in download order; a visitor may skip a broken one, else it fails', async () => {
    sim.touch('targets/releases', 60);
    sim.publish();
    const repo = await open(new Date(sim.now.getTime() + 120_000));
    await expect(repo.trusted.loadAll()).rejects.toMatchObject({ code: 'EXPIRED' });
    const loaded: string[] = [];
    const failed: string[] = [];
    await repo.trusted.loadAll({
      loaded: (name) => loaded.push(name),
      failed: (name, e) => {
        failed.push(`${name}:${e.code}`);
        return true;
      },
    });
    expect(failed).toEqual(['targets/releases:EXPIRED']);
    expect(loaded).toEqual(['targets/alice']);
  });

  it('path restrictions: a role answers only for names under its (intersected) prefixes', async () => {
    sim.addDelegation('targets/releases', { paths: ['v'] });
    sim.addTarget('v1', 'r', 'targets/releases');
    sim.addTarget('latest', 'x', 'targets/releases');
    sim.publish();
    const repo = await open();
    expect((await repo.lookup('latest')).role).toBe('targets');
    expect((await repo.lookup('v1')).role).toBe('targets/releases');
  });
});

describe('targets without a sha256', () => {
  it('lookup refuses them (a digest is sha256), list shows an empty digest like notary list', async () => {
    sim.setTarget('sha512-only', { length: 3, hashes: { sha512: new Uint8Array(64) } });
    sim.publish();
    const repo = await open();
    await expect(repo.lookup('sha512-only')).rejects.toMatchObject({ code: 'INVALID_METADATA' });
    expect((await repo.list()).find((t) => t.name === 'sha512-only')?.digest).toBe('');
  });
});

describe('list (notary list)', () => {
  it('walks every role, first role wins, byte-order sorted names', async () => {
    for (const n of ['a&b<c>', '！bang', '😀smile', 'zeta', 'Alpha']) sim.addTarget(n, n);
    sim.addDelegation('targets/releases');
    sim.addTarget('zeta', 'zeta', 'targets/releases');
    sim.addTarget('rel', 'r', 'targets/releases');
    sim.publish();
    const list = await (await open()).list();
    expect(list.map((t) => t.name)).toEqual(['Alpha', 'a&b<c>', 'rel', 'zeta', '！bang', '😀smile']);
    expect(list.find((t) => t.name === 'zeta')?.role).toBe('targets');
    expect(list.find((t) => t.name === 'rel')).toMatchObject({ role: 'targets/releases', size: 1 });
    expect(list[0]?.digest).toMatch(/^[0-9a-f]{64}$/);
    const rel = await (await open()).list({ roles: ['targets/releases'] });
    expect(rel.map((t) => [t.name, t.role])).toEqual([
      ['rel', 'targets/releases'],
      ['zeta', 'targets/releases'],
    ]);
  });
});

describe('inspect (docker trust inspect)', () => {
  it('released tags, signers and administrative keys as docker builds them', async () => {
    sim.addTarget('green', 'g');
    sim.addDelegation('targets/releases');
    const [alice] = sim.addDelegation('targets/alice');
    const [bob] = sim.addDelegation('targets/bob');
    for (const t of ['red', 'blue', 'v10', 'v9']) {
      sim.addTarget(t, t, 'targets/releases');
      sim.addTarget(t, t, 'targets/alice');
    }
    sim.addTarget('red', 'red', 'targets/bob');
    sim.publish();
    const out = await (await open()).inspect({ name: 'reg/img' });
    expect(out.Name).toBe('reg/img');
    expect(out.SignedTags.map((r) => [r.SignedTag, r.Signers])).toEqual([
      ['blue', ['alice']],
      ['green', ['Repo Admin']],
      ['red', ['alice', 'bob']],
      ['v9', ['alice']],
      ['v10', ['alice']],
    ]);
    expect(out.SignedTags[0]?.Digest).toBe(digestOf('targets/releases', 'blue').slice(7));
    expect(out.Signers).toEqual([
      { Name: 'bob', Keys: [{ ID: canonicalKeyId(bob!.publicKey) }] },
      { Name: 'alice', Keys: [{ ID: canonicalKeyId(alice!.publicKey) }] },
    ]);
    const root = parseRoot(sim.file('root')).signed;
    expect(out.AdministrativeKeys).toEqual([
      { Name: 'Root', Keys: root.baseRole('root').keyIds.map((ID) => ({ ID })) },
      { Name: 'Repository', Keys: root.baseRole('targets').keyIds.map((ID) => ({ ID })) },
    ]);
    const one = await (await open()).inspect({ tag: 'red' });
    expect(one.SignedTags.map((r) => r.SignedTag)).toEqual(['red']);
  });

  it('natural order as fvbommel/sortorder', () => {
    const sorted = ['a10', 'a2', 'a02', 'a1', 'b', 'A', '10', '9', 'a'].sort((x, y) =>
      naturalLess(x, y) ? -1 : naturalLess(y, x) ? 1 : 0,
    );
    expect(sorted).toEqual(['9', '10', 'A', 'a', 'a1', 'a2', 'a02', 'a10', 'b']);
  });
});

describe('delegation walk limits', () => {
  it('refuses delegation chains deeper than the limit', async () => {
    let name = 'targets';
    for (let i = 0; i <= MAX_DELEGATION_DEPTH; i++) {
      name += `/d${i}`;
      sim.addDelegation(name);
      sim.touch(name);
    }
    sim.addTarget('deep', 'x', name);
    sim.publish();
    await expect((await open()).list()).rejects.toMatchObject({
      code: 'DELEGATION_INVALID',
      details: { reason: 'too-deep' },
    });
  });
});
