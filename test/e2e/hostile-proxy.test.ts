// The mutating proxy's framing attacks in front of the hostile server, through the CLI binary: slow drip (S2),
// gzip bomb (E3), Content-Length shorter (N2) or longer (E2) than the body. Each ends in its code and exit status on
// two runs in a row with the cache as it was, and a clean run afterwards succeeds.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/encoding/hex.js';
import { binBuilt, runBin } from '../helpers/cli-bin.js';
import { cacheFiles, type HostileServer, startHostileServer } from '../helpers/hostile-server.js';
import { type MutateHook, type MutatingProxy, startMutatingProxy } from '../helpers/mutating-proxy.js';
import { RepoSimulator } from '../helpers/repo-simulator.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TRANSPORT_NAMES, useCliTransport } from '../helpers/transports.js';

const GUN = 'example.com/hostile/proxied';

let server: HostileServer;
let proxy: MutatingProxy;
beforeAll(async () => {
  expect(binBuilt(), 'npm run build first').toBe(true);
  server = await startHostileServer(new RepoSimulator({ gun: GUN, now: new Date() }));
  proxy = await startMutatingProxy(server.url);
});
afterAll(async () => {
  await proxy?.stop();
  await server?.stop();
});

const bin = (dir: string, args: string[]) => runBin(['-s', proxy.url, '-d', dir, '--timeout', '3s', ...args]);
const isFile = (path: string, role: string) => new RegExp(`/_trust/tuf/${role}(\\.[0-9a-f]{64})?\\.json$`).test(path);

/**
 * A client that verified v1 meets a new publish (v2) through `hook`: refused with `code`/`status` twice, cache
 * unchanged; then the same proxy without the hook serves v2 and the client accepts it.
 */
async function attack(hook: MutateHook, code: string | RegExp, status: number): Promise<void> {
  const sim = new RepoSimulator({ gun: GUN, now: new Date() });
  server.sim = sim;
  sim.addTarget('v', 'one');
  sim.publish();
  const dir = tempDir('e2e-proxy-');
  proxy.setMutate(() => undefined);
  expect((await bin(dir, ['verify', `${GUN}:v`])).status).toBe(0);
  const two = sim.addTarget('v', 'two, a longer payload');
  sim.publish();
  const before = cacheFiles(dir, GUN);
  proxy.setMutate(hook);
  for (let run = 0; run < 2; run++) {
    const started = Date.now();
    const r = await bin(dir, ['verify', '--json', `${GUN}:v`]);
    expect(r.status, `run ${run}: ${r.stderr}`).toBe(status);
    expect(String(r.json()['code']), `run ${run}`).toMatch(code);
    expect(Date.now() - started, 'bounded by the 3 s timeout').toBeLessThan(15_000);
    expect(cacheFiles(dir, GUN), `run ${run}: the cache changed`).toEqual(before);
  }
  proxy.setMutate(() => undefined);
  const ok = await bin(dir, ['verify', `${GUN}:v`]);
  expect(ok.status, ok.stderr).toBe(0);
  expect(ok.stdout.trim()).toBe(`sha256:${toHex(two.hashes.sha256 as Uint8Array)}`);
}

describe.each(TRANSPORT_NAMES)('%s transport', (transport) => {
  beforeAll(() => useCliTransport(transport));

  describe('framing attacks through the proxy', () => {
    it('S2 slow drip: a timestamp trickling one byte at a time ends in TIMEOUT', async () => {
      await attack(
        (q) => (isFile(q.path, 'timestamp') ? { throttle: { chunkBytes: 1, intervalMs: 100 } } : undefined),
        /^TIMEOUT$/,
        4,
      );
    });

    it('E3 gzip bomb: 64 MiB of zeros in a small gzip body is cut at the timestamp cap (RESPONSE_TOO_LARGE)', async () => {
      const bomb = gzipSync(Buffer.alloc(64 << 20));
      expect(bomb.length).toBeLessThan(1 << 20);
      await attack(
        (q) => (isFile(q.path, 'timestamp') ? { body: bomb, headers: { 'content-encoding': 'gzip' } } : undefined),
        /^RESPONSE_TOO_LARGE$/,
        1,
      );
    });

    it('N2 Content-Length shorter than the body: the client reads what it declares, LENGTH_MISMATCH', async () => {
      await attack(
        (q, u) => (isFile(q.path, 'snapshot') ? { contentLength: u.body.length - 16 } : undefined),
        /^LENGTH_MISMATCH$/,
        1,
      );
    });

    it('E2 Content-Length longer than the body, connection closed early: NETWORK (nothing half-read is used)', async () => {
      await attack(
        (q, u) => (isFile(q.path, 'snapshot') ? { truncateAfter: u.body.length - 16 } : undefined),
        /^NETWORK$/,
        4,
      );
    });

    it('E2 Content-Length beyond the length the timestamp gives: refused before reading, RESPONSE_TOO_LARGE', async () => {
      await attack(
        (q, u) => (isFile(q.path, 'snapshot') ? { contentLength: u.body.length + 4096 } : undefined),
        /^RESPONSE_TOO_LARGE$/,
        1,
      );
    });
  });
});
