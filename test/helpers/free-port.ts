// Picks a free TCP port on 127.0.0.1 by letting the kernel choose one and releasing it.
import { createServer } from 'node:net';

/** A port that was free a moment ago on 127.0.0.1 (callers retry if another process grabs it first). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('could not allocate a port'))));
    });
  });
}
