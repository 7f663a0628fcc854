// The launcher's V8 code cache (SPEC §9 "Start-up"), through the CLI binary against a real notary-server: it lives
// in the per-user cache directory (never in the package), is reused while valid, and a corrupted, truncated or
// unwritable cache is ignored and regenerated without changing what the command does. Needs `npm run build` first.
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBin } from '../helpers/bin-run.js';
import { describeInterop, type NotaryServer, PASSPHRASE_ENV, startNotaryServer, tempDir } from '../helpers/notary.js';

const GUN = 'example.com/codecache/app';
const DIGEST = `sha256:${'cd'.repeat(32)}`;

/** The cache files in `dir`, by the bundle file they belong to (`verify` and `lookup` run the verify bundle). */
function cacheFiles(dir: string): { main: string[]; verify: string[]; agent: string[]; all: string[] } {
  let all: string[] = [];
  try {
    all = readdirSync(dir).filter((n) => n.endsWith('.v8'));
  } catch {}
  return {
    main: all.filter((n) => n.endsWith('-main.cjs.v8')),
    verify: all.filter((n) => n.endsWith('-verify.cjs.v8')),
    agent: all.filter((n) => n.endsWith('-undici-agent.cjs.v8')),
    all,
  };
}

describeInterop('launcher code cache (bin/notary-ts.js)', () => {
  let server: NotaryServer;
  /** What a first-use verify prints to stderr without any code cache: the cache must change none of it. */
  let referenceStderr = '';
  beforeAll(async () => {
    server = await startNotaryServer();
    const s = await runBin(
      ['-s', server.url, '-d', tempDir('cc-signer'), 'sign', `${GUN}:v1`, '--digest', DIGEST, '--size', '9'],
      {
        env: { ...PASSPHRASE_ENV, NOTARY_TS_NO_CODE_CACHE: '1' },
      },
    );
    expect(s.status, s.stderr).toBe(0);
    const ref = await verify({ NOTARY_TS_NO_CODE_CACHE: '1' });
    expect(ref.status, ref.stderr).toBe(0);
    referenceStderr = ref.stderr;
  });
  afterAll(async () => server?.stop());

  // The undici transport, so that the lazily loaded Agent file is cached too (the default wire transport and node:http never
  // loads it).
  const verify = (env: Record<string, string>, transport = 'undici') =>
    runBin(['-s', server.url, '-d', tempDir('cc-trust'), 'verify', `${GUN}:v1`], {
      env: { NOTARY_TS_TRANSPORT: transport, ...env },
    });

  it('is written to ~/.cache/notary-ts (0600 in 0700), reused unchanged while valid, never in the package', async () => {
    const home = tempDir('cc-home');
    const dir = join(home, '.cache', 'notary-ts');
    const v = await runBin(['version'], { env: { HOME: home } });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr).toBe('');
    const after = cacheFiles(dir);
    expect(after.main).toHaveLength(1);
    expect(after.main[0]).toContain(`${process.version}-${process.arch}-`);
    expect(after.main[0]).toMatch(/-version-main\.cjs\.v8$/);
    expect(after.agent).toHaveLength(0); // `version` never loads the HTTP agent
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, after.main[0] as string)).mode & 0o777).toBe(0o600);

    // Each command has a cache of its own: one made by `version` would leave verify compiling its whole path.
    const n = await verify({ HOME: home }, 'node');
    expect(n.status, n.stderr).toBe(0);
    expect(n.stdout).toBe(`${DIGEST}\n`);
    const afterVerify = cacheFiles(dir);
    expect(afterVerify.agent).toHaveLength(0); // node:http: the undici Agent is never loaded
    expect(afterVerify.main).toEqual(after.main); // verify runs the verify bundle, with a cache of its own
    expect(afterVerify.verify).toHaveLength(1);
    expect(afterVerify.verify[0]).toMatch(/-verify-verify\.cjs\.v8$/);
    const mainFile = join(dir, afterVerify.verify[0] as string);
    expect(statSync(mainFile).mode & 0o777).toBe(0o600);
    // `lookup` is verify's alias and shares its cache; global flags with values are skipped to find the command.
    const l = await runBin(['-d', tempDir('cc-trust'), '--server', server.url, 'lookup', GUN, 'v1'], {
      env: { HOME: home },
    });
    expect(l.status, l.stderr).toBe(0);
    expect(l.stdout).toBe(`${DIGEST}\n`);
    expect(cacheFiles(dir).verify).toEqual(afterVerify.verify);
    expect(cacheFiles(dir).main).toEqual(after.main);

    const r = await verify({ HOME: home });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${DIGEST}\n`);
    const withAgent = cacheFiles(dir);
    expect(withAgent.agent).toHaveLength(1); // the first request loaded (and cached) the undici Agent
    const before = readFileSync(mainFile);
    const mtime = statSync(mainFile).mtimeMs;

    const again = await verify({ HOME: home });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(`${DIGEST}\n`);
    expect(statSync(mainFile).mtimeMs).toBe(mtime); // accepted, so not rewritten
    expect(readFileSync(mainFile).equals(before)).toBe(true);
    expect(cacheFiles(dir).all).toHaveLength(3);
    expect(cacheFiles(resolve('dist/cli')).all).toHaveLength(0);
    expect(cacheFiles(resolve('bin')).all).toHaveLength(0);
  });

  it("a failed run's cache is replaced by the next successful run's; --help has a cache of its own", async () => {
    const xdg = tempDir('cc-xdg');
    const dir = join(xdg, 'notary-ts');
    const trust = tempDir('cc-signer2');
    const sign = (...args: string[]) =>
      runBin(['-s', server.url, '-d', trust, 'sign', ...args], { env: { ...PASSPHRASE_ENV, XDG_CACHE_HOME: xdg } });
    const signCaches = () => cacheFiles(dir).main.filter((n) => n.includes('-sign-'));
    // A run that fails early compiles little: its cache is kept apart, so that it cannot stand in for good.
    const early = await sign(`${GUN}-cc`, '--from', join(trust, 'no-such-file'));
    expect(early.status).not.toBe(0);
    expect(signCaches()).toEqual([expect.stringMatching(/-sign-failed-main\.cjs\.v8$/)]);
    const failedFile = join(dir, signCaches()[0] as string);
    const failedBytes = readFileSync(failedFile);
    const stillFailing = await sign(`${GUN}-cc`, '--from', join(trust, 'no-such-file'));
    expect(stillFailing.status).toBe(early.status);
    expect(readFileSync(failedFile).equals(failedBytes)).toBe(true); // another failure has nothing better to write
    // The first successful run writes the complete cache and drops the failed one.
    const ok = await sign(`${GUN}-cc:v1`, '--digest', DIGEST, '--size', '9');
    expect(ok.status, ok.stderr).toBe(0);
    const complete = signCaches();
    expect(complete).toEqual([expect.stringMatching(/-sign-main\.cjs\.v8$/)]);
    const completeFile = join(dir, complete[0] as string);
    const completeBytes = readFileSync(completeFile);
    expect(completeBytes.length).toBeGreaterThan(failedBytes.length); // it holds the signing path
    // From now on a failing run leaves it alone, and `sign --help` runs (and caches) as help.
    const later = await sign(`${GUN}-cc`, '--from', join(trust, 'no-such-file'));
    expect(later.status).toBe(early.status);
    const help = await sign('--help');
    expect(help.status, help.stderr).toBe(0);
    expect(signCaches()).toEqual(complete);
    expect(readFileSync(completeFile).equals(completeBytes)).toBe(true);
    expect(cacheFiles(dir).main.filter((n) => n.includes('-help-'))).toHaveLength(1);
  });

  it('XDG_CACHE_HOME wins over HOME', async () => {
    const home = tempDir('cc-home');
    const xdg = tempDir('cc-xdg');
    const r = await runBin(['version'], { env: { HOME: home, XDG_CACHE_HOME: xdg } });
    expect(r.status, r.stderr).toBe(0);
    expect(cacheFiles(join(xdg, 'notary-ts')).main).toHaveLength(1);
    expect(cacheFiles(join(home, '.cache', 'notary-ts')).all).toHaveLength(0);
  });

  it('a corrupted or truncated cache is ignored and regenerated; caches of other builds are dropped', async () => {
    const xdg = tempDir('cc-xdg');
    const dir = join(xdg, 'notary-ts');
    const first = await verify({ XDG_CACHE_HOME: xdg });
    expect(first.status, first.stderr).toBe(0);
    const { verify: main, agent } = cacheFiles(dir);
    expect(main).toHaveLength(1);
    expect(agent).toHaveLength(1);
    const mainFile = join(dir, main[0] as string);
    const agentFile = join(dir, agent[0] as string);
    const good = readFileSync(mainFile);

    const garbage = Buffer.from('not a V8 code cache at all');
    writeFileSync(mainFile, garbage);
    writeFileSync(agentFile, good.subarray(0, 100)); // a cache for another file, truncated
    const stale = join(dir, 'v0.0.0-x64-000000000000000000000000-verify.cjs.v8');
    writeFileSync(stale, garbage);
    writeFileSync(join(dir, 'v0.0.0-x64-000000000000000000000000-verify-verify.cjs.v8'), garbage);
    // This build's cache under another profile is not stale: it stays.
    const sibling = (main[0] as string).replace(/-verify-verify\.cjs\.v8$/, '-other-verify.cjs.v8');
    expect(sibling).not.toBe(main[0]);
    writeFileSync(join(dir, sibling), garbage);
    const r = await verify({ XDG_CACHE_HOME: xdg });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${DIGEST}\n`);
    expect(r.stderr).toBe(referenceStderr);
    const regenerated = readFileSync(mainFile);
    expect(regenerated.length).toBeGreaterThan(garbage.length);
    expect(regenerated.subarray(0, garbage.length).equals(garbage)).toBe(false);
    expect(readFileSync(agentFile).length).toBeGreaterThan(100);
    expect(cacheFiles(dir).all.sort()).toEqual([agent[0], main[0], sibling].sort()); // the stale build's caches are gone

    // An empty file and a cache of another bundle in the main file's place: same story.
    for (const bad of [Buffer.alloc(0), readFileSync(agentFile)]) {
      writeFileSync(mainFile, bad);
      const again = await verify({ XDG_CACHE_HOME: xdg });
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toBe(`${DIGEST}\n`);
      expect(readFileSync(mainFile).equals(bad)).toBe(false);
    }
  });

  it('an unusable cache directory changes nothing; NOTARY_TS_NO_CODE_CACHE=1 writes nothing', async () => {
    const xdg = tempDir('cc-xdg');
    writeFileSync(join(xdg, 'notary-ts'), 'a file where the directory would be');
    const r = await verify({ XDG_CACHE_HOME: xdg, TMPDIR: tempDir('cc-tmp') });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${DIGEST}\n`);
    expect(r.stderr).toBe(referenceStderr);

    const off = tempDir('cc-xdg');
    const offTmp = tempDir('cc-tmp');
    const o = await verify({ XDG_CACHE_HOME: off, TMPDIR: offTmp, NOTARY_TS_NO_CODE_CACHE: '1' });
    expect(o.status, o.stderr).toBe(0);
    expect(o.stdout).toBe(`${DIGEST}\n`);
    expect(readdirSync(off)).toEqual([]);
    expect(readdirSync(offTmp)).toEqual([]); // nor the fallback

    // A missing error code still maps to its exit status with the cache on and off.
    for (const env of [{ XDG_CACHE_HOME: off }, { XDG_CACHE_HOME: off, NOTARY_TS_NO_CODE_CACHE: '1' }]) {
      const missing = await runBin(['-s', server.url, '-d', tempDir('cc-trust'), 'verify', '--json', `${GUN}:nope`], {
        env,
      });
      expect(missing.status).toBe(3);
      expect(JSON.parse(missing.stderr)).toMatchObject({ ok: false, code: 'TARGET_NOT_FOUND' });
    }
  });
});

// The per-user directory cannot be written (read-only or missing HOME): the cache goes to <tmpdir>/notary-ts-<euid>,
// but only when that directory is provably this user's (a code cache is code). A preloaded probe records every path
// the launcher opens, so "not read" is observed, not inferred.
describeInterop('launcher code cache: the tmpdir fallback', () => {
  const euid = process.geteuid?.() ?? 0;
  let probe: string;
  beforeAll(() => {
    probe = join(tempDir('cc-probe'), 'probe.cjs');
    writeFileSync(
      probe,
      `const fs = require('node:fs'); const seen = [];
      for (const f of ['openSync', 'readFileSync']) { const o = fs[f]; fs[f] = function (p, ...r) { if (typeof p === 'string') seen.push(p); return o.call(this, p, ...r); }; }
      process.on('exit', () => fs.writeFileSync(process.env.PROBE_OUT, JSON.stringify(seen)));\n`,
    );
  });

  /** `version` with an unusable per-user cache dir and TMPDIR = `tmp`; returns the paths opened. */
  async function version(tmp: string): Promise<string[]> {
    const blocked = join(tempDir('cc-blocked'), 'a-file');
    writeFileSync(blocked, 'not a directory');
    const out = join(tempDir('cc-probe-out'), 'seen.json');
    const r = await runBin(['version'], {
      env: { XDG_CACHE_HOME: join(blocked, 'cache'), TMPDIR: tmp, NODE_OPTIONS: `--require ${probe}`, PROBE_OUT: out },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('notary-ts');
    return JSON.parse(readFileSync(out, 'utf8')) as string[];
  }
  const v8Files = (dir: string) => cacheFiles(dir).all;

  it('is used when the per-user dir cannot be written: 0700, files 0600, reused unchanged', async () => {
    const tmp = tempDir('cc-tmp');
    const dir = join(tmp, `notary-ts-${euid}`);
    await version(tmp);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const [file] = v8Files(dir);
    expect(file).toMatch(/-version-main\.cjs\.v8$/);
    const path = join(dir, file as string);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const mtime = statSync(path).mtimeMs;
    const seen = await version(tmp);
    expect(seen).toContain(path);
    expect(statSync(path).mtimeMs).toBe(mtime);
  });

  it('a writable per-user dir is preferred again: a good fallback copy is read once, then written there', async () => {
    const tmp = tempDir('cc-tmp');
    await version(tmp);
    const home = tempDir('cc-home');
    const r = await runBin(['version'], { env: { HOME: home, TMPDIR: tmp } });
    expect(r.status, r.stderr).toBe(0);
    expect(cacheFiles(join(home, '.cache', 'notary-ts')).main).toHaveLength(1);
  });

  it('is neither read nor written when it is open to others, a symlink, or in a non-sticky world-writable parent', async () => {
    // A good cache to plant: made by a run that could use the fallback.
    const good = tempDir('cc-tmp');
    await version(good);
    const goodDir = join(good, `notary-ts-${euid}`);
    const [name] = v8Files(goodDir);
    const planted = readFileSync(join(goodDir, name as string));

    // 1. The directory is open to others (0777).
    const open = tempDir('cc-tmp');
    const openDir = join(open, `notary-ts-${euid}`);
    mkdirSync(openDir);
    chmodSync(openDir, 0o777);
    writeFileSync(join(openDir, name as string), planted, { mode: 0o600 });
    expect(await version(open)).not.toContain(join(openDir, name as string));
    expect(statSync(openDir).mode & 0o777).toBe(0o777);
    expect(v8Files(openDir)).toEqual([name]);

    // 2. The path is a symlink to a directory that would otherwise pass.
    const link = tempDir('cc-tmp');
    const target = tempDir('cc-target');
    chmodSync(target, 0o700);
    writeFileSync(join(target, name as string), planted, { mode: 0o600 });
    symlinkSync(target, join(link, `notary-ts-${euid}`));
    expect(await version(link)).not.toContain(join(link, `notary-ts-${euid}`, name as string));
    expect(v8Files(target)).toEqual([name]);

    // 3. The parent is world-writable without the sticky bit: nothing is created in it.
    const loose = tempDir('cc-tmp');
    chmodSync(loose, 0o777);
    await version(loose);
    expect(readdirSync(loose)).toEqual([]);

    // 4. A cache file others could have written is not read; a fresh 0600 one replaces it.
    const shared = tempDir('cc-tmp');
    const sharedDir = join(shared, `notary-ts-${euid}`);
    mkdirSync(sharedDir, { mode: 0o700 });
    writeFileSync(join(sharedDir, name as string), planted);
    chmodSync(join(sharedDir, name as string), 0o666);
    await version(shared);
    expect(statSync(join(sharedDir, name as string)).mode & 0o777).toBe(0o600);
  });
});
