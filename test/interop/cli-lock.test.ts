// The per-GUN lock through the CLI binary against a real notary-server: concurrent first `sign` runs on one new GUN
// make one set of keys and both tags land; concurrent verifies and signs on one trust dir all succeed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { binBuilt, runBin } from '../helpers/cli-bin.js';
import { describeInterop, type NotaryServer, PASSPHRASE_ENV, startNotaryServer, tempDir } from '../helpers/notary.js';

const hex = (n: number) => n.toString(16).padStart(64, '0');

/** Roles of the private keys in a trust dir for `gun` (from the PEM headers). */
function keyRoles(trustDir: string, gun: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const pem = readFileSync(p, 'utf8');
        const role = /^role: (.+)$/m.exec(pem)?.[1];
        const g = /^gun: (.+)$/m.exec(pem)?.[1];
        if (role !== undefined && (role === 'root' || g === gun)) out.push(role);
      }
    }
  };
  walk(join(trustDir, 'private'));
  return out.sort();
}

describeInterop('cli: one updater or publisher per GUN (trust-dir lock)', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    expect(binBuilt(), 'npm run build first').toBe(true);
    server = await startNotaryServer();
  });
  afterAll(async () => server?.stop());

  const bin = (dir: string, args: string[]) =>
    runBin(['-s', server.url, '-d', dir, ...args], { env: { ...PASSPHRASE_ENV } });

  it('three first sign runs on one new GUN at once: all succeed, one root and one targets key, every tag signed', async () => {
    const dir = tempDir('lock-sign');
    const gun = 'example.com/lock/new';
    const tags = [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ] as const;
    const runs = await Promise.all(
      tags.map(([tag, n]) => bin(dir, ['sign', `${gun}:${tag}`, '--digest', `sha256:${hex(n)}`, '--size', `${n}`])),
    );
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    expect(keyRoles(dir, gun)).toEqual(['root', 'targets']);
    const fresh = tempDir('lock-fresh');
    for (const [tag, n] of tags) {
      const v = await bin(fresh, ['verify', `${gun}:${tag}`]);
      expect(v.status, v.stderr).toBe(0);
      expect(v.stdout.trim()).toBe(`sha256:${hex(n)}`);
    }
  });

  it('verifies and signs of one GUN running together on one trust dir all succeed', async () => {
    const dir = tempDir('lock-mixed');
    const gun = 'example.com/lock/mixed';
    expect((await bin(dir, ['sign', `${gun}:v0`, '--digest', `sha256:${hex(9)}`, '--size', '9'])).status).toBe(0);
    const runs = await Promise.all([
      bin(dir, ['sign', `${gun}:v1`, '--digest', `sha256:${hex(10)}`, '--size', '10']),
      bin(dir, ['verify', `${gun}:v0`]),
      bin(dir, ['verify', `${gun}:v0`]),
      bin(dir, ['sign', `${gun}:v2`, '--digest', `sha256:${hex(11)}`, '--size', '11']),
    ]);
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    const v = await bin(dir, ['verify', `${gun}:v2`]);
    expect(v.stdout.trim()).toBe(`sha256:${hex(11)}`);
    expect(readdirSync(join(dir, 'tuf', ...gun.split('/')))).not.toContain('.lock');
  });
});
