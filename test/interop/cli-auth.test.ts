// The CLI against a notary-server with docker registry token auth: credentials from NOTARY_AUTH or
// ~/.docker/config.json, the token dance, and UNAUTHORIZED (exit 4) without them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeInterop, type NotaryServer, PASSPHRASE_ENV, startNotaryServer, tempDir } from '../helpers/notary.js';

const USER = 'alice';
const PASS = 's3cret';
const basic = Buffer.from(`${USER}:${PASS}`).toString('base64');

describeInterop('cli with token auth', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer({ auth: { credentials: { username: USER, password: PASS } } });
  });
  afterAll(async () => server?.stop());

  it('signs and verifies with NOTARY_AUTH; tokens are fetched through the realm with the right scopes', async () => {
    const dir = tempDir('auth-ts');
    const gun = 'example.com/auth/app';
    const env = { ...PASSPHRASE_ENV, NOTARY_AUTH: basic };
    const s = await runCli(
      ['-s', server.url, '-d', dir, 'sign', `${gun}:v1`, '--digest', `sha256:${'c'.repeat(64)}`, '--size', '3'],
      { env },
    );
    expect(s.status, s.stderr).toBe(0);
    const v = await runCli(['-s', server.url, '-d', tempDir('auth-fresh'), 'verify', '--json', `${gun}:v1`], { env });
    expect(v.status, v.stderr).toBe(0);
    expect(v.json()).toMatchObject({ digest: `sha256:${'c'.repeat(64)}` });
    const scopes = server.auth?.tokenRequests.flatMap((t) => t.scopes) ?? [];
    expect(scopes).toContain(`repository:${gun}:pull`);
    expect(scopes.some((sc) => sc.startsWith(`repository:${gun}:`) && sc.includes('push'))).toBe(true);
    expect(server.auth?.tokenRequests.every((t) => t.account === USER)).toBe(true);
  });

  it('reads credentials from ~/.docker/config.json auths', async () => {
    const home = tempDir('auth-home');
    mkdirSync(join(home, '.docker'), { recursive: true });
    const host = new URL(server.url).host;
    writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [host]: { auth: basic } } }));
    const v = await runCli(['-s', server.url, '-d', tempDir('auth-fresh'), 'verify', 'example.com/auth/app:v1'], {
      env: { HOME: home },
    });
    expect(v.status, v.stderr).toBe(0);
  });

  it('wrong or missing credentials are UNAUTHORIZED (exit 4)', async () => {
    const wrong = Buffer.from(`${USER}:nope`).toString('base64');
    for (const env of [{ NOTARY_AUTH: wrong }, {}]) {
      const v = await runCli(
        ['-s', server.url, '-d', tempDir('auth-fresh'), 'verify', '--json', 'example.com/auth/app:v1'],
        { env },
      );
      expect(v.status).toBe(4);
      expect(v.json()).toMatchObject({ ok: false, code: 'UNAUTHORIZED' });
    }
  });
});
