// Passphrases typed at a real terminal (a pseudo-terminal from util-linux `script`): new keys are asked twice,
// answers pasted ahead all at once are not lost between keys, and a wrong passphrase is retried, then refused.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInterop, type NotaryServer, runNotary, startNotaryServer, tempDir } from '../helpers/notary.js';

const BIN = resolve('bin/notary-ts.js');
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI under a pty, feeding `typed` as keystrokes; returns the exit status and the terminal transcript. */
function onTerminal(args: string[], typed: string) {
  const cmd = [process.execPath, BIN, ...args].map(q).join(' ');
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    input: typed,
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '', HOME: tempDir('tty-home'), TERM: 'dumb' },
    timeout: 60_000,
  });
  return { status: r.status, out: r.stdout };
}

describeInterop('cli passphrase prompts on a terminal', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer();
  });
  afterAll(async () => server?.stop());

  it('asks for and confirms new root and targets passphrases, even when pasted ahead; Go reads the keys', async () => {
    const dir = tempDir('tty-trust');
    const gun = 'example.com/tty/app';
    const r = onTerminal(
      ['-s', server.url, '-d', dir, 'sign', `${gun}:v1`, '--digest', `sha256:${'e'.repeat(64)}`, '--size', '5'],
      'root-pass-1\nroot-pass-1\nrepo-pass-1\nrepo-pass-1\n',
    );
    expect(r.status, r.out).toBe(0);
    expect(r.out).toContain('Repeat passphrase for new root key');
    expect(r.out).toContain('Repeat passphrase for new targets key');
    // The Go CLI can use the keys with the passphrases typed above.
    const go = await runNotary(['add', gun, 'v2', BIN, '-p'], {
      trustDir: dir,
      server: server.url,
      env: {
        NOTARY_ROOT_PASSPHRASE: 'root-pass-1',
        NOTARY_TARGETS_PASSPHRASE: 'repo-pass-1',
        NOTARY_SNAPSHOT_PASSPHRASE: 'x',
      },
    });
    expect(go.code, go.stdout + go.stderr).toBe(0);
  });

  it('a wrong passphrase is asked again, three wrong ones exit 5', async () => {
    const dir = tempDir('tty-trust');
    const gun = 'example.com/tty/retry';
    const args = [
      '-s',
      server.url,
      '-d',
      dir,
      'sign',
      `${gun}:v1`,
      '--digest',
      `sha256:${'f'.repeat(64)}`,
      '--size',
      '6',
    ];
    expect(onTerminal(args, 'root-pass-2\nroot-pass-2\nrepo-pass-2\nrepo-pass-2\n').status).toBe(0);
    const v2 = [...args.slice(0, 5), `${gun}:v2`, ...args.slice(6)];
    const ok = onTerminal(v2, 'wrong-one\nrepo-pass-2\n');
    expect(ok.status, ok.out).toBe(0);
    expect(ok.out).toContain('Passphrase incorrect');
    const v3 = [...args.slice(0, 5), `${gun}:v3`, ...args.slice(6)];
    expect(onTerminal(v3, 'wrong-1\nwrong-2\nwrong-3\n').status).toBe(5);
  });
});
