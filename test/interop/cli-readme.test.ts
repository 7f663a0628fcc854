// README truths: the examples do what they say. `-d "~/…"` quoted in a shell variable means the home directory (as
// the Go CLI reads it), not a directory named `~`; `npm run demo` names a script that exists; the library example
// catches what openRepository throws. Through the shipped launcher against a real notary-server.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBin } from '../helpers/bin-run.js';
import { describeInterop, type NotaryServer, PASSPHRASE_ENV, startNotaryServer, tempDir } from '../helpers/notary.js';

const README = readFileSync('README.md', 'utf8');

describeInterop('README truths', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer();
  });
  afterAll(async () => server?.stop());

  it('-d "~/trust" signs into $HOME/trust and creates no ./~ directory', async () => {
    const home = tempDir('readme-home');
    const cwd = tempDir('readme-cwd');
    const digest = `sha256:${'d4'.repeat(32)}`;
    const env = { ...PASSPHRASE_ENV, HOME: home };
    const s = await runBin(
      ['-s', server.url, '-d', '~/trust', 'sign', 'example.com/readme/app:v1', '--digest', digest, '--size', '4'],
      { env, cwd },
    );
    expect(s.status, s.stderr).toBe(0);
    expect(existsSync(join(cwd, '~'))).toBe(false);
    expect(readdirSync(join(home, 'trust', 'private')).length).toBeGreaterThan(0);
    const v = await runBin(['-s', server.url, '-d', '~', 'verify', 'example.com/readme/app:v1'], { env, cwd });
    expect(v.status, v.stderr).toBe(0);
    expect(existsSync(join(home, 'tuf', 'example.com', 'readme', 'app'))).toBe(true);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('the CLI example does not pass a quoted ~ that the shell leaves alone', () => {
    for (const line of README.split('\n').filter((l) => /^S=".*-d /.test(l))) expect(line).not.toMatch(/-d ~/);
  });

  it('the library example calls openRepository inside try', () => {
    const block = /```ts\n([\s\S]*?)```/.exec(README)?.[1] ?? '';
    const open = block.indexOf('await openRepository(');
    expect(open).toBeGreaterThan(0);
    expect(block.lastIndexOf('try {', open)).toBeGreaterThan(-1);
    expect(block.slice(block.lastIndexOf('try {', open), open)).not.toMatch(/\n\}/);
  });

  it('npm run demo names a script that exists', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    const demo = pkg.scripts['demo'];
    if (demo === undefined) return expect(README).not.toMatch(/npm run demo/);
    const file = /scripts\/[\w.-]+/.exec(demo)?.[0];
    expect(file && existsSync(file), demo).toBe(true);
  });
});
