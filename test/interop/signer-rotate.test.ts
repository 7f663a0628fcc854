// Key rotations published by us, followed by Go clients that still hold the old metadata in their caches.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { constantPassphrase } from '../../src/keystore/index.js';
import { init, publish, rotate, sign } from '../../src/signer/index.js';
import {
  describeInterop,
  type NotaryServer,
  runNotary,
  startNotaryServer,
  TEST_PASSPHRASE,
  tempDir,
} from '../helpers/notary.js';

const PASS = constantPassphrase(TEST_PASSPHRASE);
const digest = (n: number) => `sha256:${n.toString(16).padStart(2, '0').repeat(32)}`;

describeInterop('signer: key rotation followed by Go clients with old caches', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  const go = (args: string[], trustDir: string) => runNotary(args, { trustDir, server: server.url });

  it('targets, snapshot (to the server and back) and root rotations; old Go caches follow, Go can still publish', async () => {
    const gun = 'example.com/signer/rotate';
    const trustDir = tempDir('ours-');
    const opts = { gun, trustDir, server: server.url, passphrase: PASS };
    await init(opts); // local snapshot key, as `notary init`
    await sign({ ...opts, tags: [{ tag: 'v1', digest: digest(1), size: 1 }] });
    await publish(opts);

    // A Go reader that trusted the repository before any rotation and keeps its cache throughout.
    const reader = tempDir('go-reader-');
    const lookup = async (tag: string) => {
      const r = await go(['lookup', gun, tag], reader);
      expect(r.code, r.stderr).toBe(0);
      return r.stdout;
    };
    expect(await lookup('v1')).toBe(`v1 ${digest(1)} 1\n`);

    const t = await rotate({ ...opts, role: 'targets' });
    expect(t.roles).toEqual(['root', 'targets', 'snapshot']);
    await sign({ ...opts, tags: [{ tag: 'v2', digest: digest(2), size: 2 }] });
    expect(await lookup('v2')).toBe(`v2 ${digest(2)} 2\n`);

    const s = await rotate({ ...opts, role: 'snapshot', serverManaged: true });
    expect(s.snapshotSigned).toBe(false);
    await sign({ ...opts, tags: [{ tag: 'v3', digest: digest(3), size: 3 }] });
    expect(await lookup('v3')).toBe(`v3 ${digest(3)} 3\n`);

    const r1 = await rotate({ ...opts, role: 'root' });
    const r2 = await rotate({ ...opts, role: 'root' });
    expect(r2.newKeyId).not.toBe(r1.newKeyId);
    await sign({ ...opts, tags: [{ tag: 'v4', digest: digest(4), size: 4 }] });
    // the reader's cached root is two rotations behind: it must walk 2.root.json, 3.root.json...
    expect(await lookup('v4')).toBe(`v4 ${digest(4)} 4\n`);

    const back = await rotate({ ...opts, role: 'snapshot' });
    expect(back.snapshotSigned).toBe(true);
    expect(await lookup('v1')).toBe(`v1 ${digest(1)} 1\n`);

    // The Go CLI publishes with the rotated keys from our trust dir.
    const file = join(tempDir('f-'), 'payload');
    writeFileSync(file, 'after rotation\n');
    const add = await go(['add', gun, 'from-go', file, '-p'], trustDir);
    expect(add.code, add.stderr).toBe(0);
    expect(await lookup('from-go')).toMatch(/^from-go sha256:[0-9a-f]{64} 15\n$/);
    // and a brand-new reader trusts the final state
    const fresh = await go(['list', gun], tempDir('fresh-'));
    expect(fresh.code, fresh.stderr).toBe(0);
    for (const tag of ['v1', 'v2', 'v3', 'v4', 'from-go']) expect(fresh.stdout).toContain(`${tag} `);
  });

  it('Go rotates, we follow with our cache and publish', async () => {
    const gun = 'example.com/signer/go-rotates';
    const trustDir = tempDir('ours-');
    const opts = { gun, trustDir, server: server.url, passphrase: PASS };
    await sign({ ...opts, tags: [{ tag: 'v1', digest: digest(1), size: 1 }] });
    const rot = await runNotary(['key', 'rotate', gun, 'root'], { trustDir, server: server.url, input: 'yes\n' });
    expect(rot.code, rot.stderr).toBe(0);
    const tr = await go(['key', 'rotate', gun, 'targets'], trustDir);
    expect(tr.code, tr.stderr).toBe(0);
    await sign({ ...opts, tags: [{ tag: 'v2', digest: digest(2), size: 2 }] });
    const l = await go(['lookup', gun, 'v2'], tempDir('fresh-'));
    expect(l.stdout).toBe(`v2 ${digest(2)} 2\n`);
  });
});
