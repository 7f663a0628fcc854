// archive + verify --archive/--at through the built CLI: signed by notary-ts and by the Go CLI on a real
// notary-server, archived, the server stopped, then verified from the archive alone (also 60 days later, faketime).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { decodeArchive, encodeArchive } from '../../src/archive/archive-file.js';
import { describeFile } from '../../src/archive/manifest.js';
import { runBin } from '../helpers/cli.js';
import {
  describeInterop,
  type NotaryServer,
  PASSPHRASE_ENV,
  runNotary,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';

const TS_GUN = 'example.com/archive/ts';
const GO_GUN = 'example.com/archive/go';
const hex = (n: number) => n.toString(16).padStart(2, '0').repeat(32);

describeInterop('archive, then verify from the archive after the server is gone', () => {
  let server: NotaryServer;
  const tsDir = tempDir('arc-ts');
  const goDir = tempDir('arc-go');
  const out = tempDir('arc-out');
  const tarFile = join(out, 'trust.tar');
  const gzFile = join(out, 'trust.tar.gz');
  let archivedAt = '';
  let goDigest = '';

  const ts = (args: string[], env: Record<string, string> = {}) =>
    runBin(['-s', server.url, '-d', tsDir, ...args], { env: { ...PASSPHRASE_ENV, ...env } });
  const offline = (args: string[], faketime?: string) =>
    runBin(['-d', tempDir('arc-fresh'), ...args], faketime === undefined ? {} : { faketime });

  beforeAll(async () => {
    server = await startNotaryServer();
    const keys = tempDir('arc-keys');
    for (const args of [
      ['sign', `${TS_GUN}:v1`, '--digest', `sha256:${hex(1)}`, '--size', '1'],
      ['key', 'generate', 'alice', '--dir', keys],
      ['signer', 'add', 'alice', TS_GUN, '--key', join(keys, 'alice.pub')],
      ['sign', `${TS_GUN}:v2`, '--digest', `sha256:${hex(2)}`, '--size', '2'],
      ['rotate', TS_GUN, 'root'],
    ]) {
      const r = await ts(args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const payload = join(out, 'payload');
    writeFileSync(payload, 'archived payload');
    for (const args of [
      ['init', GO_GUN],
      ['add', GO_GUN, 'latest', payload],
      ['publish', GO_GUN],
    ]) {
      const r = await runNotary(args, { trustDir: goDir, server: server.url });
      expect(r.code, r.stderr).toBe(0);
    }
    goDigest = `sha256:${(await runNotary(['lookup', GO_GUN, 'latest'], { trustDir: goDir, server: server.url })).stdout
      .trim()
      .split(' ')[1]
      ?.replace(/^sha256:/, '')}`;

    const a = await ts(['archive', TS_GUN, GO_GUN, '-o', tarFile, '--json']);
    expect(a.status, a.stderr).toBe(0);
    const j = a.json() as { repositories: { gun: string; anchor: string; rootVersion: number; archivedAt: string }[] };
    expect(j.repositories.map((r) => [r.gun, r.anchor, r.rootVersion])).toEqual([
      [TS_GUN, 'cached', 2],
      [GO_GUN, 'tofu', 1],
    ]);
    expect(a.stderr).toContain(GO_GUN); // the TOFU warning names it
    archivedAt = j.repositories[0]?.archivedAt ?? '';
    expect((await ts(['archive', TS_GUN, GO_GUN, '-o', gzFile])).status).toBe(0);
    // One GUN the server does not know: exit 3 and nothing written.
    const none = join(out, 'none.tar');
    const missing = await ts(['archive', TS_GUN, 'example.com/archive/none', '-o', none, '--json']);
    expect(missing.status).toBe(3);
    expect(missing.json()).toMatchObject({ code: 'REPOSITORY_NOT_FOUND' });
    expect(existsSync(none)).toBe(false);
    await server.stop();
  });
  afterAll(async () => server?.stop());

  it('holds every root version, every role and delegation, and a manifest; tar(1) reads it', () => {
    const names = execFileSync('tar', ['-tf', tarFile], { encoding: 'utf8' }).trim().split('\n');
    expect(names[0]).toBe('manifest.json');
    for (const f of ['1.root.json', '2.root.json', 'timestamp.json', 'snapshot.json', 'targets.json']) {
      expect(names).toContain(`${TS_GUN}/_trust/tuf/${f}`);
    }
    expect(names).toContain(`${TS_GUN}/_trust/tuf/targets/releases.json`);
    expect(names).toContain(`${GO_GUN}/_trust/tuf/1.root.json`);
    const manifest = JSON.parse(execFileSync('tar', ['-xOf', tarFile, 'manifest.json'], { encoding: 'utf8' }));
    expect(manifest).toMatchObject({ format: 'notary-ts-archive/1', tool: expect.stringMatching(/^notary-ts /) });
    expect(manifest.repositories[0]).toMatchObject({ gun: TS_GUN, server: server.url });
    expect(execFileSync('tar', ['-tzf', gzFile], { encoding: 'utf8' })).toContain('manifest.json');
  });

  it('verifies from the archive with the server stopped (notary-ts and Go signatures, delegations, gzip)', async () => {
    for (const file of [tarFile, gzFile]) {
      const v1 = await offline(['verify', '--archive', file, `${TS_GUN}:v1`]);
      expect(v1.status, v1.stderr).toBe(0);
      expect(v1.stdout).toBe(`sha256:${hex(1)}\n`);
      expect(v1.stderr).toContain('trust on first use');
      const v2 = await offline(['verify', '--json', '--archive', file, `${TS_GUN}:v2`]);
      expect(v2.json()).toMatchObject({ digest: `sha256:${hex(2)}`, role: 'targets/releases', offline: true });
      const go = await offline(['verify', '--archive', file, `${GO_GUN}:latest`]);
      expect(go.status, go.stderr).toBe(0);
      expect(go.stdout.trim()).toBe(goDigest);
    }
    // The trust dir that signed holds the cached root: it anchors the archive, no TOFU.
    const cached = await runBin(['-d', tsDir, 'verify', '--archive', tarFile, `${TS_GUN}:v1`]);
    expect(cached.status, cached.stderr).toBe(0);
    expect(cached.stderr).not.toContain('trust on first use');
  });

  it('list and inspect answer from the archive', async () => {
    const l = await offline(['list', '--json', '--archive', tarFile, TS_GUN]);
    expect(l.status, l.stderr).toBe(0);
    expect((l.json() as { name: string }[]).map((t) => t.name).sort()).toEqual(['v1', 'v2']);
    const i = await offline(['inspect', '--archive', tarFile, `${GO_GUN}:latest`]);
    expect(i.status, i.stderr).toBe(0);
    expect(i.json()).toEqual([expect.objectContaining({ Name: `${GO_GUN}:latest` })]);
  });

  it('60 days later: exit 1 EXPIRED without --at, exit 0 with --at the archive time', async () => {
    const late = await offline(['verify', '--json', '--archive', tarFile, `${TS_GUN}:v1`], '+60d');
    expect(late.status).toBe(1);
    expect(late.json()).toMatchObject({ code: 'EXPIRED' });
    const asOf = await offline(['verify', '--json', '--archive', tarFile, '--at', archivedAt, `${TS_GUN}:v1`], '+60d');
    expect(asOf.status, asOf.stderr).toBe(0);
    expect(asOf.json()).toMatchObject({ digest: `sha256:${hex(1)}`, asOf: expect.any(String) });
    expect(asOf.stderr).toContain('as of');
    const goAsOf = await offline(['verify', '--archive', gzFile, '--at', archivedAt, `${GO_GUN}:latest`], '+60d');
    expect(goAsOf.status, goAsOf.stderr).toBe(0);
    const list = await offline(['list', '--json', '--archive', tarFile, '--at', archivedAt, GO_GUN], '+60d');
    expect(list.status, list.stderr).toBe(0);
    expect(list.json()).toEqual([expect.objectContaining({ name: 'latest', asOf: expect.any(String) })]);
  });

  it('trust pinning (-c) anchors the archive before the trust dir: matching cert IDs verify, others fail', async () => {
    const contents = decodeArchive(readFileSync(tarFile));
    const rootKeyId = (gun: string, v: number) => {
      const root = JSON.parse(
        Buffer.from(contents.files.get(`${gun}/_trust/tuf/${v}.root.json`) as Uint8Array).toString(),
      );
      return root.signed.roles.root.keyids[0] as string;
    };
    const config = (certs: Record<string, string[]>) => {
      const file = join(tempDir('arc-cfg'), 'config.json');
      writeFileSync(file, JSON.stringify({ trust_pinning: { certs } }));
      return file;
    };
    // The rotated repository is pinned to its current (v2) root certificate: the walk starts there.
    const pinned = config({ [TS_GUN]: [rootKeyId(TS_GUN, 2)], [GO_GUN]: [rootKeyId(GO_GUN, 1)] });
    for (const ref of [`${TS_GUN}:v1`, `${GO_GUN}:latest`]) {
      const r = await offline(['-c', pinned, 'verify', '--archive', tarFile, ref]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('trust on first use');
    }
    const wrong = config({ [GO_GUN]: ['ab'.repeat(32)] });
    const w = await offline(['-c', wrong, 'verify', '--json', '--archive', tarFile, `${GO_GUN}:latest`]);
    expect(w.status).toBe(1);
    expect(w.json()).toMatchObject({ code: 'PINNING_FAILED' });
    // Pinning wins over the trust dir's cached root.
    const wins = await runBin([
      '-d',
      tsDir,
      '-c',
      config({ [TS_GUN]: ['ab'.repeat(32)] }),
      'verify',
      '--archive',
      tarFile,
      `${TS_GUN}:v1`,
    ]);
    expect(wins.status).toBe(1);
  });

  it('a missing tag exits 3; an unknown GUN exits 3; --at in the future and --offline with --archive exit 2', async () => {
    const missing = await offline(['verify', '--json', '--archive', tarFile, `${TS_GUN}:nope`]);
    expect(missing.status).toBe(3);
    expect(missing.json()).toMatchObject({ code: 'TARGET_NOT_FOUND' });
    const unknown = await offline(['verify', '--json', '--archive', tarFile, 'example.com/other:v1']);
    expect(unknown.status).toBe(3);
    expect(unknown.json()).toMatchObject({ code: 'REPOSITORY_NOT_FOUND' });
    const future = await offline([
      'verify',
      '--json',
      '--archive',
      tarFile,
      '--at',
      '2999-01-01T00:00:00Z',
      `${TS_GUN}:v1`,
    ]);
    expect(future.status).toBe(2);
    expect(future.json()).toMatchObject({ code: 'INVALID_ARGUMENT' });
    const badAt = await offline(['verify', '--json', '--archive', tarFile, '--at', 'yesterday', `${TS_GUN}:v1`]);
    expect(badAt.status).toBe(2);
    expect((await offline(['verify', '--offline', '--archive', tarFile, `${TS_GUN}:v1`])).status).toBe(2);
  });

  it('a tampered archive exits 1: one hex digit of a manifest hash, or a signed byte with a matching manifest', async () => {
    const bytes = readFileSync(tarFile);
    const at = bytes.indexOf('"sha256": "') + '"sha256": "'.length;
    const flipped = Buffer.from(bytes);
    flipped[at] = flipped[at] === 0x30 ? 0x31 : 0x30;
    const f1 = join(out, 'tampered-manifest.tar');
    writeFileSync(f1, flipped);
    const r1 = await offline(['verify', '--json', '--archive', f1, `${TS_GUN}:v1`]);
    expect(r1.status).toBe(1);
    expect(r1.json()).toMatchObject({ code: 'HASH_MISMATCH' });

    // Change one character of the timestamp's signature and fix up the manifest: the signature check catches it.
    const contents = decodeArchive(bytes);
    const path = `${TS_GUN}/_trust/tuf/timestamp.json`;
    const targets = Buffer.from(contents.files.get(path) as Uint8Array);
    const i = targets.indexOf('"sig":"') + 10;
    expect(i).toBeGreaterThan(10);
    targets[i] = targets[i] === 0x41 ? 0x42 : 0x41;
    const files = new Map(contents.files);
    files.set(path, targets);
    const manifest = {
      ...contents.manifest,
      repositories: contents.manifest.repositories.map((r) => ({
        ...r,
        files: r.files.map((f) => (f.path === path ? describeFile(TS_GUN, 'timestamp.json', targets) : f)),
      })),
    };
    const f2 = join(out, 'tampered-targets.tar');
    writeFileSync(f2, encodeArchive(manifest, files, false, 0));
    const r2 = await offline(['verify', '--json', '--archive', f2, `${TS_GUN}:v1`]);
    expect(r2.status).toBe(1);
    expect(['HASH_MISMATCH', 'BAD_SIGNATURE', 'THRESHOLD_NOT_MET']).toContain((r2.json() as { code: string }).code);

    const f3 = join(out, 'truncated.tar');
    writeFileSync(f3, bytes.subarray(0, 1000));
    const r3 = await offline(['verify', '--json', '--archive', f3, `${TS_GUN}:v1`]);
    expect(r3.status).toBe(1);
    expect(r3.json()).toMatchObject({ code: 'ARCHIVE_INVALID' });
  });
});
