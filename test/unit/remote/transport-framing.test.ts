// Raw-socket servers against every transport: malformed HTTP, Content-Length shorter/longer than the body, a TLS
// handshake that never completes (connect timeout), keep-alive reuse and close(). Same codes and details on each.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { monotonicMs } from '../../../src/remote/clock.js';
import { NotaryRemote, type NotaryRemoteOptions, type TransportFactory } from '../../../src/remote/index.js';
import { TRANSPORTS } from '../../helpers/transports.js';

const GUN = 'example.com/p/q';
let transportFactory: TransportFactory;
let server: Server;
let port = 0;
let connections = 0;
let closedConnections = 0;
let onSocket: (s: Socket) => void = () => {};
const sockets = new Set<Socket>();
const remotes: NotaryRemote[] = [];

function remote(over: Partial<NotaryRemoteOptions> = {}, scheme = 'http'): NotaryRemote {
  const r = new NotaryRemote({
    transportFactory,
    serverUrl: `${scheme}://127.0.0.1:${port}`,
    gun: GUN,
    retries: { retries: 0 },
    ...over,
  });
  remotes.push(r);
  return r;
}

/** Answers every request read from the socket with `reply(n)` (n counts requests on this connection). */
function answer(reply: (n: number) => string | Buffer, keepOpen = true): (s: Socket) => void {
  return (s) => {
    let n = 0;
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      while (buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        s.write(reply(n++));
        if (!keepOpen) s.end();
      }
    });
  };
}

beforeAll(async () => {
  server = createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => {
      closedConnections++;
      sockets.delete(s);
    });
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  port = typeof a === 'object' && a ? a.port : 0;
});
afterEach(async () => {
  await Promise.all(remotes.splice(0).map((r) => r.close()));
  for (const s of sockets) s.destroy();
  connections = 0;
  closedConnections = 0;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

const ok = (body: string, extra = '') =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe.each(TRANSPORTS)('%s transport', (name, factory) => {
  beforeAll(() => {
    transportFactory = factory;
  });

  it('a malformed status line is BAD_RESPONSE, not retried', async () => {
    onSocket = answer(() => 'HTTP/1.1 abc nonsense\r\n\r\n');
    const sleeps: number[] = [];
    const r = remote({ retries: { retries: 2, sleep: async (ms) => void sleeps.push(ms) } });
    await expect(r.getRole('root', { maxBytes: 100 })).rejects.toMatchObject({
      code: 'BAD_RESPONSE',
      details: { url: expect.stringContaining('/root.json'), code: expect.stringMatching(/^(HPE_|HTTPParserError)/) },
    });
    expect(sleeps).toEqual([]);
  });

  it('a header block over the parser limit is BAD_RESPONSE', async () => {
    onSocket = answer(() => `HTTP/1.1 200 OK\r\nx-big: ${'a'.repeat(100 * 1024)}\r\ncontent-length: 0\r\n\r\n`);
    await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('Content-Length shorter than the body: exactly the declared bytes are returned', async () => {
    onSocket = answer(() => 'HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello, and more');
    expect(Buffer.from(await remote().getRole('root', { maxBytes: 100 })).toString()).toBe('hello');
  });

  it('Content-Length longer than the body, connection closed: NETWORK, retried like any network error', async () => {
    onSocket = answer(() => 'HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\nonly this', false);
    const sleeps: number[] = [];
    const r = remote({ retries: { retries: 1, sleep: async (ms) => void sleeps.push(ms) } });
    await expect(r.getRole('root', { maxBytes: 100 })).rejects.toMatchObject({
      code: 'NETWORK',
      details: { url: expect.stringContaining('/root.json') },
    });
    expect(sleeps).toHaveLength(1);
    expect(connections).toBe(2);
  });

  it('a TLS handshake that never completes is TIMEOUT (phase connect), and is retried', async () => {
    onSocket = () => {}; // accepts TCP, never answers the ClientHello
    const sleeps: number[] = [];
    const r = remote(
      { timeouts: { connectMs: 200 }, retries: { retries: 1, sleep: async (ms) => void sleeps.push(ms) } },
      'https',
    );
    const t0 = performance.now();
    await expect(r.getRole('root', { maxBytes: 100 })).rejects.toMatchObject({
      code: 'TIMEOUT',
      details: { phase: 'connect' },
    });
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(sleeps).toHaveLength(1);
    expect(connections).toBe(2);
  });

  it('https to a plain-HTTP server is NETWORK (the registry client falls back to http on it)', async () => {
    onSocket = (s) => s.once('data', () => s.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n'));
    await expect(remote({}, 'https').getRole('root', { maxBytes: 100 })).rejects.toMatchObject({
      code: 'NETWORK',
      details: { tls: true },
    });
  });

  it('keeps one connection alive across requests, and close() releases it', async () => {
    onSocket = answer(() => ok('{}'));
    const r = remote();
    for (let i = 0; i < 3; i++) {
      await r.getRole('timestamp', { maxBytes: 100 });
      // undici's pool takes a second connection if its first is still marked busy in this tick
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(connections).toBe(1);
    await r.close();
    await expect.poll(() => closedConnections).toBe(1);
  });

  it('endless interim (1xx) responses never count as the answer', async () => {
    let timer: NodeJS.Timeout | undefined;
    onSocket = (s) => {
      s.once('data', () => {
        timer = setInterval(() => s.write('HTTP/1.1 100 Continue\r\n\r\n'), 5);
        s.on('close', () => clearInterval(timer));
      });
    };
    try {
      // The wire transport and node:http wait for a final response until the headers timeout; undici drops the
      // connection at the second interim response (UND_ERR_SOCKET). Both are failures, never an answer.
      const want = name === 'undici' ? { code: 'NETWORK' } : { code: 'TIMEOUT', details: { phase: 'headers' } };
      await expect(remote({ timeouts: { headersMs: 300 } }).getRole('root', { maxBytes: 100 })).rejects.toMatchObject(
        want,
      );
    } finally {
      clearInterval(timer);
    }
  });

  it('a chunked body over the cap is RESPONSE_TOO_LARGE whatever its chunk sizes announce', async () => {
    onSocket = answer(
      () => 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n' + `fffffffffff\r\n${'x'.repeat(150)}`,
    );
    await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
  });

  it('close() releases every idle connection, however many', async () => {
    const reply = answer(() => ok('{}'));
    let opened = 0;
    let closed = 0;
    onSocket = (s) => {
      opened++;
      s.on('close', () => closed++);
      reply(s);
    };
    const r = remote();
    await Promise.all([0, 1, 2].map(() => r.getRole('timestamp', { maxBytes: 100 })));
    expect(opened).toBe(3);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(0); // kept alive
    await r.close();
    await expect.poll(() => closed).toBe(3);
  });

  it('an answer that comes before the upload is all sent: that connection is not reused', async () => {
    let opened = 0;
    onSocket = (s) => {
      opened++;
      let head = '';
      s.on('data', (d: Buffer) => {
        head += d.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        if (head.startsWith('POST')) {
          s.pause(); // reads no more of the upload: the client's writes back up
          s.write('HTTP/1.1 413 Payload Too Large\r\ncontent-length: 0\r\n\r\n');
        } else {
          s.write(ok('{}'));
        }
        head = '';
      });
    };
    const t = factory(2_000, {});
    const base = {
      origin: `http://127.0.0.1:${port}`,
      headers: {},
      okStatuses: [200],
      maxBytes: 100,
      tooLarge: {},
      headersTimeoutMs: 2_000,
      bodyIdleTimeoutMs: 2_000,
    };
    try {
      const first = await t.request({
        ...base,
        path: '/v2/x/_trust/tuf/',
        method: 'POST',
        body: new Uint8Array(16 << 20),
        deadline: monotonicMs() + 5_000,
      });
      expect(first.status).toBe(413);
      const second = await t.request({ ...base, path: '/v2/', method: 'GET', deadline: monotonicMs() + 5_000 });
      expect(second.status).toBe(200);
      expect(opened).toBe(2);
    } finally {
      await t.close();
    }
  });

  it('a connection dropped by the cap is not reused: the next request opens a new one', async () => {
    let served = 0;
    onSocket = answer(() => (served++ === 0 ? ok('x'.repeat(200)) : ok('{}')));
    const r = remote();
    await expect(r.getRole('timestamp', { maxBytes: 100 })).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    expect(Buffer.from(await r.getRole('timestamp', { maxBytes: 100 })).toString()).toBe(
      'x'.repeat(200).slice(0, 0) + '{}',
    );
    expect(connections).toBeGreaterThanOrEqual(2);
  });
});
