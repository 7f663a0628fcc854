// An https:// proxy's own certificate is checked against the CAs the transport names (`proxy.ca`, the default
// roots resolveConnection passes), any of them an anchor, an intermediate too; without them, Node's roots, which do
// not hold a private CA. Loopback targets never use the proxy, nor do NO_PROXY names.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher, type TransportOptions } from '../../../src/remote/dispatcher.js';
import { type CountingProxy, startCountingProxy } from '../../helpers/net-proxies.js';
import { createPki, type TestPki } from '../../helpers/pki.js';

const HOST = 'target.test';
let pki: TestPki;
let proxy: CountingProxy;
let target: Server;
let port: number;
// By name: Node warns (DEP0123) about an IP address as the TLS server name.
const proxyUrl = () => proxy.url.replace('127.0.0.1', 'localhost');

beforeAll(async () => {
  pki = createPki();
  const cert = pki.issue('proxy', { sans: ['localhost'] });
  proxy = await startCountingProxy({ [HOST]: '127.0.0.1' }, { cert: cert.chain, key: cert.key });
  target = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  port = (target.address() as AddressInfo).port;
});

afterAll(async () => {
  await proxy?.stop();
  await new Promise((resolve) => target?.close(resolve));
});

/** GETs `url` through a dispatcher for `p`: the body, or 'failed'; and whether the proxy saw the target. */
async function get(p: TransportOptions['proxy'], url = `http://${HOST}:${port}/`) {
  const dispatcher = createDispatcher(5_000, p === undefined ? {} : { proxy: p });
  const before = proxy.seen.length;
  try {
    const r = await request(url, { dispatcher });
    return { body: await r.body.text(), viaProxy: proxy.seen.length > before };
  } catch {
    return { body: 'failed', viaProxy: proxy.seen.length > before };
  } finally {
    await dispatcher.close();
  }
}

describe('createDispatcher with an https:// proxy', () => {
  it('its CA, or only the intermediate that issued its certificate: requests go through it', async () => {
    for (const file of [pki.rootCa, pki.intermediateCa]) {
      const ca = readFileSync(file, 'utf8');
      expect(await get({ httpProxy: proxyUrl(), ca }), file).toEqual({ body: 'ok', viaProxy: true });
      expect(await get({ httpsProxy: proxyUrl(), httpProxy: proxyUrl(), ca }), file).toEqual({
        body: 'ok',
        viaProxy: true,
      });
    }
  });

  it('no CA given (Node roots) or another PKI: the proxy is refused and nothing is sent through it', async () => {
    for (const ca of [undefined, readFileSync(createPki().rootCa, 'utf8')]) {
      const r = await get({ httpProxy: proxyUrl(), ...(ca === undefined ? {} : { ca }) });
      expect(r).toEqual({ body: 'failed', viaProxy: false });
    }
  });

  it('an https target goes through HTTPS_PROXY only, as Go: with HTTP_PROXY alone it goes direct', async () => {
    const ca = readFileSync(pki.rootCa, 'utf8');
    const httpsUrl = `https://${HOST}:${port}/`;
    // HTTP_PROXY alone: direct, and the name resolves nowhere but at the proxy, so the request fails unseen by it.
    expect(await get({ httpProxy: proxyUrl(), ca }, httpsUrl)).toEqual({ body: 'failed', viaProxy: false });
    // HTTPS_PROXY: tunnelled (the target speaks plain http, so its TLS then fails, after the proxy saw it).
    expect((await get({ httpsProxy: proxyUrl(), ca }, httpsUrl)).viaProxy).toBe(true);
    expect((await get({ httpsProxy: proxyUrl(), httpProxy: proxyUrl(), ca }, httpsUrl)).viaProxy).toBe(true);
    // http targets keep HTTP_PROXY, and HTTPS_PROXY alone leaves them direct.
    expect(await get({ httpProxy: proxyUrl(), ca })).toEqual({ body: 'ok', viaProxy: true });
    expect(await get({ httpsProxy: proxyUrl(), ca })).toEqual({ body: 'failed', viaProxy: false });
  });

  it('the dispatcher that sends https targets direct closes and destroys both of its agents', async () => {
    const d = createDispatcher(5_000, { proxy: { httpProxy: proxyUrl(), ca: readFileSync(pki.rootCa, 'utf8') } });
    expect(await (await request(`http://${HOST}:${port}/`, { dispatcher: d })).body.text()).toBe('ok');
    await d.close();
    await expect(request(`http://${HOST}:${port}/`, { dispatcher: d })).rejects.toThrow();
    const e = createDispatcher(5_000, { proxy: { httpProxy: proxyUrl() } });
    await new Promise<void>((resolve) => e.destroy(null, () => resolve()));
    await expect(request(`http://127.0.0.1:${port}/`, { dispatcher: e })).rejects.toThrow();
  });

  it('loopback targets and NO_PROXY names bypass it; no proxy URL at all is no proxy', async () => {
    const ca = readFileSync(pki.rootCa, 'utf8');
    expect(await get({ httpProxy: proxyUrl(), ca }, `http://127.0.0.1:${port}/`)).toEqual({
      body: 'ok',
      viaProxy: false,
    });
    // The other loopback names (Go's rule): never through the proxy. Nothing listens on [::1]:1, so that one fails
    // directly; through the proxy it would have been seen there.
    expect(await get({ httpProxy: proxyUrl(), ca }, `http://localhost:${port}/`)).toEqual({
      body: 'ok',
      viaProxy: false,
    });
    expect(await get({ httpProxy: proxyUrl(), ca }, 'http://[::1]:1/')).toEqual({ body: 'failed', viaProxy: false });
    // Bypassed, the name does not resolve: the request fails without reaching the proxy.
    expect(await get({ httpProxy: proxyUrl(), ca, noProxy: HOST })).toEqual({ body: 'failed', viaProxy: false });
    expect(await get({ ca })).toEqual({ body: 'failed', viaProxy: false });
  });
});
