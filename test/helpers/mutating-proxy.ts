// An HTTP proxy on 127.0.0.1 in front of a notary-server whose hook can rewrite, truncate, stall, slow down,
// stream endlessly, inflate, redirect or reset any response: the attacker in attack tests.
//
// Responses are written as raw HTTP/1.1 onto the socket, always with `Connection: close`, so a hook controls the
// exact framing (a lying Content-Length, a body cut mid-way, a body that never ends) without Node correcting it.
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  STATUS_CODES,
} from 'node:http';
import type { Socket } from 'node:net';

/** The request as the client sent it to the proxy. */
export interface ProxyRequest {
  /** 0-based order of arrival. */
  readonly index: number;
  readonly method: string;
  /** Path and query, e.g. `/v2/example.com/a/_trust/tuf/timestamp.json`. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** The upstream server's answer (fully read). For `forward: false` requests it is a placeholder 502. */
export interface UpstreamResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly body: Buffer;
}

/**
 * What to do with a response. Return `undefined` to pass the upstream response through unchanged. Fields combine:
 * e.g. `{ body: huge, throttle: {...} }` or `{ status: 500, body: '' }`.
 */
export interface ProxyAction {
  /** Replace the status code. */
  status?: number;
  /** Merge into the upstream headers; `null` removes one. Names are case-insensitive. */
  headers?: Record<string, string | string[] | null>;
  /** Replace the body (Content-Length follows it unless `contentLength` says otherwise). */
  body?: Uint8Array | string;
  /** Send this Content-Length whatever the body is (a lie); `null` sends none (body ends at connection close). */
  contentLength?: number | null;
  /** Wait this long before sending anything. */
  delayMs?: number;
  /** Send the body in `chunkBytes` pieces every `intervalMs` (a slow server). */
  throttle?: { chunkBytes: number; intervalMs: number };
  /** Send the headers (with the full Content-Length) and only the first N body bytes, then close the socket. */
  truncateAfter?: number;
  /**
   * Hang: `'before-headers'` sends nothing, `'after-headers'` sends the headers only, a number sends the headers
   * and that many body bytes. The socket stays open until the client gives up or the proxy stops.
   */
  stall?: 'before-headers' | 'after-headers' | number;
  /** After the body, keep streaming filler (spaces, or `chunk`) forever with no Content-Length. */
  endless?: boolean | { chunk?: Uint8Array; intervalMs?: number };
  /** Answer with a redirect instead (status default 302); a path starting with `/` points back at the proxy. */
  redirect?: string | { location: string; status?: number };
  /** Close the connection without any response. */
  reset?: boolean;
}

/** The hook: sees each request and the upstream response, returns how to answer. May be async. */
export type MutateHook = (
  req: ProxyRequest,
  upstream: UpstreamResponse,
) => ProxyAction | undefined | Promise<ProxyAction | undefined>;

export interface MutatingProxyOptions {
  /** Whether to contact the upstream for a request (default: always). If false, the hook sees a placeholder 502. */
  forward?: (req: ProxyRequest) => boolean;
}

export interface ProxyLogEntry {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Status sent to the client (undefined for reset/stall-before-headers). */
  status: number | undefined;
  /** True if the hook changed anything. */
  mutated: boolean;
}

export interface MutatingProxy {
  /** `http://127.0.0.1:<port>`: give this to clients instead of the server URL. */
  readonly url: string;
  readonly port: number;
  /** Every request seen, in order (assert request sequences with it). */
  readonly requests: ProxyLogEntry[];
  /** Swap the hook (one proxy per file, a hook per test). */
  setMutate(hook: MutateHook): void;
  /** Empty `requests`. */
  clearLog(): void;
  /** Destroys open connections (including stalled ones) and closes the listener. */
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'proxy-connection',
  'upgrade',
]);

function readBody(msg: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    msg.on('data', (c: Buffer) => chunks.push(c));
    msg.on('end', () => resolve(Buffer.concat(chunks)));
    msg.on('error', reject);
  });
}

function forwardUpstream(target: URL, req: ProxyRequest): Promise<UpstreamResponse> {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || k === 'host') continue;
    headers[k] = v;
  }
  headers.host = target.host;
  if (req.body.length > 0) headers['content-length'] = String(req.body.length);
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.path, headers, agent: false },
      (res) => {
        readBody(res).then((body) => {
          const h: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) h[k] = v;
          resolve({ status: res.statusCode ?? 502, headers: h, body });
        }, reject);
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Writes, waiting for drain; resolves false if the socket went away. */
function write(sock: Socket, data: Uint8Array | string): Promise<boolean> {
  if (sock.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const ok = sock.write(data, (err) => {
      if (err) resolve(false);
      else if (ok) resolve(true);
    });
    if (!ok) sock.once('drain', () => resolve(!sock.destroyed));
  });
}

async function respond(
  sock: Socket,
  up: UpstreamResponse,
  action: ProxyAction,
  proxyUrl: string,
): Promise<number | undefined> {
  if (action.delayMs) await sleep(action.delayMs);
  if (action.reset) {
    sock.destroy();
    return undefined;
  }
  if (action.stall === 'before-headers') return undefined;

  let status = action.status ?? up.status;
  const headers = new Map<string, string | string[]>();
  for (const [k, v] of Object.entries(up.headers)) headers.set(k.toLowerCase(), v);
  let body: Buffer = action.body === undefined ? up.body : Buffer.from(action.body);
  if (action.redirect !== undefined) {
    const r = typeof action.redirect === 'string' ? { location: action.redirect } : action.redirect;
    status = r.status ?? action.status ?? 302;
    headers.set('location', r.location.startsWith('/') ? `${proxyUrl}${r.location}` : r.location);
    if (action.body === undefined) body = Buffer.alloc(0);
  }
  for (const [k, v] of Object.entries(action.headers ?? {})) {
    if (v === null) headers.delete(k.toLowerCase());
    else headers.set(k.toLowerCase(), v);
  }
  const endless = action.endless !== undefined && action.endless !== false;
  const length = action.contentLength !== undefined ? action.contentLength : endless ? null : body.length;
  headers.set('connection', 'close');
  if (length !== null) headers.set('content-length', String(length));

  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Status'}\r\n`;
  for (const [k, v] of headers) for (const one of Array.isArray(v) ? v : [v]) head += `${k}: ${one}\r\n`;
  if (!(await write(sock, `${head}\r\n`))) return status;
  if (action.stall === 'after-headers') return status;

  let toSend = body;
  let stallAfter = false;
  if (typeof action.stall === 'number') {
    toSend = body.subarray(0, action.stall);
    stallAfter = true;
  } else if (action.truncateAfter !== undefined) {
    toSend = body.subarray(0, action.truncateAfter);
  }
  if (action.throttle) {
    const { chunkBytes, intervalMs } = action.throttle;
    for (let i = 0; i < toSend.length; i += Math.max(1, chunkBytes)) {
      if (!(await write(sock, toSend.subarray(i, i + Math.max(1, chunkBytes))))) return status;
      await sleep(intervalMs);
    }
  } else if (toSend.length > 0 && !(await write(sock, toSend))) {
    return status;
  }
  if (stallAfter) return status;
  if (action.truncateAfter !== undefined) {
    sock.destroy();
    return status;
  }
  if (endless) {
    const opt = typeof action.endless === 'object' ? action.endless : {};
    const chunk = opt.chunk ?? Buffer.alloc(64 * 1024, 0x20);
    while (await write(sock, chunk)) {
      if (opt.intervalMs) await sleep(opt.intervalMs);
    }
    return status;
  }
  sock.end();
  return status;
}

function isNoop(a: ProxyAction | undefined): boolean {
  return a === undefined || Object.keys(a).length === 0;
}

/**
 * Starts the proxy on a free 127.0.0.1 port in front of `target` (e.g. a NotaryServer's url). Each request is
 * forwarded (unless `opts.forward` says not to), then `mutate(request, upstreamResponse)` decides the answer.
 *
 * Examples:
 * - pass-through and record: `() => undefined`, then inspect `proxy.requests`;
 * - tamper: `(r, up) => r.path.endsWith('/timestamp.json') ? { body: flipByte(up.body) } : undefined`;
 * - oversize: `{ body: Buffer.alloc(2 << 20, 0x20) }`; endless: `{ endless: true }`;
 * - slow: `{ throttle: { chunkBytes: 16, intervalMs: 200 } }`; stall: `{ stall: 'after-headers' }`;
 * - lying length: `{ contentLength: 10 }` or `{ truncateAfter: 10 }`; status: `{ status: 500, body: '' }`;
 * - redirect: `{ redirect: 'http://127.0.0.1:1/' }`; connection reset: `{ reset: true }`.
 */
export async function startMutatingProxy(
  target: string,
  mutate: MutateHook = () => undefined,
  opts: MutatingProxyOptions = {},
): Promise<MutatingProxy> {
  const targetUrl = new URL(target);
  let hook = mutate;
  const requests: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();
  let count = 0;
  let proxyUrl = '';

  const server = createServer((req, res) => {
    const sock = req.socket;
    // We answer on the raw socket; keep Node from timing out or writing its own response.
    res.on('error', () => {});
    void (async () => {
      const body = await readBody(req);
      const preq: ProxyRequest = {
        index: count++,
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body,
      };
      const entry: ProxyLogEntry = {
        method: preq.method,
        path: preq.path,
        headers: preq.headers,
        status: undefined,
        mutated: false,
      };
      requests.push(entry);
      let up: UpstreamResponse;
      if (opts.forward?.(preq) ?? true) {
        try {
          up = await forwardUpstream(targetUrl, preq);
        } catch (e) {
          up = {
            status: 502,
            headers: { 'content-type': 'text/plain' },
            body: Buffer.from(`upstream error: ${String(e)}`),
          };
        }
      } else {
        up = { status: 502, headers: {}, body: Buffer.alloc(0) };
      }
      const action = (await hook(preq, up)) ?? {};
      entry.mutated = !isNoop(action);
      entry.status = await respond(sock, up, action, proxyUrl);
    })().catch(() => sock.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  });
  server.on('clientError', (_e, s) => s.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  proxyUrl = `http://127.0.0.1:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    url: proxyUrl,
    port,
    requests,
    setMutate(h) {
      hook = h;
    },
    clearLog() {
      requests.length = 0;
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
      return stopped;
    },
  };
}
