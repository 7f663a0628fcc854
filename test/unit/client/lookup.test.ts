// lookupTarget in detail: which role answers in each mode (docker's rule, one role, Notary's walk with its skipped
// subtrees), the exact result (digest, hashes, custom, signedBy), the details of its errors, and the signer check
// (the very same length and sha256, not merely "some entry").
import { beforeEach, describe, expect, it } from 'vitest';
import { lookupTarget, openRepository, type Repository } from '../../../src/client/index.js';
import { toHex } from '../../../src/encoding/hex.js';
import type { FileMeta } from '../../../src/metadata/index.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

const NOW = new Date('2030-01-02T00:00:00Z');
let sim: RepoSimulator;

function open(): Promise<Repository> {
  return openRepository({ gun: sim.gun, trustDir: tempDir('nt-lookup-'), remote: sim.fetcher(), now: NOW });
}

const hex = (m: FileMeta) => toHex(m.hashes.sha256 as Uint8Array);

beforeEach(() => {
  sim = new RepoSimulator();
});

describe('the result', () => {
  it('is exactly the answering entry: digest, size, role, hashes; no custom or signedBy keys when absent', async () => {
    const meta = sim.addTarget('v1', 'manifest bytes');
    sim.setTarget('sha256-only', { length: 7, hashes: { sha256: meta.hashes.sha256 as Uint8Array } });
    sim.publish();
    const repo = await open();
    expect(await repo.lookup('v1')).toStrictEqual({
      gun: sim.gun,
      tag: 'v1',
      digest: `sha256:${hex(meta)}`,
      size: meta.length,
      role: 'targets',
      hashes: { sha256: hex(meta), sha512: toHex(meta.hashes.sha512 as Uint8Array) },
      offline: false,
    });
    expect((await repo.lookup('sha256-only')).hashes).toStrictEqual({ sha256: hex(meta) });
  });

  it('carries the entry’s custom data when it has some', async () => {
    const meta = sim.addTarget('v1', 'm');
    sim.setTarget('v1', { ...meta, custom: { note: 'built by ci', n: [1, 2] } });
    sim.publish();
    expect((await (await open()).lookup('v1')).custom).toEqual({ note: 'built by ci', n: [1, 2] });
  });
});

describe('errors name what was searched', () => {
  beforeEach(() => {
    sim.addTarget('v1', 'x');
    sim.addDelegation('targets/alice');
    sim.addTarget('a1', 'a', 'targets/alice');
    sim.publish();
  });

  it('TARGET_NOT_FOUND: gun, tag and the roles of each mode', async () => {
    const repo = await open();
    const notFound = (roles: string[]) => ({ code: 'TARGET_NOT_FOUND', details: { gun: sim.gun, tag: 'nope', roles } });
    await expect(repo.lookup('nope')).rejects.toMatchObject(notFound(['targets/releases', 'targets']));
    await expect(repo.lookup('nope', { role: 'targets/alice' })).rejects.toMatchObject(notFound(['targets/alice']));
    await expect(repo.lookup('nope', { roles: ['targets/alice', 'targets'] })).rejects.toMatchObject(
      notFound(['targets/alice', 'targets']),
    );
  });

  it('INVALID_METADATA for an answer without sha256 names the role and the field', async () => {
    sim.setTarget('odd', { length: 3, hashes: { sha512: new Uint8Array(64) } }, 'targets/alice');
    sim.publish();
    await expect((await open()).lookup('odd', { role: 'targets/alice' })).rejects.toMatchObject({
      code: 'INVALID_METADATA',
      details: { gun: sim.gun, tag: 'odd', role: 'targets/alice', field: 'targets.odd.hashes.sha256' },
    });
  });
});

describe('roles: Notary’s GetTargetByName', () => {
  it('an empty roles list is docker’s rule, not a search of nothing', async () => {
    sim.addTarget('v1', 'from-targets');
    sim.addDelegation('targets/releases');
    sim.addTarget('v1', 'from-releases', 'targets/releases');
    sim.publish();
    expect((await (await open()).lookup('v1', { roles: [] })).role).toBe('targets/releases');
  });

  it('each listed role’s walk skips the other listed roles (and their subtrees)', async () => {
    sim.addDelegation('targets/alice');
    sim.addDelegation('targets/bob');
    sim.addDelegation('targets/alice/deep');
    const fromAlice = sim.addTarget('dup', 'alice’s', 'targets/alice');
    const fromBob = sim.addTarget('dup', 'bob’s', 'targets/bob');
    sim.addTarget('deep-only', 'd', 'targets/alice/deep');
    sim.publish();
    const repo = await open();
    // Walking targets, targets/alice is skipped (listed later): bob answers although alice comes first.
    const r = await repo.lookup('dup', { roles: ['targets', 'targets/alice'] });
    expect([r.role, r.digest]).toEqual(['targets/bob', `sha256:${hex(fromBob)}`]);
    expect((await repo.lookup('dup', { roles: ['targets'] })).digest).toBe(`sha256:${hex(fromAlice)}`);
    // The skipped role's own walk comes next and still answers for its subtree.
    expect((await repo.lookup('deep-only', { roles: ['targets', 'targets/alice'] })).role).toBe('targets/alice/deep');
  });

  it('a role whose subtree lacks the tag passes on to the next listed role', async () => {
    sim.addDelegation('targets/bob');
    sim.addTarget('bob-only', 'b', 'targets/bob');
    sim.addTarget('top', 't');
    sim.publish();
    const repo = await open();
    expect((await repo.lookup('top', { roles: ['targets/bob', 'targets'] })).role).toBe('targets');
    expect((await repo.lookup('bob-only', { roles: ['targets/bob', 'targets'] })).role).toBe('targets/bob');
  });
});

describe('signers: the very same manifest in each signer’s own role', () => {
  let answer: FileMeta;
  beforeEach(() => {
    answer = sim.addTarget('v1', 'the manifest');
    sim.addDelegation('targets/releases');
    sim.setTarget('v1', answer, 'targets/releases');
    sim.addDelegation('targets/alice');
    sim.addDelegation('targets/bob');
    sim.setTarget('v1', answer, 'targets/alice');
    sim.setTarget('v1', answer, 'targets/bob');
    sim.publish();
  });

  const mismatch = (signer: string, reason: string) => ({
    code: 'SIGNER_MISMATCH',
    details: { gun: sim.gun, tag: 'v1', signer, reason },
  });

  it('signedBy lists each signer once, full names, in the order asked', async () => {
    const repo = await open();
    const r = await repo.lookup('v1', { signers: ['bob', 'targets/alice', 'alice', 'targets/bob'] });
    expect(r.signedBy).toEqual(['targets/bob', 'targets/alice']);
    expect(r.role).toBe('targets/releases');
  });

  it('another manifest of the same length is a digest mismatch', async () => {
    const other = sim.addTarget('v1', 'the manifesT', 'targets/alice');
    expect(other.length).toBe(answer.length);
    sim.publish();
    await expect((await open()).lookup('v1', { signers: ['bob', 'alice'] })).rejects.toMatchObject(
      mismatch('targets/alice', 'digest-mismatch'),
    );
  });

  it('the same sha256 with another length is a digest mismatch', async () => {
    sim.setTarget('v1', { length: answer.length + 1, hashes: answer.hashes }, 'targets/alice');
    sim.publish();
    await expect((await open()).lookup('v1', { signers: ['alice'] })).rejects.toMatchObject(
      mismatch('targets/alice', 'digest-mismatch'),
    );
  });

  it('an entry without sha256 (same length, same sha512) is a digest mismatch, not a crash', async () => {
    sim.setTarget(
      'v1',
      { length: answer.length, hashes: { sha512: answer.hashes.sha512 as Uint8Array } },
      'targets/bob',
    );
    sim.publish();
    await expect((await open()).lookup('v1', { signers: ['targets/bob'] })).rejects.toMatchObject(
      mismatch('targets/bob', 'digest-mismatch'),
    );
  });

  it('unknown signer and unsigned tag name the signer and the reason', async () => {
    sim.removeTarget('v1', 'targets/bob');
    sim.publish();
    const repo = await open();
    await expect(repo.lookup('v1', { signers: ['carol'] })).rejects.toMatchObject(
      mismatch('targets/carol', 'unknown-signer'),
    );
    await expect(repo.lookup('v1', { signers: ['alice', 'bob'] })).rejects.toMatchObject(
      mismatch('targets/bob', 'not-signed'),
    );
  });

  it('also through lookupTarget on the trusted repository, with one role asked', async () => {
    const repo = await open();
    const r = await lookupTarget(repo.trusted, 'v1', { role: 'targets/bob', signers: ['alice'] });
    expect([r.role, r.signedBy]).toEqual(['targets/bob', ['targets/alice']]);
  });
});

describe('docker’s rule consults targets/releases only for tags its paths allow', () => {
  it('a broken targets/releases that may not sign the tag does not fail its lookup; one that may, does', async () => {
    const top = sim.addTarget('latest', 'from targets');
    sim.addDelegation('targets/releases', { paths: ['v'] });
    sim.addTarget('v1', 'a release', 'targets/releases');
    sim.addTarget('v2', 'in targets only');
    sim.touch('targets/releases', 60);
    sim.publish();
    const repo = await openRepository({
      gun: sim.gun,
      trustDir: tempDir('nt-lookup-'),
      remote: sim.fetcher(),
      now: new Date(sim.now.getTime() + 120_000),
    });
    expect(await repo.lookup('latest')).toMatchObject({ role: 'targets', digest: `sha256:${hex(top)}` });
    await expect(repo.lookup('v1')).rejects.toMatchObject({ code: 'EXPIRED', details: { role: 'targets/releases' } });
    // v2 is in targets, but targets/releases may sign it: the broken role has to be consulted first.
    await expect(repo.lookup('v2')).rejects.toMatchObject({ code: 'EXPIRED', details: { role: 'targets/releases' } });
  });
});

describe('docker’s rule passes programming errors on', () => {
  it('an error of targets/releases that is not a NotaryError fails every lookup, in its paths or not', async () => {
    sim.addTarget('latest', 'from targets');
    sim.addDelegation('targets/releases', { paths: ['v'] });
    sim.addTarget('v1', 'a release', 'targets/releases');
    sim.publish();
    const trusted = (await open()).trusted;
    const bug = new TypeError('a bug, not a verification failure');
    const broken = new Proxy(trusted, {
      get(target, prop) {
        if (prop === 'resolve') {
          return (name: string) => (name === 'targets/releases' ? Promise.reject(bug) : target.resolve(name));
        }
        const v = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    await expect(lookupTarget(broken, 'latest')).rejects.toBe(bug);
    await expect(lookupTarget(broken, 'v1')).rejects.toBe(bug);
  });
});
