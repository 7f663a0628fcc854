// A loopback HTTP proxy that records how long notary-server takes per request (used to split publish time into
// client work and server validation; never on the timed path).
import { createServer, request } from 'node:http';

/**
 * Forwards every request to `upstreamPort` on 127.0.0.1 and records `{method, path, status, inBytes, ms}`, where
 * `ms` runs from the first request byte to the last response byte.
 */
export function startTimingProxy(upstreamPort) {
  const log = [];
  const server = createServer((req, res) => {
    const t0 = performance.now();
    let inBytes = 0;
    const up = request(
      { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
      (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
        ur.once('end', () => {
          log.push({ method: req.method, path: req.url, status: ur.statusCode, inBytes, ms: performance.now() - t0 });
        });
      },
    );
    up.once('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.on('data', (c) => {
      inBytes += c.length;
    });
    req.pipe(up);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        log,
        close: () =>
          new Promise((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
