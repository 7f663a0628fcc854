// Publish against an in-memory server: init, staged changes, failures that must lose nothing, version conflicts.
import { cpSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/encoding/utf8.js';
import { notaryError } from '../../../src/errors.js';
import { constantPassphrase } from '../../../src/keystore/index.js';
import { parseRoot, parseSnapshot, parseTargets } from '../../../src/metadata/index.js';
import { changelistDir } from '../../../src/signer/changelist.js';
import { init, publish, sign, stage, status } from '../../../src/signer/index.js';
import { stageOps } from '../../../src/signer/stage.js';
import { filesUnder } from '../../helpers/files-under.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { FakeServer } from './fake-server.js';

const GUN = 'example.com/app';
const PASS = constantPassphrase('unit-test-passphrase');
const digest = (n: number) => `sha256:${n.toString(16).padStart(2, '0').repeat(32)}`;

function setup(server = new FakeServer(), trustDir = tempDir('trust-')) {
  const remote = server.remote(GUN);
  return { server, remote, trustDir, opts: { gun: GUN, trustDir, remote, passphrase: PASS } };
}

/** Every file under `dir` with its bytes, for before/after comparisons. */
function snapshotDir(dir: string): Record<string, string> {
  return Object.fromEntries(filesUnder(dir).map((f) => [f, readFileSync(join(dir, f)).toString('base64')]));
}

const serverTargets = (s: FakeServer, role = 'targets') => parseTargets(s.current.get(role) as Uint8Array, role).signed;

describe('init and first publish (notary init + publish)', () => {
  it('publishes root v1, targets v2 and snapshot v2 with a local snapshot key', async () => {
    const { server, opts } = setup();
    const r = await init(opts);
    expect(r.serverManagedSnapshot).toBe(false);
    const res = await publish(opts);
    expect(res.roles).toEqual(['root', 'targets', 'snapshot']);
    expect(res.initialPublish).toBe(true);
    expect(server.versions.get('root')).toBe(1);
    expect(server.versions.get('targets')).toBe(2);
    expect(server.versions.get('snapshot')).toBe(2);
    const root = parseRoot(server.current.get('root') as Uint8Array).signed;
    expect(root.keys.get(root.baseRole('root').keyIds[0] as string)?.type).toBe('ecdsa-x509');
  });

  it('refuses to init over an existing repository', async () => {
    const { opts } = setup();
    await init(opts);
    await expect(init(opts)).rejects.toMatchObject({ code: 'REPOSITORY_EXISTS' });
  });

  it('sign on a new repository uses a server-managed snapshot and signs into targets', async () => {
    const { server, opts } = setup();
    const res = await sign({ ...opts, tags: [{ tag: 'v1', digest: digest(1), size: 7 }] });
    expect(res.roles).toEqual(['root', 'targets']);
    expect(res.snapshotSigned).toBe(false);
    expect(res.signed.get('v1')).toEqual(['targets']);
    expect(serverTargets(server).getTarget('v1')?.length).toBe(7);
    const snap = parseSnapshot(server.current.get('snapshot') as Uint8Array).signed;
    expect(snap.getMeta('targets')).toBeDefined();
  });
});

describe('staged changes', () => {
  it('are applied in file-name order and cleared after the server accepted them', async () => {
    const { server, opts, trustDir } = setup();
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(9), size: 1 }] });
    await stage({ gun: GUN, trustDir, add: [{ tag: 'a', digest: digest(1), size: 1 }] });
    await stage({ gun: GUN, trustDir, remove: ['a'] });
    await stage({ gun: GUN, trustDir, remove: ['b'] });
    await stage({ gun: GUN, trustDir, add: [{ tag: 'b', digest: digest(2), size: 2, custom: { z: 1, a: 'x<y' } }] });
    const res = await publish(opts);
    expect(res.appliedChanges).toBe(4);
    const t = serverTargets(server);
    expect(t.hasTarget('a')).toBe(false);
    expect(t.getTarget('b')?.custom).toEqual({ a: 'x<y', z: 1 });
    // custom is written canonically (sorted keys) in the uploaded file, HTML-escaped as Go's encoder does
    expect(Buffer.from(server.current.get('targets') as Uint8Array).toString()).toContain(
      '"custom":{"a":"x\\u003cy","z":1}',
    );
    expect(await status({ gun: GUN, trustDir })).toEqual([]);
  });

  it('publishes a change file written by the Go CLI (`notary add` with custom)', async () => {
    const { server, opts, trustDir } = setup();
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(9), size: 1 }] });
    const dir = changelistDir(trustDir, GUN);
    const go =
      '{"action":"create","role":"targets","type":"target","path":"v1\\u0026\\u003cx\\u003e","data":"eyJsZW5ndGgiOjEyLCJoYXNoZXMiOnsic2hhMjU2IjoicVVpUVR5OFBSNXVQZ1pkcFN6QVlTdzB1MGNITktoN0ErNFhTbWFHU3BFYz0iLCJzaGE1MTIiOiIyemwwcVg4a0I3Zks0YTVqZkFBd2FIb1JrVEowMVhoSkpWampuQmJBRjk2RTZzM0l4aS9qVHVUaEswc1VLSUYvQ2JhaWRndy9pbVpNNnVsTkpEU2xrdz09In0sImN1c3RvbSI6eyJhIjoiXHUwMDNjeFx1MDAzZSIsImIiOjF9fQ=="}';
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '01795434374530459732_ba1f627e-0956-4587-93a4-47a283f011bc.change'), utf8(go));
    await publish(opts);
    const t = serverTargets(server).getTarget('v1&<x>');
    expect(t?.length).toBe(12);
    expect(t?.custom).toEqual({ a: '<x>', b: 1 });
  });
});

describe('staged root role change (TUFRootData, as `notary key rotate` builds it)', () => {
  it('replaces the targets key in root and re-signs targets with the new key', async () => {
    const { server, opts, trustDir } = setup();
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(9), size: 1 }] });
    const { FileKeyStore } = await import('../../../src/keystore/index.js');
    const { generateKey } = await import('../../../src/crypto/index.js');
    const key = generateKey('ecdsa');
    await (await FileKeyStore.open(trustDir, { passphrases: PASS })).add(key, { role: 'targets', gun: GUN });
    await stageOps(GUN, trustDir, [{ kind: 'base-role-keys', role: 'targets', keys: [key.publicKey] }]);
    expect((await status({ gun: GUN, trustDir }))[0]).toMatchObject({
      action: 'create',
      role: 'root',
      type: 'role',
      path: 'targets',
    });
    const res = await publish(opts);
    expect(res.roles).toEqual(['root', 'targets']);
    const root = parseRoot(server.current.get('root') as Uint8Array).signed;
    expect([...root.keysOf('targets').values()]).toEqual([key.publicKey]);
    expect(serverTargets(server).hasTarget('base')).toBe(true);
  });
});

describe('failures lose nothing', () => {
  it('an accepted upload whose refreshed metadata cannot be cached still succeeds, its changes cleared', async () => {
    const { server, opts, trustDir } = setup();
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(9), size: 1 }] });
    const meta = join(trustDir, 'tuf', GUN, 'metadata');
    rmSync(meta, { recursive: true, force: true });
    writeFileSync(meta, 'not a directory'); // every cache write now fails with IO
    await stage({ gun: GUN, trustDir, add: [{ tag: 'a', digest: digest(1), size: 1 }] });
    const res = await publish(opts);
    expect(res.appliedChanges).toBe(1);
    expect(serverTargets(server).hasTarget('a')).toBe(true);
    expect(await status({ gun: GUN, trustDir })).toEqual([]);
    expect(statSync(meta).isFile()).toBe(true);
  });

  it('a rejected upload keeps the changelist and the cache byte for byte', async () => {
    const { opts, remote, trustDir } = setup();
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(9), size: 1 }] });
    await publish(opts); // warm the cache
    await stage({ gun: GUN, trustDir, add: [{ tag: 'x', digest: digest(3), size: 3 }] });
    const before = snapshotDir(join(trustDir, 'tuf'));
    remote.failPublish = notaryError('SERVER_ERROR', 'publish: 500');
    await expect(publish(opts)).rejects.toMatchObject({ code: 'SERVER_ERROR' });
    expect(snapshotDir(join(trustDir, 'tuf'))).toEqual(before);
    expect((await status({ gun: GUN, trustDir })).map((s) => s.path)).toEqual(['x']);
  });

  it('a publish killed after applying (remote throws a plain error) keeps every staged change', async () => {
    const { opts, remote, trustDir, server } = setup();
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(9), size: 1 }] });
    await stage({ gun: GUN, trustDir, add: [{ tag: 'y', digest: digest(4), size: 4 }] });
    remote.failPublish = new Error('connection reset by peer');
    await expect(publish(opts)).rejects.toThrow('connection reset');
    expect((await status({ gun: GUN, trustDir })).map((s) => s.path)).toEqual(['y']);
    remote.failPublish = undefined;
    await publish(opts);
    expect(serverTargets(server).hasTarget('y')).toBe(true);
    expect(await status({ gun: GUN, trustDir })).toEqual([]);
  });

  it('a wrong passphrase publishes nothing and changes no key file', async () => {
    const { opts, remote, trustDir, server } = setup();
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(9), size: 1 }] });
    const keysBefore = snapshotDir(join(trustDir, 'private'));
    const published = server.publishes;
    const bad = { ...opts, remote, passphrase: constantPassphrase('wrong') };
    await expect(sign({ ...bad, tags: [{ tag: 'z', digest: digest(5), size: 5 }] })).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    expect(server.publishes).toBe(published);
    expect(snapshotDir(join(trustDir, 'private'))).toEqual(keysBefore);
  });
});

describe('version conflicts', () => {
  it('refreshes and retries when another publisher got in first, keeping both changes', async () => {
    const { server, opts, trustDir } = setup();
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(9), size: 1 }] });
    const other = tempDir('trust-b-');
    cpSync(join(trustDir, 'private'), join(other, 'private'), { recursive: true });
    server.beforePublish = async () => {
      await sign({
        gun: GUN,
        trustDir: other,
        remote: server.remote(GUN),
        passphrase: PASS,
        tags: [{ tag: 'theirs', digest: digest(6), size: 6 }],
      });
    };
    const res = await sign({ ...opts, tags: [{ tag: 'ours', digest: digest(7), size: 7 }] });
    expect(res.attempts).toBe(2);
    const t = serverTargets(server);
    expect(t.hasTarget('theirs')).toBe(true);
    expect(t.hasTarget('ours')).toBe(true);
  });

  it('gives up with VERSION_CONFLICT after the last attempt and keeps staged changes', async () => {
    const { opts, remote, trustDir } = setup();
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(9), size: 1 }] });
    await stage({ gun: GUN, trustDir, remove: ['base'] });
    remote.failPublish = notaryError('VERSION_CONFLICT', 'publish: server holds a newer version');
    remote.calls.length = 0;
    await expect(publish(opts)).rejects.toMatchObject({ code: 'VERSION_CONFLICT', details: { attempt: 3 } });
    expect(remote.calls.filter((c) => c.startsWith('publish'))).toHaveLength(3);
    expect(await status({ gun: GUN, trustDir })).toHaveLength(1);
  });
});
