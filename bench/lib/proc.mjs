// Process plumbing for the benchmarks: timed child runs with peak RSS, a free loopback port, notary-server's life.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Process-group ids of timed children still running (killed by killActive on Ctrl-C). */
const active = new Set();

function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Stops every timed child that is still running (their process groups, by id). */
export function killActive() {
  for (const pid of active) killGroup(pid);
  active.clear();
}

/**
 * GNU time, used only for the peak RSS (`%M`, KiB) of a child. Missing: one quiet `apt-get install -y time` when we
 * are root; still missing → null and RSS is reported as n/a.
 */
export function findGnuTime(log) {
  const path = '/usr/bin/time';
  if (existsSync(path)) return path;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    log('GNU time not found: trying apt-get install -y time (for peak RSS)');
    spawnSync('apt-get', ['install', '-y', '-qq', 'time'], { stdio: 'ignore', timeout: 120_000 });
    if (existsSync(path)) return path;
  }
  log('GNU time unavailable: peak RSS will be n/a');
  return null;
}

/**
 * Runs `cmd args` to completion and returns wall time (ms, from spawn to exit and closed pipes), peak RSS (KiB or
 * null), exit code and output. With GNU time the child is wrapped (`time -o FILE -f %M`), for every tool alike, so
 * the wrapper's small fork/exec cost cancels out of the ratios.
 */
export function runTimed(cmd, args, { env, timeBin = null, rssFile = null, cwd, timeoutMs = 600_000 } = {}) {
  const argv = timeBin && rssFile ? [timeBin, ['-o', rssFile, '-f', '%M', cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const out = [];
    const err = [];
    const start = process.hrtime.bigint();
    // Own process group, so a timeout or Ctrl-C can stop the tool and not only the GNU time wrapper around it.
    const child = spawn(argv[0], argv[1], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    active.add(child.pid);
    const timer = setTimeout(() => killGroup(child.pid), timeoutMs);
    let firstOut = null;
    child.stdout.on('data', (b) => {
      firstOut ??= process.hrtime.bigint();
      out.push(b);
    });
    child.stderr.on('data', (b) => err.push(b));
    child.once('error', (e) => {
      clearTimeout(timer);
      active.delete(child.pid);
      reject(e);
    });
    child.once('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      clearTimeout(timer);
      active.delete(child.pid);
      let rssKB = null;
      if (timeBin && rssFile) {
        // GNU time prints "Command exited with non-zero status N" before %M when the child fails.
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        const v = Number(lines[lines.length - 1]);
        rssKB = Number.isFinite(v) ? v : null;
      }
      resolve({
        ms,
        // From the first stdout byte to exit: what the process spends after printing its answer (tear-down).
        tailMs: firstOut === null ? null : Number(process.hrtime.bigint() - firstOut) / 1e6,
        rssKB,
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Like runTimed but throws (with the child's stderr) on a non-zero exit. */
export async function runOk(cmd, args, opts) {
  const r = await runTimed(cmd, args, opts);
  if (r.code !== 0) {
    const e = new Error(`${cmd} ${args.join(' ')} exited ${r.code}\n${r.stderr.trim()}\n${r.stdout.trim()}`.trim());
    e.result = r;
    throw e;
  }
  return r;
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function healthy(url) {
  return new Promise((resolve) => {
    const req = request(`${url}/_notary_server/health`, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('error', () => resolve(false));
    req.once('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

/**
 * Starts notary-server (memory storage, local signer, plain HTTP, log level error) on a free loopback port.
 * Retries with another port if the first one was taken between probing and binding.
 * @returns {{url: string, port: number, stop: () => void}}
 */
export async function startNotaryServer(dir) {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const config = join(dir, `server-${port}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        server: { http_addr: `127.0.0.1:${port}` },
        trust_service: { type: 'local', key_algorithm: 'ecdsa' },
        logging: { level: 'error' },
        storage: { backend: 'memory' },
      }),
    );
    const logFd = openSync(join(dir, `server-${port}.log`), 'a');
    const child = spawn('notary-server', ['-config', config], { stdio: ['ignore', logFd, logFd] });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    while (!exited && Date.now() < deadline) {
      if (await healthy(url)) {
        const stop = () => {
          if (!exited && child.exitCode === null) child.kill('SIGTERM');
        };
        return { url, port, stop, pid: child.pid };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!exited) child.kill('SIGKILL');
  }
  throw new Error(`notary-server did not become healthy (logs in ${dir})`);
}

/** Best-effort recursive delete. */
export function rmrf(path) {
  rmSync(path, { recursive: true, force: true });
}
