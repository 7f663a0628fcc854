// A loopback HTTP proxy that holds every request for `delayMs` before forwarding it to notary-server: a stand-in for
// a real network's round trip, to see what overlapping requests saves (bench/run.mjs, "verify over a slow link").
import { createServer, request } from 'node:http';

/** Forwards every request to `upstreamPort` on 127.0.0.1 after `delayMs`; counts the requests it forwarded. */
export function startDelayProxy(upstreamPort, delayMs) {
  const stats = { requests: 0 };
  const server = createServer((req, res) => {
    setTimeout(() => {
      stats.requests++;
      const up = request(
        { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
        (ur) => {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
        },
      );
      up.once('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(up);
    }, delayMs);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        stats,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}
