// The Transport over node:http / node:https: the CLI's default. Loads only the module the URL's scheme needs, on
// first use, and keeps one keep-alive Agent per scheme for the life of the transport.
import type { ClientRequest, Agent as HttpAgent, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { type TransportOptions, tlsSocketOptions } from './dispatcher.js';
import { ExchangeReader, type ExchangeRequest, type ExchangeResponse, type ResponseHeaders } from './http-exchange.js';
import type { Transport } from './transport.js';

/** Sockets that finished their TCP connect (http) or TLS handshake (https): a request on them is sent at once. */
const ready = new WeakSet<Socket>();

/** Free keep-alive sockets are closed after this long, as the undici Agent's `keepAliveTimeout`. */
const KEEP_ALIVE_MS = 4_000;

function headersOf(res: IncomingMessage): ResponseHeaders {
  // As undici gives them: lower-case names, a repeated header as an array, a single one as a string.
  const out: ResponseHeaders = {};
  for (const [name, values] of Object.entries(res.headersDistinct)) {
    if (values === undefined) continue;
    out[name] = values.length === 1 ? values[0] : values;
  }
  return out;
}

export class NodeHttpTransport implements Transport {
  private http: HttpAgent | undefined;
  private https: HttpAgent | undefined;
  private closed = false;

  /**
   * @param options TLS settings for https URLs (`ca` replaces Node's roots, `cert`/`key` for mutual TLS,
   *   `rejectUnauthorized`, `allowPartialTrustChain`); a proxy is not supported here (see `defaultTransport`).
   */
  constructor(
    private readonly connectTimeoutMs: number,
    private readonly options: TransportOptions = {},
  ) {}

  request(req: ExchangeRequest): Promise<ExchangeResponse> {
    const reader = ExchangeReader.open(req, this.closed);
    if (reader.settled) return reader.done;
    let r: ClientRequest;
    let secure = false;
    try {
      const u = new URL(req.origin);
      secure = u.protocol === 'https:';
      const mod = secure ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
      const headers: Record<string, string> = { ...req.headers };
      if (req.body !== undefined) headers['content-length'] = String(req.body.length);
      r = mod.request({
        agent: this.agent(secure),
        protocol: u.protocol,
        hostname: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
        port: u.port === '' ? (secure ? 443 : 80) : Number(u.port),
        path: req.path,
        method: req.method,
        headers,
      });
    } catch (e) {
      reader.fail(e);
      return reader.done;
    }
    // Destroyed without the reason: Node would re-emit it on the response stream after our listeners are gone.
    reader.onAbort(() => r.destroy());
    let response: IncomingMessage | undefined;
    // Bytes after a complete response (a Content-Length shorter than the body) are a parse error on the connection
    // that follows it; the response already read is whole and its 'end' settles the exchange.
    r.on('error', (e) => {
      if (!response?.complete) reader.fail(e);
    });
    r.on('socket', (s: Socket) => {
      if (ready.has(s)) {
        reader.requestSent();
        return;
      }
      reader.connecting(this.connectTimeoutMs);
      s.once(secure ? 'secureConnect' : 'connect', () => {
        ready.add(s);
        reader.requestSent();
      });
    });
    r.on('response', (res: IncomingMessage) => {
      response = res;
      reader.responseStart(res.statusCode ?? 0, headersOf(res));
      res.on('data', (c: Buffer) => reader.data(new Uint8Array(c.buffer, c.byteOffset, c.byteLength)));
      res.on('end', () => reader.end());
      res.on('error', (e) => reader.fail(e));
      // The connection closed before the body its framing announced (Content-Length longer than the body).
      res.on('close', () => {
        if (!res.complete) reader.fail(Object.assign(new Error('connection closed mid-body'), { code: 'ECONNRESET' }));
      });
    });
    r.end(req.body);
    return reader.done;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.http?.destroy();
    this.https?.destroy();
    this.http = undefined;
    this.https = undefined;
  }

  private agent(secure: boolean): HttpAgent {
    if (!secure) {
      this.http ??= new (process.getBuiltinModule('node:http').Agent)({ keepAlive: true, timeout: KEEP_ALIVE_MS });
      return this.http;
    }
    if (!this.https) {
      this.https = new (process.getBuiltinModule('node:https').Agent)({
        keepAlive: true,
        timeout: KEEP_ALIVE_MS,
        ...tlsSocketOptions(this.options.tls),
      });
    }
    return this.https;
  }
}
