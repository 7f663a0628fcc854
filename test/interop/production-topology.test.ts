// The production shape in CI: notary-server on HTTPS (root → intermediate → leaf), timestamp and snapshot keys held
// by notary-signer over mutual-TLS gRPC, once per key algorithm. Everything goes through our CLI and is
// cross-checked with the Go notary CLI against the same deployment.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeInterop, PASSPHRASE_ENV, runNotary, tempDir } from '../helpers/notary.js';
import { type ProductionNotary, type ServerKeyAlgorithm, startProductionNotary } from '../helpers/production-notary.js';
import { TRANSPORT_NAMES, useCliTransport } from '../helpers/transports.js';

const hex = (n: number) => n.toString(16).padStart(64, '0');
const METHOD: Record<ServerKeyAlgorithm, string> = { ecdsa: 'ecdsa', ed25519: 'eddsa' };

interface Signed {
  signed: { roles?: Record<string, { keyids: string[] }>; keys?: Record<string, { keytype: string }> };
  signatures: { keyid: string; method: string }[];
}

describeInterop('production topology: HTTPS chain + notary-signer (mutual TLS), ecdsa and ed25519', () => {
  let dep: ProductionNotary;
  beforeAll(async () => {
    dep = await startProductionNotary();
  }, 60_000);
  afterAll(async () => dep?.stop());

  for (const [algorithm, transport] of (['ecdsa', 'ed25519'] as const).flatMap((a) =>
    TRANSPORT_NAMES.map((t) => [a, t] as const),
  )) {
    describe(`key_algorithm ${algorithm}, ${transport} transport`, () => {
      beforeAll(() => useCliTransport(transport));
      const url = () => (dep.servers.get(algorithm) as { url: string }).url;
      const ours = (trustDir: string, args: string[]) =>
        runCli(['-s', url(), '--tlscacert', dep.caFile, '-d', trustDir, ...args], { env: { ...PASSPHRASE_ENV } });
      const go = (trustDir: string, args: string[]) =>
        runNotary(['--tlscacert', dep.caFile, ...args], { trustDir, server: url() });
      const fetchJson = async (gun: string, file: string): Promise<Signed> => {
        const r = await (dep.servers.get(algorithm) as { get: (p: string) => Promise<{ body: Buffer }> }).get(
          `/v2/${gun}/_trust/tuf/${file}`,
        );
        return JSON.parse(r.body.toString('utf8')) as Signed;
      };
      const gun = (name: string) => `example.com/prod-${algorithm}-${transport}/${name}`;

      it('sign creates the repository; the timestamp and snapshot are signed by notary-signer with this algorithm; Go and we verify', async () => {
        const dir = tempDir('prod-ts-');
        const g = gun('sign');
        const s = await ours(dir, ['sign', `${g}:v1`, '--digest', `sha256:${hex(1)}`, '--size', '11', '--json']);
        expect(s.status, s.stderr).toBe(0);
        for (const role of ['timestamp', 'snapshot']) {
          const meta = await fetchJson(g, `${role}.json`);
          expect(meta.signatures.map((x) => x.method)).toEqual([METHOD[algorithm]]);
        }
        const root = await fetchJson(g, 'root.json');
        const tsKey = root.signed.roles?.timestamp?.keyids[0] as string;
        expect(root.signed.keys?.[tsKey]?.keytype).toBe(algorithm);
        const lookup = await go(tempDir('prod-go-'), ['lookup', g, 'v1']);
        expect(lookup.code, lookup.stdout + lookup.stderr).toBe(0);
        expect(lookup.stdout.trim()).toBe(`v1 sha256:${hex(1)} 11`);
        const v = await ours(tempDir('prod-ts-fresh-'), ['verify', '--json', `${g}:v1`]);
        expect(v.status, v.stderr).toBe(0);
        expect(v.json()).toMatchObject({ digest: `sha256:${hex(1)}`, size: 11 });
      });

      it('the Go CLI publishes through the same deployment; we list and verify what it signed', async () => {
        const goDir = tempDir('prod-go-');
        const g = gun('from-go');
        const payload = join(tempDir('prod-in-'), 'payload');
        writeFileSync(payload, 'payload from go');
        expect((await go(goDir, ['init', g])).code).toBe(0);
        expect((await go(goDir, ['add', g, 'v1', payload])).code).toBe(0);
        const pub = await go(goDir, ['publish', g]);
        expect(pub.code, pub.stdout + pub.stderr).toBe(0);
        const list = await ours(tempDir('prod-ts-'), ['list', '--json', g]);
        expect(list.status, list.stderr).toBe(0);
        expect(list.json()).toEqual([expect.objectContaining({ name: 'v1', size: 15, role: 'targets' })]);
      });

      it('rotate snapshot --server-managed hands the snapshot key to notary-signer; old and fresh Go caches follow', async () => {
        const dir = tempDir('prod-ts-');
        const goOld = tempDir('prod-go-old-');
        const g = gun('snapshot');
        expect((await ours(dir, ['init', g, '-p'])).status).toBe(0);
        expect((await ours(dir, ['add', g, 'v1', '--digest', `sha256:${hex(2)}`, '--size', '2', '-p'])).status).toBe(0);
        const before = await fetchJson(g, 'snapshot.json');
        expect(before.signatures.map((x) => x.method)).toEqual(['ecdsa']); // our local key
        expect((await go(goOld, ['lookup', g, 'v1'])).code).toBe(0);

        const r = await ours(dir, ['rotate', g, 'snapshot', '--server-managed', '--json']);
        expect(r.status, r.stderr).toBe(0);
        const root = await fetchJson(g, 'root.json');
        const snapKey = root.signed.roles?.snapshot?.keyids[0] as string;
        expect(root.signed.keys?.[snapKey]?.keytype).toBe(algorithm);
        expect((await ours(dir, ['sign', `${g}:v2`, '--digest', `sha256:${hex(3)}`, '--size', '3'])).status).toBe(0);
        const after = await fetchJson(g, 'snapshot.json');
        expect(after.signatures.map((x) => [x.keyid, x.method])).toEqual([[snapKey, METHOD[algorithm]]]);
        for (const d of [goOld, tempDir('prod-go-')]) {
          const l = await go(d, ['lookup', g, 'v2']);
          expect(l.code, l.stdout + l.stderr).toBe(0);
          expect(l.stdout).toContain(hex(3));
        }
      });

      it('rotate targets and root; Go and our clients with old caches follow', async () => {
        const dir = tempDir('prod-ts-');
        const goOld = tempDir('prod-go-old-');
        const tsOld = tempDir('prod-ts-old-');
        const g = gun('rotate');
        expect((await ours(dir, ['sign', `${g}:v1`, '--digest', `sha256:${hex(4)}`, '--size', '4'])).status).toBe(0);
        expect((await go(goOld, ['lookup', g, 'v1'])).code).toBe(0);
        expect((await ours(tsOld, ['verify', `${g}:v1`])).status).toBe(0);
        const rootBefore = await fetchJson(g, 'root.json');
        for (const role of ['targets', 'root']) {
          const r = await ours(dir, ['rotate', g, role, '--json']);
          expect(r.status, r.stderr).toBe(0);
        }
        const rootAfter = await fetchJson(g, 'root.json');
        for (const role of ['root', 'targets']) {
          expect(rootAfter.signed.roles?.[role]?.keyids).not.toEqual(rootBefore.signed.roles?.[role]?.keyids);
        }
        expect((await ours(dir, ['sign', `${g}:v2`, '--digest', `sha256:${hex(5)}`, '--size', '5'])).status).toBe(0);
        const l = await go(goOld, ['lookup', g, 'v2']);
        expect(l.code, l.stdout + l.stderr).toBe(0);
        expect(l.stdout).toContain(hex(5));
        const v = await ours(tsOld, ['verify', '--json', `${g}:v2`]);
        expect(v.status, v.stderr).toBe(0);
        expect(v.json()).toMatchObject({ digest: `sha256:${hex(5)}` });
      });

      it('delegations: a docker signer and a notary delegation; Go lists both and finds the signed tag', async () => {
        const dir = tempDir('prod-ts-');
        const keys = tempDir('prod-pub-');
        const g = gun('delegations');
        expect((await ours(dir, ['key', 'generate', 'alice', '--dir', keys])).status).toBe(0);
        const pub = join(keys, 'alice.pub');
        const add = await ours(dir, ['signer', 'add', 'alice', g, '--key', pub]);
        expect(add.status, add.stderr).toBe(0);
        const del = await ours(dir, ['delegation', 'add', g, 'targets/qa', pub, '--paths', 'qa/', '-p']);
        expect(del.status, del.stderr).toBe(0);
        const s = await ours(dir, ['sign', `${g}:v1`, '--digest', `sha256:${hex(6)}`, '--size', '6']);
        expect(s.status, s.stderr).toBe(0);
        const goDir = tempDir('prod-go-');
        const dl = await go(goDir, ['delegation', 'list', g]);
        expect(dl.code, dl.stdout + dl.stderr).toBe(0);
        for (const role of ['targets/alice', 'targets/releases', 'targets/qa']) expect(dl.stdout).toContain(role);
        const rl = await go(goDir, ['list', g, '--roles', 'targets/releases']);
        expect(rl.code, rl.stdout + rl.stderr).toBe(0);
        expect(rl.stdout).toContain(hex(6));
        const v = await ours(tempDir('prod-ts-fresh-'), ['verify', '--json', '--signer', 'alice', `${g}:v1`]);
        expect(v.status, v.stderr).toBe(0);
        expect(v.json()).toMatchObject({ role: 'targets/releases' });
        // Our delegation file as Go wrote nothing into it: the qa role exists in targets, paths as given.
        const targets = JSON.parse(readFileSync(join(goDir, 'tuf', g, 'metadata', 'targets.json'), 'utf8')) as {
          signed: { delegations: { roles: { name: string; paths: string[] }[] } };
        };
        expect(targets.signed.delegations.roles.find((r) => r.name === 'targets/qa')?.paths).toEqual(['qa/']);
      });
    });
  }

  it('notary-signer demands a client certificate (mutual TLS)', async () => {
    const handshake = (withCert: boolean) =>
      new Promise<string>((resolve) => {
        const sock = tlsConnect({
          host: '127.0.0.1',
          port: dep.signer.port,
          ca: readFileSync(dep.caFile),
          ALPNProtocols: ['h2'],
          ...(withCert ? { cert: readFileSync(dep.pki.client.chain), key: readFileSync(dep.pki.client.key) } : {}),
        });
        const timer = setTimeout(() => {
          sock.destroy();
          resolve('open');
        }, 1500);
        sock.once('error', (e: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          resolve(e.code ?? 'error');
        });
      });
    expect(await handshake(true)).toBe('open');
    expect(await handshake(false)).toMatch(/BAD_CERTIFICATE|CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE/);
  });

  it('the keys live in notary-signer: with it stopped, a publish fails (remote error, exit 4) and nothing changes', async () => {
    const url = (dep.servers.get('ecdsa') as { url: string }).url;
    const dir = tempDir('prod-ts-');
    const g = 'example.com/prod-ecdsa/signer-down';
    const ours = (args: string[]) =>
      runCli(['-s', url, '--tlscacert', dep.caFile, '-d', dir, ...args], { env: { ...PASSPHRASE_ENV } });
    expect((await ours(['sign', `${g}:v1`, '--digest', `sha256:${hex(8)}`, '--size', '8'])).status).toBe(0);
    await dep.signer.stop();
    const r = await ours(['sign', `${g}:v2`, '--digest', `sha256:${hex(9)}`, '--size', '9', '--json']);
    expect(r.status, r.stderr).toBe(4);
    const l = await runNotary(['--tlscacert', dep.caFile, 'list', g], { trustDir: tempDir('prod-go-'), server: url });
    expect(l.code, l.stdout + l.stderr).toBe(0);
    expect(l.stdout).toContain(hex(8));
    expect(l.stdout).not.toContain(hex(9));
  });
});
