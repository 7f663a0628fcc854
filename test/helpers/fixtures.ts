// Typed access to the committed fixture corpus (fixtures/manifest.json, made by scripts/make-fixtures.sh) and a
// static HTTP server that serves one fixture repo's exact server bytes the way notary-server routes them.
import { createHash } from 'node:crypto';
import { cpSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './temp-dir.js';

/** Absolute path of fixtures/. */
export const FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures');

export interface FixtureFile {
  /** Relative to fixtures/. */
  path: string;
  /** Lower-case hex SHA-256 of the exact bytes. */
  sha256: string;
  length: number;
}

export interface FixtureServerFile extends FixtureFile {
  /** `root`, `targets`, `targets/releases`, … or null for `*.key` files. */
  role: string | null;
  /** N for `N.<role>.json`, null for the current `<role>.json`. */
  version: number | null;
}

export interface FixtureTarget {
  name: string;
  sha256: string;
  size: number;
  /** The role whose metadata lists it. */
  role: string;
  /** The payload file whose digest this is. */
  payload: string;
  custom: unknown;
}

export interface FixturePrivateKey {
  path: string;
  /** Canonical key ID (the file name). */
  keyId: string;
  role: string | null;
  gun: string | null;
  pemType: string | null;
}

export interface FixtureRepo {
  name: string;
  gun: string;
  description: string;
  passphrase: string;
  dir: string;
  /** The current version of each role as the server served it. */
  current: Record<string, FixtureFile & { version: number; expires: string }>;
  rootVersions: number[];
  delegations: string[];
  serverManagedSnapshot: boolean;
  timestampKey: { keytype: string; keyval: { public: string; private: null } };
  serverFiles: FixtureServerFile[];
  targets: FixtureTarget[];
  cli: {
    /** stdout of `notary list GUN`. */
    list: string;
    /** stdout of `notary lookup GUN NAME`, and the role of the target it returned. */
    lookups: { name: string; stdout: string; role: string }[];
    /** Other outputs by file stem: `status`, `list-releases`, `delegation-list`, … */
    other: Record<string, string>;
  };
  trust: {
    dir: string;
    privateKeys: FixturePrivateKey[];
    metadata: (FixtureFile & { role: string; sameAsServer: boolean })[];
    changelist: string[];
  };
  trustAtRootV1?: { dir: string; metadata: (FixtureFile & { role: string; sameAsServer: boolean })[] };
}

export interface FixtureManifest {
  format: 1;
  generatedBy: string;
  /** ISO time of generation: use it as `now` (fixture timestamps expire 14 days later). */
  generatedAt: string;
  notaryVersion: string;
  passphrase: string;
  repos: FixtureRepo[];
  keys: {
    dir: string;
    gun: string;
    privateKeys: (FixturePrivateKey & { algorithm: 'ecdsa' | 'rsa' | 'ed25519'; importedFrom: string | null })[];
    imports: { role: string; input: string; algorithm: string; stored: boolean }[];
    exports: {
      path: string;
      blocks: { type: string; keyId: string | null; role: string | null; gun: string | null }[];
    }[];
    delegationCerts: { path: string; subject: string; role: string | null }[];
    keyList: string;
    keyListReimported: string;
  };
  legacy: {
    name: 'notary0.1' | 'notary0.3';
    dir: string;
    gun: string;
    basedOn: string;
    keyFormat: string;
    privateKeys: { path: string; keyId: string; role: string | null; roleFrom: 'header' | 'filename' }[];
    trustedCertificates: string[];
    afterMigration: { keyList: string; files: string[]; list: string };
  }[];
}

let cached: FixtureManifest | undefined;

/** fixtures/manifest.json, parsed once. */
export function loadManifest(): FixtureManifest {
  cached ??= JSON.parse(readFileSync(join(FIXTURES_DIR, 'manifest.json'), 'utf8')) as FixtureManifest;
  return cached;
}

/** A repo entry by name (`odd`, `delegated`, `snapshot-rotated`, `root-rotated`, `targets-rotated`). */
export function fixtureRepo(name: string): FixtureRepo {
  const repo = loadManifest().repos.find((r) => r.name === name);
  if (!repo) throw new Error(`no fixture repo ${name}`);
  return repo;
}

/** Absolute path of a path relative to fixtures/. */
export function fixturePath(rel: string): string {
  return join(FIXTURES_DIR, rel);
}

/** The bytes of a fixture file (relative to fixtures/). */
export function readFixture(rel: string): Buffer {
  return readFileSync(fixturePath(rel));
}

/** Copies a fixture directory to a fresh temp dir (the Go CLI rewrites trust dirs, e.g. legacy migration). */
export function copyFixtureDir(rel: string): string {
  const dest = tempDir('fixture-copy-');
  cpSync(fixturePath(rel), dest, { recursive: true });
  return dest;
}

export interface FixtureRepoServer {
  readonly url: string;
  /** Paths requested, in order. */
  readonly requests: string[];
  stop(): Promise<void>;
}

const NOT_FOUND =
  '{"errors":[{"code":"METADATA_NOT_FOUND","message":"You have requested metadata that does not exist.","detail":{}}]}\n';

/**
 * Serves `repo`'s server/ files read-only on 127.0.0.1 with notary-server's routes: `<role>.json`,
 * `<N>.<role>.json`, `<role>.<sha256>.json`, `timestamp.key`/`snapshot.key`, `GET /v2/` and health; anything else
 * 404 METADATA_NOT_FOUND. Bytes are exactly the committed ones.
 */
export async function serveFixtureRepo(repo: FixtureRepo): Promise<FixtureRepoServer> {
  const prefix = `/v2/${repo.gun}/_trust/tuf/`;
  const byName = new Map<string, string>();
  for (const f of repo.serverFiles) {
    const name = f.path.slice(`${repo.dir}/server/`.length);
    byName.set(name, f.path);
    if (f.role !== null) byName.set(`${f.role}.${f.sha256}.json`, f.path);
  }
  const requests: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    requests.push(path);
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/v2/' || path === '/_notary_server/health') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{}');
      return;
    }
    const rel = path.startsWith(prefix) ? byName.get(path.slice(prefix.length)) : undefined;
    if (rel === undefined) {
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' }).end(NOT_FOUND);
      return;
    }
    const body = readFixture(rel);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  server.unref();
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Lower-case hex SHA-256 (test convenience). */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
