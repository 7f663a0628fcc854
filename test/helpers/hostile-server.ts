// A Notary-shaped HTTP server on 127.0.0.1 that serves whatever a RepoSimulator holds: states crafted with the
// project's own signing code (rollbacks, dropped delegations, bad roots…) that need keys a proxy does not have.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { MetadataCache } from '../../src/client/index.js';
import { binBuilt } from './cli-bin.js';
import { RepoSimulator } from './repo-simulator.js';

export interface HostileServer {
  /** `http://127.0.0.1:<port>`: pass as `-s`. */
  readonly url: string;
  /** Every path requested (`timestamp.json`, `snapshot.<sha256>.json`, `2.root.json`…), in order. */
  readonly requests: string[];
  /** The repository served; swap it per test. */
  sim: RepoSimulator;
  /** Stops listening and drops open connections. */
  stop(): Promise<void>;
}

const PREFIX = /^\/v2\/(.+)\/_trust\/tuf\/(.+)$/;
const BY_CHECKSUM = /^(.+)\.([0-9a-f]{64})\.json$/;
const BY_VERSION = /^(\d+)\.(.+)\.json$/;

/**
 * A hostile server for one CLI test file: started before its tests (the CLI must be built), stopped after them.
 * `serve()` puts a fresh repository of `gun` on it, signed now (real clock: the CLI uses it), and returns it.
 */
export function useHostileServer(gun: string): { readonly server: HostileServer; serve(): RepoSimulator } {
  let server: HostileServer | undefined;
  beforeAll(async () => {
    expect(binBuilt(), 'npm run build first').toBe(true);
    server = await startHostileServer(new RepoSimulator({ gun, now: new Date() }));
  });
  afterAll(async () => server?.stop());
  const started = (): HostileServer => {
    if (server === undefined) throw new Error('the hostile server starts in beforeAll');
    return server;
  };
  return {
    get server() {
      return started();
    },
    serve() {
      const sim = new RepoSimulator({ gun, now: new Date() });
      started().sim = sim;
      return sim;
    },
  };
}

/**
 * Serves Notary's read API for `sim.gun`: `GET /v2/` (200), `/v2/<gun>/_trust/tuf/<role>.json` (current),
 * `<role>.<sha256>.json` (by checksum) and `<N>.<role>.json` (by version), 404 for anything else, as notary-server.
 */
export async function startHostileServer(sim: RepoSimulator): Promise<HostileServer> {
  const requests: string[] = [];
  const state = { sim };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const m = PREFIX.exec(url.pathname);
    const s = state.sim;
    if (req.method !== 'GET' || m === null || m[1] !== s.gun) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"METADATA_NOT_FOUND"}]}');
      return;
    }
    const file = m[2] as string;
    requests.push(file);
    const c = BY_CHECKSUM.exec(file);
    const v = c === null ? BY_VERSION.exec(file) : null;
    const body =
      c !== null
        ? s.serve(c[1] as string, { checksum: c[2] as string })
        : v !== null
          ? s.serve(v[2] as string, { version: Number(v[1]) })
          : file.endsWith('.json')
            ? s.serve(file.slice(0, -'.json'.length), {})
            : undefined;
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"METADATA_NOT_FOUND"}]}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get sim() {
      return state.sim;
    },
    set sim(next: RepoSimulator) {
      state.sim = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every cached metadata file of `gun` in `trustDir`, path relative to its metadata dir → base64 of the bytes. */
export function cacheFiles(trustDir: string, gun: string): Record<string, string> {
  const out: Record<string, string> = {};
  const root = new MetadataCache(trustDir, gun).dir;
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(root);
  return out;
}
