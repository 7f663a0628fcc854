// The Docker trust flow (key generate → signer add → sign → revoke → signer remove) checked by the Go CLI.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { constantPassphrase } from '../../src/keystore/index.js';
import { addSigner, generateKey, removeSigner, revoke, sign } from '../../src/signer/index.js';
import {
  describeInterop,
  type NotaryServer,
  runNotary,
  startNotaryServer,
  TEST_PASSPHRASE,
  tempDir,
} from '../helpers/notary.js';

const PASS = constantPassphrase(TEST_PASSPHRASE);
const digest = (n: number) => `sha256:${(n % 256).toString(16).padStart(2, '0').repeat(32)}`;

describeInterop('signer: docker trust flow verified by the Go CLI', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const go = (args: string[], trustDir = tempDir('fresh-')) => runNotary(args, { trustDir, server: server.url });
  const listRole = async (gun: string, role: string) => {
    const r = await go(['list', gun, '--roles', role]);
    expect(r.code, r.stderr).toBe(0);
    return r.stdout;
  };

  it('key generate → signer add → sign lands in targets/releases and targets/<name>; revoke and remove', async () => {
    const gun = 'registry.example.com/team/app';
    // The admin's machine: initialises the repository with a first signed tag (server-managed snapshot).
    const admin = tempDir('admin-');
    const adminOpts = { gun, trustDir: admin, server: server.url, passphrase: PASS };
    const first = await sign({ ...adminOpts, tags: [{ tag: 'v0', digest: digest(0), size: 100 }] });
    expect(first.snapshotSigned).toBe(false);
    expect((await go(['lookup', gun, 'v0'])).stdout).toBe(`v0 ${digest(0)} 100\n`);

    // The CI machine: its own trust dir with only the signer key.
    const ci = tempDir('ci-');
    const key = await generateKey({ name: 'ci-bot', dir: tempDir('pub-'), trustDir: ci, passphrase: PASS });
    await addSigner({ ...adminOpts, name: 'ci-bot', publicKeys: [key.publicKeyPem] });
    const dl = await go(['delegation', 'list', gun]);
    expect(dl.stdout).toContain('targets/ci-bot');
    expect(dl.stdout).toContain('targets/releases');
    expect(dl.stdout).toContain(key.keyId);

    const ciOpts = { gun, trustDir: ci, server: server.url, passphrase: PASS };
    const tags = Array.from({ length: 500 }, (_, i) => ({ tag: `1.0.${i}`, digest: digest(i), size: 1000 + i }));
    const res = await sign({ ...ciOpts, tags });
    expect(res.roles).toEqual(['targets/ci-bot', 'targets/releases']);
    expect(res.signed.get('1.0.7')).toEqual(['targets/ci-bot', 'targets/releases']);
    expect((await go(['lookup', gun, '1.0.7'])).stdout).toBe(`1.0.7 ${digest(7)} 1007\n`);
    const releases = await listRole(gun, 'targets/releases');
    expect(releases.trim().split('\n')).toHaveLength(502); // header, rule, 500 tags
    expect(releases).toContain(`1.0.499    ${digest(499).slice(7)}    1499            targets/releases`);
    expect(await listRole(gun, 'targets/ci-bot')).toContain('1.0.0 ');

    const rv = await revoke({ ...ciOpts, tags: ['1.0.7'] });
    expect(rv.revoked.get('1.0.7')).toEqual(['targets/ci-bot', 'targets/releases']);
    expect(await listRole(gun, 'targets/releases')).not.toContain('1.0.7 ');

    // Removing the only signer is refused (releases would have no keys: nothing would verify); forced, it takes
    // targets/releases with it and the repository still verifies (tags only in releases are simply not found).
    await expect(removeSigner({ ...adminOpts, name: 'ci-bot' })).rejects.toMatchObject({
      code: 'PUBLISH_WOULD_FAIL_VERIFY',
      details: { reason: 'last-signer' },
    });
    await removeSigner({ ...adminOpts, name: 'ci-bot', force: true });
    const dl2 = await go(['delegation', 'list', gun]);
    expect(dl2.stdout).not.toContain('targets/ci-bot');
    expect(dl2.stdout).not.toContain('targets/releases');
    expect((await go(['lookup', gun, 'v0'])).stdout).toBe(`v0 ${digest(0)} 100
`);
    // The server keeps the old releases file in its snapshot: a new signer with another key would make every
    // client fetch a file its keys did not sign. That publish is refused, nothing uploaded.
    const before = (await server.get(`/v2/${gun}/_trust/tuf/timestamp.json`)).body;
    const key2 = await generateKey({ name: 'ci-bot2', dir: tempDir('pub-'), trustDir: ci, passphrase: PASS });
    await expect(addSigner({ ...adminOpts, name: 'ci-bot2', publicKeys: [key2.publicKeyPem] })).rejects.toMatchObject({
      code: 'PUBLISH_WOULD_FAIL_VERIFY',
      details: { cause: 'THRESHOLD_NOT_MET', role: 'targets/releases' },
    });
    expect((await server.get(`/v2/${gun}/_trust/tuf/timestamp.json`)).body).toEqual(before);
  });
});
