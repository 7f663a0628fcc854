// CA sources named only by the environment (SSL_CERT_FILE/SSL_CERT_DIR, set on many CI machines) with a plain-http
// server: the SSL_CERT_DIR scan waits until TLS is needed, nothing else changes. sign and verify work, and an
// unreadable SSL_CERT_FILE is refused before anything is sent, with every transport. Needs `npm run build`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/bin.js';
import { describeInterop, type NotaryServer, PASSPHRASE_ENV, startNotaryServer, tempDir } from '../helpers/notary.js';

const hex = (n: number) => n.toString(16).padStart(64, '0');
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describeInterop('cli: environment-named CAs with a plain-http server', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer();
  });
  afterAll(async () => server?.stop());

  describe.each(['wire', 'node', 'undici'])('transport %s', (transport) => {
    it('sign and verify work with SSL_CERT_FILE and a junk SSL_CERT_DIR; an unreadable SSL_CERT_FILE is INVALID_CONFIG at once', async () => {
      const junk = tempDir('env-cas-');
      const certDir = join(junk, 'certs');
      mkdirSync(certDir);
      writeFileSync(join(certDir, 'not-a-cert.pem'), 'garbage');
      writeFileSync(join(junk, 'bundle.pem'), PEM);
      const env = { SSL_CERT_FILE: join(junk, 'bundle.pem'), SSL_CERT_DIR: certDir, NOTARY_TS_TRANSPORT: transport };
      const gun = `example.com/env-cas/${transport}`;
      const dir = tempDir('ts-env-cas-');
      const run = (args: string[], extra: Record<string, string> = {}) =>
        runBin(['-s', server.url, '-d', dir, ...args], { env: { ...PASSPHRASE_ENV, ...env, ...extra } });

      const signed = await run(['sign', `${gun}:v1`, '--digest', `sha256:${hex(1)}`, '--size', '1']);
      expect(signed.status, signed.stderr).toBe(0);
      const fresh = await runBin(['-s', server.url, '-d', tempDir('ts-env-cas-fresh-'), 'verify', `${gun}:v1`], {
        env,
      });
      expect(fresh.status, fresh.stderr).toBe(0);
      expect(fresh.stdout).toBe(`sha256:${hex(1)}\n`);

      const missing = await run(['verify', '--json', `${gun}:v1`], { SSL_CERT_FILE: join(junk, 'missing.pem') });
      expect(missing.status).toBe(2);
      expect(missing.json()).toMatchObject({ code: 'INVALID_CONFIG', details: { what: 'SSL_CERT_FILE' } });
    });
  });
});
