// NotaryRemote over a real undici Agent against local node:http servers: caps, timeouts, retries, status mapping.
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TransportFactory } from '../../../src/remote/index.js';
import { NotaryRemote, type NotaryRemoteOptions } from '../../../src/remote/index.js';
import { TRANSPORTS } from '../../helpers/transports.js';
import { type LocalServer, sendError, startLocalServer } from './local-server.js';

let transportFactory: TransportFactory;

const GUN = 'example.com/p/q';
let srv: LocalServer;
const remotes: NotaryRemote[] = [];

function remote(over: Partial<NotaryRemoteOptions> = {}, sleeps: number[] = []): NotaryRemote {
  const r = new NotaryRemote({
    transportFactory,
    serverUrl: srv.url,
    gun: GUN,
    retries: {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    },
    ...over,
  });
  remotes.push(r);
  return r;
}

beforeAll(async () => {
  srv = await startLocalServer();
});
afterEach(async () => {
  srv.requests.length = 0;
  await Promise.all(remotes.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await srv.close();
});

describe.each(TRANSPORTS)('%s transport', (_name, factory) => {
  beforeAll(() => {
    transportFactory = factory;
  });

  describe('getRole: paths and bytes', () => {
    it('GETs <role>.json, <role>.<sha256>.json and <N>.<role>.json and returns the exact bytes', async () => {
      const payload = Buffer.from('{"signed":{},"signatures":[]}\n\u00ff', 'latin1');
      srv.handle((_q, res) => res.end(payload));
      const r = remote();
      const hex = 'ab'.repeat(32);
      expect(Buffer.from(await r.getRole('root', { maxBytes: 1000 }))).toEqual(payload);
      await r.getRole('snapshot', { maxBytes: 1000, checksum: hex });
      await r.getRole('root', { maxBytes: 1000, version: 3 });
      await r.getRole('targets/releases', { maxBytes: 1000, checksum: hex });
      expect(srv.requests.map((q) => q.url)).toEqual([
        `/v2/${GUN}/_trust/tuf/root.json`,
        `/v2/${GUN}/_trust/tuf/snapshot.${hex}.json`,
        `/v2/${GUN}/_trust/tuf/3.root.json`,
        `/v2/${GUN}/_trust/tuf/targets/releases.${hex}.json`,
      ]);
      expect(srv.requests[0]?.headers['user-agent']).toBe('notary-ts');
      expect(srv.requests[0]?.headers['authorization']).toBeUndefined();
    });

    it('keeps a registry port raw in the path and honours a server URL path prefix', async () => {
      srv.handle((_q, res) => res.end('{}'));
      const r = remote({ serverUrl: `${srv.url}/notary/`, gun: 'localhost:5000/app' });
      await r.getRole('timestamp', { maxBytes: 10 });
      expect(srv.requests[0]?.url).toBe('/notary/v2/localhost:5000/app/_trust/tuf/timestamp.json');
    });

    it('refuses bad selectors and role names before any request', async () => {
      const r = remote();
      await expect(r.getRole('root', { maxBytes: 1, checksum: 'XYZ' })).rejects.toThrow(RangeError);
      await expect(r.getRole('root', { maxBytes: 1, version: 0 })).rejects.toThrow(RangeError);
      await expect(r.getRole('root', { maxBytes: 1, version: 1, checksum: 'ab'.repeat(32) })).rejects.toThrow(
        RangeError,
      );
      await expect(r.getRole('targets/../root', { maxBytes: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      await expect(r.getRole('bogus', { maxBytes: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(srv.requests).toHaveLength(0);
    });
  });

  describe('getRole: size caps count decoded bytes', () => {
    it('accepts a body of exactly maxBytes (chunked) and refuses one byte more', async () => {
      srv.handle((_q, res) => {
        res.write('a'.repeat(60));
        res.end('b'.repeat(40));
      });
      const r = remote();
      expect((await r.getRole('timestamp', { maxBytes: 100 })).length).toBe(100);
      await expect(r.getRole('timestamp', { maxBytes: 99 })).rejects.toMatchObject({
        code: 'RESPONSE_TOO_LARGE',
        details: { role: 'timestamp', maxBytes: 99 },
      });
    });

    it('refuses a Content-Length over the cap at once, without reading the body', async () => {
      let written = 0;
      srv.handle((_q, res) => {
        res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
        res.write(Buffer.alloc(1024));
        written = 1024; // then stall: a client that waits for the body would hang
      });
      const t0 = performance.now();
      await expect(remote().getRole('snapshot', { maxBytes: 4096 })).rejects.toMatchObject({
        code: 'RESPONSE_TOO_LARGE',
        details: { role: 'snapshot', maxBytes: 4096 },
      });
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(written).toBe(1024);
    });

    it('stops an endless chunked body as soon as the count passes the cap and drops the connection', async () => {
      let closed = false;
      let sent = 0;
      srv.handle((req, res) => {
        const chunk = Buffer.alloc(16 * 1024, 0x61);
        const pump = () => {
          while (!closed && res.write(chunk)) sent += chunk.length;
          if (!closed) res.once('drain', pump);
        };
        req.socket.once('close', () => {
          closed = true;
        });
        pump();
      });
      await expect(remote().getRole('targets', { maxBytes: 256 * 1024 })).rejects.toMatchObject({
        code: 'RESPONSE_TOO_LARGE',
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(closed).toBe(true);
      expect(sent).toBeLessThan(64 * 1024 * 1024);
    });

    it('decodes gzip and caps the decoded size (a compression bomb is refused)', async () => {
      const plain = Buffer.from('x'.repeat(5000));
      srv.handle((_q, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end(gzipSync(plain));
      });
      const r = remote();
      expect(Buffer.from(await r.getRole('targets', { maxBytes: 5000 }))).toEqual(plain);
      await expect(r.getRole('targets', { maxBytes: 4999 })).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
      expect(srv.requests[0]?.headers['accept-encoding']).toBe('gzip');
    });

    it('refuses invalid gzip and unknown content encodings as BAD_RESPONSE', async () => {
      srv.handle((_q, res) => {
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end('not gzip at all');
      });
      await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
      srv.handle((_q, res) => {
        res.writeHead(200, { 'content-encoding': 'br' });
        res.end('x');
      });
      await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    });

    it('reads only 64 KiB of an endless error body and still maps the status', async () => {
      srv.handle((req, res) => {
        res.writeHead(404);
        let closed = false;
        req.socket.once('close', () => {
          closed = true;
        });
        const pump = () => {
          while (!closed && res.write(Buffer.alloc(8192, 0x20)));
          if (!closed) res.once('drain', pump);
        };
        pump();
      });
      await expect(remote().getRole('timestamp', { maxBytes: 100 })).rejects.toMatchObject({
        code: 'METADATA_NOT_FOUND',
      });
    });
  });

  describe('timeouts', () => {
    it('a stalled body fails with TIMEOUT (phase body) after bodyIdleMs', async () => {
      srv.handle((_q, res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.write('partial');
      });
      const t0 = performance.now();
      await expect(
        remote({ timeouts: { bodyIdleMs: 300, totalMs: 10_000 } }).getRole('root', { maxBytes: 1000 }),
      ).rejects.toMatchObject({ code: 'TIMEOUT', details: { phase: 'body' } });
      const took = performance.now() - t0;
      expect(took).toBeGreaterThanOrEqual(250);
      expect(took).toBeLessThan(3000);
      expect(srv.requests).toHaveLength(1); // body stalls are not retried
    });

    it('stalled headers fail with TIMEOUT (phase headers)', async () => {
      srv.handle(() => {
        // never answer
      });
      const t0 = performance.now();
      await expect(
        remote({ timeouts: { headersMs: 300, totalMs: 10_000 } }).getRole('root', { maxBytes: 10 }),
      ).rejects.toMatchObject({ code: 'TIMEOUT', details: { phase: 'headers' } });
      expect(performance.now() - t0).toBeLessThan(3000);
    });

    it('a slow drip that never stalls is cut by totalMs', async () => {
      srv.handle((req, res) => {
        res.writeHead(200);
        const t = setInterval(() => res.write('.'), 50);
        req.socket.once('close', () => clearInterval(t));
      });
      const t0 = performance.now();
      await expect(
        remote({ timeouts: { bodyIdleMs: 1000, totalMs: 400 } }).getRole('root', { maxBytes: 1e6 }),
      ).rejects.toMatchObject({ code: 'TIMEOUT', details: { phase: 'total' } });
      expect(performance.now() - t0).toBeLessThan(2500);
    });

    it('defaults bound a stalled server to ~30 s and phases are capped by the total', async () => {
      const { DEFAULT_TIMEOUTS } = await import('../../../src/remote/index.js');
      expect(DEFAULT_TIMEOUTS).toEqual({ connectMs: 10_000, headersMs: 15_000, bodyIdleMs: 10_000, totalMs: 30_000 });
      const { resolveTimeouts } = await import('../../../src/remote/options.js');
      expect(resolveTimeouts({ totalMs: 2000 })).toEqual({
        connectMs: 2000,
        headersMs: 2000,
        bodyIdleMs: 2000,
        totalMs: 2000,
      });
      expect(() => resolveTimeouts({ totalMs: 0 })).toThrow(RangeError);
    });
  });

  describe('retries (GET only, network errors and 5xx)', () => {
    it('retries 5xx with backoff, then reports SERVER_ERROR', async () => {
      srv.handle((_q, res) => sendError(res, 503, { errors: [{ code: 'UNAVAILABLE', message: 'down' }] }));
      const sleeps: number[] = [];
      await expect(remote({}, sleeps).getRole('timestamp', { maxBytes: 100 })).rejects.toMatchObject({
        code: 'SERVER_ERROR',
        details: { status: 503, role: 'timestamp' },
      });
      expect(srv.requests).toHaveLength(3);
      expect(sleeps).toEqual([150, 300]); // 200·2^n with jitter factor 0.75
    });

    it('succeeds when a retry succeeds', async () => {
      let n = 0;
      srv.handle((_q, res) => {
        if (n++ === 0) sendError(res, 500, {});
        else res.end('ok');
      });
      expect(Buffer.from(await remote().getRole('timestamp', { maxBytes: 100 })).toString()).toBe('ok');
      expect(srv.requests).toHaveLength(2);
    });

    it('does not retry 4xx, and never retries a publish', async () => {
      srv.handle((_q, res) => sendError(res, 400, { errors: [{ code: 'MALFORMED_JSON' }] }));
      await expect(remote().getRole('timestamp', { maxBytes: 100 })).rejects.toMatchObject({ code: 'SERVER_REJECTED' });
      expect(srv.requests).toHaveLength(1);
      srv.requests.length = 0;
      srv.handle((_q, res) => sendError(res, 503, {}));
      await expect(remote().publish([{ role: 'root', bytes: new Uint8Array([1]) }])).rejects.toMatchObject({
        code: 'SERVER_ERROR',
      });
      expect(srv.requests).toHaveLength(1);
    });

    it('a closed port is NETWORK after the retries', async () => {
      const closed = await startLocalServer();
      const url = closed.url;
      await closed.close();
      const sleeps: number[] = [];
      await expect(remote({ serverUrl: url }, sleeps).getRole('root', { maxBytes: 10 })).rejects.toMatchObject({
        code: 'NETWORK',
        details: { code: 'ECONNREFUSED' },
      });
      expect(sleeps).toHaveLength(2);
      await expect(remote({ serverUrl: url }).ping()).rejects.toMatchObject({ code: 'NETWORK' });
    });

    it('retries: 0 disables retrying', async () => {
      srv.handle((_q, res) => sendError(res, 502, {}));
      await expect(remote({ retries: { retries: 0 } }).getRole('root', { maxBytes: 10 })).rejects.toMatchObject({
        code: 'SERVER_ERROR',
      });
      expect(srv.requests).toHaveLength(1);
    });
  });

  describe('status mapping', () => {
    const notFound = {
      errors: [{ code: 'METADATA_NOT_FOUND', message: 'You have requested metadata that does not exist.', detail: {} }],
    };

    it('404 on the current root is REPOSITORY_NOT_FOUND; on other files METADATA_NOT_FOUND', async () => {
      srv.handle((_q, res) => sendError(res, 404, notFound));
      const r = remote();
      await expect(r.getRole('root', { maxBytes: 10 })).rejects.toMatchObject({
        code: 'REPOSITORY_NOT_FOUND',
        details: { role: 'root', gun: GUN, status: 404 },
      });
      await expect(r.getRole('timestamp', { maxBytes: 10 })).rejects.toMatchObject({
        code: 'METADATA_NOT_FOUND',
        details: { role: 'timestamp', serverCode: 'METADATA_NOT_FOUND' },
      });
      await expect(r.getRole('root', { maxBytes: 10, version: 2 })).rejects.toMatchObject({
        code: 'METADATA_NOT_FOUND',
        details: { role: 'root', version: 2 },
      });
      expect(srv.requests).toHaveLength(3); // 404 is not retried
    });

    it('redirects are not followed: a 3xx is BAD_RESPONSE', async () => {
      srv.handle((_q, res) => {
        res.writeHead(302, { location: 'http://evil.example/steal' });
        res.end();
      });
      await expect(remote().getRole('root', { maxBytes: 10 })).rejects.toMatchObject({
        code: 'BAD_RESPONSE',
        details: { status: 302, location: 'http://evil.example/steal' },
      });
      expect(srv.requests).toHaveLength(1);
    });

    it('other 2xx statuses are BAD_RESPONSE', async () => {
      srv.handle((_q, res) => {
        res.writeHead(204);
        res.end();
      });
      await expect(remote().getRole('root', { maxBytes: 10 })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    });

    it('ping accepts 200 and 401 and maps the rest', async () => {
      srv.handle((_q, res) => res.end('{}'));
      await remote().ping();
      expect(srv.requests[0]?.url).toBe('/v2/');
      srv.handle((_q, res) => sendError(res, 401, {}, { 'www-authenticate': 'Basic realm="x"' }));
      await remote().ping();
      srv.handle((_q, res) => sendError(res, 404, {}));
      await expect(remote().ping()).rejects.toMatchObject({ code: 'BAD_RESPONSE', details: { status: 404 } });
    });
  });

  describe('keys and delete', () => {
    const key = '{"keytype":"ed25519","keyval":{"public":"AAAA","private":null}}';

    it('getKey GETs <role>.key, rotateKey POSTs it; both return the JSON bytes', async () => {
      srv.handle((_q, res) => res.end(key));
      const r = remote();
      expect(Buffer.from(await r.getKey('timestamp')).toString()).toBe(key);
      expect(Buffer.from(await r.rotateKey('snapshot')).toString()).toBe(key);
      expect(srv.requests.map((q) => `${q.method} ${q.url}`)).toEqual([
        `GET /v2/${GUN}/_trust/tuf/timestamp.key`,
        `POST /v2/${GUN}/_trust/tuf/snapshot.key`,
      ]);
      await expect(r.getKey('targets' as 'timestamp')).rejects.toThrow(RangeError);
    });

    it('a key response that is not a JSON object is BAD_RESPONSE', async () => {
      srv.handle((_q, res) => res.end('<html>'));
      await expect(remote().getKey('timestamp')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
      srv.handle((_q, res) => res.end('[1]'));
      await expect(remote().getKey('timestamp')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    });

    it('deleteRepository sends DELETE to the GUN base path', async () => {
      srv.handle((_q, res) => res.end());
      await remote().deleteRepository();
      expect(srv.requests.map((q) => `${q.method} ${q.url}`)).toEqual([`DELETE /v2/${GUN}/_trust/tuf/`]);
    });
  });
});
