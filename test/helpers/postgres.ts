// A throw-away PostgreSQL for interop tests: initdb in a temp dir, postgres on a free loopback port (as the
// `postgres` user when we run as root), a database with notary-server's schema.
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { spawnManaged, waitForPort } from './managed-process.js';
import { tempDir } from './temp-dir.js';

export interface Postgres {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:PORT/DB?sslmode=disable`. */
  url(db: string): string;
  /** Runs SQL with psql against `db`; returns its unaligned, tuples-only output. */
  sql(db: string, sql: string): string;
  stop(): Promise<void>;
}

function binDir(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined) throw new Error('PostgreSQL is not installed (Debian: apt-get install postgresql)');
  return join('/usr/lib/postgresql', versions[0], 'bin');
}

/** Starts PostgreSQL with trust auth on 127.0.0.1 only, fsync off (test data). */
export async function startPostgres(): Promise<Postgres> {
  const bin = binDir();
  const dir = tempDir('postgres-');
  const data = join(dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: drop to the `postgres` user for initdb and the server.
  const ids = asRoot ? execFileSync('id', ['-u', 'postgres']).toString().trim() : '';
  if (asRoot) {
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, Number(ids), gid);
    chownSync(data, Number(ids), gid);
  }
  const as = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', cmd, ...args]] : [cmd, args];
  const [initCmd, initArgs] = as(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  execFileSync(initCmd, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = as(join(bin, 'postgres'), [
    '-D',
    data,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'full_page_writes=off',
  ]);
  const proc = spawnManaged(cmd, args);
  await waitForPort(proc, port, 'postgres');
  const sql = (db: string, text: string): string =>
    execFileSync(
      'psql',
      ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', text],
      {
        stdio: 'pipe',
      },
    ).toString();
  // Accepting TCP is not accepting queries yet: retry the first one briefly.
  for (let i = 0; ; i++) {
    try {
      sql('postgres', 'SELECT 1');
      break;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    url: (db) => `postgres://postgres@127.0.0.1:${port}/${db}?sslmode=disable`,
    sql,
    stop: () => proc.stop(),
  };
}

/**
 * notary-server 0.7's storage schema, written for this test from its storage models (notary-server does not migrate
 * on start): versioned TUF files per GUN and role, and the change feed of timestamp updates and deletions.
 */
export const NOTARY_SERVER_SCHEMA = `
CREATE TABLE tuf_files (
  id serial PRIMARY KEY,
  created_at timestamp NULL,
  updated_at timestamp NULL,
  deleted_at timestamp NULL,
  gun varchar(255) NOT NULL,
  role varchar(255) NOT NULL,
  version integer NOT NULL,
  data bytea NOT NULL,
  sha256 char(64) NULL,
  CONSTRAINT tuf_files_gun_role_version UNIQUE (gun, role, version)
);
CREATE INDEX tuf_files_sha256 ON tuf_files (sha256);
CREATE TABLE change_category (category varchar(20) PRIMARY KEY);
INSERT INTO change_category (category) VALUES ('update'), ('deletion');
CREATE TABLE changefeed (
  id serial PRIMARY KEY,
  created_at timestamp DEFAULT CURRENT_TIMESTAMP,
  gun varchar(255) NOT NULL,
  version integer NOT NULL,
  sha256 char(64) NULL,
  category varchar(20) NOT NULL DEFAULT 'update' REFERENCES change_category (category)
);
CREATE INDEX changefeed_gun ON changefeed (gun);
`;

/** Creates database `db` with notary-server's schema. */
export function createNotaryServerDatabase(pg: Postgres, db: string): void {
  pg.sql('postgres', `CREATE DATABASE ${db}`);
  pg.sql(db, NOTARY_SERVER_SCHEMA);
}
