// The CLI against a notary-server serving HTTPS with a private CA on loopback: --tlscacert (and the config's
// remote_server.root_ca) make it trusted; without them the server's certificate is refused (exit 4).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeInterop, freePort, PASSPHRASE_ENV, tempDir } from '../helpers/notary.js';
import { TRANSPORT_NAMES, useCliTransport } from '../helpers/transports.js';

describe.each(TRANSPORT_NAMES)('%s transport', (transport) => {
  describeInterop('cli over TLS with a private CA', () => {
    let child: ChildProcess | undefined;
    let url = '';
    let ca = '';
    let dir = '';

    beforeAll(async () => {
      useCliTransport(transport);
      dir = tempDir('tls-server');
      ca = join(dir, 'ca.pem');
      const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
      openssl(
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-days',
        '2',
        '-subj',
        '/CN=notary-ts test CA',
      );
      openssl(
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        'server.key',
        '-out',
        'server.csr',
        '-subj',
        '/CN=127.0.0.1',
      );
      writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
      openssl(
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'server.pem',
        '-days',
        '2',
        '-extfile',
        'ext.cnf',
      );
      const port = await freePort();
      const config = {
        server: {
          http_addr: `127.0.0.1:${port}`,
          tls_cert_file: join(dir, 'server.pem'),
          tls_key_file: join(dir, 'server.key'),
        },
        trust_service: { type: 'local', key_algorithm: 'ecdsa' },
        logging: { level: 'error' },
        storage: { backend: 'memory' },
      };
      writeFileSync(join(dir, 'server.json'), JSON.stringify(config));
      child = spawn('notary-server', ['-config', join(dir, 'server.json')], { stdio: 'ignore' });
      url = `https://127.0.0.1:${port}`;
      // Healthy once our CLI can ping it through the CA.
      for (let i = 0; i < 100; i++) {
        const r = await runCli([
          '-s',
          url,
          '--tlscacert',
          ca,
          '-d',
          tempDir('tls-probe'),
          'verify',
          'example.com/probe:x',
        ]);
        if (r.status === 3) return;
        await new Promise((res) => setTimeout(res, 100));
      }
      throw new Error('TLS notary-server did not come up');
    });
    afterAll(() => {
      child?.kill('SIGKILL');
    });

    it('--tlscacert trusts the server; the same trust via a notary client config', async () => {
      const trust = tempDir('tls-trust');
      const gun = 'example.com/tls/app';
      const s = await runCli(
        [
          '-s',
          url,
          '--tlscacert',
          ca,
          '-d',
          trust,
          'sign',
          `${gun}:v1`,
          '--digest',
          `sha256:${'d'.repeat(64)}`,
          '--size',
          '4',
        ],
        {
          env: { ...PASSPHRASE_ENV },
        },
      );
      expect(s.status, s.stderr).toBe(0);
      const v = await runCli(['-s', url, '--tlscacert', ca, '-d', tempDir('tls-fresh'), 'verify', `${gun}:v1`]);
      expect(v.status, v.stderr).toBe(0);
      const cfg = join(tempDir('tls-cfg'), 'config.json');
      writeFileSync(cfg, JSON.stringify({ remote_server: { url, root_ca: ca } }));
      const viaConfig = await runCli(['-c', cfg, '-d', tempDir('tls-fresh'), 'verify', `${gun}:v1`]);
      expect(viaConfig.status, viaConfig.stderr).toBe(0);
    });

    it('without the CA the certificate is refused: NETWORK, exit 4', async () => {
      const v = await runCli(['-s', url, '-d', tempDir('tls-fresh'), 'verify', '--json', 'example.com/tls/app:v1']);
      expect(v.status).toBe(4);
      expect(v.json()).toMatchObject({ ok: false, code: 'NETWORK' });
    });
  });
});
