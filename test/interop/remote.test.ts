// NotaryRemote against the real notary-server 0.7.0: bytes identical to a plain GET, error mapping, token auth.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransportFactory } from '../../src/remote/index.js';
import { NotaryRemote, type NotaryRemoteOptions } from '../../src/remote/index.js';
import {
  describeInterop,
  httpGet,
  type NotaryServer,
  runNotary,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';
import { TRANSPORTS } from '../helpers/transports.js';

let transportFactory: TransportFactory;

const MiB = 1024 * 1024;
const remotes: NotaryRemote[] = [];

function remote(server: NotaryServer, gun: string, over: Partial<NotaryRemoteOptions> = {}): NotaryRemote {
  const r = new NotaryRemote({ serverUrl: server.url, gun, transportFactory, ...over });
  remotes.push(r);
  return r;
}

async function plainGet(server: NotaryServer, gun: string, file: string): Promise<Buffer> {
  const res = await httpGet(server.metadataUrl(gun, file));
  expect(res.status).toBe(200);
  return res.body;
}

/** Reads `meta[name].hashes.sha256` (base64) of a snapshot/timestamp as hex — test-side parsing only. */
function sha256Of(bytes: Uint8Array, name: string): string {
  const doc = JSON.parse(Buffer.from(bytes).toString('utf8')) as {
    signed: { meta: Record<string, { hashes: { sha256: string } }> };
  };
  const h = doc.signed.meta[name]?.hashes.sha256;
  if (!h) throw new Error(`no sha256 for ${name}`);
  return Buffer.from(h, 'base64').toString('hex');
}

afterAll(async () => {
  await Promise.all(remotes.splice(0).map((r) => r.close()));
});

describe.each(TRANSPORTS)('%s transport', (_name, factory) => {
  describeInterop('remote against notary-server (no auth)', () => {
    let server: NotaryServer;
    const gun = 'example.com/remote/published';

    beforeAll(async () => {
      transportFactory = factory;
      server = await startNotaryServer();
      const trustDir = tempDir('remote-interop-trust-');
      const init = await runNotary(['init', gun, '-p'], { trustDir, server: server.url });
      expect(init.code, init.stderr).toBe(0);
      const payload = join(tempDir('remote-interop-file-'), 'payload');
      writeFileSync(payload, 'hello\n');
      const add = await runNotary(['add', gun, 'v1', payload, '-p'], { trustDir, server: server.url });
      expect(add.code, add.stderr).toBe(0);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('ping succeeds', async () => {
      await remote(server, gun).ping();
    });

    it('getKey(timestamp) returns the ed25519 public key JSON; rotateKey returns a new one', async () => {
      const fresh = remote(server, 'example.com/remote/keys');
      const keyJson = /^\{"keytype":"ed25519","keyval":\{"public":"[A-Za-z0-9+/]{43}=","private":null\}\}$/;
      expect(Buffer.from(await fresh.getKey('timestamp')).toString('utf8')).toMatch(keyJson);
      // For a published GUN the server answers with the timestamp key its root lists, every time.
      const r = remote(server, gun);
      const text = Buffer.from(await r.getKey('timestamp')).toString('utf8');
      expect(text).toMatch(keyJson);
      expect(Buffer.from(await r.getKey('timestamp')).toString('utf8')).toBe(text);
      const pub = (JSON.parse(text) as { keyval: { public: string } }).keyval.public;
      const root = JSON.parse(Buffer.from(await r.getRole('root', { maxBytes: MiB })).toString('utf8')) as {
        signed: { keys: Record<string, { keyval: { public: string } }>; roles: { timestamp: { keyids: string[] } } };
      };
      const tsKeyId = root.signed.roles.timestamp.keyids[0] ?? '';
      expect(root.signed.keys[tsKeyId]?.keyval.public).toBe(pub);
      const rotated = Buffer.from(await fresh.rotateKey('timestamp')).toString('utf8');
      expect(rotated).toMatch(keyJson);
    });

    it('an unknown GUN: root → REPOSITORY_NOT_FOUND, timestamp → METADATA_NOT_FOUND', async () => {
      const r = remote(server, 'example.com/remote/unknown');
      await expect(r.getRole('root', { maxBytes: MiB })).rejects.toMatchObject({
        code: 'REPOSITORY_NOT_FOUND',
        details: { status: 404, serverCode: 'METADATA_NOT_FOUND' },
      });
      await expect(r.getRole('timestamp', { maxBytes: MiB })).rejects.toMatchObject({ code: 'METADATA_NOT_FOUND' });
      await expect(r.getRole('root', { maxBytes: MiB, version: 1 })).rejects.toMatchObject({
        code: 'METADATA_NOT_FOUND',
      });
    });

    it('publishing garbage is SERVER_REJECTED with the server code mapped', async () => {
      const r = remote(server, 'example.com/remote/garbage');
      await expect(r.publish([{ role: 'root', bytes: new TextEncoder().encode('not json') }])).rejects.toMatchObject({
        code: 'SERVER_REJECTED',
        details: { status: 400, serverCode: 'MALFORMED_JSON' },
      });
      const targetsOnly = new TextEncoder().encode(
        '{"signed":{"_type":"Targets","expires":"2030-01-01T00:00:00Z","version":1},"signatures":[]}',
      );
      await expect(r.publish([{ role: 'targets', bytes: targetsOnly }])).rejects.toMatchObject({
        code: 'SERVER_REJECTED',
        details: { serverCode: 'INVALID_UPDATE', name: 'ErrValidation' },
      });
    });

    it('returns exactly the bytes a plain GET gets: root, timestamp, snapshot/targets by checksum, 1.root.json', async () => {
      const r = remote(server, gun);
      const root = await r.getRole('root', { maxBytes: 100 * MiB });
      expect(Buffer.compare(Buffer.from(root), await plainGet(server, gun, 'root.json'))).toBe(0);
      const ts = await r.getRole('timestamp', { maxBytes: MiB });
      expect(Buffer.compare(Buffer.from(ts), await plainGet(server, gun, 'timestamp.json'))).toBe(0);
      const snapHex = sha256Of(ts, 'snapshot');
      const snap = await r.getRole('snapshot', { maxBytes: MiB, checksum: snapHex });
      expect(createHash('sha256').update(snap).digest('hex')).toBe(snapHex);
      expect(Buffer.compare(Buffer.from(snap), await plainGet(server, gun, `snapshot.${snapHex}.json`))).toBe(0);
      const targetsHex = sha256Of(snap, 'targets');
      const targets = await r.getRole('targets', { maxBytes: MiB, checksum: targetsHex });
      expect(createHash('sha256').update(targets).digest('hex')).toBe(targetsHex);
      const v1 = await r.getRole('root', { maxBytes: MiB, version: 1 });
      expect(Buffer.compare(Buffer.from(v1), await plainGet(server, gun, '1.root.json'))).toBe(0);
      expect(Buffer.compare(Buffer.from(v1), Buffer.from(root))).toBe(0);
    });

    it('caps the real server: a snapshot one byte over the cap is RESPONSE_TOO_LARGE', async () => {
      const r = remote(server, gun);
      const ts = await r.getRole('timestamp', { maxBytes: MiB });
      await expect(r.getRole('timestamp', { maxBytes: ts.length - 1 })).rejects.toMatchObject({
        code: 'RESPONSE_TOO_LARGE',
        details: { role: 'timestamp', maxBytes: ts.length - 1 },
      });
      expect((await r.getRole('timestamp', { maxBytes: ts.length })).length).toBe(ts.length);
    });

    it('re-uploading the current versions is VERSION_CONFLICT', async () => {
      const r = remote(server, gun);
      const root = await r.getRole('root', { maxBytes: MiB });
      const ts = await r.getRole('timestamp', { maxBytes: MiB });
      const snap = await r.getRole('snapshot', { maxBytes: MiB, checksum: sha256Of(ts, 'snapshot') });
      const targets = await r.getRole('targets', { maxBytes: MiB, checksum: sha256Of(snap, 'targets') });
      await expect(
        r.publish([
          { role: 'root', bytes: root },
          { role: 'targets', bytes: targets },
          { role: 'snapshot', bytes: snap },
        ]),
      ).rejects.toMatchObject({ code: 'VERSION_CONFLICT', details: { serverCode: 'VERSION' } });
    });

    it('deleteRepository + publish round trip: Go-made root, targets, targets/releases and snapshot', async () => {
      // The Go CLI makes a repository with a delegation; we download its current files, delete the repository and
      // upload the same bytes in one multipart POST. The server validates them (signatures, hierarchy) as new.
      const other = 'example.com/remote/republished';
      const trustDir = tempDir('remote-interop-trust-');
      const work = tempDir('remote-interop-dlg-');
      const go = async (args: string[]) => {
        const res = await runNotary(args, { trustDir, server: server.url });
        expect(res.code, res.stderr).toBe(0);
      };
      await go(['init', other, '-p']);
      execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'k.pem'], { cwd: work });
      execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-in', 'k.pem', '-out', 'k8.pem'], { cwd: work });
      execFileSync(
        'openssl',
        ['req', '-new', '-x509', '-key', 'k.pem', '-subj', '/CN=releases', '-days', '30', '-out', 'c.pem'],
        {
          cwd: work,
        },
      );
      await go(['key', 'import', join(work, 'k8.pem'), '--role', 'targets/releases', '--gun', other]);
      await go(['delegation', 'add', other, 'targets/releases', join(work, 'c.pem'), '--all-paths', '-p']);
      writeFileSync(join(work, 'f'), 'hi\n');
      await go(['add', other, 'v1', join(work, 'f'), '--roles', 'targets/releases', '-p']);

      const r = remote(server, other);
      const roles = ['root', 'targets', 'targets/releases', 'snapshot'] as const;
      const before = new Map<string, Uint8Array>();
      for (const role of roles) before.set(role, await r.getRole(role, { maxBytes: MiB }));
      await r.deleteRepository();
      await expect(r.getRole('root', { maxBytes: MiB })).rejects.toMatchObject({ code: 'REPOSITORY_NOT_FOUND' });
      await r.publish(roles.map((role) => ({ role, bytes: before.get(role)! })));
      for (const role of roles) {
        const now = await r.getRole(role, { maxBytes: MiB });
        expect(Buffer.compare(Buffer.from(now), Buffer.from(before.get(role)!)), role).toBe(0);
      }
      // The server made a fresh timestamp over the re-uploaded snapshot, and the Go CLI still reads the repository.
      const ts = await r.getRole('timestamp', { maxBytes: MiB });
      expect(sha256Of(ts, 'snapshot')).toBe(createHash('sha256').update(before.get('snapshot')!).digest('hex'));
      const list = await runNotary(['list', other, '--roles', 'targets/releases'], {
        trustDir: tempDir('remote-interop-trust-'),
        server: server.url,
      });
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toMatch(/v1\s/);
    });
  });
});

describe.each(TRANSPORTS)('%s transport', (_name, factory) => {
  describeInterop('remote against notary-server with token auth', () => {
    let server: NotaryServer;
    const gun = 'example.com/remote/auth';
    const credentials = { username: 'alice', password: 'secret' };
    const provider = { get: async () => ({ kind: 'basic' as const, ...credentials }) };

    beforeAll(async () => {
      transportFactory = factory;
      server = await startNotaryServer({ auth: { credentials } });
      const init = await runNotary(['init', gun, '-p'], {
        trustDir: tempDir('remote-interop-auth-'),
        server: server.url,
        env: { NOTARY_AUTH: Buffer.from('alice:secret').toString('base64') },
      });
      expect(init.code, init.stderr).toBe(0);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('ping → 401 → token → success, and the token is cached per scope', async () => {
      const requests = server.auth!.tokenRequests;
      const before = requests.length;
      const r = remote(server, gun, { credentials: provider });
      await r.ping();
      const root = await r.getRole('root', { maxBytes: MiB });
      const token = server.mintToken({ gun, actions: ['pull'] });
      const plain = await server.get(`/v2/${gun}/_trust/tuf/root.json`, { token });
      expect(Buffer.compare(Buffer.from(root), plain.body)).toBe(0);
      await r.getRole('timestamp', { maxBytes: MiB });
      await r.getRole('root', { maxBytes: MiB, version: 1 });
      const mine = requests.slice(before);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ scopes: [`repository:${gun}:pull`], account: 'alice' });
      await r.getKey('timestamp');
      expect(requests.slice(before).map((q) => q.scopes)).toEqual([
        [`repository:${gun}:pull`],
        [`repository:${gun}:push,pull`],
      ]);
    });

    it('without a ping: 401 → token → retry succeeds; wrong credentials are UNAUTHORIZED', async () => {
      const r = remote(server, gun, { credentials: provider });
      expect((await r.getRole('timestamp', { maxBytes: MiB })).length).toBeGreaterThan(0);
      const wrong = remote(server, gun, {
        credentials: { get: async () => ({ kind: 'basic' as const, username: 'alice', password: 'nope' }) },
      });
      await expect(wrong.getRole('timestamp', { maxBytes: MiB })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      const anonymous = remote(server, gun);
      await expect(anonymous.getRole('timestamp', { maxBytes: MiB })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    });

    it('an under-scoped token is replaced by one for the scope the challenge names', async () => {
      const r = remote(server, 'example.com/remote/auth-missing', { credentials: provider });
      await expect(r.getRole('root', { maxBytes: MiB })).rejects.toMatchObject({ code: 'REPOSITORY_NOT_FOUND' });
      await r.deleteRepository();
      const scopes = server.auth!.tokenRequests.slice(-2).map((q) => q.scopes);
      expect(scopes).toEqual([
        ['repository:example.com/remote/auth-missing:pull'],
        ['repository:example.com/remote/auth-missing:*'],
      ]);
    });
  });
});
