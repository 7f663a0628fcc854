// Benchmarks the notary-ts CLI against the Go `notary` CLI in the same run: start-up, verify (cold/warm), sign+publish.
// Usage: `npm run bench` (builds first) or `node bench/run.mjs [--quick] [--sizes 1,1000] [--sign-sizes 1000]
// [--runs N] [--sign-runs N] [--no-verify] [--no-latency] [--latency-ms N] [--no-sign] [--profile] [--keep]`; see bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDelayProxy } from './lib/delay-proxy.mjs';
import { findGnuTime, killActive, rmrf, runOk, runTimed, startNotaryServer } from './lib/proc.mjs';
import { summarizeProfile } from './lib/profile.mjs';
import { fmtMs, median, ratio, renderMarkdown, summarize, table } from './lib/report.mjs';
import { crossCheckChangeWriter, digestIn, stageGoChanges, target, writeFromFile } from './lib/stage.mjs';
import { startTimingProxy } from './lib/timing-proxy.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'notary-ts.js');
const OUT_DIR = join(ROOT, 'bench', 'out');
const NODE = process.execPath;
const PASSPHRASE = 'notary-ts-bench-passphrase';

// ---- options -------------------------------------------------------------------------------------------------

function parseOptions(argv, env) {
  const flag = (name) => argv.includes(`--${name}`);
  const value = (name) => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0 && argv[i + 1] !== undefined) return argv[i + 1];
    const eq = argv.find((a) => a.startsWith(`--${name}=`));
    return eq?.slice(name.length + 3);
  };
  const list = (s) =>
    s
      ?.split(',')
      .map((x) => Number(x.trim().replace(/k$/i, '000')))
      .filter((x) => Number.isSafeInteger(x) && x > 0);
  const quick = flag('quick') || env.BENCH_QUICK === '1';
  const sizes = list(value('sizes') ?? env.BENCH_SIZES) ?? (quick ? [1, 1000] : [1, 1000, 10000, 50000]);
  const bigSizes = sizes.filter((n) => n >= 1000);
  const signSizes = list(value('sign-sizes') ?? env.BENCH_SIGN_SIZES) ?? (bigSizes.length ? bigSizes : sizes);
  const runs = Number(value('runs') ?? env.BENCH_RUNS ?? 0) || null;
  return {
    quick,
    sizes,
    signSizes,
    verifyRuns: (n) => runs ?? (quick ? 3 : n >= 50000 ? 5 : 7),
    signRuns: Number(value('sign-runs') ?? env.BENCH_SIGN_RUNS ?? 0) || 3,
    baselineRuns: quick ? 7 : 15,
    verify: !flag('no-verify'),
    latency: !flag('no-latency'),
    latencyMs: Number(value('latency-ms') ?? 50) || 50,
    sign: !flag('no-sign'),
    profile: flag('profile') || env.BENCH_PROFILE === '1',
    keep: flag('keep'),
  };
}

const opts = parseOptions(process.argv.slice(2), process.env);
const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

// ---- environment and cleanup ---------------------------------------------------------------------------------

const TMP = mkdtempSync(join(tmpdir(), 'notary-ts-bench-'));
let server = null;
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  killActive();
  server?.stop();
  if (!opts.keep) rmrf(TMP);
  else log(`kept ${TMP}`);
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    cleanup();
    process.exit(130);
  });
}

// Same environment for both tools: passphrases, an empty HOME (no ~/.notary or ~/.docker config leaks in), no
// proxies for loopback, and no NODE_OPTIONS that would change Node's start-up.
const childEnv = { ...process.env, HOME: join(TMP, 'home'), NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1' };
for (const k of ['NODE_OPTIONS', 'HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY']) {
  delete childEnv[k];
}
for (const role of ['ROOT', 'TARGETS', 'SNAPSHOT', 'DELEGATION']) childEnv[`NOTARY_${role}_PASSPHRASE`] = PASSPHRASE;
mkdirSync(childEnv.HOME, { recursive: true });
// notary-ts is run as the installed command is: bin/notary-ts.js executed (`#!/bin/sh`, which starts `node` from
// PATH); the node running the bench comes first on PATH so that both sides use the same binary.
childEnv.PATH = `${dirname(NODE)}${delimiter}${childEnv.PATH ?? ''}`;
const extraCa = !!childEnv.NODE_EXTRA_CA_CERTS;

const failures = [];
const notes = [];
let timeBin = null;
let rssSeq = 0;

/** One timed run (with RSS when GNU time is present). */
function timed(cmd, args) {
  return runOk(cmd, args, { env: childEnv, timeBin, rssFile: join(TMP, `rss-${rssSeq++}`) });
}
const go = (dir, ...args) => ['notary', ['-d', dir, '-s', server.url, ...args]];
const ours = (dir, ...args) => [CLI, ['-s', server.url, '-d', dir, ...args]];
/** The same run through `node bin/notary-ts.js` (no shell line: Node itself then parses any NODE_EXTRA_CA_CERTS). */
const oursViaNode = (dir, ...args) => [NODE, [CLI, '-s', server.url, '-d', dir, ...args]];

function expectDigest(what, output, want) {
  const got = digestIn(output);
  if (got !== want) {
    const msg = `DIGEST MISMATCH in ${what}: expected ${want}, got ${got ?? '(none)'}; output: ${output.trim()}`;
    failures.push(msg);
    throw new Error(msg);
  }
}

// ---- preflight -----------------------------------------------------------------------------------------------

function which(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim() || null;
}

async function oursCommands() {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.cjs'))) {
    notes.push('dist/ is missing (run `npm run build`): notary-ts columns are n/a');
    return new Set();
  }
  const r = await runTimed(NODE, [CLI, '--help'], { env: childEnv });
  const words = new Set();
  for (const w of ['verify', 'sign', 'init', 'version']) {
    if (new RegExp(`^\\s+${w}\\b`, 'm').test(r.stdout)) words.add(w);
  }
  words.add('version'); // main.ts answers `version` even when the table does not list it
  return words;
}

// ---- baseline ------------------------------------------------------------------------------------------------

async function baseline(has) {
  const cases = [
    ['node -e 0', NODE, ['-e', '0']],
    ['notary version', 'notary', ['version']],
  ];
  // Node parses a NODE_EXTRA_CA_CERTS file into its root store at every start, before any script runs.
  if (extraCa)
    cases.push(['env -u NODE_EXTRA_CA_CERTS node -e 0', 'env', ['-u', 'NODE_EXTRA_CA_CERTS', NODE, '-e', '0']]);
  if (has.has('version')) {
    cases.push(['notary-ts version', CLI, ['version']]);
    cases.push(['node bin/notary-ts.js version', NODE, [CLI, 'version']]);
  }
  const samples = cases.map(() => []);
  for (let i = 0; i < opts.baselineRuns; i++) {
    for (const [k, [, cmd, args]] of cases.entries()) samples[k].push(await timed(cmd, args));
  }
  return cases.map(([label], k) => ({ label, ...summarize(samples[k]) }));
}

// ---- verify --------------------------------------------------------------------------------------------------

const goPublishSamples = new Map(); // size → Go publish samples reused by the sign benchmark

/** Creates the size-N repository with the Go CLI: init, staged change files, one timed publish. */
async function makeGoRepo(goDir, gun, n) {
  const init = await timed(...go(goDir, 'init', gun));
  const stageMs = await stageGoChanges(goDir, gun, n);
  const pub = await timed(...go(goDir, 'publish', gun));
  return { initMs: init.ms, stageMs, pub };
}

function verifyTarget(size, oursMs, r, nodeMs) {
  if (size === 1) {
    const limit = nodeMs * 1.5;
    return {
      target: `≤ 1.5× node -e 0 (${fmtMs(limit)} ms; node -e 0 timed after each cold run)`,
      met: oursMs === null ? null : oursMs <= limit,
    };
  }
  const cap = size === 10000 ? 0.7 : size === 50000 ? 0.2 : null;
  if (cap === null) return { target: null, met: null };
  return { target: `≤ ${cap.toFixed(1)}× Go`, met: r === null ? null : r <= cap };
}

async function verifyBench(has, nodeMs, results) {
  const goDir = join(TMP, 'go-publisher');
  const haveOurs = has.has('verify');
  if (!haveOurs) notes.push('`notary-ts verify` is not available yet: ours columns are n/a');
  for (const n of opts.sizes) {
    const gun = `bench.example/verify-${n}`;
    const t = target(gun, n - 1); // the last tag staged
    log(`verify ${n}: creating the repository with the Go CLI`);
    const repoStart = performance.now();
    const repo = await makeGoRepo(goDir, gun, n);
    goPublishSamples.set(n, [repo.pub]);
    const runs = opts.verifyRuns(n);
    const lookupArgs = ['lookup', gun, t.tag];
    const verifyArgs = ['verify', `${gun}:${t.tag}`];
    const dirs = {
      goWarm: join(TMP, 'warm', `go-${n}`),
      tsWarm: join(TMP, 'warm', `ts-${n}`),
    };
    const s = { goCold: [], goWarm: [], tsCold: [], tsWarm: [], node: [], tsColdNode: [] };
    let oursBroken = !haveOurs;
    // Warm-up runs fill the warm caches (and the OS page cache for both binaries).
    expectDigest(`Go lookup ${n} (warm-up)`, (await timed(...go(dirs.goWarm, ...lookupArgs))).stdout, t.hex);
    if (!oursBroken) {
      try {
        expectDigest(`ours verify ${n} (warm-up)`, (await timed(...ours(dirs.tsWarm, ...verifyArgs))).stdout, t.hex);
      } catch (e) {
        failures.push(`ours verify ${n}: ${e.message}`);
        oursBroken = true;
      }
    }
    log(`verify ${n}: ${runs} runs × cold/warm × Go/ours`);
    for (let i = 0; i < runs; i++) {
      const goCold = join(TMP, 'cold', `go-${n}-${i}`);
      const r1 = await timed(...go(goCold, ...lookupArgs));
      expectDigest(`Go lookup ${n} cold`, r1.stdout, t.hex);
      s.goCold.push(r1);
      rmrf(goCold);
      const r2 = await timed(...go(dirs.goWarm, ...lookupArgs));
      expectDigest(`Go lookup ${n} warm`, r2.stdout, t.hex);
      s.goWarm.push(r2);
      if (oursBroken) continue;
      try {
        const tsCold = join(TMP, 'cold', `ts-${n}-${i}`);
        const r3 = await timed(...ours(tsCold, ...verifyArgs));
        expectDigest(`ours verify ${n} cold`, r3.stdout, t.hex);
        s.tsCold.push(r3);
        rmrf(tsCold);
        // The 1-target goal is a ratio to `node -e 0`: time it right after each cold run, so load falls on both.
        if (n === 1) {
          s.node.push(await timed(NODE, ['-e', '0']));
          const viaNode = join(TMP, 'cold', `ts-node-${n}-${i}`);
          const r5 = await timed(...oursViaNode(viaNode, ...verifyArgs));
          expectDigest(`ours (node bin/notary-ts.js) verify ${n} cold`, r5.stdout, t.hex);
          s.tsColdNode.push(r5);
          rmrf(viaNode);
        }
        const r4 = await timed(...ours(dirs.tsWarm, ...verifyArgs));
        expectDigest(`ours verify ${n} warm`, r4.stdout, t.hex);
        s.tsWarm.push(r4);
      } catch (e) {
        if (!failures.includes(e.message)) failures.push(`ours verify ${n}: ${e.message}`);
        oursBroken = true;
      }
    }
    const targetsFile = join(dirs.goWarm, 'tuf', ...gun.split('/'), 'metadata', 'targets.json');
    results.repos.push({
      size: n,
      initMs: repo.initMs,
      stageMs: repo.stageMs,
      publishMs: repo.pub.ms,
      publishRssKB: repo.pub.rssKB,
      targetsBytes: existsSync(targetsFile) ? statSync(targetsFile).size : null,
      totalMs: performance.now() - repoStart,
    });
    if (n >= 10000 && !oursBroken) results.library.push(await libraryBench(gun, n));
    if (s.node.length && !oursBroken) {
      const pair = median(s.tsCold.map((x, i) => x.ms / (s.node[i]?.ms ?? Number.NaN)));
      notes.push(
        `verify ${n} cold / \`node -e 0\` timed right after it, pair by pair: median ${pair.toFixed(2)}× ` +
          `(node -e 0 median ${fmtMs(summarize(s.node).medianMs)} ms in that loop, ${s.node.length} pairs)`,
      );
      const viaNode = summarize(s.tsColdNode).medianMs;
      const viaPair = median(s.tsColdNode.map((x, i) => x.ms / (s.node[i]?.ms ?? Number.NaN)));
      notes.push(
        `verify ${n} cold run as \`node bin/notary-ts.js\` instead of the command: median ${fmtMs(viaNode)} ms, ` +
          `${viaPair.toFixed(2)}× \`node -e 0\` pair by pair` +
          (extraCa
            ? ' (NODE_EXTRA_CA_CERTS is set here: run that way, Node parses it at start; the command moves it aside)'
            : ''),
      );
    }
    for (const mode of ['cold', 'warm']) {
      const g = summarize(mode === 'cold' ? s.goCold : s.goWarm);
      const o = oursBroken ? null : summarize(mode === 'cold' ? s.tsCold : s.tsWarm);
      const r = ratio(o?.medianMs, g.medianMs);
      results.verify.push({
        size: n,
        mode,
        ours: o,
        go: g,
        ratio: r,
        ...verifyTarget(n, o?.medianMs ?? null, r, s.node.length ? summarize(s.node).medianMs : nodeMs),
        ...(s.node.length && mode === 'cold' && o ? { nodeSameRun: summarize(s.node) } : {}),
      });
    }
  }
}

/**
 * The one-target repository (made by verifyBench) again, through a proxy that holds every request `latencyMs`: what
 * a real network's round trips cost each tool, cold and warm (a cold start overlaps root.json and timestamp.json,
 * SPEC §9 "Overlapping requests"). Requests per run are counted at the proxy.
 */
async function latencyBench(has, results) {
  const n = 1;
  if (!opts.sizes.includes(n) || !has.has('verify')) return;
  const gun = `bench.example/verify-${n}`;
  const t = target(gun, n - 1);
  const proxy = await startDelayProxy(server.port, opts.latencyMs);
  const via = proxy.url;
  const goCmd = (dir) => ['notary', ['-d', dir, '-s', via, 'lookup', gun, t.tag]];
  const oursCmd = (dir) => [CLI, ['-s', via, '-d', dir, 'verify', `${gun}:${t.tag}`]];
  const runs = opts.verifyRuns(n);
  log(`verify ${n} over a ${opts.latencyMs} ms/request link: ${runs} runs × cold/warm × Go/ours`);
  const s = { goCold: [], goWarm: [], tsCold: [], tsWarm: [] };
  const requests = { goCold: 0, goWarm: 0, tsCold: 0, tsWarm: 0 };
  const warm = { go: join(TMP, 'lat', 'go-warm'), ts: join(TMP, 'lat', 'ts-warm') };
  try {
    expectDigest('Go lookup over latency (warm-up)', (await timed(...goCmd(warm.go))).stdout, t.hex);
    expectDigest('ours verify over latency (warm-up)', (await timed(...oursCmd(warm.ts))).stdout, t.hex);
    const one = async (key, cmd, dir) => {
      const before = proxy.stats.requests;
      const r = await timed(...cmd(dir));
      expectDigest(`${key} over latency`, r.stdout, t.hex);
      s[key].push(r);
      requests[key] = proxy.stats.requests - before;
    };
    for (let i = 0; i < runs; i++) {
      await one('goCold', goCmd, join(TMP, 'lat', `go-${i}`));
      await one('goWarm', goCmd, warm.go);
      await one('tsCold', oursCmd, join(TMP, 'lat', `ts-${i}`));
      await one('tsWarm', oursCmd, warm.ts);
    }
  } catch (e) {
    if (!failures.includes(e.message)) failures.push(`latency bench: ${e.message}`);
    return;
  } finally {
    await proxy.close();
  }
  for (const mode of ['cold', 'warm']) {
    const g = summarize(mode === 'cold' ? s.goCold : s.goWarm);
    const o = summarize(mode === 'cold' ? s.tsCold : s.tsWarm);
    results.latency.push({
      size: n,
      mode,
      delayMs: opts.latencyMs,
      ours: o,
      go: g,
      ratio: ratio(o.medianMs, g.medianMs),
      oursRequests: requests[mode === 'cold' ? 'tsCold' : 'tsWarm'],
      goRequests: requests[mode === 'cold' ? 'goCold' : 'goWarm'],
    });
  }
}

/** The library in process (bench/library.mjs in a child): lookups per second and one `list()`. */
async function libraryBench(gun, n) {
  log(`library ${n}: lookup/s and list()`);
  const r = await runOk(NODE, [join(ROOT, 'bench', 'library.mjs'), server.url, gun, String(n), join(TMP, `lib-${n}`)], {
    env: childEnv,
  });
  const row = JSON.parse(r.stdout.trim().split('\n').pop());
  const lookupTarget = n === 10000 ? 300000 : null;
  const listTarget = n === 50000 ? 60 : null;
  return {
    ...row,
    lookupTarget,
    lookupMet: lookupTarget === null ? null : row.lookupPerSec >= lookupTarget,
    listTarget,
    listMet: listTarget === null ? null : row.listMs <= listTarget,
  };
}

// ---- sign ----------------------------------------------------------------------------------------------------

function signTarget(size, oursMs, r) {
  if (size === 1000) return { target: '≤ 1.5× Go publish', met: r === null ? null : r <= 1.5 };
  if (size === 10000) return { target: '≤ 1.0× Go publish', met: r === null ? null : r <= 1.0 };
  if (size === 50000) return { target: '< 2000 ms', met: oursMs === null ? null : oursMs < 2000 };
  return { target: null, met: null };
}

async function signBench(has, results) {
  const goDir = join(TMP, 'go-signer');
  const tsDir = join(TMP, 'ts-signer');
  const haveOurs = has.has('sign');
  if (!haveOurs) notes.push('`notary-ts sign` is not available yet: ours columns are n/a');
  results.meta.signInit = has.has('init')
    ? 'both tools: local `init GUN` (untimed), then the timed command makes the initial publish of N tags.'
    : 'Go: local `notary init` (untimed) then timed initial `notary publish`; ours: untimed `sign GUN:seed` (creates ' +
      'and publishes the repository with 1 tag), then timed `sign GUN --from FILE` (a second publish that also ' +
      'fetches the remote metadata first, i.e. slightly more work than Go).';
  for (const n of opts.signSizes) {
    const goS = [...(goPublishSamples.get(n) ?? [])];
    const tsS = [];
    let oursBroken = !haveOurs;
    log(`sign ${n}: ${opts.signRuns} runs × Go/ours`);
    for (let r = 0; r < opts.signRuns; r++) {
      if (goS.length < opts.signRuns) {
        const gun = `bench.example/sign-go-${n}-${r}`;
        await timed(...go(goDir, 'init', gun));
        await stageGoChanges(goDir, gun, n);
        goS.push(await timed(...go(goDir, 'publish', gun)));
      }
      if (oursBroken) continue;
      const gun = `bench.example/sign-ts-${n}-${r}`;
      const from = join(TMP, `from-${n}-${r}.txt`);
      try {
        if (has.has('init')) {
          await timed(...ours(tsDir, 'init', gun));
        } else {
          const seed = target(`${gun}#seed`, 0);
          await timed(...ours(tsDir, 'sign', `${gun}:seed`, '--digest', `sha256:${seed.hex}`, '--size', '1'));
        }
        await writeFromFile(from, gun, n);
        tsS.push(await timed(...ours(tsDir, 'sign', gun, '--from', from)));
        rmrf(from);
        if (r === 0) {
          // Interop check, untimed: the Go client must read what we published.
          const t = target(gun, n - 1);
          const check = await timed(...go(join(TMP, 'cold', `check-${n}`), 'lookup', gun, t.tag));
          expectDigest(`Go lookup of our signed ${n}-tag repo`, check.stdout, t.hex);
        }
      } catch (e) {
        if (!failures.includes(e.message)) failures.push(`ours sign ${n}: ${e.message}`);
        oursBroken = true;
      }
    }
    const g = summarize(goS);
    const o = oursBroken ? null : summarize(tsS);
    const r = ratio(o?.medianMs, g.medianMs);
    const serverPostMs = oursBroken ? null : await serverShare(has, tsDir, n);
    results.sign.push({ size: n, ours: o, go: g, ratio: r, serverPostMs, ...signTarget(n, o?.medianMs ?? null, r) });
  }
}

/**
 * One extra, untimed `sign --from` of n tags through a timing proxy: how long notary-server itself takes to accept
 * the upload (POST). Both tools upload the same amount of metadata, so this is a floor under both publish times.
 */
async function serverShare(has, tsDir, n) {
  const proxy = await startTimingProxy(server.port);
  try {
    const gun = `bench.example/sign-srv-${n}`;
    const from = join(TMP, `from-srv-${n}.txt`);
    const via = (...args) => [NODE, [CLI, '-s', proxy.url, '-d', tsDir, ...args]];
    if (has.has('init')) await timed(...via('init', gun));
    await writeFromFile(from, gun, n);
    await timed(...via('sign', gun, '--from', from));
    rmrf(from);
    return proxy.log.filter((e) => e.method === 'POST').reduce((a, e) => a + e.ms, 0);
  } catch (e) {
    notes.push(`server share of sign ${n} not measured: ${e.message.split('\n')[0]}`);
    return null;
  } finally {
    await proxy.close();
  }
}

// ---- profiles ------------------------------------------------------------------------------------------------

async function profiles(has, results) {
  const dir = join(OUT_DIR, 'profiles');
  mkdirSync(dir, { recursive: true });
  const prof = (name) => [NODE, ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`, CLI]];
  const runProfiled = async (name, args) => {
    const [cmd, pre] = prof(name);
    await runOk(cmd, [...pre, '-s', server.url, ...args], { env: childEnv });
    results.profiles[name] = summarizeProfile(join(dir, `${name}.cpuprofile`));
  };
  results.startup = await startupBreakdown(has, results);
  const n = Math.max(...opts.sizes);
  if (has.has('verify') && opts.verify) {
    const small = Math.min(...opts.sizes);
    const sgun = `bench.example/verify-${small}`;
    const stag = target(sgun, small - 1).tag;
    await runProfiled(`verify-cold-${small}`, ['-d', join(TMP, 'cold', 'prof-small'), 'verify', `${sgun}:${stag}`]);
    const gun = `bench.example/verify-${n}`;
    const tag = target(gun, n - 1).tag;
    await runProfiled(`verify-cold-${n}`, ['-d', join(TMP, 'cold', 'prof'), 'verify', `${gun}:${tag}`]);
    await runProfiled(`verify-warm-${n}`, ['-d', join(TMP, 'cold', 'prof'), 'verify', `${gun}:${tag}`]);
  }
  const m = Math.max(...opts.signSizes);
  if (has.has('sign') && opts.sign) {
    const gun = `bench.example/sign-prof-${m}`;
    const tsDir = join(TMP, 'ts-signer');
    if (has.has('init')) await runOk(...ours(tsDir, 'init', gun), { env: childEnv });
    else {
      const seed = target(`${gun}#seed`, 0);
      await runOk(...ours(tsDir, 'sign', `${gun}:seed`, '--digest', `sha256:${seed.hex}`, '--size', '1'), {
        env: childEnv,
      });
    }
    const from = join(TMP, 'from-prof.txt');
    await writeFromFile(from, gun, m);
    await runProfiled(`sign-${m}`, ['-d', tsDir, 'sign', gun, '--from', from]);
  }
  log(`profiles written to ${dir}`);
}

/**
 * Where a notary-ts process spends time outside its own work: import of the facade and of undici's Agent (each in a
 * fresh process, median of 5), and the tail from printing the answer to process exit in the 1-target verify runs
 * (with undici this includes V8 finishing the optimised compile of its llhttp WebAssembly module before exit).
 */
async function startupBreakdown(has, results) {
  const importMs = async (spec) => {
    const code = `const t=performance.now();await import(${JSON.stringify(spec)});console.log(performance.now()-t)`;
    const xs = [];
    for (let i = 0; i < 5; i++) {
      const r = await runOk(NODE, ['--input-type=module', '-e', code], { env: childEnv });
      xs.push(Number(r.stdout.trim()));
    }
    return median(xs);
  };
  const facade = join(ROOT, 'dist', 'src', 'index.js');
  const rows = [
    ['import dist/src/index.js (facade, fresh process)', existsSync(facade) ? await importMs(facade) : null],
    // src/remote loads only undici's Agent module (a deep require), not the package entry point.
    [
      'import undici/lib/dispatcher/agent.js (fresh process)',
      await importMs(join(ROOT, 'node_modules', 'undici', 'lib', 'dispatcher', 'agent.js')),
    ],
    ['import node:http (fresh process)', await importMs('node:http')],
  ];
  const small = opts.verify ? Math.min(...opts.sizes) : null;
  if (has.has('verify') && small !== null) {
    const v = results.verify.filter((x) => x.size === small);
    for (const x of v) rows.push([`verify ${small} ${x.mode}: first output → exit`, x.ours?.tailMs ?? null]);
  }
  return rows.map(([label, ms]) => ({ label, ms }));
}

function renderProfiles(p) {
  const out = [];
  for (const [name, s] of Object.entries(p)) {
    out.push(`### ${name} (${s.totalMs} ms sampled)`, '');
    out.push(
      table(
        ['area', 'self ms'],
        s.areas.map((a) => [a.area, String(a.ms)]),
      ),
      '',
    );
    out.push(
      table(
        ['function', 'self ms'],
        s.functions.map((f) => [`\`${f.name}\``, String(f.ms)]),
      ),
      '',
    );
  }
  return out.join('\n');
}

// ---- main ----------------------------------------------------------------------------------------------------

async function main() {
  const t0 = performance.now();
  for (const bin of ['notary', 'notary-server']) {
    if (!which(bin)) throw new Error(`${bin} not found on PATH (Debian: apt-get install -y notary)`);
  }
  timeBin = findGnuTime(log);
  const has = await oursCommands();
  log(`notary-ts commands available: ${[...has].join(', ') || 'none'}`);
  const notaryVersion = spawnSync('notary', ['version'], { encoding: 'utf8' }).stdout.match(/Go version:\s*(\S+)/);
  const results = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      notary: `notary 0.7.0 (${notaryVersion?.[1] ?? 'unknown go'})`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      loadavg: loadavg()
        .map((x) => x.toFixed(2))
        .join(' '),
      commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim(),
      quick: opts.quick,
      sizes: opts.sizes,
      signSizes: opts.signSizes,
      rss: timeBin ? 'GNU time %M (peak RSS, KiB)' : 'n/a',
      signInit: '',
      totalMs: 0,
    },
    baseline: [],
    repos: [],
    verify: [],
    library: [],
    latency: [],
    sign: [],
    startup: null,
    profiles: {},
    notes,
    failures,
  };
  notes.push(await crossCheckChangeWriter(join(ROOT, 'dist'), 'bench.example/cross-check'));
  server = await startNotaryServer(TMP);
  log(`notary-server on ${server.url}`);

  log('baseline');
  results.baseline = await baseline(has);
  const nodeMs = results.baseline[0].medianMs;
  if (opts.verify) await verifyBench(has, nodeMs, results);
  if (opts.verify && opts.latency) await latencyBench(has, results);
  if (opts.sign) await signBench(has, results);
  if (opts.profile) await profiles(has, results);

  results.meta.totalMs = performance.now() - t0;
  let md = renderMarkdown(results);
  if (results.startup) {
    const rows = results.startup.map((s) => [s.label, fmtMs(s.ms)]);
    md += `\n## Start-up breakdown (notary-ts)\n\n${table(['what', 'median ms'], rows)}\n`;
  }
  if (Object.keys(results.profiles).length)
    md += `\n## CPU profiles (notary-ts, self time)\n\n${renderProfiles(results.profiles)}`;
  if (failures.length) md += `\n## FAILURES\n\n${failures.map((f) => `- ${f}`).join('\n')}\n`;
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(OUT_DIR, 'results.md'), md);
  process.stdout.write(md);
  log(`wrote bench/out/results.json and bench/out/results.md in ${(results.meta.totalMs / 1000).toFixed(1)} s`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => {
    cleanup();
    process.exit(code);
  },
  (e) => {
    process.stderr.write(`[bench] FAILED: ${e.stack ?? e}\n`);
    cleanup();
    process.exit(1);
  },
);
