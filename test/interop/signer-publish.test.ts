// Our init/stage/publish against the real notary-server, checked by the Go CLI; changelists and keys cross both ways.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { constantPassphrase } from '../../src/keystore/index.js';
import { NotaryRemote, type PublishFile } from '../../src/remote/index.js';
import {
  addDelegation,
  generateKey,
  init,
  listDelegations,
  publish,
  removeDelegation,
  sign,
  stage,
  status,
} from '../../src/signer/index.js';
import {
  describeInterop,
  type NotaryServer,
  runNotary,
  startNotaryServer,
  TEST_PASSPHRASE,
  tempDir,
} from '../helpers/notary.js';

const PASS = constantPassphrase(TEST_PASSPHRASE);
const digest = (n: number) => `sha256:${n.toString(16).padStart(2, '0').repeat(32)}`;

/** Everything under `dir` (relative path → base64), to prove a failure changed nothing. */
function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p, `${rel}${n}/`);
      else out[`${rel}${n}`] = readFileSync(p).toString('base64');
    }
  };
  walk(dir, '');
  return out;
}

describeInterop('signer: init, stage and publish verified by the Go CLI', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const go = (args: string[], trustDir: string) => runNotary(args, { trustDir, server: server.url });
  const lookup = async (gun: string, tag: string) => {
    const r = await go(['lookup', gun, tag], tempDir('fresh-'));
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };

  it('init + publish like `notary init -p`; the Go CLI then publishes with our keys, and we after it', async () => {
    const gun = 'example.com/signer/init';
    const trustDir = tempDir('ours-');
    const opts = { gun, trustDir, server: server.url, passphrase: PASS };
    const r = await init(opts);
    const keyList = await go(['key', 'list'], trustDir);
    expect(keyList.stdout).toContain(r.rootKeyId);
    expect(keyList.stdout).toContain(r.targetsKeyId);
    expect(keyList.stdout).toContain(r.snapshotKeyId);
    const pub = await publish(opts);
    expect(pub.roles).toEqual(['root', 'targets', 'snapshot']);
    const ls = await go(['list', gun], tempDir('fresh-'));
    expect(ls.code, ls.stderr).toBe(0);

    const file = join(tempDir('f-'), 'payload');
    writeFileSync(file, 'hello\n');
    const add = await go(['add', gun, 'from-go', file, '-p'], trustDir);
    expect(add.code, add.stderr).toBe(0);
    await sign({ ...opts, tags: [{ tag: 'from-ts', digest: digest(1), size: 11 }] });
    expect(await lookup(gun, 'from-go')).toMatch(/^from-go sha256:[0-9a-f]{64} 6\n$/);
    expect(await lookup(gun, 'from-ts')).toBe(`from-ts ${digest(1)} 11\n`);
    for (const f of readdirSync(join(trustDir, 'private'))) {
      expect(statSync(join(trustDir, 'private', f)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(trustDir, 'private')).mode & 0o777).toBe(0o700);
  });

  it('changelists cross both ways: Go stages, we publish; we stage, Go publishes', async () => {
    const gun = 'example.com/signer/changelist';
    const trustDir = tempDir('ours-');
    const opts = { gun, trustDir, server: server.url, passphrase: PASS };
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(2), size: 2 }] });

    const file = join(tempDir('f-'), 'payload');
    writeFileSync(file, 'hello world\n');
    const custom = join(tempDir('c-'), 'custom.json');
    // (no `<>&` in custom: Go re-signs custom from its raw HTML-escaped bytes and then fails its own check)
    writeFileSync(custom, '{"a":"x","b":1}');
    expect((await go(['add', gun, 'go&staged', file, '--custom', custom], trustDir)).code).toBe(0);
    expect((await status({ gun, trustDir })).map((s) => [s.action, s.role, s.path])).toEqual([
      ['create', 'targets', 'go&staged'],
    ]);
    await publish(opts);
    expect(await lookup(gun, 'go&staged')).toMatch(/^go&staged sha256:[0-9a-f]{64} 12\n$/);
    expect(await status({ gun, trustDir })).toEqual([]);

    await stage({ gun, trustDir, add: [{ tag: 'ts-staged', digest: digest(3), size: 33 }] });
    await stage({ gun, trustDir, remove: ['base'] });
    const st = await go(['status', gun], trustDir);
    expect(st.stdout).toContain('ts-staged');
    expect(st.stdout).toContain('base');
    const gp = await go(['publish', gun], trustDir);
    expect(gp.code, gp.stderr).toBe(0);
    expect(await lookup(gun, 'ts-staged')).toBe(`ts-staged ${digest(3)} 33\n`);
    const gone = await go(['lookup', gun, 'base'], tempDir('fresh-'));
    expect(gone.code).not.toBe(0);
  });

  it('delegations staged by either side are published by the other; threshold 2 is visible to Go', async () => {
    const gun = 'example.com/signer/delegation';
    const trustDir = tempDir('ours-');
    const opts = { gun, trustDir, server: server.url, passphrase: PASS };
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(2), size: 2 }] });
    // A docker-style key made by us; the Go CLI signs with it from our trust dir below.
    const ci = await generateKey({ name: 'ci', dir: tempDir('k-'), trustDir, passphrase: PASS });
    const pem = ci.publicKeyPem;
    expect((await go(['delegation', 'add', gun, 'targets/ci', ci.publicKeyPath, '--all-paths'], trustDir)).code).toBe(
      0,
    );
    await addDelegation({ ...opts, role: 'targets/qa', keys: [pem], paths: ['qa/'], threshold: 2 });
    await publish(opts);
    const dl = await go(['delegation', 'list', gun], tempDir('fresh-'));
    expect(dl.code, dl.stderr).toBe(0);
    expect(dl.stdout).toMatch(/targets\/ci\s+"" <all paths>\s+[0-9a-f]{64}\s+1/);
    expect(dl.stdout).toMatch(/targets\/qa\s+qa\/\s+[0-9a-f]{64}\s+2/);
    expect((await listDelegations(opts)).map((d) => [d.name, d.threshold])).toEqual([
      ['targets/ci', 1],
      ['targets/qa', 2],
    ]);
    // Go signs into the delegation it staged with our published state
    const file = join(tempDir('f-'), 'payload');
    writeFileSync(file, 'x');
    const add = await go(['add', gun, 'ci-build', file, '-r', 'targets/ci', '-p'], trustDir);
    expect(add.code, add.stderr).toBe(0);
    const ls = await go(['list', gun, '--roles', 'targets/ci'], tempDir('fresh-'));
    expect(ls.stdout).toContain('ci-build');
    // our staged delegation changes, published by the Go CLI
    const ops = await generateKey({ name: 'ops', dir: tempDir('k-'), trustDir, passphrase: PASS });
    await addDelegation({ ...opts, role: 'targets/ops', keys: [ops.publicKeyPem], paths: ['ops/', 'infra/'] });
    await removeDelegation({ ...opts, role: 'targets/ci', paths: [''] });
    const gp = await go(['publish', gun], trustDir);
    expect(gp.code, gp.stderr).toBe(0);
    const dl2 = await go(['delegation', 'list', gun], tempDir('fresh-'));
    expect(dl2.stdout).toMatch(new RegExp(`targets/ops\\s+infra/\\s+${ops.keyId}\\s+1\\s+ops/`));
    expect(dl2.stdout).toMatch(/targets\/ci\s+[0-9a-f]{64}\s+1\n/);
    expect(dl2.stdout).not.toContain('<all paths>');
  });

  it('a wrong passphrase fails with WRONG_PASSPHRASE: the server and the key files are unchanged', async () => {
    const gun = 'example.com/signer/passphrase';
    const trustDir = tempDir('ours-');
    const opts = { gun, trustDir, server: server.url, passphrase: PASS };
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(2), size: 2 }] });
    const tsBefore = (await server.get(`/v2/${gun}/_trust/tuf/timestamp.json`)).body.toString('base64');
    const keysBefore = filesOf(join(trustDir, 'private'));
    await expect(
      sign({
        ...opts,
        passphrase: constantPassphrase('not the passphrase'),
        tags: [{ tag: 'x', digest: digest(4), size: 4 }],
      }),
    ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect((await server.get(`/v2/${gun}/_trust/tuf/timestamp.json`)).body.toString('base64')).toBe(tsBefore);
    expect(filesOf(join(trustDir, 'private'))).toEqual(keysBefore);
  });

  it('a publish that dies after applying loses no staged change, and the next one publishes it', async () => {
    const gun = 'example.com/signer/killed';
    const trustDir = tempDir('ours-');
    const opts = { gun, trustDir, server: server.url, passphrase: PASS };
    await sign({ ...opts, tags: [{ tag: 'base', digest: digest(2), size: 2 }] });
    await stage({ gun, trustDir, add: [{ tag: 'pending', digest: digest(5), size: 5 }] });
    class Dying extends NotaryRemote {
      override async publish(_files: readonly PublishFile[]): Promise<void> {
        throw new Error('process killed');
      }
    }
    const before = filesOf(join(trustDir, 'tuf'));
    const remote = new Dying({ serverUrl: server.url, gun });
    await expect(publish({ ...opts, remote })).rejects.toThrow('process killed');
    await remote.close();
    expect(filesOf(join(trustDir, 'tuf'))).toEqual(before);
    expect((await status({ gun, trustDir })).map((s) => s.path)).toEqual(['pending']);
    await publish(opts);
    expect(await lookup(gun, 'pending')).toBe(`pending ${digest(5)} 5\n`);
  });
});
