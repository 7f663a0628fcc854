// The shipped launcher (bin/notary-ts.js over the bundled dist/cli) against a real notary-server: the bundle,
// the single-file undici Agent and the exit path work as a user runs them. Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeInterop,
  type NotaryServer,
  PASSPHRASE_ENV,
  runNotary,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';

const BIN = resolve('bin/notary-ts.js');

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: tempDir('bin-home'), ...env },
    input: '',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describeInterop('bin/notary-ts.js (bundled CLI)', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer();
  });
  afterAll(async () => server?.stop());

  it('is built (npm run build makes dist/cli with the bundled undici Agent)', () => {
    expect(existsSync(resolve('dist/cli/main.cjs'))).toBe(true);
    expect(existsSync(resolve('dist/cli/undici-agent.cjs'))).toBe(true);
  });

  it('signs and verifies through the launcher; Go agrees; errors keep their exit statuses', async () => {
    const dir = tempDir('bin-trust');
    const gun = 'example.com/bin/app';
    const digest = `sha256:${'ab'.repeat(32)}`;
    const s = run(['-s', server.url, '-d', dir, 'sign', `${gun}:v1`, '--digest', digest, '--size', '9'], {
      ...PASSPHRASE_ENV,
    });
    expect(s.status, s.stderr).toBe(0);
    const v = run(['-s', server.url, '-d', tempDir('bin-fresh'), 'verify', `${gun}:v1`]);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toBe(`${digest}\n`);
    const g = await runNotary(['lookup', gun, 'v1'], { trustDir: tempDir('bin-go'), server: server.url });
    expect(g.stdout.trim()).toBe(`v1 ${digest} 9`);
    const missing = run(['-s', server.url, '-d', dir, 'verify', '--json', `${gun}:nope`]);
    expect(missing.status).toBe(3);
    expect(JSON.parse(missing.stderr)).toMatchObject({ ok: false, code: 'TARGET_NOT_FOUND' });
    expect(run(['verify']).status).toBe(2);
    expect(run(['version']).status).toBe(0);
  });
});
