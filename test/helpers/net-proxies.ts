// Small loopback servers for connection tests: an mTLS front that demands a client certificate and forwards to an
// upstream HTTPS server, and an HTTP proxy (CONNECT tunnels and plain forwarding) that counts what went through it.
import { readFileSync } from 'node:fs';
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      resolve(typeof a === 'object' && a !== null ? a.port : 0);
    });
  });
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

export interface MtlsFront {
  readonly url: string;
  /** Requests that came with a verified client certificate, by subject CN. */
  readonly clients: string[];
  stop(): Promise<void>;
}

/**
 * An HTTPS server on 127.0.0.1 that requires a client certificate issued under `clientCa` and forwards every
 * request to `upstream` (an https URL trusted through `upstreamCa`). Stands in for an mTLS-terminating ingress.
 */
export async function startMtlsFront(o: {
  cert: string;
  key: string;
  clientCa: string;
  upstream: string;
  upstreamCa: string;
}): Promise<MtlsFront> {
  const clients: string[] = [];
  const sockets = new Set<Socket>();
  const upstreamCa = readFileSync(o.upstreamCa, 'utf8');
  const server = createHttpsServer(
    {
      cert: readFileSync(o.cert, 'utf8'),
      key: readFileSync(o.key, 'utf8'),
      ca: readFileSync(o.clientCa, 'utf8'),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      clients.push(String(peer.subject?.CN ?? ''));
      const up = httpsRequest(
        new URL(req.url ?? '/', o.upstream),
        {
          method: req.method,
          headers: { ...req.headers, host: new URL(o.upstream).host },
          ca: upstreamCa,
          agent: false,
        },
        (ur) => {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
        },
      );
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(up);
    },
  );
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  return { url: `https://127.0.0.1:${port}`, clients, stop: closer(server, sockets) };
}

export interface CountingProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `host:port` of every CONNECT tunnel and the absolute URL of every forwarded request, in order. */
  readonly seen: string[];
  stop(): Promise<void>;
}

/**
 * An HTTP (or, with `tls`, HTTPS) proxy on 127.0.0.1: CONNECT tunnels and absolute-URL forwarding. `hosts` maps names to addresses, so
 * a test can use a name (`notary.test`) that only the proxy can resolve: a request that bypasses the proxy fails.
 */
export async function startCountingProxy(
  hosts: Record<string, string> = {},
  tls?: { cert: string; key: string },
): Promise<CountingProxy> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const mapHost = (h: string) => hosts[h] ?? h;
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    seen.push(req.url ?? '');
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400);
      res.end();
      return;
    }
    const up = httpRequest(
      {
        host: mapHost(target.hostname),
        port: target.port || 80,
        path: target.pathname + target.search,
        method: req.method,
        headers: req.headers,
        agent: false,
      },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(up);
  };
  // With `tls` (PEM file paths), an https:// proxy: the client checks the proxy's own certificate.
  const server = tls
    ? (createHttpsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, handle) as unknown as Server)
    : createHttpServer(handle);
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(/:(?=\d+$)/);
    const up = connect(Number(port), mapHost(host ?? ''), () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, seen, stop: closer(server, sockets) };
}
