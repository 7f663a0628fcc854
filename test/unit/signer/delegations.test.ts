// Delegations, Docker signers, revocation and key rotation against the in-memory server.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateKey as newKey } from '../../../src/crypto/index.js';
import { MAX_DELEGATION_DEPTH, MAX_DELEGATION_FANOUT } from '../../../src/grammar/walk-limits.js';
import { constantPassphrase } from '../../../src/keystore/index.js';
import { canonicalKeyId, parseRoot, parseTargets, tufKeyId, verifyRole } from '../../../src/metadata/index.js';
import { keySigner } from '../../../src/metadata/signer.js';
import { changelistDir } from '../../../src/signer/changelist.js';
import { delegationAddOps } from '../../../src/signer/delegations.js';
import {
  addDelegation,
  addSigner,
  generateKey,
  listDelegations,
  publish,
  removeDelegation,
  removeSigner,
  revoke,
  rotate,
  sign,
} from '../../../src/signer/index.js';
import { stageOps } from '../../../src/signer/stage.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { FakeServer } from './fake-server.js';

const GUN = 'example.com/app';
const PASS = constantPassphrase('unit-test-passphrase');
const digest = (n: number) => `sha256:${n.toString(16).padStart(2, '0').repeat(32)}`;

async function repo() {
  const server = new FakeServer();
  const trustDir = tempDir('trust-');
  const opts = { gun: GUN, trustDir, remote: server.remote(GUN), passphrase: PASS };
  await sign({ ...opts, tags: [{ tag: 'v0', digest: digest(0), size: 1 }] });
  return { server, trustDir, opts };
}

const targetsOf = (s: FakeServer, role = 'targets') => parseTargets(s.current.get(role) as Uint8Array, role).signed;

describe('docker signers', () => {
  it('signer add puts the key in targets/<name> and targets/releases; sign lands in both', async () => {
    const { server, trustDir, opts } = await repo();
    const key = await generateKey({ name: 'alice', dir: tempDir('pub-'), trustDir, passphrase: PASS });
    expect(key.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\nrole: alice\n\n/);
    await addSigner({ ...opts, name: 'alice', publicKeys: [key.publicKeyPem] });
    const d = targetsOf(server).delegations;
    expect(d.roles.map((r) => [r.name, r.paths, r.threshold])).toEqual([
      ['targets/alice', [''], 1],
      ['targets/releases', [''], 1],
    ]);
    const res = await sign({ ...opts, tags: [{ tag: 'v1', digest: digest(1), size: 3 }] });
    expect(res.signed.get('v1')).toEqual(['targets/alice', 'targets/releases']);
    expect(targetsOf(server, 'targets/releases').getTarget('v1')?.length).toBe(3);
    expect(targetsOf(server, 'targets/alice').hasTarget('v1')).toBe(true);
    expect(targetsOf(server).hasTarget('v1')).toBe(false);

    const forced = await sign({ ...opts, role: 'targets', tags: [{ tag: 'v2', digest: digest(2), size: 3 }] });
    expect(forced.signed.get('v2')).toEqual(['targets']);

    const rv = await revoke({ ...opts, tags: ['v1'] });
    expect(rv.revoked.get('v1')).toEqual(['targets/alice', 'targets/releases']);
    expect(targetsOf(server, 'targets/releases').hasTarget('v1')).toBe(false);
    await expect(revoke({ ...opts, tags: ['nope'] })).rejects.toMatchObject({ code: 'TARGET_NOT_FOUND' });

    // The last releases signer: refused (releases would have no keys and nothing would verify) unless forced,
    // which removes targets/releases with it.
    await expect(removeSigner({ ...opts, name: 'alice' })).rejects.toMatchObject({
      code: 'PUBLISH_WOULD_FAIL_VERIFY',
      details: { reason: 'last-signer', role: 'targets/releases' },
    });
    expect(targetsOf(server).delegations.roles.map((r) => r.name)).toEqual(['targets/alice', 'targets/releases']);
    await removeSigner({ ...opts, name: 'alice', force: true });
    expect(targetsOf(server).delegations.roles).toEqual([]);
    await expect(removeSigner({ ...opts, name: 'alice' })).rejects.toMatchObject({ code: 'ROLE_NOT_FOUND' });
  });

  it('refuses to sign when delegations exist but none of their keys is here', async () => {
    const { opts } = await repo();
    const stranger = newKey('ecdsa');
    await addSigner({ ...opts, name: 'bob', publicKeys: [stranger.publicKey] });
    await expect(sign({ ...opts, tags: [{ tag: 'v1', digest: digest(1), size: 1 }] })).rejects.toMatchObject({
      code: 'KEY_NOT_FOUND',
    });
    // ... unless a caller-supplied signer (a KMS, say) holds it
    const res = await sign({
      ...opts,
      signers: [keySigner(stranger)],
      tags: [{ tag: 'v1', digest: digest(1), size: 1 }],
    });
    expect(res.signed.get('v1')).toEqual(['targets/bob', 'targets/releases']);
  });

  it('rejects reserved and malformed signer names', async () => {
    const { opts } = await repo();
    for (const name of ['releases', 'Alice', '-x', 'a/b']) {
      await expect(addSigner({ ...opts, name, publicKeys: [newKey('ecdsa').publicKey] })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    }
  });
});

describe('notary delegations', () => {
  it('adds a role with threshold 2, keeps it on a later docker-style add, and changes it on request', async () => {
    const { server, opts } = await repo();
    const [a, b] = [newKey('ecdsa'), newKey('ecdsa')];
    await addDelegation({
      ...opts,
      role: 'targets/qa',
      keys: [a.publicKey, b.publicKey],
      allPaths: true,
      threshold: 2,
    });
    await publish(opts);
    expect(targetsOf(server).delegation('targets/qa')?.threshold).toBe(2);
    // A `create` with threshold 1 (what `docker trust signer add` stages) must not lower an existing threshold.
    await addSigner({ ...opts, name: 'qa', publicKeys: [newKey('ecdsa').publicKey] });
    expect(targetsOf(server).delegation('targets/qa')?.threshold).toBe(2);
    expect(targetsOf(server).delegation('targets/qa')?.keyIds).toHaveLength(3);
    await addDelegation({ ...opts, role: 'targets/qa', threshold: 1, publish: true });
    expect(targetsOf(server).delegation('targets/qa')?.threshold).toBe(1);
  });

  it('signing a threshold-2 role with one key fails before anything is uploaded', async () => {
    const { server, opts } = await repo();
    const [a, b] = [newKey('ecdsa'), newKey('ecdsa')];
    await addDelegation({
      ...opts,
      role: 'targets/two',
      keys: [a.publicKey, b.publicKey],
      paths: ['x/'],
      threshold: 2,
      publish: true,
    });
    const n = server.publishes;
    await expect(
      sign({
        ...opts,
        role: 'targets/two',
        signers: [keySigner(a)],
        tags: [{ tag: 'x/1', digest: digest(1), size: 1 }],
      }),
    ).rejects.toMatchObject({ code: 'KEY_NOT_FOUND', details: { role: 'targets/two', needed: 2, found: 1 } });
    expect(server.publishes).toBe(n);
    const ok = await sign({
      ...opts,
      role: 'targets/two',
      signers: [keySigner(a), keySigner(b)],
      tags: [{ tag: 'x/1', digest: digest(1), size: 1 }],
    });
    expect(ok.roles).toContain('targets/two');
    // paths are enforced: the role may only sign under x/
    await expect(
      sign({
        ...opts,
        role: 'targets/two',
        signers: [keySigner(a), keySigner(b)],
        tags: [{ tag: 'y', digest: digest(1), size: 1 }],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('removes keys by canonical ID (certificates included), paths, and whole roles; lists with canonical IDs', async () => {
    const { server, opts } = await repo();
    const k = newKey('ecdsa');
    await addDelegation({ ...opts, role: 'targets/ci', keys: [k.publicKey], paths: ['a', 'b'], publish: true });
    const list = await listDelegations(opts);
    expect(list).toEqual([
      { name: 'targets/ci', threshold: 1, paths: ['a', 'b'], keyIds: [canonicalKeyId(k.publicKey)] },
    ]);
    await removeDelegation({ ...opts, role: 'targets/ci', paths: ['a'], publish: true });
    expect(targetsOf(server).delegation('targets/ci')?.paths).toEqual(['b']);
    await removeDelegation({ ...opts, role: 'targets/ci', keyIds: [canonicalKeyId(k.publicKey)], publish: true });
    expect(targetsOf(server).delegation('targets/ci')?.keyIds).toEqual([]);
    expect(targetsOf(server).delegations.keys.size).toBe(0);
    await removeDelegation({ ...opts, role: 'targets/ci', publish: true });
    expect(targetsOf(server).delegation('targets/ci')).toBeUndefined();
  });

  it('applies a Go `delegation purge` (targets/* remove_keys) staged by the Go CLI', async () => {
    const { server, opts, trustDir } = await repo();
    const k = newKey('ecdsa');
    await addSigner({ ...opts, name: 'eve', publicKeys: [k.publicKey] });
    const dir = changelistDir(trustDir, GUN);
    mkdirSync(dir, { recursive: true });
    const data = Buffer.from(`{"remove_keys":["${canonicalKeyId(k.publicKey)}"]}`).toString('base64');
    writeFileSync(
      join(dir, '01795434379637930432_0dc5a932-62aa-4a73-b900-59543fd25ba4.change'),
      `{"action":"update","role":"targets/*","type":"delegation","path":"","data":"${data}"}`,
    );
    await publish(opts);
    expect(targetsOf(server).delegations.roles.map((r) => r.keyIds.length)).toEqual([0, 0]);
  });

  it('refuses paths outside what the parent may delegate, and unknown roles', async () => {
    const { opts } = await repo();
    await addDelegation({
      ...opts,
      role: 'targets/a',
      keys: [newKey('ecdsa').publicKey],
      paths: ['lib/'],
      publish: true,
    });
    await expect(addDelegation({ ...opts, role: 'targets/zz', paths: ['x'], publish: true })).rejects.toMatchObject({
      code: 'ROLE_NOT_FOUND',
    });
  });
});

describe('key rotation', () => {
  it('targets: a new local key in root, targets re-signed with it', async () => {
    const { server, opts } = await repo();
    const oldRoot = parseRoot(server.current.get('root') as Uint8Array).signed;
    const r = await rotate({ ...opts, role: 'targets' });
    expect(r.roles).toEqual(['root', 'targets']);
    const root = parseRoot(server.current.get('root') as Uint8Array).signed;
    expect(root.version).toBe(oldRoot.version + 1);
    expect(root.baseRole('targets').keyIds).toEqual([r.newKeyId]);
    const t = parseTargets(server.current.get('targets') as Uint8Array);
    verifyRole(root.baseRole('targets'), root.keys, t);
    // and the repository keeps working with the new key
    await sign({ ...opts, tags: [{ tag: 'after', digest: digest(3), size: 1 }] });
  });

  it('root: the new root is signed by the old and the new root key', async () => {
    const { server, opts } = await repo();
    const old = parseRoot(server.current.get('root') as Uint8Array);
    const r = await rotate({ ...opts, role: 'root' });
    const next = parseRoot(server.current.get('root') as Uint8Array);
    expect(next.signed.baseRole('root').keyIds).toEqual([r.newKeyId]);
    expect(next.signatures).toHaveLength(2);
    verifyRole(old.signed.baseRole('root'), old.signed.keys, next);
    verifyRole(next.signed.baseRole('root'), next.signed.keys, next);
    expect(next.signed.keys.get(r.newKeyId)?.type).toBe('ecdsa-x509');
  });

  it('snapshot: to the server and back to a local key', async () => {
    const { server, opts } = await repo();
    const local = await rotate({ ...opts, role: 'snapshot' });
    expect(local.snapshotSigned).toBe(true);
    expect(local.roles).toEqual(['root', 'snapshot']);
    const remote = await rotate({ ...opts, role: 'snapshot', serverManaged: true });
    expect(remote.snapshotSigned).toBe(false);
    const root = parseRoot(server.current.get('root') as Uint8Array).signed;
    expect(root.baseRole('snapshot').keyIds).toEqual([tufKeyId(server.key('snapshot').publicKey)]);
    await expect(rotate({ ...opts, role: 'targets', serverManaged: true })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('a wrong root passphrase rotates nothing and creates no key', async () => {
    const { server, opts, trustDir } = await repo();
    const keys = readdirSync(join(trustDir, 'private')).sort();
    const n = server.publishes;
    await expect(rotate({ ...opts, role: 'targets', passphrase: constantPassphrase('nope') })).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    expect(readdirSync(join(trustDir, 'private')).sort()).toEqual(keys);
    expect(server.publishes).toBe(n);
  });
});

describe('walk limits (grammar/walk-limits): the signer builds no tree the verifier would refuse to walk', () => {
  const chain = (n: number) => ['targets', ...Array.from({ length: n }, (_, i) => `d${i}`)].join('/');

  it('a delegation nested 16 deep is published; 17 deep is refused at staging (INVALID_ARGUMENT)', async () => {
    const { server, trustDir, opts } = await repo();
    const k = (await generateKey({ name: 'deep', dir: tempDir('pub-'), trustDir, passphrase: PASS })).publicKey;
    for (let i = 1; i <= MAX_DELEGATION_DEPTH; i++) {
      await addDelegation({ ...opts, role: chain(i), keys: [k], allPaths: true });
    }
    await publish(opts);
    expect(parseTargets(server.current.get('targets') as Uint8Array, 'targets').signed.delegations.roles).toHaveLength(
      1,
    );
    const deepest = parseTargets(
      server.current.get(chain(MAX_DELEGATION_DEPTH - 1)) as Uint8Array,
      chain(MAX_DELEGATION_DEPTH - 1),
    );
    expect(deepest.signed.delegations.roles.map((r) => r.name)).toEqual([chain(MAX_DELEGATION_DEPTH)]);
    const before = server.publishes;
    await expect(
      addDelegation({ ...opts, role: chain(MAX_DELEGATION_DEPTH + 1), keys: [k], allPaths: true, publish: true }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { limit: MAX_DELEGATION_DEPTH } });
    await expect(
      sign({ ...opts, role: chain(MAX_DELEGATION_DEPTH + 1), tags: [{ tag: 'v9', digest: digest(9), size: 1 }] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(server.publishes).toBe(before);
  });

  it(`a targets file delegating to more than ${MAX_DELEGATION_FANOUT} roles is not published; the changes stay staged`, async () => {
    const { server, trustDir, opts } = await repo();
    const k = newKey('ecdsa').publicKey;
    const ops = Array.from({ length: MAX_DELEGATION_FANOUT + 1 }, (_, i) =>
      delegationAddOps({ role: `targets/r${i}`, keys: [k], allPaths: true }),
    ).flat();
    await stageOps(GUN, trustDir, ops);
    const before = server.publishes;
    await expect(publish(opts)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { limit: MAX_DELEGATION_FANOUT },
    });
    expect(server.publishes).toBe(before);
    expect(readdirSync(changelistDir(trustDir, GUN)).length).toBe(ops.length);
  });
});
