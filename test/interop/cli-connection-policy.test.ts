// Connection policy through the CLI: proxies from the environment (NO_PROXY, loopback never proxied), pinning
// without a config file (--root-key, --root-ca, --no-tofu, env equivalents, the first-use notice), credential rules
// (lazy NOTARY_AUTH, no secrets via a realm a plain-http non-loopback server names) and the expired-root code.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, runCli } from '../helpers/cli.js';
import { type CountingProxy, startCountingProxy } from '../helpers/net-proxies.js';
import { describeInterop, type NotaryServer, PASSPHRASE_ENV, startNotaryServer, tempDir } from '../helpers/notary.js';
import { createPki } from '../helpers/pki.js';
import { TRANSPORT_NAMES, useCliTransport } from '../helpers/transports.js';

const GUN = 'example.com/policy/app';
const DIGEST = 'a'.repeat(64);
const NOTARY_AUTH = Buffer.from('alice:s3cret-pw').toString('base64');

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : 0);
    });
  });
}

describe.each(TRANSPORT_NAMES)('%s transport', (transport) => {
  describeInterop('connection policy: proxies, pinning flags, credential rules', () => {
    let server: NotaryServer;
    let proxy: CountingProxy;
    let rootKeyId = '';
    let signerTrust = '';
    // A fake notary server that always challenges, and an https token realm that records what it was sent.
    let fake: Server;
    let fakePort = 0;
    let realm: Server;
    let realmPort = 0;
    const realmSaw: IncomingHttpHeaders[] = [];
    const pki = createPki();

    beforeAll(async () => {
      useCliTransport(transport);
      server = await startNotaryServer();
      const realmCert = pki.issue('realm', { sans: ['realm.test'] });
      realm = createHttpsServer(
        { cert: readFileSync(realmCert.chain, 'utf8'), key: readFileSync(realmCert.key, 'utf8') },
        (req, res) => {
          realmSaw.push(req.headers);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ token: 'opaque-token', expires_in: 300 }));
        },
      ) as unknown as Server;
      realmPort = await listen(realm);
      fake = createServer((_req, res) => {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="https://realm.test:${realmPort}/token",service="notary"`,
          'content-type': 'application/json',
        });
        res.end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      });
      fakePort = await listen(fake);
      proxy = await startCountingProxy({ 'notary.test': '127.0.0.1', 'realm.test': '127.0.0.1' });
      signerTrust = tempDir('policy-signer');
      const s = await runCli(
        ['-s', server.url, '-d', signerTrust, 'sign', `${GUN}:v1`, '--digest', `sha256:${DIGEST}`, '--size', '5'],
        { env: { ...PASSPHRASE_ENV } },
      );
      if (s.status !== 0) throw new Error(`setup sign failed: ${s.stderr}`);
    });
    afterAll(async () => {
      await proxy?.stop();
      await new Promise((r) => fake?.close(r));
      await new Promise((r) => realm?.close(r));
      await server?.stop();
    });

    const verify = (args: string[], env: Record<string, string> = {}) =>
      runCli(['-s', server.url, '-d', tempDir('policy-trust'), ...args, 'verify', `${GUN}:v1`], { env });

    it('first use says so on stderr with the root key ID to pin; inspect shows the same ID', async () => {
      const r = await verify([]);
      expect(r.status, r.stderr).toBe(0);
      const m = /first use of (\S+): trusting its root key ([0-9a-f]{64}).*--root-key \S+=([0-9a-f]{64})/.exec(
        r.stderr,
      );
      expect(m?.[1]).toBe(GUN);
      rootKeyId = m?.[2] ?? '';
      expect(m?.[3]).toBe(rootKeyId);
      const trust = tempDir('policy-inspect');
      const i = await runCli(['-s', server.url, '-d', trust, 'inspect', GUN]);
      expect(i.status, i.stderr).toBe(0);
      const admin = (i.json() as Array<{ AdministrativeKeys: Array<{ Name: string; Keys: Array<{ ID: string }> }> }>)[0]
        ?.AdministrativeKeys;
      expect(admin?.find((k) => k.Name === 'Root')?.Keys.map((k) => k.ID)).toEqual([rootKeyId]);
      // A second run uses the cached root: no first-use notice.
      const again = await runCli(['-s', server.url, '-d', trust, 'verify', `${GUN}:v1`]);
      expect(again.status).toBe(0);
      expect(again.stderr).not.toContain('first use');
    });

    it('--root-key pins per GUN, by wildcard or bare; a wrong ID is PINNING_FAILED; env equivalents', async () => {
      const wrong = 'f'.repeat(64);
      for (const spec of [`${GUN}=${rootKeyId}`, `example.com/policy/*=${rootKeyId}`, rootKeyId]) {
        const ok = await verify(['--root-key', spec]);
        expect({ spec, status: ok.status }).toEqual({ spec, status: 0 });
        expect(ok.stderr).not.toContain('first use');
      }
      const bad = await verify(['--root-key', `${GUN}=${wrong}`, '--json']);
      expect(bad.status).toBe(1);
      expect(bad.json()).toMatchObject({ code: 'PINNING_FAILED' });
      const envOk = await verify([], { NOTARY_TS_ROOT_KEYS: `${GUN}=${rootKeyId}` });
      expect(envOk.status, envOk.stderr).toBe(0);
      const envBad = await verify(['--json'], { NOTARY_TS_ROOT_KEYS: wrong });
      expect(envBad.json()).toMatchObject({ code: 'PINNING_FAILED' });
      const malformed = await verify(['--root-key', 'not-a-key-id', '--json']);
      expect(malformed.status).toBe(2);
      expect(malformed.json()).toMatchObject({ code: 'INVALID_ARGUMENT' });
    });

    it('--no-tofu (and NOTARY_TS_NO_TOFU) fails a first root nothing pins; a pin or a cached root still works', async () => {
      const refused = await verify(['--no-tofu', '--json']);
      expect(refused.status).toBe(1);
      expect(refused.json()).toMatchObject({ code: 'PINNING_FAILED', details: { reason: 'tofu-disabled' } });
      const envRefused = await verify(['--json'], { NOTARY_TS_NO_TOFU: '1' });
      expect(envRefused.json()).toMatchObject({ code: 'PINNING_FAILED' });
      const pinned = await verify(['--no-tofu', '--root-key', `${GUN}=${rootKeyId}`]);
      expect(pinned.status, pinned.stderr).toBe(0);
      // The signer's own trust dir has the root cached: --no-tofu is about first use only.
      const cached = await runCli(['-s', server.url, '-d', signerTrust, '--no-tofu', 'verify', `${GUN}:v1`]);
      expect(cached.status, cached.stderr).toBe(0);
    });

    it('--root-ca: a root certificate that does not chain to the CA is PINNING_FAILED', async () => {
      const r = await verify(['--root-ca', pki.rootCa, '--json']);
      expect(r.status).toBe(1);
      expect(r.json()).toMatchObject({ code: 'PINNING_FAILED' });
      const scoped = await verify(['--root-ca', `example.com/other/=${pki.rootCa}`]);
      expect(scoped.status, scoped.stderr).toBe(0);
    });

    it('HTTPS_PROXY/HTTP_PROXY carry requests to non-loopback servers; NO_PROXY and loopback bypass the proxy', async () => {
      const named = `http://notary.test:${server.port}`;
      const before = proxy.seen.length;
      const via = await runCli(['-s', named, '-d', tempDir('policy-proxy'), 'verify', `${GUN}:v1`], {
        env: { HTTP_PROXY: proxy.url },
      });
      expect(via.status, via.stderr).toBe(0);
      expect(via.stdout.trim()).toBe(`sha256:${DIGEST}`);
      expect(proxy.seen.slice(before).some((s) => s.includes(`notary.test:${server.port}`))).toBe(true);
      // The shipped binary (bundled CLI) loads the proxy agent too.
      const b0 = proxy.seen.length;
      const bin = await runBin(['-s', named, '-d', tempDir('policy-proxy-bin'), 'verify', `${GUN}:v1`], {
        env: { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url },
      });
      expect(bin.status, bin.stderr).toBe(0);
      expect(bin.stdout.trim()).toBe(`sha256:${DIGEST}`);
      expect(proxy.seen.length).toBeGreaterThan(b0);

      const n1 = proxy.seen.length;
      // NO_PROXY: the name is then resolved locally, and nothing resolves notary.test.
      const bypass = await runCli(['-s', named, '-d', tempDir('policy-proxy'), '--json', 'verify', `${GUN}:v1`], {
        env: { HTTP_PROXY: proxy.url, NO_PROXY: 'notary.test' },
      });
      expect(bypass.status).toBe(4);
      expect(bypass.json()).toMatchObject({ code: 'NETWORK' });
      expect(proxy.seen.length).toBe(n1);

      const loop = await verify([], { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url });
      expect(loop.status, loop.stderr).toBe(0);
      expect(proxy.seen.length).toBe(n1);
    });

    it('an https server goes through HTTPS_PROXY only: with HTTP_PROXY alone it is reached directly (Go)', async () => {
      // notary.test resolves only at the proxy, and the server speaks plain http: both runs fail (NETWORK); the
      // point is whether the request went through the proxy.
      const named = `https://notary.test:${server.port}`;
      const run = (env: Record<string, string>) =>
        runCli(['-s', named, '-d', tempDir('policy-https-proxy'), '--json', 'verify', `${GUN}:v1`], { env });
      const n0 = proxy.seen.length;
      const direct = await run({ HTTP_PROXY: proxy.url });
      expect(direct.status).toBe(4);
      expect(direct.json()).toMatchObject({ code: 'NETWORK' });
      expect(proxy.seen.length).toBe(n0);
      const tunnelled = await run({ HTTPS_PROXY: proxy.url });
      expect(tunnelled.status).toBe(4);
      expect(proxy.seen.slice(n0).some((s) => s === `notary.test:${server.port}`)).toBe(true);
    });

    it('a malformed NOTARY_AUTH fails only requests that need credentials, naming its source', async () => {
      const ok = await verify([], { NOTARY_AUTH: '%%% not base64 %%%' });
      expect(ok.status, ok.stderr).toBe(0);
      const needs = await runCli(
        ['-s', `http://127.0.0.1:${fakePort}`, '-d', tempDir('policy-auth'), '--json', 'verify', `${GUN}:v1`],
        { env: { NOTARY_AUTH: '%%% not base64 %%%', SSL_CERT_FILE: pki.rootCa, HTTPS_PROXY: proxy.url } },
      );
      expect(needs.status).toBe(2);
      expect(needs.json()).toMatchObject({ code: 'INVALID_CONFIG', details: { source: 'NOTARY_AUTH' } });
    });

    it('credentials never go to a realm named by a plain-http non-loopback server; a loopback one gets them', async () => {
      const env = { NOTARY_AUTH, SSL_CERT_FILE: pki.rootCa, HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url };
      const n0 = realmSaw.length;
      const remote = await runCli(
        ['-s', `http://notary.test:${fakePort}`, '-d', tempDir('policy-cred'), '--json', 'verify', `${GUN}:v1`],
        { env },
      );
      expect(remote.status).toBe(4);
      expect(remote.json()).toMatchObject({ code: 'UNAUTHORIZED' });
      // The realm was asked (through the proxy), but anonymously.
      expect(realmSaw.length).toBeGreaterThan(n0);
      expect(realmSaw.slice(n0).every((h) => h.authorization === undefined)).toBe(true);
      expect(proxy.seen.some((s) => s.includes(`realm.test:${realmPort}`))).toBe(true);

      const n1 = realmSaw.length;
      const local = await runCli(
        ['-s', `http://127.0.0.1:${fakePort}`, '-d', tempDir('policy-cred'), 'verify', `${GUN}:v1`],
        { env },
      );
      expect(local.status).toBe(4);
      const sent = realmSaw.slice(n1).map((h) => h.authorization);
      expect(sent).toContain(`Basic ${NOTARY_AUTH}`);
    });

    it('an expired root certificate in the cache is a certificate error, not CACHE_CORRUPT', async () => {
      const trust = tempDir('policy-expired');
      const first = await runCli(['-s', server.url, '-d', trust, 'verify', `${GUN}:v1`]);
      expect(first.status, first.stderr).toBe(0);
      const later = new Date(Date.now() + 11 * 366 * 24 * 3600 * 1000);
      const r = await runCli(['-s', server.url, '-d', trust, '--json', 'verify', `${GUN}:v1`], { now: () => later });
      expect(r.status).toBe(1);
      const code = (r.json() as { code: string }).code;
      expect(code).not.toBe('CACHE_CORRUPT');
      expect(['EXPIRED', 'BAD_CERTIFICATE']).toContain(code);
    });
  });
});
