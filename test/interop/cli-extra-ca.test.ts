// NODE_EXTRA_CA_CERTS and the installed command. Run as a command (`#!/bin/sh`), bin/notary-ts.js moves the variable
// aside before node starts, so Node never parses the file into its own root store (~30 ms per run for a system
// bundle), and puts it back first thing: every TLS connection the CLI makes (servers, and now an https proxy) gets
// its CAs, NODE_EXTRA_CA_CERTS among them, from the connection layer. Needs `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, runBinCommand } from '../helpers/bin.js';
import { type CountingProxy, startCountingProxy } from '../helpers/net-proxies.js';
import { describeInterop, type NotaryServer, PASSPHRASE_ENV, startNotaryServer, tempDir } from '../helpers/notary.js';
import { createPki, type TestPki } from '../helpers/pki.js';

const GUN = 'example.com/extra-ca/app';
const DIGEST = 'e'.repeat(64);

describeInterop('cli: NODE_EXTRA_CA_CERTS through the installed command', () => {
  let pki: TestPki;
  let tlsServer: NotaryServer;
  let httpServer: NotaryServer;
  let proxy: CountingProxy;

  beforeAll(async () => {
    pki = createPki();
    const leaf = pki.issue('notary', { sans: ['127.0.0.1', 'localhost'] });
    tlsServer = await startNotaryServer({ tls: { cert: leaf.chain, key: leaf.key, ca: pki.rootCa } });
    httpServer = await startNotaryServer();
    const proxyCert = pki.issue('proxy', { sans: ['localhost'] });
    proxy = await startCountingProxy({ 'notary.test': '127.0.0.1' }, { cert: proxyCert.chain, key: proxyCert.key });
    for (const [server, extra] of [
      [tlsServer, ['--tlscacert', pki.rootCa]],
      [httpServer, []],
    ] as const) {
      const s = await runBin(
        [
          '-s',
          server.url,
          ...extra,
          '-d',
          tempDir('extra-ca-signer'),
          'sign',
          `${GUN}:v1`,
          '--digest',
          `sha256:${DIGEST}`,
          '--size',
          '5',
        ],
        { env: { ...PASSPHRASE_ENV } },
      );
      if (s.status !== 0) throw new Error(`setup sign failed: ${s.stderr}`);
    }
  });
  afterAll(async () => {
    await proxy?.stop();
    await tlsServer?.stop();
    await httpServer?.stop();
  });

  it('the command hides the variable from node at start and restores it before anything reads it', async () => {
    const dir = tempDir('extra-ca-probe');
    const probe = join(dir, 'probe.cjs');
    const out = join(dir, 'seen.json');
    // Preloaded by node itself (NODE_OPTIONS), before the launcher runs; again at exit, after it ran.
    writeFileSync(
      probe,
      `const fs = require('node:fs');
const pick = () => ({ extra: process.env.NODE_EXTRA_CA_CERTS ?? null, moved: process.env.NOTARY_TS_NODE_EXTRA_CA_CERTS ?? null });
const start = pick();
process.on('exit', () => fs.writeFileSync(${JSON.stringify(out)}, JSON.stringify({ start, exit: pick() })));
`,
    );
    const env = { NODE_EXTRA_CA_CERTS: pki.rootCa, NODE_OPTIONS: `--require ${probe}` };
    const seen = async (r: { status: number | null; stderr: string }) => {
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(out, 'utf8')) as unknown;
    };
    expect(await seen(await runBinCommand(['version'], { env }))).toEqual({
      start: { extra: null, moved: pki.rootCa },
      exit: { extra: pki.rootCa, moved: null },
    });
    // `node bin/notary-ts.js` skips the shell: Node sees the variable (and pays for it); the CLI behaves the same.
    expect(await seen(await runBin(['version'], { env }))).toEqual({
      start: { extra: pki.rootCa, moved: null },
      exit: { extra: pki.rootCa, moved: null },
    });
  });

  it('an https server whose CA is only in NODE_EXTRA_CA_CERTS verifies through the command; a missing file is INVALID_CONFIG', async () => {
    const verify = (env: Record<string, string>) =>
      runBinCommand(['-s', tlsServer.url, '-d', tempDir('extra-ca-trust'), '--json', 'verify', `${GUN}:v1`], {
        env,
      });
    const ok = await verify({ NODE_EXTRA_CA_CERTS: pki.rootCa });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.json()).toMatchObject({ digest: `sha256:${DIGEST}` });

    const without = await verify({});
    expect(without.status).toBe(4);
    expect(without.json()).toMatchObject({ code: 'NETWORK', details: { tls: true } });

    const missing = await verify({ NODE_EXTRA_CA_CERTS: join(tempDir('extra-ca-missing'), 'none.pem') });
    expect(missing.json()).toMatchObject({ code: 'INVALID_CONFIG', details: { what: 'NODE_EXTRA_CA_CERTS' } });
  });

  describe('an https:// proxy is checked against the default roots', () => {
    // By name: Node warns (DEP0123) about an IP address as the TLS server name.
    const proxyUrl = () => proxy.url.replace('127.0.0.1', 'localhost');
    const verifyVia = (env: Record<string, string>) =>
      runBinCommand(
        [
          '-s',
          `http://notary.test:${httpServer.port}`,
          '-d',
          tempDir('extra-ca-proxy'),
          '--json',
          'verify',
          `${GUN}:v1`,
        ],
        { env: { HTTP_PROXY: proxyUrl(), HTTPS_PROXY: proxyUrl(), ...env } },
      );

    it.each([
      ['NODE_EXTRA_CA_CERTS', () => ({ NODE_EXTRA_CA_CERTS: pki.rootCa })],
      ['SSL_CERT_FILE', () => ({ SSL_CERT_FILE: pki.rootCa })],
      // Any default root is an anchor, an intermediate too (as Go's x509 pool).
      ['NODE_EXTRA_CA_CERTS (only the intermediate)', () => ({ NODE_EXTRA_CA_CERTS: pki.intermediateCa })],
    ])('its CA in %s: requests go through it', async (_name, env) => {
      const before = proxy.seen.length;
      const r = await verifyVia(env());
      expect(r.status, r.stderr).toBe(0);
      expect(r.json()).toMatchObject({ digest: `sha256:${DIGEST}` });
      expect(proxy.seen.slice(before).some((s) => s.includes(`notary.test:${httpServer.port}`))).toBe(true);
    });

    it('its CA nowhere: NETWORK, nothing reaches the server', async () => {
      const before = proxy.seen.length;
      const r = await verifyVia({ SSL_CERT_FILE: createPki().rootCa });
      expect(r.status).toBe(4);
      expect(r.json()).toMatchObject({ code: 'NETWORK' });
      expect(proxy.seen.length).toBe(before);
    });
  });
});
