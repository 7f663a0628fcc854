// The package as users get it: `npm pack` from a clean copy of the sources (prepack builds), installed globally
// into a temporary prefix and run from there against a real notary-server, and imported as a library from a fresh
// ES-module project and a fresh CommonJS one.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  describeInterop,
  type NotaryServer,
  PASSPHRASE_ENV,
  runNotary,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';

const ROOT = resolve('.');
// What a clean clone holds that the build reads. node_modules is linked, not installed: npm ci already ran.
const SOURCES = ['src', 'bin', 'scripts', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
const DOCS = ['README.md', 'SPEC.md', 'LICENSE'];

function sh(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', ...env },
    input: '',
    timeout: 180_000,
  });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

describeInterop('npm package: pack, global install, library import', () => {
  let server: NotaryServer;
  let tarball: string;
  let prefix: string;
  const gun = 'example.com/package/app';
  const digest = `sha256:${'5e'.repeat(32)}`;

  beforeAll(async () => {
    server = await startNotaryServer();
    // A copy of the sources without dist/: prepack must build it.
    const src = tempDir('pkg-src');
    for (const name of [...SOURCES, ...DOCS]) cpSync(join(ROOT, name), join(src, name), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'), 'dir');
    const out = tempDir('pkg-out');
    const pack = sh('npm', ['pack', '--pack-destination', out], src);
    expect(pack.status, pack.stderr).toBe(0);
    const files = readdirSync(out).filter((f) => f.endsWith('.tgz'));
    expect(files).toHaveLength(1);
    tarball = join(out, files[0] ?? '');
    prefix = tempDir('pkg-prefix');
    const inst = sh('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', tarball], out);
    expect(inst.status, inst.stderr).toBe(0);
  }, 300_000);
  afterAll(async () => server?.stop());

  it('ships only what runs: the built library, the bundled CLI, the launcher, docs and licence', () => {
    const list = sh('tar', ['-tzf', tarball], ROOT);
    expect(list.status).toBe(0);
    const entries = list.stdout.split('\n').filter(Boolean);
    expect(entries).toContain('package/LICENSE');
    expect(entries).toContain('package/bin/notary-ts.js');
    expect(entries).toContain('package/bin/package.json'); // the launcher is CommonJS in an ESM package
    expect(entries).toContain('package/dist/cli/main.cjs');
    expect(entries).toContain('package/dist/cli/undici-agent.cjs');
    expect(entries).toContain('package/dist/src/index.js');
    expect(entries).toContain('package/dist/src/index.d.ts');
    const notShipped = entries.filter(
      (e) => /^package\/(test|bench|fixtures|scripts|src|dist\/src\/cli)\//.test(e) || /(?<!\.d)\.ts$/.test(e),
    );
    expect(notShipped).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(prefix, 'lib/node_modules/notary-ts/package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies)).toEqual(['undici']);
  });

  it('the globally installed notary-ts prints its version, signs and verifies; Go agrees', async () => {
    const bin = join(prefix, 'bin', 'notary-ts');
    expect(existsSync(bin)).toBe(true);
    const env = { HOME: tempDir('pkg-home') };
    const version = sh(bin, ['version'], ROOT, env);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toMatch(/^notary-ts \d+\.\d+\.\d+/);
    const trust = tempDir('pkg-trust');
    const s = sh(bin, ['-s', server.url, '-d', trust, 'sign', `${gun}:v1`, '--digest', digest, '--size', '77'], ROOT, {
      ...env,
      ...PASSPHRASE_ENV,
    });
    expect(s.status, s.stderr).toBe(0);
    const v = sh(bin, ['-s', server.url, '-d', tempDir('pkg-fresh'), 'verify', `${gun}:v1`], ROOT, env);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toBe(`${digest}\n`);
    const g = await runNotary(['lookup', gun, 'v1'], { trustDir: tempDir('pkg-go'), server: server.url });
    expect(g.stdout.trim()).toBe(`v1 ${digest} 77`);
  });

  const script = (load: string) => `${load}
(async () => {
  const repo = await openRepository({ gun: ${JSON.stringify(gun)}, server: process.argv[2], trustDir: process.argv[3] });
  try {
    const t = await repo.lookup('v1');
    let missing = 'none';
    try { await repo.lookup('nope'); } catch (e) { missing = isNotaryError(e) ? e.code : 'other'; }
    console.log(JSON.stringify({ digest: t.digest, size: t.size, missing }));
  } finally {
    await repo.close();
  }
})().catch((e) => { console.error(e); process.exitCode = 1; });
`;

  for (const kind of ['module', 'commonjs'] as const) {
    it(`a fresh ${kind} project imports the library and verifies with it`, () => {
      const dir = tempDir(`pkg-${kind}`);
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: `consumer-${kind}`, version: '1.0.0', type: kind }),
      );
      const inst = sh('npm', ['install', '--prefer-offline', tarball], dir);
      expect(inst.status, inst.stderr).toBe(0);
      const load =
        kind === 'module'
          ? "import { openRepository, isNotaryError } from 'notary-ts';"
          : "const { openRepository, isNotaryError } = require('notary-ts');";
      mkdirSync(join(dir, 'src'));
      const file = join(dir, 'src', kind === 'module' ? 'main.mjs' : 'main.cjs');
      writeFileSync(file, script(load));
      const r = sh(process.execPath, [file, server.url, tempDir(`pkg-${kind}-trust`)], dir);
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ digest, size: 77, missing: 'TARGET_NOT_FOUND' });
    });
  }
});
