// Differential test of the wire transport against node:http (llhttp) on generated raw responses, valid and broken:
// whatever the wire transport accepts, node:http accepts too, with the same status, headers and body. The wire
// transport may refuse more (it is stricter), never less, and never reads different bytes.
import { createServer, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNotaryError } from '../../../src/errors.js';
import { monotonicMs } from '../../../src/remote/clock.js';
import {
  type ExchangeRequest,
  type ExchangeResponse,
  NodeHttpTransport,
  type Transport,
  WireTransport,
} from '../../../src/remote/index.js';

let server: Server;
let port = 0;
let reply: Buffer = Buffer.alloc(0);
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let head = '';
    const payload = reply;
    s.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      if (head.includes('\r\n\r\n')) s.end(payload);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  port = typeof a === 'object' && a ? a.port : 0;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

type Outcome = { ok: true; res: ExchangeResponse } | { ok: false; code: string; detail: string };

async function exchange(t: Transport): Promise<Outcome> {
  const req: ExchangeRequest = {
    origin: `http://127.0.0.1:${port}`,
    path: '/v2/x/_trust/tuf/root.json',
    method: 'GET',
    headers: {},
    okStatuses: [200, 201, 404],
    maxBytes: 1 << 20,
    tooLarge: {},
    headersTimeoutMs: 2_000,
    bodyIdleTimeoutMs: 2_000,
    deadline: monotonicMs() + 3_000,
  };
  try {
    return { ok: true, res: await t.request(req) };
  } catch (e) {
    if (!isNotaryError(e)) throw e;
    return { ok: false, code: e.code, detail: String(e.details['code'] ?? '') };
  } finally {
    await t.close();
  }
}

const token = fc.constantFrom('x-a', 'X-Multi', 'content-type', 'etag', 'x-b', 'Set-Cookie');
const value = fc.constantFrom('v', '', '  padded  ', 'a, b', 'caf\xe9', 'tab\there', 'x\x7fy');
const line = fc.tuple(token, value).map(([n, v]) => `${n}: ${v}`);

/** Broken lines that may replace or join the generated ones. */
const oddLine = fc.constantFrom(
  ' folded continuation',
  'no-colon',
  'sp ace: v',
  'name : v',
  'x-nul: a\0b',
  'content-length: 3',
  'content-length: 3, 3',
  'content-length: 3, 4',
  'content-length: -1',
  'content-length: 0x10',
  'transfer-encoding: chunked',
  'transfer-encoding: gzip',
  'transfer-encoding: chunked, chunked',
  'Transfer-Encoding: CHUNKED',
  'connection: close',
  'connection: keep-alive',
);

const body = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '\r', '\n', ' ', ';', '\xff', '\0'), maxLength: 40 });

const response = fc.record({
  interim: fc.constantFrom('', 'HTTP/1.1 100 Continue\r\n\r\n', 'HTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n'),
  version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/1.2', 'http/1.1'),
  status: fc.constantFrom(200, 200, 201, 204, 304, 404, 500, 99, 1000),
  reason: fc.constantFrom(' OK', ' Not Found', '', ' ', ' odd\treason'),
  lines: fc.array(line, { maxLength: 5 }),
  odd: fc.oneof(
    { arbitrary: fc.constant([] as string[]), weight: 2 },
    { arbitrary: fc.array(oddLine, { minLength: 1, maxLength: 2 }), weight: 1 },
  ),
  framing: fc.constantFrom('length', 'short', 'long', 'chunked', 'close'),
  body,
  chunks: fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 6 }),
  ext: fc.constantFrom('', ';a=b', ';x', ' ;q', ';"', ';q="x y"', ';a=b;c', ';a= b'),
  trailers: fc.constantFrom('', 'x-t: 1\r\n', 'bad trailer\r\n'),
  eol: fc.constantFrom('\r\n', '\r\n', '\r\n', '\r\n', '\r\n', '\n'),
});

type Response = typeof response extends fc.Arbitrary<infer T> ? T : never;

function render(r: Response): Buffer {
  const headers = [...r.lines, ...r.odd];
  let payload = r.body;
  if (r.framing === 'length') headers.push(`content-length: ${Buffer.byteLength(r.body, 'latin1')}`);
  if (r.framing === 'short') headers.push(`content-length: ${Math.max(0, r.body.length - 2)}`);
  if (r.framing === 'long') headers.push(`content-length: ${r.body.length + 5}`);
  if (r.framing === 'chunked') {
    headers.push('transfer-encoding: chunked');
    let at = 0;
    payload = '';
    for (const n of r.chunks) {
      const part = r.body.slice(at, at + n);
      if (part === '') break;
      payload += `${part.length.toString(16)}${r.ext}\r\n${part}\r\n`;
      at += n;
    }
    payload += `0\r\n${r.trailers}\r\n`;
  }
  const head = [`${r.version} ${r.status}${r.reason}`, ...headers].join(r.eol);
  return Buffer.from(`${r.interim}${head}${r.eol}${r.eol}${payload}`, 'latin1');
}

describe('wire transport vs node:http on generated responses', () => {
  it('accepts nothing node:http refuses, and reads exactly what node:http reads (property)', async () => {
    let agreedOk = 0;
    let bothRefused = 0;
    await fc.assert(
      fc.asyncProperty(response, async (r) => {
        reply = render(r);
        const wire = await exchange(new WireTransport(2_000));
        const node = await exchange(new NodeHttpTransport(2_000));
        if (wire.ok) {
          expect(
            node.ok,
            `node:http refused what the wire transport accepted: ${JSON.stringify(reply.toString('latin1'))}`,
          ).toBe(true);
          if (!node.ok) return;
          expect(wire.res.status).toBe(node.res.status);
          expect(Buffer.from(wire.res.body).toString('latin1')).toBe(Buffer.from(node.res.body).toString('latin1'));
          expect(wire.res.headers).toEqual(node.res.headers);
          expect(wire.res.truncated).toBe(node.res.truncated);
          agreedOk++;
        } else {
          // Refusals are errors of the same kinds node:http reports; the wire transport may refuse more.
          expect(['BAD_RESPONSE', 'NETWORK']).toContain(wire.code);
          if (!node.ok) bothRefused++;
        }
      }),
      { numRuns: 1000 },
    );
    // The generator reaches both sides: plenty of accepted responses, and refusals.
    expect(agreedOk, `accepted by both: ${agreedOk}`).toBeGreaterThan(60);
    expect(bothRefused, `refused by both: ${bothRefused}`).toBeGreaterThan(60);
  });
});
