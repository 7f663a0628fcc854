// Interop harness for the real Go Notary: availability gate, a notary-server per suite, the notary CLI runner,
// and re-exports of the other helpers (temp dirs, token auth, mutating proxy) so tests import from one place.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';
import { freePort } from './free-port.js';
import { tempDir } from './temp-dir.js';
import {
  createTokenAuthority,
  type MintTokenOptions,
  type TokenAuthOptions,
  type TokenAuthority,
} from './token-auth.js';

export { freePort } from './free-port.js';
export {
  type MutatingProxy,
  type ProxyAction,
  type ProxyRequest,
  startMutatingProxy,
  type UpstreamResponse,
} from './mutating-proxy.js';
export { removeTempDirs, tempDir } from './temp-dir.js';
export {
  type AccessEntry,
  type MintTokenOptions,
  parseScope,
  type TokenAuthOptions,
  type TokenAuthority,
} from './token-auth.js';

/** The passphrase every test key uses; `runNotary` puts it in all four NOTARY_*_PASSPHRASE variables. */
export const TEST_PASSPHRASE = 'notary-ts-test-passphrase';

/** The NOTARY_*_PASSPHRASE environment `runNotary` sets by default. */
export const PASSPHRASE_ENV: Readonly<Record<string, string>> = Object.freeze({
  NOTARY_ROOT_PASSPHRASE: TEST_PASSPHRASE,
  NOTARY_TARGETS_PASSPHRASE: TEST_PASSPHRASE,
  NOTARY_SNAPSHOT_PASSPHRASE: TEST_PASSPHRASE,
  NOTARY_DELEGATION_PASSPHRASE: TEST_PASSPHRASE,
});

const NOTARY_BIN = 'notary';
const SERVER_BIN = 'notary-server';

function onPath(bin: string): boolean {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      // keep looking
    }
  }
  return false;
}

let available: boolean | undefined;

/** True when both `notary` and `notary-server` are executable on PATH (memoised). */
export function notaryAvailable(): boolean {
  available ??= onPath(NOTARY_BIN) && onPath(SERVER_BIN);
  return available;
}

/** Throws (an Error naming what is missing) unless the Go binaries are installed. */
export function requireNotary(): void {
  if (!notaryAvailable()) {
    throw new Error(`interop tests need ${NOTARY_BIN} and ${SERVER_BIN} on PATH (Debian: apt-get install -y notary)`);
  }
}

/**
 * `describe` for suites that drive the real binaries. Binaries present: runs `fn`. Missing with CI set: the suite
 * has one failing test saying so (CI must never silently skip interop). Missing locally: `describe.skip` with the
 * reason in the suite name.
 */
export function describeInterop(name: string, fn: () => void): void {
  if (notaryAvailable()) {
    describe(name, fn);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs the notary binaries (CI is set, so this cannot be skipped)', () => {
        requireNotary();
      });
    });
  } else {
    describe.skip(`${name} [skipped: ${NOTARY_BIN}/${SERVER_BIN} not installed]`, fn);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// notary-server

export interface NotaryServerOptions {
  /** Token auth (docker/distribution JWT); omitted: no auth. */
  auth?: TokenAuthOptions;
  storage?: 'memory';
  /** notary-server log level (default `error`). */
  logLevel?: string;
  /** Milliseconds to wait for the health endpoint (default 15000). */
  startTimeoutMs?: number;
  /**
   * Serve HTTPS: `cert` is the server's certificate file (a chain file sends the intermediate too), `key` its key,
   * `ca` the CA file the harness trusts for its own health checks and `get` (e.g. `createPki().server`).
   */
  tls?: { cert: string; key: string; ca: string };
  /** Last say over the server config (e.g. a remote `trust_service`, another storage backend). */
  configure?: (config: Record<string, unknown>) => void;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface NotaryServer {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`), no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Temp dir holding the config (and auth certs). */
  readonly dir: string;
  readonly configPath: string;
  /** Present when started with `auth`. */
  readonly auth: TokenAuthority | undefined;
  /** Mints a token for this server (only with `auth`; TypeError otherwise). */
  mintToken(opts?: MintTokenOptions): string;
  /** `${url}/v2/${gun}/_trust/tuf/${file}`, e.g. `metadataUrl('example.com/a', 'root.json')`. */
  metadataUrl(gun: string, file: string): string;
  /** Plain GET against the server (path starting with `/`); `token` adds a Bearer header. */
  get(path: string, opts?: { token?: string; headers?: Record<string, string> }): Promise<HttpResult>;
  /** The server's stdout/stderr so far (capped), for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Minimal GET with node:http(s) (no keep-alive so nothing lingers after a test); `ca` is a PEM file for https. */
export function httpGet(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
  ca?: string,
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const tls = ca === undefined ? {} : { ca: readFileSync(ca, 'utf8') };
    const req = request(url, { method: 'GET', headers, agent: false, timeout: timeoutMs, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Starts `notary-server` on a free 127.0.0.1 port: memory storage, local trust service (Ed25519 timestamp keys),
 * plain HTTP, optional token auth. Resolves once `/_notary_server/health` answers. The process is killed by
 * `stop()`, on test-process exit, and by a watchdog if the test process dies abruptly. Use one per test file.
 */
export async function startNotaryServer(opts: NotaryServerOptions = {}): Promise<NotaryServer> {
  requireNotary();
  const dir = tempDir('notary-server-');
  const auth = opts.auth ? await createTokenAuthority(dir, opts.auth) : undefined;
  let lastError: unknown;
  // A port picked by freePort can be taken before the server binds; retry a few times.
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    const config: Record<string, unknown> = {
      server: {
        http_addr: `127.0.0.1:${port}`,
        ...(opts.tls ? { tls_cert_file: opts.tls.cert, tls_key_file: opts.tls.key } : {}),
      },
      trust_service: { type: 'local', key_algorithm: 'ecdsa' },
      logging: { level: opts.logLevel ?? 'error' },
      storage: { backend: opts.storage ?? 'memory' },
    };
    if (auth) config.auth = auth.config;
    opts.configure?.(config);
    const configPath = join(dir, `server-${port}.json`);
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    try {
      return await launch(dir, configPath, port, auth, opts.startTimeoutMs ?? 15_000, opts.tls?.ca);
    } catch (e) {
      lastError = e;
    }
  }
  await auth?.stop();
  throw lastError;
}

async function launch(
  dir: string,
  configPath: string,
  port: number,
  auth: TokenAuthority | undefined,
  startTimeoutMs: number,
  ca: string | undefined,
): Promise<NotaryServer> {
  const child = spawn(SERVER_BIN, ['-config', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let log = '';
  const append = (c: Buffer) => {
    if (log.length < 256 * 1024) log += c.toString('utf8');
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      live.delete(child);
      resolve();
    });
    child.once('error', (e) => {
      append(Buffer.from(String(e)));
      exited = true;
      live.delete(child);
      resolve();
    });
  });
  // Watchdog: holds a pipe to us; when this process dies (even by SIGKILL) the pipe closes and it kills the server.
  const watchdog = spawn('sh', ['-c', 'read -r _ignored; kill -9 "$1" 2>/dev/null', 'watchdog', String(child.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const killWatchdog = () => {
    watchdog.kill('SIGKILL');
  };

  const url = `${ca === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exited) {
      killWatchdog();
      throw new Error(`notary-server exited during start-up (port ${port}):\n${log}`);
    }
    try {
      const r = await httpGet(`${url}/_notary_server/health`, {}, 1000, ca);
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      killWatchdog();
      throw new Error(`notary-server did not become healthy within ${startTimeoutMs} ms:\n${log}`);
    }
    await sleep(15);
  }

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    dir,
    configPath,
    auth,
    mintToken(m?: MintTokenOptions): string {
      if (!auth) throw new TypeError('this notary-server was started without auth');
      return auth.mintToken(m);
    },
    metadataUrl: (gun, file) => `${url}/v2/${gun}/_trust/tuf/${file}`,
    get: (path, o = {}) =>
      httpGet(
        `${url}${path}`,
        { ...(o.headers ?? {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
        10_000,
        ca,
      ),
    logs: () => log,
    stop() {
      stopped ??= (async () => {
        killWatchdog();
        if (!exited) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exitPromise;
          clearTimeout(t);
        }
        await auth?.stop();
      })();
      return stopped;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// notary CLI

export interface RunNotaryOptions {
  /** `-d`: the trust dir. */
  trustDir: string;
  /** `-s`: server URL (omit for offline commands such as `key list`). */
  server?: string;
  /** Extra environment (overrides the passphrase defaults; set a variable to '' to blank it). */
  env?: Record<string, string>;
  /** Written to stdin, which is then closed (stdin is never a TTY). */
  input?: string;
  /** Default 60000; on expiry the process is killed and the promise rejects. */
  timeoutMs?: number;
  cwd?: string;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

let isolatedHome: string | undefined;

/**
 * Runs `notary -d trustDir [-s server] ...args` with the test passphrases, an isolated HOME (so no
 * ~/.notary/config.json leaks in) and stdin a closed pipe (or `input`). Never rejects on a non-zero exit.
 */
export function runNotary(args: string[], opts: RunNotaryOptions): Promise<RunResult> {
  requireNotary();
  if (isolatedHome === undefined) {
    isolatedHome = tempDir('notary-home-');
    mkdirSync(isolatedHome, { recursive: true });
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: isolatedHome,
    ...PASSPHRASE_ENV,
    ...(opts.env ?? {}),
  };
  const argv = ['-d', opts.trustDir, ...(opts.server === undefined ? [] : ['-s', opts.server]), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(NOTARY_BIN, argv, { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `notary ${argv.join(' ')} timed out after ${timeoutMs} ms\nstdout: ${Buffer.concat(out)}\nstderr: ${Buffer.concat(err)}`,
        ),
      );
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      live.delete(child);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      resolve({
        code: code ?? (signal ? 128 : -1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
    child.stdin.on('error', () => {
      // notary may exit before reading its input; EPIPE here is not a test failure
    });
    child.stdin.end(opts.input ?? '');
  });
}
