// The sign-side commands end to end: what notary-ts signs through its CLI, the Go notary CLI verifies.
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  describeInterop,
  type NotaryServer,
  PASSPHRASE_ENV,
  runNotary,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';

const hex = (n: number) => n.toString(16).padStart(64, '0');

describeInterop('cli sign/revoke/signer/delegation/rotate vs the Go CLI', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer();
  });
  afterAll(async () => server?.stop());

  const ours = (trustDir: string, args: string[], env: Record<string, string> = { ...PASSPHRASE_ENV }) =>
    runCli(['-s', server.url, '-d', trustDir, ...args], { env });
  const goLookup = (gun: string, tag: string) =>
    runNotary(['lookup', gun, tag], { trustDir: tempDir('go-fresh'), server: server.url });

  it('sign GUN:TAG creates the repository; a fresh Go client looks the tag up', async () => {
    const dir = tempDir('ts-sign');
    const gun = 'example.com/cli/sign-one';
    const r = await ours(dir, ['sign', `${gun}:v1`, '--digest', `sha256:${hex(1)}`, '--size', '42']);
    expect(r.status, r.stderr).toBe(0);
    const g = await goLookup(gun, 'v1');
    expect(g.code, g.stdout + g.stderr).toBe(0);
    expect(g.stdout.trim()).toBe(`v1 sha256:${hex(1)} 42`);
    // Keys stay 0600 in a 0700 directory.
    const priv = join(dir, 'private');
    expect(statSync(priv).mode & 0o777).toBe(0o700);
    for (const f of readdirSync(priv)) expect(statSync(join(priv, f)).mode & 0o777).toBe(0o600);
  });

  it('sign --from signs many tags in one publish; notary list shows them all', async () => {
    const dir = tempDir('ts-sign');
    const gun = 'example.com/cli/sign-many';
    const lines = Array.from({ length: 300 }, (_, i) => `tag-${i} sha256:${hex(i + 7)} ${100 + i}`);
    const file = join(tempDir('ts-in'), 'tags.txt');
    writeFileSync(file, `# tags to sign\n${lines.join('\n')}\n`);
    const r = await ours(dir, ['sign', gun, '--from', file, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, signed: 300 });
    const g = await runNotary(['list', gun], { trustDir: tempDir('go-fresh'), server: server.url });
    expect(g.code).toBe(0);
    expect(g.stdout.trim().split('\n').length).toBe(302); // header, underline, 300 rows
    expect(g.stdout).toContain(`tag-299    ${hex(306)}`);
  });

  it('a successful sign caches what its refresh verified (Go-readable), so the next run has a rollback floor', async () => {
    const dir = tempDir('ts-sign');
    const gun = 'example.com/cli/sign-caches';
    expect((await ours(dir, ['sign', `${gun}:v1`, '--digest', `sha256:${hex(11)}`, '--size', '1'])).status).toBe(0);
    const meta = join(dir, 'tuf', gun, 'metadata');
    rmSync(meta, { recursive: true, force: true });
    const r = await ours(dir, ['sign', `${gun}:v2`, '--digest', `sha256:${hex(12)}`, '--size', '2']);
    expect(r.status, r.stderr).toBe(0);
    // The refresh before the publish verified the server's v1 state; it is on disk now, 0600, no temp file.
    expect(readdirSync(meta).sort()).toEqual(['root.json', 'snapshot.json', 'targets.json', 'timestamp.json']);
    for (const f of readdirSync(meta)) expect(statSync(join(meta, f)).mode & 0o777).toBe(0o600);
    const cachedTargets = JSON.parse(readFileSync(join(meta, 'targets.json'), 'utf8')) as {
      signed: { targets: Record<string, unknown> };
    };
    expect(Object.keys(cachedTargets.signed.targets)).toEqual(['v1']);
    // Go's client takes the cached files as its trusted state and follows to v2.
    const g = await runNotary(['lookup', gun, 'v2'], { trustDir: dir, server: server.url });
    expect(g.code, g.stdout + g.stderr).toBe(0);
  });

  it('bad --from lines and missing flags are usage errors (exit 2), nothing published', async () => {
    const dir = tempDir('ts-sign');
    const file = join(tempDir('ts-in'), 'bad.txt');
    writeFileSync(file, 'v1 sha256:abc\n');
    expect((await ours(dir, ['sign', 'example.com/cli/bad', '--from', file])).status).toBe(2);
    // Without --digest and --size the registry is asked (cli-registry.test.ts); --size alone is a usage error.
    expect((await ours(dir, ['sign', 'example.com/cli/bad:v1', '--size', '1'])).status).toBe(2);
    const bad = await ours(dir, ['sign', 'example.com/cli/bad:v1', '--digest', 'sha256:xyz', '--size', '1', '--json']);
    expect(bad.status).toBe(2);
    expect(bad.json()).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await server.get('/v2/example.com/cli/bad/_trust/tuf/root.json')).status).toBe(404);
  });

  it('docker signer flow: key generate, signer add, sign lands in targets/releases and targets/NAME', async () => {
    const dir = tempDir('ts-sign');
    const keys = tempDir('ts-pub');
    const gun = 'example.com/cli/signers';
    expect((await ours(dir, ['key', 'generate', 'alice', '--dir', keys])).status).toBe(0);
    expect(readFileSync(join(keys, 'alice.pub'), 'utf8')).toContain('role: alice');
    const add = await ours(dir, ['signer', 'add', 'alice', gun, '--key', join(keys, 'alice.pub')]);
    expect(add.status, add.stderr).toBe(0);
    const s = await ours(dir, ['sign', `${gun}:v2`, '--digest', `sha256:${hex(2)}`, '--size', '2', '--json']);
    expect(s.status, s.stderr).toBe(0);
    for (const role of ['targets/releases', 'targets/alice']) {
      const g = await runNotary(['list', gun, '--roles', role], { trustDir: tempDir('go-fresh'), server: server.url });
      expect(g.code, g.stdout).toBe(0);
      expect(g.stdout).toContain(hex(2));
    }
    const v = await ours(tempDir('ts-fresh'), ['verify', '--json', '--signer', 'alice', `${gun}:v2`]);
    expect(v.status, v.stderr).toBe(0);
    expect(v.json()).toMatchObject({ role: 'targets/releases', digest: `sha256:${hex(2)}` });
    const noSigner = await ours(tempDir('ts-fresh'), ['verify', '--json', '--signer', 'bob', `${gun}:v2`]);
    expect(noSigner.status).toBe(1);
    expect(noSigner.json()).toMatchObject({ code: 'SIGNER_MISMATCH' });
    const list = await ours(dir, ['delegation', 'list', '--json', gun]);
    expect((list.json() as { name: string }[]).map((d) => d.name).sort()).toEqual([
      'targets/alice',
      'targets/releases',
    ]);
  });

  it('a wrong passphrase exits 5 and publishes nothing', async () => {
    const dir = tempDir('ts-sign');
    const gun = 'example.com/cli/wrong-pass';
    expect((await ours(dir, ['sign', `${gun}:v1`, '--digest', `sha256:${hex(3)}`, '--size', '3'])).status).toBe(0);
    const before = (await server.get(`/v2/${gun}/_trust/tuf/timestamp.json`)).body;
    const wrong = Object.fromEntries(Object.keys(PASSPHRASE_ENV).map((k) => [k, 'not-the-passphrase']));
    const r = await ours(dir, ['sign', `${gun}:v2`, '--digest', `sha256:${hex(4)}`, '--size', '4', '--json'], wrong);
    expect(r.status).toBe(5);
    expect(r.json()).toMatchObject({ code: 'WRONG_PASSPHRASE' });
    const none = await ours(
      tempDir('ts-nokeys'),
      ['sign', `${gun}x:v1`, '--digest', `sha256:${hex(3)}`, '--size', '3'],
      {},
    );
    expect(none.status).toBe(5);
    expect((await server.get(`/v2/${gun}/_trust/tuf/timestamp.json`)).body).toEqual(before);
  });

  it('add/status/publish stage like notary; revoke removes the tag', async () => {
    const dir = tempDir('ts-sign');
    const gun = 'example.com/cli/stage';
    expect((await ours(dir, ['sign', `${gun}:v1`, '--digest', `sha256:${hex(5)}`, '--size', '5'])).status).toBe(0);
    const payload = join(tempDir('ts-in'), 'payload');
    writeFileSync(payload, 'hello payload');
    expect((await ours(dir, ['add', gun, 'v2', payload])).status).toBe(0);
    const st = await ours(dir, ['status', '--json', gun]);
    expect(st.json()).toEqual([expect.objectContaining({ action: 'create', role: 'targets', path: 'v2' })]);
    // The Go CLI sees our staged change in the shared trust dir.
    const goStatus = await runNotary(['status', gun], { trustDir: dir, server: server.url });
    expect(goStatus.stdout).toContain('v2');
    expect((await ours(dir, ['publish', gun])).status).toBe(0);
    expect((await goLookup(gun, 'v2')).code).toBe(0);
    expect((await ours(dir, ['revoke', `${gun}:v1`])).status).toBe(0);
    expect((await goLookup(gun, 'v1')).code).not.toBe(0);
    expect((await ours(dir, ['revoke', gun])).status).toBe(2); // all tags needs -y
    expect((await ours(dir, ['revoke', '-y', gun])).status).toBe(0);
    expect((await goLookup(gun, 'v2')).code).not.toBe(0);
  });

  it('rotate targets and root; a Go client with an old cache follows', async () => {
    const dir = tempDir('ts-sign');
    const goDir = tempDir('go-old');
    const gun = 'example.com/cli/rotate';
    expect((await ours(dir, ['sign', `${gun}:v1`, '--digest', `sha256:${hex(6)}`, '--size', '6'])).status).toBe(0);
    expect((await runNotary(['lookup', gun, 'v1'], { trustDir: goDir, server: server.url })).code).toBe(0);
    for (const role of ['targets', 'root']) {
      const r = await ours(dir, ['rotate', gun, role, '--json']);
      expect(r.status, r.stderr).toBe(0);
    }
    expect((await ours(dir, ['sign', `${gun}:v2`, '--digest', `sha256:${hex(7)}`, '--size', '7'])).status).toBe(0);
    const g = await runNotary(['lookup', gun, 'v2'], { trustDir: goDir, server: server.url });
    expect(g.code, g.stdout + g.stderr).toBe(0);
    expect(g.stdout).toContain(hex(7));
    expect(existsSync(join(dir, 'tuf', gun, 'metadata', 'root.json'))).toBe(true);
  });

  it('key list shows our keys with roles; key export/import round-trips', async () => {
    const dir = tempDir('ts-sign');
    const gun = 'example.com/cli/keys';
    expect((await ours(dir, ['sign', `${gun}:v1`, '--digest', `sha256:${hex(8)}`, '--size', '8'])).status).toBe(0);
    const keys = (await ours(dir, ['key', 'list', '--json'])).json() as { role: string; gun: string }[];
    expect(keys.map((k) => k.role).sort()).toEqual(['root', 'targets']);
    const go = await runNotary(['key', 'list'], { trustDir: dir, server: server.url });
    expect(go.stdout).toContain('targets');
    expect(go.stdout).toContain(gun);
    const bundle = join(tempDir('ts-exp'), 'keys.pem');
    expect((await ours(dir, ['key', 'export', '-o', bundle])).status).toBe(0);
    const other = tempDir('ts-imp');
    expect((await ours(other, ['key', 'import', bundle])).status).toBe(0);
    expect(((await ours(other, ['key', 'list', '--json'])).json() as unknown[]).length).toBe(2);
  });
});
