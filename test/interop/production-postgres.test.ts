// The production topology with PostgreSQL storage: notary-server keeps its TUF files in a real database (schema
// created by the test), so a restarted server still serves what was signed before.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeInterop, PASSPHRASE_ENV, runNotary, startNotaryServer, tempDir } from '../helpers/notary.js';
import { createNotaryServerDatabase, type Postgres, startPostgres } from '../helpers/postgres.js';
import { type ProductionNotary, startProductionNotary } from '../helpers/production-notary.js';

const hex = (n: number) => n.toString(16).padStart(64, '0');

describeInterop('production topology on PostgreSQL storage', () => {
  let pg: Postgres;
  let dep: ProductionNotary;
  const storage = () => ({ backend: 'postgres', db_url: pg.url('notaryserver') });
  beforeAll(async () => {
    pg = await startPostgres();
    createNotaryServerDatabase(pg, 'notaryserver');
    dep = await startProductionNotary({
      keyAlgorithms: ['ecdsa'],
      configure: (config) => {
        config.storage = storage();
      },
    });
  }, 90_000);
  afterAll(async () => {
    await dep?.stop();
    await pg?.stop();
  });

  it('sign and rotate through our CLI land in the database; a new server on the same database serves them to Go', async () => {
    const server = dep.servers.get('ecdsa') as { url: string; stop: () => Promise<void> };
    const dir = tempDir('pg-ts-');
    const g = 'example.com/prod-pg/app';
    const ours = (url: string, args: string[]) =>
      runCli(['-s', url, '--tlscacert', dep.caFile, '-d', dir, ...args], { env: { ...PASSPHRASE_ENV } });
    expect((await ours(server.url, ['sign', `${g}:v1`, '--digest', `sha256:${hex(1)}`, '--size', '1'])).status).toBe(0);
    expect((await ours(server.url, ['rotate', g, 'targets'])).status).toBe(0);
    const rows = pg.sql(
      'notaryserver',
      `SELECT role, count(*) FROM tuf_files WHERE gun = '${g}' GROUP BY role ORDER BY role`,
    );
    expect(
      rows
        .trim()
        .split('\n')
        .map((l) => l.split('|')[0]),
    ).toEqual(['root', 'snapshot', 'targets', 'timestamp']);
    expect(Number(pg.sql('notaryserver', `SELECT count(*) FROM changefeed WHERE gun = '${g}'`).trim())).toBeGreaterThan(
      0,
    );

    await server.stop();
    const again = await startNotaryServer({
      tls: { cert: dep.pki.server.chain, key: dep.pki.server.key, ca: dep.pki.rootCa },
      configure: (config) => {
        config.trust_service = {
          type: 'remote',
          hostname: '127.0.0.1',
          port: String(dep.signer.port),
          tls_ca_file: dep.pki.rootCa,
          tls_client_cert: dep.pki.client.chain,
          tls_client_key: dep.pki.client.key,
          key_algorithm: 'ecdsa',
        };
        config.storage = storage();
      },
    });
    try {
      const l = await runNotary(['--tlscacert', dep.caFile, 'lookup', g, 'v1'], {
        trustDir: tempDir('pg-go-'),
        server: again.url,
      });
      expect(l.code, l.stdout + l.stderr).toBe(0);
      expect(l.stdout).toContain(hex(1));
      expect((await ours(again.url, ['sign', `${g}:v2`, '--digest', `sha256:${hex(2)}`, '--size', '2'])).status).toBe(
        0,
      );
      const v = await runCli([
        '-s',
        again.url,
        '--tlscacert',
        dep.caFile,
        '-d',
        tempDir('pg-ts-fresh-'),
        'verify',
        `${g}:v2`,
      ]);
      expect(v.status, v.stderr).toBe(0);
    } finally {
      await again.stop();
    }
  });
});
