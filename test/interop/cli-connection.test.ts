// The connection layer through the CLI against notary-server on HTTPS with a root → intermediate → leaf chain: the
// CA from every supported place, an intermediate as the anchor, client certificates (mTLS), one -c config for
// verify and publish, -D/--debug, and the http-to-https misconfiguration. Cross-checked with the Go CLI.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, runCli } from '../helpers/cli.js';
import { type MtlsFront, startMtlsFront } from '../helpers/net-proxies.js';
import {
  describeInterop,
  type NotaryServer,
  PASSPHRASE_ENV,
  runNotary,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';
import { createPki, type TestPki } from '../helpers/pki.js';
import { TRANSPORT_NAMES, useCliTransport } from '../helpers/transports.js';

const GUN = 'example.com/connection/app';
const DIGEST = 'c'.repeat(64);

describe.each(TRANSPORT_NAMES)('%s transport', (transport) => {
  describeInterop('connection: CA discovery, partial chains, client certificates', () => {
    let pki: TestPki;
    let server: NotaryServer;
    let front: MtlsFront;
    let host = '';

    beforeAll(async () => {
      useCliTransport(transport);
      pki = createPki();
      const leaf = pki.issue('notary', { sans: ['127.0.0.1', 'localhost', 'notary.test'] });
      server = await startNotaryServer({ tls: { cert: leaf.chain, key: leaf.key, ca: pki.rootCa } });
      host = new URL(server.url).host;
      front = await startMtlsFront({
        cert: pki.server.chain,
        key: pki.server.key,
        clientCa: pki.caBundle,
        upstream: server.url,
        upstreamCa: pki.rootCa,
      });
      const signer = ['-s', server.url, '--tlscacert', pki.rootCa, '-d', tempDir('conn-signer')];
      const s = await runCli([...signer, 'sign', `${GUN}:v1`, '--digest', `sha256:${DIGEST}`, '--size', '7'], {
        env: { ...PASSPHRASE_ENV },
      });
      if (s.status !== 0) throw new Error(`setup sign failed: ${s.stderr}`);
    });
    afterAll(async () => {
      await front?.stop();
      await server?.stop();
    });

    const verifyWith = (args: string[], env: Record<string, string> = {}) =>
      runCli(['-d', tempDir('conn-trust'), ...args, 'verify', `${GUN}:v1`], { env });

    it('finds the CA in each supported place', async () => {
      const home = tempDir('conn-home');
      mkdirSync(join(home, '.docker', 'tls', host), { recursive: true });
      copyFileSync(pki.rootCa, join(home, '.docker', 'tls', host, 'ca.crt'));
      const dockerConfig = tempDir('conn-dockercfg');
      mkdirSync(join(dockerConfig, 'tls', host), { recursive: true });
      copyFileSync(pki.rootCa, join(dockerConfig, 'tls', host, 'ca.crt'));
      const certDir = tempDir('conn-certdir');
      copyFileSync(pki.rootCa, join(certDir, 'private-root.pem'));
      const cfg = join(tempDir('conn-cfg'), 'config.json');
      writeFileSync(cfg, JSON.stringify({ remote_server: { url: server.url, root_ca: pki.rootCa } }));
      const s = ['-s', server.url];
      const cases: Array<[string, string[], Record<string, string>]> = [
        ['--tlscacert', [...s, '--tlscacert', pki.rootCa], {}],
        ['config root_ca', ['-c', cfg], {}],
        ['~/.docker/tls/<host:port>/ca.crt', s, { HOME: home }],
        ['$DOCKER_CONFIG/tls/<host:port>/ca.crt', s, { DOCKER_CONFIG: dockerConfig }],
        ['SSL_CERT_FILE', s, { SSL_CERT_FILE: pki.rootCa }],
        ['SSL_CERT_DIR', s, { SSL_CERT_DIR: certDir }],
        ['NODE_EXTRA_CA_CERTS', s, { NODE_EXTRA_CA_CERTS: pki.rootCa }],
      ];
      for (const [name, args, env] of cases) {
        const r = await verifyWith(args, env);
        expect({ name, status: r.status, stderr: r.stderr }).toEqual({ name, status: 0, stderr: r.stderr });
        expect(r.stdout.trim()).toBe(`sha256:${DIGEST}`);
      }
      // Through the shipped binary and pipes, too (NODE_EXTRA_CA_CERTS then reaches Node itself as well).
      for (const env of [{ SSL_CERT_FILE: pki.rootCa }, { HOME: home }]) {
        const bin = await runBin(['-s', server.url, '-d', tempDir('conn-bin'), 'verify', `${GUN}:v1`], { env });
        expect(bin.status, bin.stderr).toBe(0);
        expect(bin.stdout.trim()).toBe(`sha256:${DIGEST}`);
      }
    });

    it('without the CA the certificate is refused: NETWORK, exit 4; --tlscacert replaces SSL_CERT_FILE', async () => {
      const none = await verifyWith(['-s', server.url, '--json'], { HOME: tempDir('conn-empty-home') });
      expect(none.status).toBe(4);
      expect(none.json()).toMatchObject({ code: 'NETWORK', details: { tls: true } });
      // The flag's bundle is the only root set: a wrong one loses even though SSL_CERT_FILE has the right CA.
      const other = createPki();
      const flagWins = await verifyWith(['-s', server.url, '--tlscacert', other.rootCa, '--json'], {
        SSL_CERT_FILE: pki.rootCa,
      });
      expect(flagWins.status).toBe(4);
      expect(flagWins.json()).toMatchObject({ code: 'NETWORK' });
    });

    it('accepts the intermediate CA as the anchor, as the Go CLI does', async () => {
      const r = await verifyWith(['-s', server.url, '--tlscacert', pki.intermediateCa]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(`sha256:${DIGEST}`);
      const go = await runNotary(['--tlscacert', pki.intermediateCa, 'list', GUN], {
        trustDir: tempDir('conn-go'),
        server: server.url,
      });
      expect(go.code, go.stderr).toBe(0);
      expect(go.stdout).toContain(DIGEST);
    });

    it('an http:// URL for the https port is HTTPS_REQUIRED (exit 2), not a bare rejection', async () => {
      const r = await verifyWith(['-s', server.url.replace('https:', 'http:'), '--json']);
      expect(r.status).toBe(2);
      expect(r.json()).toMatchObject({ ok: false, code: 'HTTPS_REQUIRED' });
    });

    it('presents a client certificate from --tlscert/--tlskey or docker tls dir; without one the front refuses', async () => {
      const base = ['-s', front.url, '--tlscacert', pki.rootCa];
      const before = front.clients.length;
      const refused = await verifyWith([...base, '--json']);
      expect(refused.status).toBe(4);
      expect(refused.json()).toMatchObject({ code: 'NETWORK' });
      expect(front.clients.length).toBe(before);

      const flags = await verifyWith([...base, '--tlscert', pki.client.cert, '--tlskey', pki.client.key]);
      expect(flags.status, flags.stderr).toBe(0);
      expect(flags.stdout.trim()).toBe(`sha256:${DIGEST}`);

      const home = tempDir('conn-mtls-home');
      const dir = join(home, '.docker', 'tls', new URL(front.url).host);
      mkdirSync(dir, { recursive: true });
      copyFileSync(pki.rootCa, join(dir, 'ca.crt'));
      copyFileSync(pki.client.chain, join(dir, 'cert.pem'));
      copyFileSync(pki.client.key, join(dir, 'key.pem'));
      const docker = await verifyWith(['-s', front.url], { HOME: home });
      expect(docker.status, docker.stderr).toBe(0);
      expect(front.clients.slice(before).every((cn) => cn === 'notary-ts-client')).toBe(true);
      expect(front.clients.length).toBeGreaterThan(before);

      // A certificate without its key is a usage error before anything is sent.
      const half = await verifyWith([...base, '--tlscert', pki.client.cert, '--json']);
      expect(half.status).toBe(2);
      expect(half.json()).toMatchObject({ code: 'INVALID_CONFIG' });
    });

    it('one -c config drives add/publish and verify to the same server with the same client certificate', async () => {
      const cfg = join(tempDir('conn-mtls-cfg'), 'config.json');
      writeFileSync(
        cfg,
        JSON.stringify({
          remote_server: {
            url: front.url,
            root_ca: pki.rootCa,
            tls_client_cert: pki.client.cert,
            tls_client_key: pki.client.key,
          },
        }),
      );
      const trust = tempDir('conn-cfg-trust');
      // The GUN names example.com: were the server derived from it, nothing would answer.
      const gun = 'example.com/connection/config';
      const env = { ...PASSPHRASE_ENV };
      const n0 = front.clients.length;
      const init = await runCli(['-c', cfg, '-d', trust, 'init', gun, '-p'], { env });
      expect(init.status, init.stderr).toBe(0);
      const add = await runCli(
        ['-c', cfg, '-d', trust, 'add', gun, 'v2', '--digest', `sha256:${'e'.repeat(64)}`, '--size', '3'],
        {
          env,
        },
      );
      expect(add.status, add.stderr).toBe(0);
      const pub = await runCli(['-c', cfg, '-d', trust, 'publish', gun], { env });
      expect(pub.status, pub.stderr).toBe(0);
      const n1 = front.clients.length;
      expect(n1).toBeGreaterThan(n0);
      const v = await runCli(['-c', cfg, '-d', tempDir('conn-cfg-fresh'), 'verify', `${gun}:v2`]);
      expect(v.status, v.stderr).toBe(0);
      expect(v.stdout.trim()).toBe(`sha256:${'e'.repeat(64)}`);
      expect(front.clients.length).toBeGreaterThan(n1);
      expect(front.clients.slice(n0).every((cn) => cn === 'notary-ts-client')).toBe(true);
      // The Go CLI reads the same config file the same way.
      const go = await runNotary(['-c', cfg, 'list', gun], { trustDir: tempDir('conn-cfg-go') });
      expect(go.code, go.stderr).toBe(0);
      expect(go.stdout).toContain('e'.repeat(64));
    });

    it('-D prints each exchange (method, URL, status, time) and never credentials', async () => {
      const secret = Buffer.from('alice:very-secret-pw').toString('base64');
      const r = await verifyWith(['-s', server.url, '--tlscacert', pki.rootCa, '-D'], { NOTARY_AUTH: secret });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        new RegExp(
          `debug: GET ${server.url.replace(/[.]/g, '\\.')}/v2/${GUN}/_trust/tuf/root\\.json -> 200 \\(\\d+ ms\\)`,
        ),
      );
      expect(r.stderr).toMatch(/timestamp\.json -> 200/);
      expect(r.stderr).not.toContain(secret);
      expect(r.stderr).not.toContain('very-secret-pw');
      expect(r.stderr.toLowerCase()).not.toContain('authorization');
    });
  });
});
