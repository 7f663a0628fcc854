// The registry client against the real docker-registry: exact manifest bytes, digests, auth flows and failures.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { constantPassphrase } from '../../src/keystore/index.js';
import { resolveImage as resolveWith } from '../../src/remote/resolve-image.js';
import { sign } from '../../src/signer/index.js';
import { rejectedCode } from '../helpers/error-code.js';
import { freePort } from '../helpers/free-port.js';
import { type NotaryServer, runNotary, startNotaryServer, TEST_PASSPHRASE } from '../helpers/notary.js';
import { describeRegistry, type Registry, startRegistry } from '../helpers/registry.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TRANSPORTS } from '../helpers/transports.js';

const USER = 'ci';
const PASS = 'pa55word';
type ResolveOptions = NonNullable<Parameters<typeof resolveWith>[1]>;

const basic = (u: string, p: string) => Buffer.from(`${u}:${p}`).toString('base64');

function dockerConfig(host: string, user: string, pass: string): Record<string, string> {
  const dir = tempDir('docker-config-');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [host]: { auth: basic(user, pass) } } }));
  return { DOCKER_CONFIG: dir, HOME: '/nonexistent-home' };
}

// Both HTTP transports (SPEC §9): every registry request of these blocks goes through the one named.
for (const [transport, transportFactory] of TRANSPORTS) {
  const resolveImage = (ref: string, o: ResolveOptions) => resolveWith(ref, { ...o, transportFactory });

  describeRegistry(`registry client over ${transport} (docker-registry with htpasswd)`, () => {
    let reg: Registry;
    beforeAll(async () => {
      reg = await startRegistry({ basic: { username: USER, password: PASS } });
    });
    afterAll(async () => reg?.stop());

    it('resolves OCI and Docker manifests and an OCI index to the exact bytes pushed', async () => {
      const env = dockerConfig(reg.host, USER, PASS);
      const oci = await reg.pushImage('team/app', 'v1', 'oci');
      const docker = await reg.pushImage('team/app', 'v2', 'docker');
      const arm = await reg.pushImage('team/app', 'arm', 'oci', 'linux/arm64');
      const index = await reg.pushIndex('team/app', 'multi', [oci, arm]);
      for (const [tag, pushed] of [
        ['v1', oci],
        ['v2', docker],
        ['multi', index],
      ] as const) {
        const r = await resolveImage(`${reg.host}/team/app:${tag}`, { env });
        expect(r.digest).toBe(pushed.digest);
        expect(r.size).toBe(pushed.size);
        expect(Buffer.from(r.bytes).equals(pushed.bytes)).toBe(true);
        expect(r.mediaType).toBe(pushed.mediaType);
        expect(r.pinned).toBe(`${reg.host}/team/app@${pushed.digest}`);
      }
      const byDigest = await resolveImage(`${reg.host}/team/app@${index.digest}`, { env });
      expect(byDigest.digest).toBe(index.digest);
    });

    it('a missing tag is IMAGE_NOT_FOUND, a wrong password UNAUTHORIZED, none at all UNAUTHORIZED', async () => {
      const env = dockerConfig(reg.host, USER, PASS);
      expect(await rejectedCode(resolveImage(`${reg.host}/team/app:nope`, { env }))).toBe('IMAGE_NOT_FOUND');
      expect(await rejectedCode(resolveImage(`${reg.host}/team/none:v1`, { env }))).toBe('IMAGE_NOT_FOUND');
      const wrong = dockerConfig(reg.host, USER, 'wrong');
      expect(await rejectedCode(resolveImage(`${reg.host}/team/app:v1`, { env: wrong }))).toBe('UNAUTHORIZED');
      expect(await rejectedCode(resolveImage(`${reg.host}/team/app:v1`, { env: { HOME: '/nonexistent' } }))).toBe(
        'UNAUTHORIZED',
      );
    });

    it('a registry that is down is NETWORK', async () => {
      const port = await freePort();
      expect(await rejectedCode(resolveImage(`127.0.0.1:${port}/team/app:v1`, { env: {}, timeoutMs: 5000 }))).toBe(
        'NETWORK',
      );
    });
  });

  describeRegistry(`registry client over ${transport} (docker-registry with token auth)`, () => {
    let reg: Registry;
    beforeAll(async () => {
      reg = await startRegistry({ token: { credentials: { username: USER, password: PASS } } });
    });
    afterAll(async () => reg?.stop());

    it('fetches a pull token for the repository scope with the docker config credentials', async () => {
      const pushed = await reg.pushImage('org/svc', 'v1', 'docker');
      const r = await resolveImage(`${reg.host}/org/svc:v1`, { env: dockerConfig(reg.host, USER, PASS) });
      expect(r.digest).toBe(pushed.digest);
      expect(reg.auth?.tokenRequests.some((t) => t.scopes.includes('repository:org/svc:pull'))).toBe(true);
      const wrong = dockerConfig(reg.host, USER, 'nope');
      expect(await rejectedCode(resolveImage(`${reg.host}/org/svc:v1`, { env: wrong }))).toBe('UNAUTHORIZED');
    });
  });
}

describeRegistry('library sign({ images }) (docker-registry + notary-server)', () => {
  let reg: Registry;
  let server: NotaryServer;
  beforeAll(async () => {
    [reg, server] = await Promise.all([
      startRegistry({ basic: { username: USER, password: PASS } }),
      startNotaryServer(),
    ]);
  });
  afterAll(async () => Promise.all([reg?.stop(), server?.stop()]));

  it('signs image references beside tags in one publish; Go sees the pushed digests and sizes', async () => {
    const a = await reg.pushImage('lib/app', 'v1', 'oci');
    const b = await reg.pushImage('lib/app', 'v2', 'docker');
    const gun = `${reg.host}/lib/app`;
    const opts = {
      server: server.url,
      trustDir: tempDir('lib-trust-'),
      passphrase: constantPassphrase(TEST_PASSPHRASE),
    };
    const r = await sign({
      ...opts,
      images: [`${gun}:v1`, `${gun}:v2`],
      tags: [{ tag: 'pinned', digest: `sha256:${'d'.repeat(64)}`, size: 7 }],
      registry: { env: dockerConfig(reg.host, USER, PASS) },
    });
    expect([...r.signed.keys()].sort()).toEqual(['pinned', 'v1', 'v2']);
    for (const [tag, m] of [
      ['v1', a],
      ['v2', b],
    ] as const) {
      const g = await runNotary(['lookup', gun, tag], { trustDir: tempDir('go-'), server: server.url });
      expect(g.stdout.trim()).toBe(`${tag} ${m.digest} ${m.size}`);
    }
  });

  it('a missing image or images of two repositories publish nothing', async () => {
    const gun = `${reg.host}/lib/none`;
    const opts = {
      server: server.url,
      trustDir: tempDir('lib-trust-'),
      passphrase: constantPassphrase(TEST_PASSPHRASE),
    };
    const env = dockerConfig(reg.host, USER, PASS);
    expect(await rejectedCode(sign({ ...opts, images: [`${gun}:v1`], registry: { env } }))).toBe('IMAGE_NOT_FOUND');
    expect(
      await rejectedCode(sign({ ...opts, images: [`${gun}:v1`, `${reg.host}/lib/app:v1`], registry: { env } })),
    ).toBe('INVALID_ARGUMENT');
    const g = await runNotary(['lookup', gun, 'v1'], { trustDir: tempDir('go-'), server: server.url });
    expect(g.code).not.toBe(0);
  });
});
