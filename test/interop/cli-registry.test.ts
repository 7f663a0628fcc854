// Signing and verifying by image reference through the CLI binary, against the real docker-registry (htpasswd Basic
// and token auth) and a real notary-server; the Go notary CLI checks what was signed.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { freePort } from '../helpers/free-port.js';
import { type NotaryServer, PASSPHRASE_ENV, runNotary, startNotaryServer, tempDir } from '../helpers/notary.js';
import { createPki, type TestPki } from '../helpers/pki.js';
import {
  describeRegistry,
  type PushedManifest,
  type Registry,
  type RegistryOptions,
  startRegistry,
} from '../helpers/registry.js';
import { cliTransportEnv, TRANSPORT_NAMES, useCliTransport } from '../helpers/transports.js';

const BIN = resolve('bin/notary-ts.js');
const USER = 'builder';
const PASS = 'b4ild-secret';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a child process: stdout and stderr are pipes, stdin gets `input` and is closed. */
function run(args: string[], env: Record<string, string>, input = ''): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent-home', ...cliTransportEnv(), ...env },
        timeout: 60_000,
      },
      (err, stdout, stderr) => {
        const status = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        done({ status, stdout, stderr });
      },
    );
    child.stdin?.end(input);
  });
}

function dockerConfig(host: string, user: string, pass: string): Record<string, string> {
  const dir = tempDir('docker-config-');
  mkdirSync(dir, { recursive: true });
  const auth = Buffer.from(`${user}:${pass}`).toString('base64');
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ auths: { [host]: { auth } } }));
  return { DOCKER_CONFIG: dir };
}

async function goLookup(server: NotaryServer, gun: string, tag: string): Promise<string> {
  const g = await runNotary(['lookup', gun, tag], { trustDir: tempDir('go-'), server: server.url });
  expect(g.code, g.stderr).toBe(0);
  return g.stdout.trim();
}

describeRegistry('sign and verify by image reference (docker-registry + notary-server)', () => {
  let server: NotaryServer;
  let reg: Registry;
  let env: Record<string, string>;
  const images: Record<string, PushedManifest> = {};
  beforeAll(async () => {
    [server, reg] = await Promise.all([
      startNotaryServer(),
      startRegistry({ basic: { username: USER, password: PASS } }),
    ]);
    env = { ...PASSPHRASE_ENV, ...dockerConfig(reg.host, USER, PASS) };
    images['oci'] = await reg.pushImage('ci/app', 'oci', 'oci');
    images['docker'] = await reg.pushImage('ci/app', 'docker', 'docker');
    const arm = await reg.pushImage('ci/app', 'arm', 'docker', 'linux/arm64');
    images['index'] = await reg.pushIndex('ci/app', 'multi', [images['oci'] as PushedManifest, arm]);
    images['list'] = await reg.pushIndex('ci/app', 'list', [images['docker'] as PushedManifest, arm], 'docker');
  });
  afterAll(async () => Promise.all([server?.stop(), reg?.stop()]));

  it('signs IMAGE:TAG with the digest and size of the exact bytes pushed (OCI, Docker, index, list); Go agrees', async () => {
    const dir = tempDir('trust-');
    const gun = `${reg.host}/ci/app`;
    for (const tag of ['oci', 'docker', 'multi', 'list']) {
      const s = await run(['-s', server.url, '-d', dir, 'sign', `${gun}:${tag}`], env);
      expect(s.status, s.stderr).toBe(0);
    }
    for (const [tag, key] of [
      ['oci', 'oci'],
      ['docker', 'docker'],
      ['multi', 'index'],
      ['list', 'list'],
    ] as const) {
      const pushed = images[key] as PushedManifest;
      expect(await goLookup(server, gun, tag)).toBe(`${tag} ${pushed.digest} ${pushed.size}`);
    }
  });

  it('verify --ref prints NAME@DIGEST, which the registry serves by digest; --json carries it as reference', async () => {
    const gun = `${reg.host}/ci/app`;
    const v = await run(['-s', server.url, '-d', tempDir('fresh-'), 'verify', '--ref', `${gun}:multi`], {});
    expect(v.status, v.stderr).toBe(0);
    const index = images['index'] as PushedManifest;
    expect(v.stdout).toBe(`${gun}@${index.digest}\n`);
    const pinned = v.stdout.trim();
    const at = pinned.indexOf('@');
    const name = pinned.slice(reg.host.length + 1, at);
    const got = await reg.getManifest(name, pinned.slice(at + 1));
    expect(got.status).toBe(200);
    expect(got.body.equals(index.bytes)).toBe(true);
    const j = await run(['-s', server.url, '-d', tempDir('fresh-'), 'verify', '--json', `${gun}:oci`], {});
    expect(j.status, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ reference: `${gun}@${images['oci']?.digest}` });
  });

  it('a missing tag exits 3 IMAGE_NOT_FOUND and publishes nothing', async () => {
    const gun = `${reg.host}/ci/unsigned`;
    await reg.pushImage('ci/unsigned', 'present', 'oci');
    const s = await run(['-s', server.url, '-d', tempDir('trust-'), '--json', 'sign', `${gun}:absent`], env);
    expect(s.status).toBe(3);
    expect(JSON.parse(s.stderr)).toMatchObject({ ok: false, code: 'IMAGE_NOT_FOUND' });
    const g = await runNotary(['lookup', gun, 'absent'], { trustDir: tempDir('go-'), server: server.url });
    expect(g.code).not.toBe(0);
    const v = await run(['-s', server.url, '-d', tempDir('fresh-'), '--json', 'verify', `${gun}:absent`], {});
    expect(JSON.parse(v.stderr)).toMatchObject({ code: 'REPOSITORY_NOT_FOUND' });
  });

  it('a wrong registry password exits 4 UNAUTHORIZED; a registry that is down exits 4', async () => {
    const wrong = { ...PASSPHRASE_ENV, ...dockerConfig(reg.host, USER, 'not-it') };
    const s = await run(['-s', server.url, '-d', tempDir('trust-'), '--json', 'sign', `${reg.host}/ci/app:oci`], wrong);
    expect(s.status).toBe(4);
    expect(JSON.parse(s.stderr)).toMatchObject({ code: 'UNAUTHORIZED' });
    const port = await freePort();
    const down = await run(
      ['-s', server.url, '-d', tempDir('trust-'), '--json', 'sign', `127.0.0.1:${port}/ci/app:v1`],
      PASSPHRASE_ENV,
    );
    expect(down.status).toBe(4);
    expect(JSON.parse(down.stderr)).toMatchObject({ code: 'NETWORK' });
  });

  it('sign GUN --from - resolves tag-only lines beside TAG DIGEST SIZE lines', async () => {
    const gun = `${reg.host}/ci/batch`;
    const pushed: PushedManifest[] = [];
    for (let i = 0; i < 12; i++) pushed.push(await reg.pushImage('ci/batch', `t${i}`, i % 2 ? 'oci' : 'docker'));
    const fixed = `sha256:${'e'.repeat(64)}`;
    const lines = [...pushed.map((_, i) => `t${i}`), `# pinned`, `manual ${fixed} 42`, ''].join('\n');
    const s = await run(['-s', server.url, '-d', tempDir('trust-'), 'sign', gun, '--from', '-'], env, lines);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stderr).not.toContain('resolving');
    expect(await goLookup(server, gun, 't7')).toBe(`t7 ${pushed[7]?.digest} ${pushed[7]?.size}`);
    expect(await goLookup(server, gun, 'manual')).toBe(`manual ${fixed} 42`);
  });

  it('progress goes to stderr only when it is a TTY, never to stdout, and not with --json', async () => {
    const gun = `${reg.host}/ci/progress`;
    for (let i = 0; i < 3; i++) await reg.pushImage('ci/progress', `p${i}`, 'oci');
    const trust = tempDir('trust-');
    const go = async (extra: string[]) => {
      let stdout = '';
      let stderr = '';
      const stdin = new PassThrough();
      stdin.end('p0\np1\np2\n');
      const status = await main(['-s', server.url, '-d', trust, ...extra, 'sign', gun, '--from', '-'], {
        stdout: { write: (c: string) => (stdout += c) },
        stderr: { write: (c: string) => (stderr += c), isTTY: true },
        stdin,
        env: { HOME: '/nonexistent-home', ...env },
      });
      return { status, stdout, stderr };
    };
    const tty = await go([]);
    expect(tty.status, tty.stderr).toBe(0);
    expect(tty.stderr).toContain('resolving 3/3');
    expect(tty.stdout).not.toContain('resolving');
    const json = await go(['--json']);
    expect(json.status, json.stderr).toBe(0);
    expect(json.stderr).not.toContain('resolving');
  });

  it('verify --registry fails REGISTRY_MISMATCH (exit 1) once the tag moved; plain verify still answers', async () => {
    const gun = `${reg.host}/ci/drift`;
    await reg.pushImage('ci/drift', 'v1', 'oci');
    const s = await run(['-s', server.url, '-d', tempDir('trust-'), 'sign', `${gun}:v1`], env);
    expect(s.status, s.stderr).toBe(0);
    const ok = await run(['-s', server.url, '-d', tempDir('fresh-'), 'verify', '--registry', `${gun}:v1`], env);
    expect(ok.status, ok.stderr).toBe(0);
    const moved = await reg.pushImage('ci/drift', 'v1', 'oci');
    const bad = await run(
      ['-s', server.url, '-d', tempDir('fresh-'), '--json', 'verify', '--registry', `${gun}:v1`],
      env,
    );
    expect(bad.status).toBe(1);
    const err = JSON.parse(bad.stderr);
    expect(err).toMatchObject({ code: 'REGISTRY_MISMATCH', details: { registry: { digest: moved.digest } } });
    const plain = await run(['-s', server.url, '-d', tempDir('fresh-'), 'verify', `${gun}:v1`], env);
    expect(plain.status).toBe(0);
  });

  it('verify --from - answers many references as JSON lines in input order; exit status of the first failure', async () => {
    const gun = `${reg.host}/ci/app`;
    const input = [`${gun}:oci`, `${gun}:nope`, `${gun}:multi`, 'Not_A/Ref'].join('\n');
    const v = await run(['-s', server.url, '-d', tempDir('fresh-'), 'verify', '--from', '-'], {}, input);
    const lines = v.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ ok: true, input: `${gun}:oci`, reference: `${gun}@${images['oci']?.digest}` });
    expect(lines[1]).toMatchObject({ ok: false, input: `${gun}:nope`, code: 'TARGET_NOT_FOUND' });
    expect(lines[2]).toMatchObject({ ok: true, reference: `${gun}@${images['index']?.digest}` });
    expect(lines[3]).toMatchObject({ ok: false, code: 'INVALID_REFERENCE' });
    expect(v.status).toBe(3);
  });
});

// The registry's two authentication schemes: [name, repository, registry options].
const AUTH_KINDS: readonly (readonly [string, string, RegistryOptions])[] = [
  ['htpasswd Basic auth', 'basic/app', { basic: { username: USER, password: PASS } }],
  ['token auth', 'tok/app', { token: { credentials: { username: USER, password: PASS } } }],
];

// The auth and TLS paths to the registry, once per HTTP transport of the CLI (SPEC §9).
for (const transport of TRANSPORT_NAMES) {
  for (const [kind, repo, options] of AUTH_KINDS) {
    describeRegistry(`sign by image reference over ${transport} (docker-registry with ${kind})`, () => {
      let server: NotaryServer;
      let reg: Registry;
      beforeAll(async () => {
        useCliTransport(transport);
        [server, reg] = await Promise.all([startNotaryServer(), startRegistry(options)]);
      });
      afterAll(async () => Promise.all([server?.stop(), reg?.stop()]));

      it('sends the credentials of docker config; verify --registry agrees; wrong or missing ones exit 4 UNAUTHORIZED', async () => {
        const gun = `${reg.host}/${repo}`;
        const pushed = await reg.pushImage(repo, 'v1', 'oci');
        const env = { ...PASSPHRASE_ENV, ...dockerConfig(reg.host, USER, PASS) };
        const s = await run(['-s', server.url, '-d', tempDir('trust-'), 'sign', `${gun}:v1`], env);
        expect(s.status, s.stderr).toBe(0);
        expect(await goLookup(server, gun, 'v1')).toBe(`v1 ${pushed.digest} ${pushed.size}`);
        if (options.token !== undefined) {
          // Through the Bearer token flow, with the pull scope of this repository.
          expect(
            reg.auth?.tokenRequests.some((t) => t.scopes.includes(`repository:${repo}:pull`) && t.account === USER),
          ).toBe(true);
        }
        const v = await run(['-s', server.url, '-d', tempDir('fresh-'), 'verify', '--registry', `${gun}:v1`], env);
        expect(v.status, v.stderr).toBe(0);
        expect(v.stdout).toBe(`${pushed.digest}\n`);
        const wrong = { ...PASSPHRASE_ENV, ...dockerConfig(reg.host, USER, 'bad') };
        const w = await run(['-s', server.url, '-d', tempDir('trust-'), '--json', 'sign', `${gun}:v1`], wrong);
        expect(w.status).toBe(4);
        expect(JSON.parse(w.stderr)).toMatchObject({ code: 'UNAUTHORIZED' });
        const none = await run(
          ['-s', server.url, '-d', tempDir('fresh-'), '--json', 'verify', '--registry', `${gun}:v1`],
          { DOCKER_CONFIG: tempDir('docker-config-') },
        );
        expect(none.status).toBe(4);
        expect(JSON.parse(none.stderr)).toMatchObject({ code: 'UNAUTHORIZED' });
      });
    });
  }

  describeRegistry(`sign by image reference over ${transport} (docker-registry on HTTPS)`, () => {
    let server: NotaryServer;
    let reg: Registry;
    let pki: TestPki;
    beforeAll(async () => {
      useCliTransport(transport);
      pki = createPki();
      [server, reg] = await Promise.all([
        startNotaryServer(),
        startRegistry({ tls: { chain: pki.server.chain, key: pki.server.key, ca: pki.rootCa } }),
      ]);
    });
    afterAll(async () => Promise.all([server?.stop(), reg?.stop()]));

    it("trusts the CA in docker's tls dir for the registry host; without it the certificate is refused (exit 4)", async () => {
      const gun = `${reg.host}/secure/app`;
      const pushed = await reg.pushImage('secure/app', 'v1', 'oci');
      const docker = tempDir('docker-config-');
      mkdirSync(join(docker, 'tls', reg.host), { recursive: true });
      copyFileSync(pki.rootCa, join(docker, 'tls', reg.host, 'ca.crt'));
      const s = await run(['-s', server.url, '-d', tempDir('trust-'), 'sign', `${gun}:v1`], {
        ...PASSPHRASE_ENV,
        DOCKER_CONFIG: docker,
      });
      expect(s.status, s.stderr).toBe(0);
      expect(await goLookup(server, gun, 'v1')).toBe(`v1 ${pushed.digest} ${pushed.size}`);
      const untrusted = await run(['-s', server.url, '-d', tempDir('trust-'), '--json', 'sign', `${gun}:v1`], {
        ...PASSPHRASE_ENV,
        DOCKER_CONFIG: tempDir('docker-config-'),
      });
      expect(untrusted.status).toBe(4);
      expect(JSON.parse(untrusted.stderr)).toMatchObject({ code: 'NETWORK', details: { tls: true } });
      // The same discovery as for the notary server: --tlscacert and SSL_CERT_FILE are honoured for the registry too.
      const flag = await run(
        ['-s', server.url, '-d', tempDir('trust-'), '--tlscacert', pki.rootCa, 'verify', '--registry', `${gun}:v1`],
        {
          DOCKER_CONFIG: tempDir('docker-config-'),
        },
      );
      expect(flag.status, flag.stderr).toBe(0);
      expect(flag.stdout).toBe(`${pushed.digest}\n`);
      const sslFile = await run(['-s', server.url, '-d', tempDir('trust-'), 'verify', '--registry', `${gun}:v1`], {
        DOCKER_CONFIG: tempDir('docker-config-'),
        SSL_CERT_FILE: pki.rootCa,
      });
      expect(sslFile.status, sslFile.stderr).toBe(0);
    });
  });
}
