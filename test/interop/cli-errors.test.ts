// Errors say what to do next, through the shipped launcher against real notary-servers (HTTP and HTTPS): the code and
// exit status stay, the message gains the next step. Needs `npm run build` first.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/registry.js';
import { type BinResult, runBin } from '../helpers/bin-run.js';
import { runCli } from '../helpers/cli.js';
import { describeInterop, type NotaryServer, PASSPHRASE_ENV, startNotaryServer, tempDir } from '../helpers/notary.js';
import { createPki, type TestPki } from '../helpers/pki.js';

const D1 = `sha256:${'c3'.repeat(32)}`;

function errorOf(r: BinResult): { code: string; message: string; details: Record<string, unknown> } {
  return JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
}

describeInterop('CLI errors name the next step', () => {
  let server: NotaryServer;
  let tlsServer: NotaryServer;
  let pki: TestPki;
  beforeAll(async () => {
    pki = createPki();
    [server, tlsServer] = await Promise.all([
      startNotaryServer(),
      startNotaryServer({ tls: { cert: pki.server.chain, key: pki.server.key, ca: pki.rootCa } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([server?.stop(), tlsServer?.stop()]);
  });

  it('PASSPHRASE_REQUIRED names the variables and --passphrase-file (exit 5)', async () => {
    const r = await runBin([
      '-s',
      server.url,
      '-d',
      tempDir('err-pass'),
      'sign',
      'example.com/err/p:v1',
      '--digest',
      D1,
      '--size',
      '1',
      '--json',
    ]);
    expect(r.status).toBe(5);
    const e = errorOf(r);
    expect(e.code).toBe('PASSPHRASE_REQUIRED');
    expect(e.message).toContain('NOTARY_ROOT_PASSPHRASE');
    expect(e.message).toContain('--passphrase-file');
    const plain = await runBin([
      '-s',
      server.url,
      '-d',
      tempDir('err-pass2'),
      'sign',
      'example.com/err/p:v1',
      '--digest',
      D1,
      '--size',
      '1',
    ]);
    expect(plain.status).toBe(5);
    expect(plain.stderr).toMatch(/^notary-ts: PASSPHRASE_REQUIRED: .*--passphrase-file/);
  });

  it('a TLS failure names --tlscacert (exit 4); with it the same command reaches the server', async () => {
    const dir = tempDir('err-tls');
    const r = await runBin(['-s', tlsServer.url, '-d', dir, 'verify', 'example.com/err/tls:v1', '--json']);
    expect(r.status).toBe(4);
    const e = errorOf(r);
    expect(e.code).toBe('NETWORK');
    expect(e.message).toContain('--tlscacert');
    const ok = await runBin([
      '-s',
      tlsServer.url,
      '-d',
      dir,
      '--tlscacert',
      pki.rootCa,
      'verify',
      'example.com/err/tls:v1',
      '--json',
    ]);
    expect(ok.status).toBe(3);
    expect(errorOf(ok).code).toBe('REPOSITORY_NOT_FOUND');
  });

  it('a failed sign or revoke talks about sign or revoke, not about a publish the user never ran', async () => {
    const gun = 'example.com/err/owned';
    const owner = tempDir('err-owner');
    const s = await runBin(['-s', server.url, '-d', owner, 'sign', `${gun}:v1`, '--digest', D1, '--size', '1'], {
      env: { ...PASSPHRASE_ENV },
    });
    expect(s.status, s.stderr).toBe(0);
    const stranger = tempDir('err-stranger');
    const sign = await runBin(
      ['-s', server.url, '-d', stranger, 'sign', `${gun}:v2`, '--digest', D1, '--size', '1', '--json'],
      { env: { ...PASSPHRASE_ENV } },
    );
    expect(sign.status).toBe(5);
    expect(errorOf(sign).code).toBe('KEY_NOT_FOUND');
    expect(errorOf(sign).message).toMatch(/^sign of /);
    expect(errorOf(sign).message).not.toMatch(/publish/);
    const revoke = await runBin(['-s', server.url, '-d', owner, 'revoke', `${gun}:nope`, '--json'], {
      env: { ...PASSPHRASE_ENV },
    });
    expect(revoke.status).toBe(3);
    expect(errorOf(revoke).code).toBe('TARGET_NOT_FOUND');
    expect(errorOf(revoke).message).not.toMatch(/publish/);
  });

  it('unknown flags suggest the nearest; unknown commands do not swallow the next argument', async () => {
    const flag = await runBin(['sign', 'example.com/err/x:v1', '--digst', D1, '--json']);
    expect(flag.status).toBe(2);
    expect(errorOf(flag)).toMatchObject({ code: 'USAGE', details: { flag: '--digst', suggestion: '--digest' } });
    expect(errorOf(flag).message).toContain('--digest');
    const global = await runBin(['verify', '--sever', 'x', 'example.com/err/x:v1', '--json']);
    expect(errorOf(global).details).toMatchObject({ suggestion: '--server' });
    const cmd = await runBin(['frobnicate', 'example.com/err/x', '--json']);
    expect(cmd.status).toBe(2);
    expect(errorOf(cmd)).toMatchObject({ code: 'USAGE', details: { command: 'frobnicate' } });
    expect(errorOf(cmd).message).not.toContain('example.com');
    const typo = await runBin(['verfy', 'example.com/err/x:v1', '--json']);
    expect(errorOf(typo).details).toMatchObject({ command: 'verfy', suggestion: 'verify' });
    const sub = await runBin(['key', 'lst', '--json']);
    expect(errorOf(sub).details).toMatchObject({ command: 'key lst', suggestion: 'list' });
  });

  it('--help of every command has no empty flags: section', async () => {
    const viaBin = await runBin(['key', 'list', '--help']);
    expect(viaBin.status).toBe(0);
    expect(viaBin.stdout).not.toMatch(/^flags:\n(?! {2}-)/m);
    for (const c of COMMANDS) {
      const r = await runCli([...c.words, '--help']);
      expect(r.status, c.words.join(' ')).toBe(0);
      const sections = r.stdout.split('\n\n').filter((s) => /^(global )?flags:/.test(s));
      for (const s of sections) expect(s.split('\n').length, `${c.words.join(' ')}: ${s}`).toBeGreaterThan(1);
    }
    expect((await runBin(['key', '--help'])).status).toBe(0);
  });
});
