// The interop harness itself against the real binaries: server start/stop, the CLI runner, token auth, the proxy.
import { statSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeInterop,
  httpGet,
  type MutatingProxy,
  type NotaryServer,
  runNotary,
  startMutatingProxy,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';

describeInterop('notary-server harness (no auth)', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers health with {} on a loopback port', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const r = await server.get('/_notary_server/health');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body.toString())).toEqual({});
  });

  it('runs the Go CLI: init -p, add -p, list', async () => {
    const trustDir = tempDir('harness-trust-');
    const gun = 'example.com/harness/a';
    const init = await runNotary(['init', gun, '-p'], { trustDir, server: server.url });
    expect(init.code, init.stderr).toBe(0);
    const file = join(tempDir('harness-file-'), 'payload');
    writeFileSync(file, 'hello\n');
    const add = await runNotary(['add', gun, 'v1', file, '-p'], { trustDir, server: server.url });
    expect(add.code, add.stderr).toBe(0);
    const list = await runNotary(['list', gun], { trustDir, server: server.url });
    expect(list.code).toBe(0);
    // sha256("hello\n")
    expect(list.stdout).toMatch(/v1\s+5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\s+6\s+targets/);
    const root = await server.get(`/v2/${gun}/_trust/tuf/root.json`);
    expect(root.status).toBe(200);
  });

  it('reports a non-zero exit status instead of rejecting', async () => {
    const r = await runNotary(['list', 'example.com/harness/missing'], {
      trustDir: tempDir('harness-trust-'),
      server: server.url,
    });
    expect(r.code).toBe(1);
    // notary 0.7 prints "* fatal: ..." on stdout, not stderr.
    expect(r.stdout).toMatch(/fatal: .*does not have trust data for example\.com\/harness\/missing/);
  });

  it('stop() kills the process and frees the port', async () => {
    const other = await startNotaryServer();
    await other.stop();
    await expect(httpGet(`${other.url}/_notary_server/health`, {}, 500)).rejects.toThrow();
  });
});

describeInterop('notary-server harness (token auth)', () => {
  let server: NotaryServer;
  const gun = 'example.com/harness/auth';
  beforeAll(async () => {
    server = await startNotaryServer({ auth: { credentials: { username: 'alice', password: 'secret' } } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers 401 with a Bearer challenge naming realm, service and scope without a token', async () => {
    const r = await server.get(`/v2/${gun}/_trust/tuf/root.json`);
    expect(r.status).toBe(401);
    const challenge = String(r.headers['www-authenticate']);
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain(`realm="${server.auth?.realm}"`);
    expect(challenge).toContain(`service="${server.auth?.service}"`);
    expect(challenge).toContain(`scope="repository:${gun}:pull"`);
    expect(JSON.parse(r.body.toString()).errors[0].code).toBe('UNAUTHORIZED');
  });

  it('accepts a minted token (404 for a missing repo proves it got past auth) and /v2/ with catalog scope', async () => {
    const token = server.mintToken({ gun, actions: ['pull'] });
    const r = await server.get(`/v2/${gun}/_trust/tuf/root.json`, { token });
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body.toString()).errors[0].code).toBe('METADATA_NOT_FOUND');
    const cat = server.mintToken({ access: [{ type: 'registry', name: 'catalog', actions: ['*'] }] });
    expect((await server.get('/v2/', { token: cat })).status).toBe(200);
  });

  it('rejects expired, untrusted and under-scoped tokens', async () => {
    const expired = server.mintToken({ gun, actions: ['pull'], expiresIn: -3600 });
    expect((await server.get(`/v2/${gun}/_trust/tuf/root.json`, { token: expired })).status).toBe(401);
    const untrusted = server.mintToken({ gun, actions: ['pull'], untrusted: true });
    expect((await server.get(`/v2/${gun}/_trust/tuf/root.json`, { token: untrusted })).status).toBe(401);
    const other = server.mintToken({ gun: 'example.com/other', actions: ['pull'] });
    const r = await server.get(`/v2/${gun}/_trust/tuf/root.json`, { token: other });
    expect(r.status).toBe(401);
    expect(String(r.headers['www-authenticate'])).toContain('error="insufficient_scope"');
  });

  it('lets the Go CLI publish through the built-in token endpoint with NOTARY_AUTH', async () => {
    const trustDir = tempDir('harness-auth-trust-');
    const env = { NOTARY_AUTH: Buffer.from('alice:secret').toString('base64') };
    const init = await runNotary(['init', gun, '-p'], { trustDir, server: server.url, env });
    expect(init.code, init.stderr).toBe(0);
    const scopes = server.auth?.tokenRequests.flatMap((t) => t.scopes) ?? [];
    expect(scopes).toContain(`repository:${gun}:push,pull`);
    const token = server.mintToken({ gun, actions: ['pull'] });
    expect((await server.get(`/v2/${gun}/_trust/tuf/root.json`, { token })).status).toBe(200);
    const bad = await runNotary(['list', gun], {
      trustDir: tempDir('harness-auth-trust-'),
      server: server.url,
      env: { NOTARY_AUTH: Buffer.from('alice:wrong').toString('base64') },
    });
    expect(bad.code).not.toBe(0);
  });
});

describeInterop('mutating proxy', () => {
  let server: NotaryServer;
  let proxy: MutatingProxy;
  beforeAll(async () => {
    server = await startNotaryServer();
    proxy = await startMutatingProxy(server.url);
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it('passes through and records requests', async () => {
    proxy.setMutate(() => undefined);
    proxy.clearLog();
    const r = await httpGet(`${proxy.url}/_notary_server/health`);
    expect(r.status).toBe(200);
    expect(r.body.toString()).toBe('{}');
    expect(proxy.requests).toMatchObject([
      { method: 'GET', path: '/_notary_server/health', status: 200, mutated: false },
    ]);
  });

  it('replaces status, headers and body', async () => {
    proxy.setMutate(() => ({ status: 503, headers: { 'x-test': 'yes' }, body: 'down' }));
    const r = await httpGet(`${proxy.url}/_notary_server/health`);
    expect(r.status).toBe(503);
    expect(r.headers['x-test']).toBe('yes');
    expect(r.body.toString()).toBe('down');
  });

  it('truncates a body under a full Content-Length (the client sees an aborted response)', async () => {
    proxy.setMutate(() => ({ body: 'x'.repeat(1000), truncateAfter: 10 }));
    await expect(httpGet(`${proxy.url}/anything`)).rejects.toThrow();
  });

  it('streams endlessly until the client hangs up', async () => {
    proxy.setMutate(() => ({ endless: true }));
    const got = await new Promise<number>((resolve, reject) => {
      let n = 0;
      const req = get(`${proxy.url}/x`, { agent: false }, (res) => {
        res.on('data', (c: Buffer) => {
          n += c.length;
          if (n > 4 * 1024 * 1024) {
            req.destroy();
            resolve(n);
          }
        });
      });
      // Destroying the request after resolving surfaces as an error; only earlier errors are failures.
      req.on('error', (e) => (n > 4 * 1024 * 1024 ? undefined : reject(e)));
    });
    expect(got).toBeGreaterThan(4 * 1024 * 1024);
  });

  it('stalls until the client times out, and redirects', async () => {
    proxy.setMutate(() => ({ stall: 'after-headers' }));
    await expect(httpGet(`${proxy.url}/x`, {}, 300)).rejects.toThrow(/timed out/);
    proxy.setMutate(() => ({ redirect: '/_notary_server/health' }));
    const r = await httpGet(`${proxy.url}/x`);
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe(`${proxy.url}/_notary_server/health`);
  });

  it('throttles a body and can lie about its length', async () => {
    proxy.setMutate(() => ({ body: 'abcdef', throttle: { chunkBytes: 2, intervalMs: 30 } }));
    const t0 = Date.now();
    const r = await httpGet(`${proxy.url}/x`);
    expect(r.body.toString()).toBe('abcdef');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(60);
    // A Content-Length larger than the body: the connection closes early and the client sees an aborted body.
    proxy.setMutate(() => ({ body: 'abcdef', contentLength: 100 }));
    await expect(httpGet(`${proxy.url}/x`)).rejects.toThrow();
    // Smaller than the body: the extra bytes arrive after the declared end, which strict clients reject.
    proxy.setMutate(() => ({ body: 'abcdef', contentLength: 3 }));
    await expect(httpGet(`${proxy.url}/x`)).rejects.toThrow(/Parse Error/);
  });
});

describe('helpers without binaries', () => {
  it('tempDir makes distinct existing directories', () => {
    const a = tempDir('t-');
    const b = tempDir('t-');
    expect(a).not.toBe(b);
    expect(statSync(a).isDirectory()).toBe(true);
  });
});
