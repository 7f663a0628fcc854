// The Transport the CLI uses by default (SPEC §9 "Transport"): HTTP/1.1 written and read by this project over
// node:net / node:tls sockets. A CLI run makes a handful of requests: node:http's client, agent and their first use
// cost a cold process ~5 ms more than this, on every networked command. Keep-alive sockets are reused per origin.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { type TransportOptions, tlsSocketOptions } from './dispatcher.js';
import { ExchangeReader, type ExchangeRequest, type ExchangeResponse } from './http-exchange.js';
import { ResponseParser } from './http1-parser.js';
import type { Transport } from './transport.js';

/** Free keep-alive sockets are closed after this long, as the other transports' keep-alive timeout. */
const KEEP_ALIVE_MS = 4_000;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Header values: no CR, LF or NUL (a value that could end the line would inject headers). */
const VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/** Request targets as the remote layer builds them: origin-form, already percent-encoded. */
const TARGET = /^\/[\x21-\x7e]*$/;

function invalid(code: string, message: string): TypeError {
  return Object.assign(new TypeError(message), { code });
}

/** The request head, validated as node:http validates it (same error codes). */
export function requestHead(req: ExchangeRequest, host: string): string {
  if (!TARGET.test(req.path)) throw invalid('ERR_UNESCAPED_CHARACTERS', 'request path contains unescaped characters');
  let head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${host}\r\n`;
  for (const [name, value] of Object.entries(req.headers)) {
    if (!TOKEN.test(name)) throw invalid('ERR_INVALID_HTTP_TOKEN', `invalid header name ${JSON.stringify(name)}`);
    if (!VALUE.test(value)) throw invalid('ERR_INVALID_CHAR', `invalid character in header ${name}`);
    const lower = name.toLowerCase();
    if (lower === 'host' || lower === 'content-length' || lower === 'transfer-encoding' || lower === 'connection') {
      continue; // framing is this transport's
    }
    head += `${name}: ${value}\r\n`;
  }
  if (req.body !== undefined) head += `content-length: ${req.body.length}\r\n`;
  return `${head}\r\n`;
}

/** Destroys a socket this transport no longer listens to; a late 'error' (none is expected) cannot go unhandled. */
function discard(socket: Socket): void {
  socket.on('error', () => {});
  socket.destroy();
}

interface Pooled {
  socket: Socket;
  timer: NodeJS.Timeout;
  drop: () => void;
}

export class WireTransport implements Transport {
  private readonly idle = new Map<string, Pooled[]>();
  private readonly active = new Set<Socket>();
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
    let head: string;
    let u: URL;
    try {
      u = new URL(req.origin);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') {
        throw invalid('ERR_INVALID_PROTOCOL', `protocol ${u.protocol} not supported`);
      }
      head = requestHead(req, u.host);
    } catch (e) {
      reader.fail(e);
      return reader.done;
    }
    const key = u.origin;
    let socket = this.takeIdle(key);
    if (socket === undefined) {
      try {
        socket = this.connect(u);
      } catch (e) {
        reader.fail(e);
        return reader.done;
      }
      reader.connecting(this.connectTimeoutMs);
      socket.once(u.protocol === 'https:' ? 'secureConnect' : 'connect', () => reader.requestSent());
    } else {
      reader.requestSent();
    }
    this.exchange(socket, key, head, req.body, reader);
    return reader.done;
  }

  async close(): Promise<void> {
    this.closed = true;
    // drop() takes the entry out of its list: iterate over copies.
    for (const list of [...this.idle.values()]) for (const p of [...list]) p.drop();
    this.idle.clear();
    // Their exchanges' own listeners see the close and fail them.
    for (const s of this.active) s.destroy();
    this.active.clear();
  }

  private connect(u: URL): Socket {
    const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
    if (u.protocol === 'http:') {
      const net = process.getBuiltinModule('node:net');
      return net.connect({ host, port: u.port === '' ? 80 : Number(u.port), noDelay: true });
    }
    const ip = process.getBuiltinModule('node:net').isIP(host) !== 0;
    const socket: TLSSocket = process.getBuiltinModule('node:tls').connect({
      host,
      port: u.port === '' ? 443 : Number(u.port),
      ...(ip ? {} : { servername: host }),
      ...tlsSocketOptions(this.options.tls),
    });
    socket.setNoDelay(true);
    return socket;
  }

  private exchange(
    socket: Socket,
    key: string,
    head: string,
    body: Uint8Array | undefined,
    reader: ExchangeReader,
  ): void {
    this.active.add(socket);
    socket.ref();
    let done = false;
    const parser = new ResponseParser({
      head: (h) => reader.responseStart(h.status, h.headers),
      body: (chunk) => reader.data(chunk),
      end: () => {
        done = true;
      },
    });
    const detach = () => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onClose);
      socket.off('error', onError);
      this.active.delete(socket);
    };
    const finish = () => {
      detach();
      // Settled first, so that a cap hit on the last chunk (which destroys the socket) is seen here.
      reader.end();
      // A response that came before the request was all written (a server refusing an upload early) leaves request
      // bytes on the connection: it is not reused.
      if (parser.reusable && socket.writableLength === 0 && !socket.destroyed && !this.closed) {
        this.release(key, socket);
      } else discard(socket);
    };
    const failWith = (e: unknown) => {
      detach();
      discard(socket);
      reader.fail(e);
    };
    const onData = (d: Buffer) => {
      try {
        parser.push(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
      } catch (e) {
        failWith(e);
        return;
      }
      if (done) finish();
    };
    const onEnd = () => {
      try {
        parser.eof();
      } catch (e) {
        failWith(e);
        return;
      }
      if (done) finish();
    };
    const onClose = () => {
      if (!done) failWith(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    };
    const onError = (e: Error) => failWith(e);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('error', onError);
    // Destroyed without the reason: the exchange is settled by the reader itself.
    reader.onAbort(() => {
      detach();
      discard(socket);
    });
    if (body === undefined || body.length === 0) {
      socket.write(head, 'latin1');
    } else {
      socket.cork();
      socket.write(head, 'latin1');
      socket.write(body);
      socket.uncork();
    }
  }

  private takeIdle(key: string): Socket | undefined {
    const list = this.idle.get(key);
    const p = list?.pop();
    if (p === undefined) return undefined;
    clearTimeout(p.timer);
    p.socket.off('close', p.drop);
    p.socket.off('end', p.drop);
    p.socket.off('error', p.drop);
    p.socket.off('data', p.drop);
    return p.socket;
  }

  private release(key: string, socket: Socket): void {
    socket.unref();
    const list = this.idle.get(key) ?? [];
    this.idle.set(key, list);
    // Anything from the server while idle (a close, stray bytes) makes the socket unusable.
    const drop = () => {
      clearTimeout(entry.timer);
      const i = list.indexOf(entry);
      if (i >= 0) list.splice(i, 1);
      discard(socket);
    };
    const entry: Pooled = { socket, timer: setTimeout(drop, KEEP_ALIVE_MS), drop };
    entry.timer.unref();
    socket.on('close', drop);
    socket.on('end', drop);
    socket.on('error', drop);
    socket.on('data', drop);
    list.push(entry);
  }
}
