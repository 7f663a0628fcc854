// check through the built CLI: passes against the real notary-server (notary-ts and Go repositories, delegations,
// a rotated root) and names each fault a mutating proxy in front of it injects.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.js';
import {
  describeInterop,
  type MutatingProxy,
  type NotaryServer,
  PASSPHRASE_ENV,
  runNotary,
  startMutatingProxy,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';

const TS_GUN = 'example.com/check/ts';
const GO_GUN = 'example.com/check/go';
const digest = `sha256:${'ef'.repeat(32)}`;

interface Report {
  ok: boolean;
  repositories: {
    gun: string;
    ok: boolean;
    verifiedFiles: number;
    findings: { code: string; file: string; error?: string }[];
  }[];
}

describeInterop('check: the server conformance oracle', () => {
  let server: NotaryServer;
  let proxy: MutatingProxy;
  const dir = tempDir('chk-ts');

  const check = async (url: string, guns: string[]) => {
    const r = await runBin(['-s', url, '-d', tempDir('chk-fresh'), 'check', '--json', ...guns]);
    return { status: r.status, report: r.json() as Report, stderr: r.stderr };
  };

  beforeAll(async () => {
    server = await startNotaryServer();
    proxy = await startMutatingProxy(server.url);
    const keys = tempDir('chk-keys');
    for (const args of [
      ['sign', `${TS_GUN}:v1`, '--digest', digest, '--size', '4'],
      ['key', 'generate', 'bob', '--dir', keys],
      ['signer', 'add', 'bob', TS_GUN, '--key', join(keys, 'bob.pub')],
      ['sign', `${TS_GUN}:v2`, '--digest', digest, '--size', '4'],
      ['rotate', TS_GUN, 'root'],
    ]) {
      const r = await runBin(['-s', server.url, '-d', dir, ...args], { env: { ...PASSPHRASE_ENV } });
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const goDir = tempDir('chk-go');
    const payload = join(goDir, 'payload');
    writeFileSync(payload, 'checked');
    for (const args of [
      ['init', GO_GUN],
      ['add', GO_GUN, 'latest', payload],
      ['publish', GO_GUN],
    ]) {
      const r = await runNotary(args, { trustDir: goDir, server: server.url });
      expect(r.code, r.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it('passes against the real notary-server, and through a proxy that changes nothing', async () => {
    for (const url of [server.url, proxy.url]) {
      const r = await check(url, [TS_GUN, GO_GUN]);
      expect(r.report.repositories.flatMap((x) => x.findings)).toEqual([]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.report.ok).toBe(true);
      // 2 roots, timestamp, snapshot, targets, targets/releases, targets/bob.
      expect(r.report.repositories[0]?.verifiedFiles).toBe(7);
    }
    const text = await runBin(['-s', server.url, '-d', tempDir('chk-fresh'), 'check', TS_GUN]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(': ok');
    const none = await check(server.url, ['example.com/check/none']);
    expect(none.status).toBe(3);
    // Anchored like verify: trust pinning that names another certificate fails the check.
    const cfg = join(tempDir('chk-cfg'), 'config.json');
    writeFileSync(cfg, JSON.stringify({ trust_pinning: { certs: { [GO_GUN]: ['ab'.repeat(32)] } } }));
    const pinned = await runBin(['-s', server.url, '-d', tempDir('chk-fresh'), '-c', cfg, 'check', '--json', GO_GUN]);
    expect(pinned.status).toBe(1);
    expect((pinned.json() as Report).repositories[0]?.findings).toContainEqual(
      expect.objectContaining({ code: 'VERIFY_FAILED', error: 'PINNING_FAILED' }),
    );
  });

  it('names each fault the proxy injects (exit 1)', async () => {
    const faults: [RegExp, string, string][] = [];
    proxy.setMutate((req, up) => {
      const p = req.path;
      if (p.endsWith('/_trust/tuf/timestamp.json')) return { headers: { 'content-type': 'text/html' } };
      if (/\/_trust\/tuf\/\d+\.targets\.json$/.test(p)) return { body: Buffer.concat([up.body, Buffer.from(' ')]) };
      if (/\/_trust\/tuf\/timestamp\.[0-9a-f]{64}\.json$/.test(p)) return { body: Buffer.from('{}') };
      if (p.endsWith('/_trust/tuf/targets/notary-ts-check-absent.json')) return { status: 200, body: '{}' };
      if (p.endsWith('/_trust/tuf/targets/bob.json')) return { status: 404, body: '' };
      return undefined;
    });
    faults.push(
      [/timestamp\.json/, 'CONTENT_TYPE', 'timestamp.json'],
      [/targets\.json/, 'BY_VERSION_MISMATCH', '.targets.json'],
      [/timestamp\./, 'BY_HASH_MISMATCH', 'timestamp.'],
      [/absent/, 'NOT_404', 'targets/notary-ts-check-absent.json'],
      [/bob/, 'ROLE_NOT_SERVED', 'targets/bob.json'],
    );
    const r = await check(proxy.url, [TS_GUN]);
    expect(r.status).toBe(1);
    const found = r.report.repositories[0]?.findings ?? [];
    for (const [, code, file] of faults) {
      expect(found, `${code} ${file}`).toContainEqual(
        expect.objectContaining({ code, file: expect.stringContaining(file) }),
      );
    }
    expect(new Set(found.map((f) => f.code))).toEqual(new Set(faults.map((f) => f[1])));
  });

  it('a served file that does not verify is VERIFY_FAILED with the trust code; other faults are still named', async () => {
    proxy.setMutate((req, up) => {
      if (/\/_trust\/tuf\/snapshot\.[0-9a-f]{64}\.json$/.test(req.path)) {
        return { body: Buffer.from(up.body.toString('utf8').replace('"version":', '"version": ')) };
      }
      // A second fault: one that breaks verification must not hide it.
      if (/\/_trust\/tuf\/\d+\.root\.json$/.test(req.path) && up.status === 404) return { status: 200, body: '{}' };
      return undefined;
    });
    const r = await check(proxy.url, [GO_GUN]);
    expect(r.status).toBe(1);
    expect(r.report.repositories[0]?.findings).toContainEqual(
      expect.objectContaining({ code: 'VERIFY_FAILED', file: 'snapshot.json' }),
    );
    expect(r.report.repositories[0]?.findings).toContainEqual(
      expect.objectContaining({ code: 'NOT_404', file: '2.root.json' }),
    );
    proxy.setMutate(() => undefined);
  });
});
