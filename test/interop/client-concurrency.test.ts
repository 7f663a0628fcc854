// Two OS processes updating one trust dir at the same time from the real server: both succeed, the cache ends equal
// to the server's files and holds no temp files. (Transpiles src/ for the child processes: no TS loader needed.)
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MetadataCache } from '../../src/client/index.js';
import { bytesEqual } from '../../src/encoding/bytes.js';
import {
  describeInterop,
  httpGet,
  type NotaryServer,
  runNotary,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';

const ROOT = join(import.meta.dirname, '../..');
const GUN = 'example.com/concurrency/repo';

/** Transpiles src/**.ts to ESM JS under `out/src` (no type check) and links node_modules for undici. */
function transpileSrc(out: string): void {
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir)) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const js = ts.transpileModule(readFileSync(p, 'utf8'), {
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
        }).outputText;
        const dest = join(out, relative(ROOT, p)).replace(/\.ts$/, '.js');
        mkdirSync(dirname(dest), { recursive: true });
        writeFileSync(dest, js);
      }
    }
  };
  walk(join(ROOT, 'src'));
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
}

const CHILD = `
import { openRepository } from './src/client/index.js';
const [trustDir, server, gun, rounds] = process.argv.slice(2);
for (let i = 0; i < Number(rounds); i++) {
  const repo = await openRepository({ gun, trustDir, server, env: {} });
  const r = await repo.lookup('latest');
  await repo.close();
  process.stdout.write(r.digest + '\\n');
}
`;

function runChild(dir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, 'child.mjs'), ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describeInterop('two processes updating one trust dir', () => {
  let server: NotaryServer;
  const publisher = tempDir('nt-conc-pub-');
  const build = tempDir('nt-conc-build-');

  beforeAll(async () => {
    server = await startNotaryServer();
    transpileSrc(build);
    writeFileSync(join(build, 'child.mjs'), CHILD);
    const p = join(tempDir('nt-conc-files-'), 'payload');
    writeFileSync(p, 'payload\n');
    const init = await runNotary(['init', GUN, '-p'], { trustDir: publisher, server: server.url });
    expect(init.code, init.stderr).toBe(0);
    const add = await runNotary(['add', GUN, 'latest', p, '-p'], { trustDir: publisher, server: server.url });
    expect(add.code, add.stderr).toBe(0);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('both succeed every round while the publisher keeps publishing; the cache ends consistent', async () => {
    const trustDir = tempDir('nt-conc-trust-');
    const publishing = (async () => {
      for (let i = 0; i < 4; i++) {
        const p = join(tempDir('nt-conc-files-'), `p${i}`);
        writeFileSync(p, `payload ${i}\n`);
        const r = await runNotary(['add', GUN, `t${i}`, p, '-p'], { trustDir: publisher, server: server.url });
        expect(r.code, r.stderr).toBe(0);
      }
    })();
    const [a, b] = await Promise.all([
      runChild(build, [trustDir, server.url, GUN, '6']),
      runChild(build, [trustDir, server.url, GUN, '6']),
      publishing,
    ]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(a.stdout.trim().split('\n')).toHaveLength(6);
    expect(new Set([...a.stdout.trim().split('\n'), ...b.stdout.trim().split('\n')]).size).toBe(1);

    // One more (sequential) run brings the cache to the server's current state; no temp files are left.
    const final = await runChild(build, [trustDir, server.url, GUN, '1']);
    expect(final.code, final.stderr).toBe(0);
    const cache = new MetadataCache(trustDir, GUN);
    for (const role of ['root', 'timestamp', 'snapshot', 'targets']) {
      const res = await httpGet(server.metadataUrl(GUN, `${role}.json`));
      expect(bytesEqual(cache.read(role) as Uint8Array, res.body), role).toBe(true);
    }
    expect(readdirSync(cache.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
