// The cache as a cold `verify` through the CLI binary leaves it (SPEC §7.4, staged writes): the exact bytes the
// server sent, 0600, no temp files; readable by the Go CLI; and nothing at all after a refused update.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.js';
import { filesUnder } from '../helpers/files-under.js';
import {
  describeInterop,
  type MutatingProxy,
  type NotaryServer,
  runNotary,
  startMutatingProxy,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';

const GUN = 'example.com/cli/staged-cache';
const ROLES = ['root', 'snapshot', 'targets', 'timestamp'];

describeInterop('cli verify: the cache a cold verify writes', () => {
  let server: NotaryServer;
  let proxy: MutatingProxy;
  let goDir: string;

  async function go(args: string[], trustDir = goDir) {
    const r = await runNotary(args, { trustDir, server: server.url });
    expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    return r.stdout;
  }

  beforeAll(async () => {
    server = await startNotaryServer();
    proxy = await startMutatingProxy(server.url);
    goDir = tempDir('staged-go');
    await go(['init', GUN]);
    for (const tag of ['v1', 'v2', 'v3']) {
      const f = join(goDir, `payload-${tag}`);
      writeFileSync(f, `payload ${tag}\n`);
      await go(['add', GUN, tag, f]);
    }
    await go(['publish', GUN]);
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  const metadataDir = (trustDir: string) => join(trustDir, 'tuf', ...GUN.split('/'), 'metadata');

  it('holds exactly the four files the Go CLI caches, byte for byte, 0600, and no temp file', async () => {
    const ours = tempDir('staged-ours');
    const r = await runBin(['-s', server.url, '-d', ours, 'verify', `${GUN}:v2`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(filesUnder(metadataDir(ours))).toEqual(ROLES.map((x) => `${x}.json`));
    const theirs = tempDir('staged-theirs');
    await go(['lookup', GUN, 'v2'], theirs);
    for (const role of ROLES) {
      const mine = join(metadataDir(ours), `${role}.json`);
      expect(readFileSync(mine).equals(readFileSync(join(metadataDir(theirs), `${role}.json`))), role).toBe(true);
      expect(statSync(mine).mode & 0o777, role).toBe(0o600);
    }
    // And the Go CLI answers from it.
    expect(await go(['lookup', GUN, 'v2'], ours)).toContain(r.stdout.trim().slice('sha256:'.length));
  });

  it('a cold verify asks for root, timestamp, snapshot and targets at once; a stale snapshot.json by name is refetched by hash', async () => {
    const requests = (stderr: string) =>
      stderr
        .split('\n')
        .map((l) => / GET \S+\/_trust\/tuf\/(\S+) /.exec(l)?.[1])
        .filter((x) => x !== undefined)
        .map((x) => x.replace(/[0-9a-f]{64}/, 'H'))
        .sort();
    const plain = await runBin(['-s', proxy.url, '-d', tempDir('staged-spec'), '-D', 'verify', `${GUN}:v1`]);
    expect(plain.status, plain.stderr).toBe(0);
    expect(requests(plain.stderr)).toEqual(['root.json', 'snapshot.json', 'targets.json', 'timestamp.json']);
    // The by-name snapshot is some other (here: unparseable) file: it is not used, nor cached.
    proxy.setMutate((req, up) =>
      /\/snapshot\.json$/.test(req.path) && up.status === 200 ? { body: Buffer.from('{"not":"it"}') } : undefined,
    );
    try {
      const dir = tempDir('staged-spec');
      const r = await runBin(['-s', proxy.url, '-d', dir, '-D', 'verify', `${GUN}:v1`]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(plain.stdout);
      expect(requests(r.stderr)).toEqual([
        'root.json',
        'snapshot.H.json',
        'snapshot.json',
        'targets.json',
        'timestamp.json',
      ]);
      expect(filesUnder(metadataDir(dir))).toEqual(ROLES.map((x) => `${x}.json`));
      expect(readFileSync(join(metadataDir(dir), 'snapshot.json')).toString()).not.toContain('"not"');
    } finally {
      proxy.setMutate(() => undefined);
    }
  });

  it('a tampered targets.json is refused (HASH_MISMATCH, status 1) and leaves no file, temp or cached', async () => {
    proxy.setMutate((req, up) => {
      // Every targets download: the cold start's speculative targets.json and the by-hash fetch that follows it.
      if (!/\/targets\.(?:[0-9a-f]{64}\.)?json$/.test(req.path) || up.status !== 200) return undefined;
      const body = Buffer.from(up.body);
      const at = body.indexOf('"expires":"') + '"expires":"'.length;
      body[at] = body[at] === 0x31 ? 0x32 : 0x31; // one digit of the expiry year
      return { body };
    });
    try {
      const dir = tempDir('staged-refused');
      const r = await runBin(['-s', proxy.url, '-d', dir, '--json', 'verify', `${GUN}:v1`]);
      expect(r.status).toBe(1);
      expect(r.json()).toMatchObject({ code: 'HASH_MISMATCH', details: { role: 'targets' } });
      expect(filesUnder(metadataDir(dir))).toEqual([]);
      // The same trust dir verifies once the server is honest again.
      proxy.setMutate(() => undefined);
      const ok = await runBin(['-s', proxy.url, '-d', dir, 'verify', `${GUN}:v1`]);
      expect(ok.status, ok.stderr).toBe(0);
      expect(filesUnder(metadataDir(dir))).toEqual(ROLES.map((x) => `${x}.json`));
    } finally {
      proxy.setMutate(() => undefined);
    }
  });
});
