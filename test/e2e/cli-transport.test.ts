// Which modules a CLI run loads (SPEC §9 "Transport", "Start-up", "Verify bundle"): verify and lookup run from the
// verify-only bundle, other commands from the full one; the default verify path uses the wire transport and never
// loads node:http or undici (nor node:http2/tls/https that undici pulls in), nor what the start-up cuts keep out;
// NOTARY_TS_TRANSPORT=node and =undici do load theirs (the probe can fail); a bad value is refused. A preloaded probe reports
// Node's loaded built-ins and require cache at exit.
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binBuilt, runBin } from '../helpers/cli-bin.js';
import { type HostileServer, startHostileServer } from '../helpers/hostile-server.js';
import { RepoSimulator } from '../helpers/repo-simulator.js';
import { tempDir } from '../helpers/temp-dir.js';

const GUN = 'example.com/transport/probe';
let server: HostileServer;
let probe: string;
let digest: string;

beforeAll(async () => {
  expect(binBuilt(), 'npm run build first').toBe(true);
  const sim = new RepoSimulator({ gun: GUN, now: new Date() });
  const meta = sim.addTarget('v1', 'payload');
  sim.publish();
  digest = `sha256:${Buffer.from(meta.hashes.sha256 as Uint8Array).toString('hex')}`;
  server = await startHostileServer(sim);
  probe = join(tempDir('transport-probe-'), 'probe.cjs');
  writeFileSync(
    probe,
    `process.on('exit', () => require('node:fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify({
      builtins: process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13)),
      files: Object.keys(require.cache),
    })));\n`,
  );
});
afterAll(async () => server?.stop());

interface Loaded {
  builtins: string[];
  files: string[];
}

/** A cold `verify` (or another command) with the probe preloaded; returns what the process had loaded at exit. */
async function coldVerify(env: Record<string, string>, command: string[] = ['verify', `${GUN}:v1`]): Promise<Loaded> {
  const dir = tempDir('transport-run-');
  const out = join(dir, 'loaded.json');
  const r = await runBin(['-s', server.url, '-d', join(dir, 'trust'), ...command], {
    env: { NODE_OPTIONS: `--require ${probe}`, PROBE_OUT: out, XDG_CACHE_HOME: join(dir, 'cache'), ...env },
  });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain(digest.slice(7));
  return JSON.parse(await readFile(out, 'utf8')) as Loaded;
}

/** The CLI bundle files (dist/cli/*.cjs) a run loaded, by base name. */
const bundles = (l: Loaded) =>
  l.files.filter((f) => /[\\/]dist[\\/]cli[\\/][^\\/]+\.cjs$/.test(f)).map((f) => f.replace(/^.*[\\/]/, ''));

const undiciFiles = (l: Loaded) => l.files.filter((f) => /undici/.test(f));

describe('the CLI verify path', () => {
  it('verify and lookup run from the verify-only bundle, other commands from the full one', async () => {
    // Without the code cache the launcher loads a bundle with require(), so the probe sees which one.
    const off = { NOTARY_TS_NO_CODE_CACHE: '1' };
    expect(bundles(await coldVerify(off))).toEqual(['verify.cjs']);
    expect(bundles(await coldVerify(off, ['--json', 'lookup', GUN, 'v1']))).toEqual(['verify.cjs']);
    expect(bundles(await coldVerify(off, ['list', GUN]))).toEqual(['main.cjs']);
    // The verify bundle holds no other command: the signer's preflight is not in it, the full bundle has it.
    const verifyText = readFileSync(join('dist', 'cli', 'verify.cjs'), 'utf8');
    const mainText = readFileSync(join('dist', 'cli', 'main.cjs'), 'utf8');
    expect(mainText).toContain('function preflight(');
    expect(verifyText).not.toContain('function preflight(');
    expect(verifyText).toContain('the verify bundle has no sign command');
    expect(verifyText.length).toBeLessThan(mainText.length * 0.75);
  });

  it('by default talks the wire transport: loads neither node:http nor undici nor the modules they need', async () => {
    for (const cache of ['1', '0']) {
      const l = await coldVerify({ NOTARY_TS_NO_CODE_CACHE: cache });
      expect(l.builtins, `code cache off=${cache}`).toContain('net');
      // node:http's client, undici's modules, and what the start-up cuts keep out (SPEC §9): fs/promises (lazy
      // bundle wrapper, stdin made on first use), perf_hooks (hrtime deadlines), v8 (set only before undici), zlib
      // (no gzip body here).
      for (const m of [
        'http',
        '_http_client',
        '_http_agent',
        'http2',
        'tls',
        'https',
        'worker_threads',
        'fs/promises',
        'perf_hooks',
        'v8',
        'zlib',
      ]) {
        expect(l.builtins, `${m} loaded (code cache off=${cache})`).not.toContain(m);
      }
      // Without the code cache the launcher registers nothing in advance: any undici file here was loaded.
      if (cache === '1') expect(undiciFiles(l)).toEqual([]);
    }
  });

  it('NOTARY_TS_TRANSPORT=node loads node:http (the probe sees it) and verifies the same', async () => {
    const l = await coldVerify({ NOTARY_TS_NO_CODE_CACHE: '1', NOTARY_TS_TRANSPORT: 'node' });
    expect(l.builtins).toContain('http');
    expect(undiciFiles(l)).toEqual([]);
  });

  it('NOTARY_TS_TRANSPORT=undici loads undici (the probe sees it) and verifies the same', async () => {
    const l = await coldVerify({ NOTARY_TS_NO_CODE_CACHE: '1', NOTARY_TS_TRANSPORT: 'undici' });
    expect(l.builtins).toContain('http2');
    expect(undiciFiles(l).length).toBeGreaterThan(0);
  });

  it('another NOTARY_TS_TRANSPORT value is INVALID_CONFIG', async () => {
    const dir = tempDir('transport-bad-');
    const r = await runBin(['-s', server.url, '-d', dir, 'verify', '--json', `${GUN}:v1`], {
      env: { NOTARY_TS_TRANSPORT: 'curl' },
    });
    expect(r.status).not.toBe(0);
    expect(r.json()['code']).toBe('INVALID_CONFIG');
  });
});
