// The real docker-registry (Debian's docker/distribution 2.8) on a free loopback port, with optional htpasswd Basic
// or token auth, and pushes of small OCI/Docker manifests and indexes over the distribution API (no Docker daemon).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch as undiciFetch } from 'undici';
import { describe, it } from 'vitest';
import { freePort } from './free-port.js';
import { tempDir } from './temp-dir.js';
import { createTokenAuthority, type TokenAuthOptions, type TokenAuthority } from './token-auth.js';

const REGISTRY_BIN = 'docker-registry';

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

export interface RegistryOptions {
  /** htpasswd Basic auth with one user. */
  basic?: { username: string; password: string };
  /** Token auth through the project's token authority (its endpoint optionally requiring Basic credentials). */
  token?: TokenAuthOptions;
  /** Serve HTTPS with this certificate chain and key (PEM files); `ca` is what the helper itself trusts. */
  tls?: { chain: string; key: string; ca: string };
}

export interface PushedManifest {
  digest: string;
  size: number;
  mediaType: string;
  bytes: Buffer;
}

export interface Registry {
  /** `127.0.0.1:PORT`: the registry part of image references. */
  readonly host: string;
  readonly url: string;
  readonly auth: TokenAuthority | undefined;
  /** Pushes a config and one layer blob, then an image manifest (OCI or Docker v2) at `tag`. */
  pushImage(name: string, tag: string, format?: 'oci' | 'docker', platform?: string): Promise<PushedManifest>;
  /** Pushes an OCI index (or Docker manifest list) of the given manifests (already in `name`) at `tag`. */
  pushIndex(name: string, tag: string, children: PushedManifest[], format?: 'oci' | 'docker'): Promise<PushedManifest>;
  /** GET of a manifest by tag or digest with the full Accept list: status and exact body. */
  getManifest(name: string, reference: string): Promise<{ status: number; body: Buffer; digest: string | null }>;
  stop(): Promise<void>;
}

function onPath(bin: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `describe` for suites needing docker-registry and htpasswd: missing under CI is a failing test, never a skip. */
export function describeRegistry(name: string, fn: () => void): void {
  const ok = onPath(REGISTRY_BIN) && onPath('htpasswd') && onPath('notary');
  if (ok) describe(name, fn);
  else if (process.env.CI) {
    describe(name, () => {
      it('needs docker-registry, htpasswd and notary (CI is set, so this cannot be skipped)', () => {
        throw new Error('install docker-registry, apache2-utils and notary');
      });
    });
  } else describe.skip(`${name} [skipped: docker-registry/htpasswd/notary not installed]`, fn);
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** Starts docker-registry with filesystem storage in a temp dir. Stop it with `stop()` (a watchdog kills it too). */
export async function startRegistry(opts: RegistryOptions = {}): Promise<Registry> {
  const dir = tempDir('registry-');
  const auth = opts.token ? await createTokenAuthority(dir, opts.token) : undefined;
  let authYaml = '';
  if (opts.basic) {
    const line = execFileSync('htpasswd', ['-Bbn', opts.basic.username, opts.basic.password], { encoding: 'utf8' });
    writeFileSync(join(dir, 'htpasswd'), line);
    authYaml = `auth:\n  htpasswd:\n    realm: notary-ts-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth) {
    const o = auth.config.options;
    authYaml =
      `auth:\n  token:\n    realm: ${o['realm']}\n    service: ${o['service']}\n` +
      `    issuer: ${o['issuer']}\n    rootcertbundle: ${o['rootcertbundle']}\n`;
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    const config =
      'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n' +
      `storage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\n` +
      `http:\n  addr: 127.0.0.1:${port}\n  secret: notary-ts-test-secret\n` +
      (opts.tls ? `  tls:\n    certificate: ${opts.tls.chain}\n    key: ${opts.tls.key}\n` : '') +
      authYaml;
    const file = join(dir, `config-${port}.yml`);
    writeFileSync(file, config);
    try {
      return await launch(file, port, opts, auth);
    } catch (e) {
      lastError = e;
    }
  }
  await auth?.stop();
  throw lastError;
}

async function launch(
  config: string,
  port: number,
  opts: RegistryOptions,
  auth: TokenAuthority | undefined,
): Promise<Registry> {
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (c: Buffer) => {
    if (log.length < 128 * 1024) log += c.toString('utf8');
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });
  const watchdog = spawn('sh', ['-c', 'read -r _ignored; kill -9 "$1" 2>/dev/null', 'watchdog', String(child.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);

  const host = `127.0.0.1:${port}`;
  const url = `${opts.tls ? 'https' : 'http'}://${host}`;
  // The helper's own requests trust the test CA (undici's fetch with an Agent; the global fetch has no CA option).
  const dispatcher = opts.tls ? new Agent({ connect: { ca: readFileSync(opts.tls.ca, 'utf8') } }) : undefined;
  const fetch = (input: string | URL, init: RequestInit = {}) =>
    undiciFetch(input, {
      ...(init as object),
      ...(dispatcher ? { dispatcher } : {}),
    } as never) as unknown as Promise<Response>;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`docker-registry exited during start-up (port ${port}):\n${log}`);
    try {
      const r = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.status === 200 || r.status === 401) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      watchdog.kill('SIGKILL');
      throw new Error(`docker-registry did not answer within 15 s:\n${log}`);
    }
    await sleep(20);
  }

  const authHeader = (name: string): Record<string, string> => {
    if (opts.basic) {
      const b = Buffer.from(`${opts.basic.username}:${opts.basic.password}`).toString('base64');
      return { authorization: `Basic ${b}` };
    }
    if (auth) {
      const token = auth.mintToken({ access: [{ type: 'repository', name, actions: ['pull', 'push'] }] });
      return { authorization: `Bearer ${token}` };
    }
    return {};
  };
  const request = async (
    name: string,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Buffer,
  ) => {
    const r = await fetch(new URL(path, url), {
      method,
      headers: { ...authHeader(name), ...headers },
      ...(body ? { body } : {}),
      redirect: 'manual',
    });
    return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
  };
  const pushBlob = async (name: string, data: Buffer): Promise<{ digest: string; size: number }> => {
    const digest = sha256(data);
    const start = await request(name, 'POST', `/v2/${name}/blobs/uploads/`, {});
    if (start.status !== 202) throw new Error(`blob upload start: ${start.status} ${start.body}`);
    const loc = new URL(start.headers.get('location') ?? '', url);
    loc.searchParams.set('digest', digest);
    const put = await request(
      name,
      'PUT',
      loc.pathname + loc.search,
      { 'content-type': 'application/octet-stream' },
      data,
    );
    if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${put.body}`);
    return { digest, size: data.length };
  };
  const putManifest = async (name: string, tag: string, mediaType: string, doc: unknown): Promise<PushedManifest> => {
    const bytes = Buffer.from(JSON.stringify(doc, null, 3));
    const r = await request(name, 'PUT', `/v2/${name}/manifests/${tag}`, { 'content-type': mediaType }, bytes);
    if (r.status !== 201) throw new Error(`manifest put: ${r.status} ${r.body}`);
    return { digest: sha256(bytes), size: bytes.length, mediaType, bytes };
  };

  let stopped: Promise<void> | undefined;
  return {
    host,
    url,
    auth,
    async pushImage(name, tag, format = 'oci', platform = 'linux/amd64') {
      const [os, architecture] = platform.split('/');
      const config = await pushBlob(
        name,
        Buffer.from(JSON.stringify({ architecture, os, seed: randomBytes(8).toString('hex') })),
      );
      const layer = await pushBlob(name, randomBytes(64));
      const oci = format === 'oci';
      return putManifest(name, tag, oci ? MEDIA.ociManifest : MEDIA.dockerManifest, {
        schemaVersion: 2,
        mediaType: oci ? MEDIA.ociManifest : MEDIA.dockerManifest,
        config: {
          mediaType: oci
            ? 'application/vnd.oci.image.config.v1+json'
            : 'application/vnd.docker.container.image.v1+json',
          ...config,
        },
        layers: [
          {
            mediaType: oci
              ? 'application/vnd.oci.image.layer.v1.tar+gzip'
              : 'application/vnd.docker.image.rootfs.diff.tar.gzip',
            ...layer,
          },
        ],
      });
    },
    async pushIndex(name, tag, children, format = 'oci') {
      const type = format === 'oci' ? MEDIA.ociIndex : MEDIA.dockerList;
      const arches = ['amd64', 'arm64', 'riscv64', 's390x'];
      return putManifest(name, tag, type, {
        schemaVersion: 2,
        mediaType: type,
        manifests: children.map((c, i) => ({
          mediaType: c.mediaType,
          digest: c.digest,
          size: c.size,
          platform: { architecture: arches[i % arches.length], os: 'linux' },
        })),
      });
    },
    async getManifest(name, reference) {
      const r = await request(name, 'GET', `/v2/${name}/manifests/${reference}`, {
        accept: Object.values(MEDIA).join(', '),
      });
      return { status: r.status, body: r.body, digest: r.headers.get('docker-content-digest') };
    },
    stop() {
      stopped ??= (async () => {
        process.off('exit', onExit);
        watchdog.kill('SIGKILL');
        if (!exited) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 3000);
          await exitPromise;
          clearTimeout(t);
        }
        await auth?.stop();
        await dispatcher?.close();
      })();
      return stopped;
    },
  };
}
