// publish(): the multipart body as Go writes it (parsed back by the test server) and the server's 400 mapping.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TransportFactory } from '../../../src/remote/index.js';
import { NotaryRemote } from '../../../src/remote/index.js';
import { buildPublishBody } from '../../../src/remote/multipart.js';
import { TRANSPORTS } from '../../helpers/transports.js';
import { type LocalServer, sendError, startLocalServer } from './local-server.js';

let transportFactory: TransportFactory;

const GUN = 'example.com/p/q';
let srv: LocalServer;
const remotes: NotaryRemote[] = [];

function remote(): NotaryRemote {
  const r = new NotaryRemote({
    transportFactory,
    serverUrl: srv.url,
    gun: GUN,
  });
  remotes.push(r);
  return r;
}

interface Part {
  headers: Record<string, string>;
  body: Buffer;
}

/** A strict multipart/form-data reader (RFC 7578), enough to check what we send. */
function parseMultipart(contentType: string, body: Buffer): Part[] {
  const m = /^multipart\/form-data; boundary=([0-9A-Za-z'()+_,\-./:=?]{1,70})$/.exec(contentType);
  if (!m) throw new Error(`bad content type ${contentType}`);
  const delim = Buffer.from(`--${m[1]}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delim);
  if (pos !== 0) throw new Error('body must start with the delimiter');
  for (;;) {
    pos += delim.length;
    if (body.subarray(pos, pos + 4).toString() === '--\r\n' && pos + 4 === body.length) return parts;
    if (body.subarray(pos, pos + 2).toString() !== '\r\n') throw new Error('missing CRLF after delimiter');
    pos += 2;
    const headEnd = body.indexOf('\r\n\r\n', pos);
    const headers: Record<string, string> = {};
    for (const line of body.subarray(pos, headEnd).toString('latin1').split('\r\n')) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delim]), headEnd + 4);
    if (next < 0) throw new Error('unterminated part');
    parts.push({ headers, body: body.subarray(headEnd + 4, next) });
    pos = next + 2;
  }
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

  describe('publish request body', () => {
    it('is ONE multipart POST to /v2/<gun>/_trust/tuf/ with field files and filename = role name', async () => {
      srv.handle((_q, res) => res.end());
      const files = [
        { role: 'root', bytes: new Uint8Array(Buffer.from('{"signed":{"_type":"Root"}}')) },
        { role: 'targets', bytes: new Uint8Array(randomBytes(3000)) },
        { role: 'targets/releases', bytes: new Uint8Array(Buffer.from('\r\n--\r\n')) },
        { role: 'snapshot', bytes: new Uint8Array(0) },
      ];
      await remote().publish(files);
      expect(srv.requests).toHaveLength(1);
      const q = srv.requests[0]!;
      expect(q.method).toBe('POST');
      expect(q.url).toBe(`/v2/${GUN}/_trust/tuf/`);
      expect(Number(q.headers['content-length'])).toBe(q.body.length);
      const parts = parseMultipart(String(q.headers['content-type']), q.body);
      expect(parts.map((p) => p.headers['content-disposition'])).toEqual(
        files.map((f) => `form-data; name="files"; filename="${f.role}"`),
      );
      for (const [i, p] of parts.entries()) {
        expect(p.headers['content-type']).toBe('application/octet-stream');
        expect(Buffer.compare(p.body, Buffer.from(files[i]!.bytes))).toBe(0);
      }
    });

    it('refuses an empty list, duplicate roles and unsafe role names before sending', async () => {
      expect(() => buildPublishBody([])).toThrow(RangeError);
      const one = { role: 'root', bytes: new Uint8Array(1) };
      expect(() => buildPublishBody([one, one])).toThrow(RangeError);
      await expect(remote().publish([{ role: 'targets/"x', bytes: new Uint8Array(1) }])).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
      expect(srv.requests).toHaveLength(0);
    });
  });

  describe('publish error mapping (notary-server errcode bodies)', () => {
    const cases: Array<[string, number, unknown, Record<string, unknown>]> = [
      [
        'VERSION → VERSION_CONFLICT',
        400,
        { errors: [{ code: 'VERSION', message: 'A newer version of metadata is already available.', detail: {} }] },
        { code: 'VERSION_CONFLICT', details: { serverCode: 'VERSION' } },
      ],
      [
        'INVALID_UPDATE ErrBadTargets → SERVER_REJECTED with name and reason',
        400,
        {
          errors: [
            {
              code: 'INVALID_UPDATE',
              message: 'Update sent by the client is invalid.',
              detail: { Name: 'ErrBadTargets', Error: { Msg: 'valid signatures did not meet threshold for targets' } },
            },
          ],
        },
        {
          code: 'SERVER_REJECTED',
          details: {
            serverCode: 'INVALID_UPDATE',
            name: 'ErrBadTargets',
            reason: 'valid signatures did not meet threshold for targets',
          },
        },
      ],
      [
        'INVALID_UPDATE ErrBadHierarchy',
        400,
        {
          errors: [
            {
              code: 'INVALID_UPDATE',
              detail: { Name: 'ErrBadHierarchy', Error: { Missing: 'snapshot', Msg: 'no snapshot was included' } },
            },
          ],
        },
        { code: 'SERVER_REJECTED', details: { name: 'ErrBadHierarchy', reason: 'no snapshot was included' } },
      ],
      [
        'MALFORMED_JSON → SERVER_REJECTED',
        400,
        { errors: [{ code: 'MALFORMED_JSON', message: 'JSON sent by the client could not be parsed.' }] },
        { code: 'SERVER_REJECTED', details: { serverCode: 'MALFORMED_JSON', status: 400 } },
      ],
      [
        'INVALID_ROLE keeps its string detail',
        400,
        { errors: [{ code: 'INVALID_ROLE', message: 'invalid role', detail: 'foo' }] },
        { code: 'SERVER_REJECTED', details: { serverCode: 'INVALID_ROLE', detail: 'foo' } },
      ],
      [
        'unparseable 400 body → SERVER_REJECTED',
        400,
        'not json',
        { code: 'SERVER_REJECTED', details: { status: 400 } },
      ],
      ['401 → UNAUTHORIZED', 401, { errors: [{ code: 'UNAUTHORIZED' }] }, { code: 'UNAUTHORIZED' }],
      ['403 → UNAUTHORIZED', 403, { errors: [{ code: 'DENIED' }] }, { code: 'UNAUTHORIZED', details: { status: 403 } }],
      ['413 → SERVER_REJECTED', 413, {}, { code: 'SERVER_REJECTED', details: { status: 413 } }],
      ['500 → SERVER_ERROR', 500, {}, { code: 'SERVER_ERROR', details: { status: 500 } }],
    ];
    for (const [name, status, body, expected] of cases) {
      it(name, async () => {
        srv.handle((_q, res) => {
          if (typeof body === 'string') {
            res.writeHead(status);
            res.end(body);
          } else sendError(res, status, body);
        });
        await expect(remote().publish([{ role: 'targets', bytes: new Uint8Array(2) }])).rejects.toMatchObject(expected);
        expect(srv.requests).toHaveLength(1);
      });
    }
  });
});
