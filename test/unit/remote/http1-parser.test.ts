// The wire transport's response parser: framing, strictness, limits, and the same result for any split of the bytes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExchangeRequest } from '../../../src/remote/http-exchange.js';
import { HttpParseError, MAX_HEAD_BYTES, type ResponseHead, ResponseParser } from '../../../src/remote/http1-parser.js';
import { requestHead } from '../../../src/remote/wire-transport.js';

interface Parsed {
  heads: ResponseHead[];
  body: string;
  ended: number;
  complete: boolean;
  reusable: boolean;
  extra: boolean;
}

/** Feeds `text` (latin1) split at `cuts`, then EOF when `eof`. */
function parse(text: string, cuts: number[] = [], eof = false): Parsed {
  const bytes = Buffer.from(text, 'latin1');
  const out: Parsed = { heads: [], body: '', ended: 0, complete: false, reusable: false, extra: false };
  const p = new ResponseParser({
    head: (h) => out.heads.push(h),
    body: (c) => {
      out.body += Buffer.from(c).toString('latin1');
    },
    end: () => {
      out.ended++;
    },
  });
  let at = 0;
  for (const c of [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b)) {
    p.push(bytes.subarray(at, c));
    at = c;
  }
  p.push(bytes.subarray(at));
  if (eof) p.eof();
  out.complete = p.complete;
  out.reusable = p.reusable;
  out.extra = p.extra;
  return out;
}

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

const CHUNKED =
  'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nx-a: 1\r\nX-A: 2\r\n\r\n' +
  '5;ext=1;q="a \\" b"\r\nhello\r\n7;flag\r\n, world\r\n0\r\nx-trailer: t\r\n\r\n';

describe('ResponseParser', () => {
  it('Content-Length: exactly that many bytes, the connection reusable', () => {
    const r = parse('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n{"a"');
    expect(r.heads).toHaveLength(1);
    expect(r.heads[0]?.status).toBe(404);
    expect(r.heads[0]?.headers['content-type']).toBe('application/json');
    expect(r.body).toBe('{"a"');
    expect([r.ended, r.complete, r.reusable]).toEqual([1, true, true]);
  });

  it('chunked with extensions and trailers; repeated fields become an array in order', () => {
    const r = parse(CHUNKED);
    expect(r.body).toBe('hello, world');
    expect(r.heads[0]?.headers['x-a']).toEqual(['1', '2']);
    expect([r.ended, r.reusable]).toEqual([1, true]);
  });

  it('no length: the body runs to EOF and the connection is not reused', () => {
    const r = parse('HTTP/1.1 200 OK\r\n\r\nabc', [], true);
    expect([r.body, r.ended, r.complete, r.reusable]).toEqual(['abc', 1, true, false]);
  });

  it('204 and 304 have no body; 1xx interim responses are dropped', () => {
    expect(parse('HTTP/1.1 204 No Content\r\n\r\n').complete).toBe(true);
    const r = parse(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nlink: x\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok',
    );
    expect(r.heads.map((h) => h.status)).toEqual([200]);
    expect(r.body).toBe('ok');
  });

  it('HTTP/1.0 and Connection: close are complete but not reusable; bytes after the response mark it', () => {
    expect(parse('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n').reusable).toBe(false);
    expect(parse('HTTP/1.1 200 OK\r\nconnection: Close\r\ncontent-length: 0\r\n\r\n').reusable).toBe(false);
    const r = parse('HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nxHTTP/1.1 200 OK');
    expect([r.body, r.complete, r.extra, r.reusable]).toEqual(['x', true, true, false]);
  });

  it('a response cut short is ECONNRESET at EOF (before the head, mid-body, mid-chunk)', () => {
    expect(code(() => parse('', [], true))).toBe('ECONNRESET');
    expect(code(() => parse('HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nab', [], true))).toBe('ECONNRESET');
    expect(code(() => parse('HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab', [], true))).toBe(
      'ECONNRESET',
    );
  });

  it.each([
    ['a malformed status line', 'HTTP/1.1 abc nonsense\r\n\r\n', 'HPE_INVALID_CONSTANT'],
    ['HTTP/2 in an HTTP/1 status line', 'HTTP/2 200 OK\r\n\r\n', 'HPE_INVALID_CONSTANT'],
    ['a bare LF', 'HTTP/1.1 200 OK\ncontent-length: 0\n\n', 'HPE_LF_EXPECTED'],
    ['an obs-folded field', 'HTTP/1.1 200 OK\r\nx: a\r\n b\r\ncontent-length: 0\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\ncontent-length : 0\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
    ['a NUL in a value', 'HTTP/1.1 200 OK\r\nx: a\0b\r\ncontent-length: 0\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN'],
    [
      'Transfer-Encoding with Content-Length',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\n\r\n',
      'HPE_UNEXPECTED_CONTENT_LENGTH',
    ],
    [
      'another transfer coding',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, chunked\r\n\r\n',
      'HPE_INVALID_TRANSFER_ENCODING',
    ],
    [
      'two different lengths',
      'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\n',
      'HPE_INVALID_CONTENT_LENGTH',
    ],
    ['a list of different lengths', 'HTTP/1.1 200 OK\r\ncontent-length: 3, 4\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH'],
    ['a signed length', 'HTTP/1.1 200 OK\r\ncontent-length: +3\r\n\r\n', 'HPE_INVALID_CONTENT_LENGTH'],
    [
      'a length over 15 digits',
      'HTTP/1.1 200 OK\r\ncontent-length: 1234567890123456\r\n\r\n',
      'HPE_INVALID_CONTENT_LENGTH',
    ],
    [
      'two equal lengths (llhttp refuses any repeat)',
      'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ncontent-length: 3\r\n\r\n',
      'HPE_INVALID_CONTENT_LENGTH',
    ],
    [
      'whitespace before a chunk extension',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1 ;a\r\n',
      'HPE_INVALID_CHUNK_SIZE',
    ],
    [
      'a chunk extension that is not a token',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1;"\r\n',
      'HPE_INVALID_CHUNK_SIZE',
    ],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', 'HPE_INVALID_CHUNK_SIZE'],
    [
      'a chunk size over 12 hex digits',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1000000000000\r\n',
      'HPE_INVALID_CHUNK_SIZE',
    ],
    ['chunk data without its CRLF', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nab\r\n', 'HPE_STRICT'],
    ['a switch of protocols', 'HTTP/1.1 101 Switching\r\nupgrade: x\r\n\r\n', 'HPE_INVALID_STATUS'],
  ])('%s is refused', (_what, text, want) => {
    expect(code(() => parse(text))).toBe(want);
  });

  it('a head section over the limit is HPE_HEADER_OVERFLOW, whether or not it ever ends', () => {
    const big = `HTTP/1.1 200 OK\r\nx: ${'a'.repeat(MAX_HEAD_BYTES)}`;
    expect(code(() => parse(big))).toBe('HPE_HEADER_OVERFLOW');
    expect(code(() => parse(`${big}\r\ncontent-length: 0\r\n\r\n`))).toBe('HPE_HEADER_OVERFLOW');
    const trailers = `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n0\r\n${'x: y\r\n'.repeat(3000)}\r\n`;
    expect(code(() => parse(trailers))).toBe('HPE_HEADER_OVERFLOW');
  });

  it('errors are HttpParseError with the llhttp code', () => {
    let err: unknown;
    try {
      parse('nope\r\n\r\n');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HttpParseError);
    expect((err as HttpParseError).code).toBe('HPE_INVALID_CONSTANT');
  });

  it('any split of the bytes gives the same response (property)', () => {
    const responses = [
      CHUNKED,
      'HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\nhello world',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\ncontent-length: 3\r\n\r\nabc',
      'HTTP/1.1 500 Oops\r\ntransfer-encoding: chunked\r\n\r\n1\r\n\r\r\n2\r\n\n\n\r\n0\r\n\r\n',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...responses),
        fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 12 }),
        (text, cuts) => {
          const whole = parse(text);
          const split = parse(text, cuts);
          expect(split).toEqual(whole);
          expect(whole.complete).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a refused response is refused at any split, with the same code (property)', () => {
    const bad = [
      'HTTP/1.1 200 OK\r\ncontent-length: 3\r\ncontent-length: 4\r\n\r\n',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nab\r\n',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\nhello\r\n',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...bad),
        fc.array(fc.integer({ min: 1, max: 80 }), { maxLength: 8 }),
        (text, cuts) => {
          expect(code(() => parse(text, cuts))).toBe(code(() => parse(text)));
          expect(code(() => parse(text))).toMatch(/^HPE_/);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('requestHead', () => {
  const req = (over: Partial<ExchangeRequest>): ExchangeRequest => ({
    origin: 'http://h',
    path: '/v2/',
    method: 'GET',
    headers: {},
    okStatuses: [200],
    maxBytes: 10,
    tooLarge: {},
    headersTimeoutMs: 1,
    bodyIdleTimeoutMs: 1,
    deadline: 0,
    ...over,
  });

  it('writes the request line, host, the headers and the body length', () => {
    expect(requestHead(req({ method: 'POST', headers: { 'user-agent': 'x' }, body: new Uint8Array(3) }), 'h:1')).toBe(
      'POST /v2/ HTTP/1.1\r\nhost: h:1\r\nuser-agent: x\r\ncontent-length: 3\r\n\r\n',
    );
  });

  it('refuses what would inject a header or break the request line, with node:http codes', () => {
    expect(code(() => requestHead(req({ headers: { authorization: 'Bearer a\r\nx-evil: 1' } }), 'h'))).toBe(
      'ERR_INVALID_CHAR',
    );
    expect(code(() => requestHead(req({ headers: { 'bad name': 'v' } }), 'h'))).toBe('ERR_INVALID_HTTP_TOKEN');
    expect(code(() => requestHead(req({ path: '/a b' }), 'h'))).toBe('ERR_UNESCAPED_CHARACTERS');
    expect(code(() => requestHead(req({ path: '/a\r\nx' }), 'h'))).toBe('ERR_UNESCAPED_CHARACTERS');
  });

  it('framing headers are the transport’s own', () => {
    const head = requestHead(req({ headers: { 'Content-Length': '99', Host: 'evil', Connection: 'x' } }), 'h');
    expect(head).toBe('GET /v2/ HTTP/1.1\r\nhost: h\r\n\r\n');
  });
});
