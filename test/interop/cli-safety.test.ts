// Safety rails for automation, through the shipped launcher against a real notary-server: `sign --no-init`, the
// announcement of a new repository, no false "(published …)", conflicting `--from` lines, tag names checked before
// any network call, bounded `--timeout`, `verify GUN TAG` and `lookup`. Needs `npm run build` first.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BinResult, runBin } from '../helpers/bin-run.js';
import { freePort } from '../helpers/free-port.js';
import {
  describeInterop,
  type NotaryServer,
  PASSPHRASE_ENV,
  runNotary,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';

const D1 = `sha256:${'a1'.repeat(32)}`;
const D2 = `sha256:${'b2'.repeat(32)}`;

function errorOf(r: BinResult): { code: string; details?: Record<string, unknown> } {
  return JSON.parse(r.stderr.trim().split('\n').at(-1) ?? '{}');
}

function privateKeyFiles(trustDir: string): string[] {
  const dir = join(trustDir, 'private');
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : [];
}

describeInterop('CLI safety rails', () => {
  let server: NotaryServer;
  let trustDir: string;
  let common: string[];
  const ours = (args: string[], input?: string) =>
    runBin([...common, ...args], { env: { ...PASSPHRASE_ENV }, ...(input !== undefined ? { input } : {}) });

  beforeAll(async () => {
    server = await startNotaryServer();
    trustDir = tempDir('safety-trust');
    common = ['-s', server.url, '-d', trustDir];
  });
  afterAll(async () => server?.stop());

  it('sign --no-init on a GUN the server lacks exits 3 and creates no key', async () => {
    const r = await ours(['sign', 'example.com/safety/typo:v1', '--digest', D1, '--size', '3', '--no-init', '--json']);
    expect(r.status).toBe(3);
    expect(errorOf(r).code).toBe('REPOSITORY_NOT_FOUND');
    expect(privateKeyFiles(trustDir)).toEqual([]);
  });

  it('sign of a new GUN announces the creation on stderr with the root key ID; later --no-init signs work', async () => {
    const gun = 'example.com/safety/app';
    const r = await ours(['sign', `${gun}:v1`, '--digest', D1, '--size', '3']);
    expect(r.status, r.stderr).toBe(0);
    const m = /created new repository example\.com\/safety\/app .*root key ([0-9a-f]{64})/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const keys = JSON.parse((await ours(['key', 'list', '--json'])).stdout) as { keyId: string; role: string }[];
    expect(keys.find((k) => k.role === 'root')?.keyId).toBe(m?.[1]);
    const again = await ours(['sign', `${gun}:v2`, '--digest', D2, '--size', '4', '--no-init']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/created/);
  });

  it('re-signing unchanged tags publishes nothing and does not claim it did', async () => {
    const gun = 'example.com/safety/resign';
    const lines = `a ${D1} 3\nb ${D2} 4\n`;
    expect((await ours(['sign', gun, '--from', '-'], lines)).status).toBe(0);
    const r = await ours(['sign', gun, '--from', '-'], lines);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/\(published \)/);
    expect(r.stdout).toMatch(/nothing published/);
    const j = await ours(['sign', gun, '--from', '-', '--json'], lines);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, published: false, roles: [] });
    const one = await ours(['sign', `${gun}:a`, '--digest', D1, '--size', '3']);
    expect(one.stdout).toMatch(/nothing published/);
  });

  it('sign --from: conflicting duplicates exit 2 naming both lines; identical duplicates count once', async () => {
    const gun = 'example.com/safety/dups';
    const conflict = await ours(['sign', gun, '--from', '-', '--json'], `v1 ${D1} 3\nother ${D2} 4\n\nv1 ${D2} 4\n`);
    expect(conflict.status).toBe(2);
    const e = errorOf(conflict);
    expect(e.code).toBe('USAGE');
    expect(e.details).toMatchObject({ tag: 'v1', lines: [1, 4] });
    expect((await ours(['verify', `${gun}:other`])).status).toBe(3);
    const same = await ours(['sign', gun, '--from', '-', '--json'], `v1 ${D1} 3\nv1 ${D1} 3\n`);
    expect(same.status, same.stderr).toBe(0);
    expect(JSON.parse(same.stdout)).toMatchObject({ ok: true, signed: 1 });
  });

  describe('tag names are checked before any network call', () => {
    // A server nobody listens on: contacting it would exit 4 (NETWORK), not 2.
    let dead: string[];
    beforeAll(async () => {
      dead = ['-s', `https://127.0.0.1:${await freePort()}`, '-d', tempDir('safety-dead')];
    });
    // NUL cannot travel in argv; it is checked through `sign --from` below.
    const bad = ['', 'a\u0001b', 'a\nb', 'tab\there', 'del\u007f', 'c1\u0085', 'c1\u009b[31m'];

    it('verify / lookup / inspect / sign / revoke / add / remove exit 2 INVALID_ARGUMENT', async () => {
      const some = ['a\nb', 'c1\u0085'];
      const runs: string[][] = [];
      for (const tag of bad) runs.push(['verify', 'example.com/safety/app', tag]);
      for (const tag of some) {
        runs.push(
          ['lookup', 'example.com/safety/app', tag],
          ['verify', `example.com/safety/app:${tag}`],
          ['inspect', `example.com/safety/app:${tag}`],
          ['sign', `example.com/safety/app:${tag}`, '--digest', D1, '--size', '3'],
          ['revoke', `example.com/safety/app:${tag}`],
          ['add', 'example.com/safety/app', tag, '--digest', D1, '--size', '3', '-p'],
          ['remove', 'example.com/safety/app', tag, '-p'],
        );
      }
      for (const args of runs) {
        const r = await runBin([...dead, ...args, '--json'], { env: { ...PASSPHRASE_ENV } });
        expect(r.status, `${JSON.stringify(args)}: ${r.stderr}`).toBe(2);
        expect(errorOf(r).code, JSON.stringify(args)).toBe('INVALID_ARGUMENT');
      }
      expect(privateKeyFiles(dead[3] as string)).toEqual([]);
    });

    it('sign --from with a NUL or C1 character in a tag exits 2 before contacting the server', async () => {
      for (const tag of ['nul\u0000x', 'c1\u0090x']) {
        const r = await runBin([...dead, 'sign', 'example.com/safety/app', '--from', '-', '--json'], {
          env: { ...PASSPHRASE_ENV },
          input: `ok ${D1} 3\n${tag} ${D2} 4\n`,
        });
        expect(r.status, r.stderr).toBe(2);
        expect(errorOf(r).code).toBe('INVALID_ARGUMENT');
      }
    });

    it('--timeout must be positive and at most 24h', async () => {
      for (const t of [
        '--timeout=0',
        '--timeout=-1s',
        '--timeout=-5',
        '--timeout=25h',
        '--timeout=1e9',
        '--timeout=9'.padEnd(40, '9'),
      ]) {
        const r = await runBin([...dead, 'verify', 'example.com/safety/app:v1', t, '--json']);
        expect(r.status, `${t}: ${r.stderr}`).toBe(2);
        expect(errorOf(r).code).toBe('USAGE');
      }
      const ok = await runBin([...common, 'verify', 'example.com/safety/app:v1', '--timeout=24h']);
      expect(ok.status, ok.stderr).toBe(0);
    });
  });

  it('verify GUN TAG and lookup GUN TAG answer for names GUN:TAG cannot express; Go agrees', async () => {
    const gun = 'example.com/safety/paths';
    const s = await ours(['sign', gun, '--from', '-'], `x/y.z ${D1} 3\na:b ${D2} 4\n`);
    expect(s.status, s.stderr).toBe(0);
    for (const cmd of ['verify', 'lookup']) {
      const xy = await ours([cmd, gun, 'x/y.z']);
      expect(xy.status, xy.stderr).toBe(0);
      expect(xy.stdout).toBe(`${D1}\n`);
      const ab = await ours([cmd, gun, 'a:b']);
      expect(ab.stdout).toBe(`${D2}\n`);
    }
    // In GUN:TAG a slash after the colon belongs to the GUN: no tag, a usage error.
    expect((await ours(['verify', `${gun}:x/y.z`])).status).toBe(2);
    const go = await runNotary(['lookup', gun, 'x/y.z'], { trustDir: tempDir('safety-go'), server: server.url });
    expect(go.stdout.trim()).toBe(`x/y.z ${D1} 3`);
  });
});
