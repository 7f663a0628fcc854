// Image references resolved against their registries: one, or many with bounded concurrency and shared clients.
import { homedir } from 'node:os';
import type { Dispatcher } from 'undici';
import { notaryError } from '../errors.js';
import { type ImageReference, parseImageReference } from '../grammar/reference.js';
import { type CredentialProvider, dockerConfigCredentials } from './credentials.js';
import type { RemoteTlsOptions, TransportOptions } from './dispatcher.js';
import { RegistryClient, type ResolvedManifest, registryApiHost } from './registry-client.js';
import type { ExchangeObserver } from './send-with-retry.js';
import type { TransportFactory } from './transport.js';

export interface ResolveImageOptions {
  /** Hosts that may be reached over plain HTTP (docker's `--insecure-registry`); loopback always may. */
  insecureRegistries?: readonly string[];
  /** Registry credentials; default docker's config (`$DOCKER_CONFIG`/`~/.docker/config.json`, helpers included). */
  credentials?: CredentialProvider;
  /** TLS for the registry (CA bundle replacing the system roots, client certificate), or per registry API host. */
  tls?: RemoteTlsOptions | ((host: string) => RemoteTlsOptions);
  /** TLS and proxy as the connection layer resolves them, or per registry API host; wins over `tls`. */
  transport?: TransportOptions | ((host: string) => TransportOptions);
  /** Told about every HTTP attempt (`-D/--debug`). */
  onExchange?: ExchangeObserver;
  /** Injected dispatcher (tests); not closed. */
  dispatcher?: Dispatcher;
  /** Builds each registry's transport (default `defaultTransport`: node:http, undici for a proxy). */
  transportFactory?: TransportFactory;
  /** Bound on each registry call, retries and token fetches included (default 30 s). */
  timeoutMs?: number;
  /** Environment for the default credentials (`DOCKER_CONFIG`, `HOME`); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Tag used when the reference names neither tag nor digest; default: such a reference is INVALID_REFERENCE. */
  defaultTag?: string;
}

/** A resolved image: the normalised reference, and the digest and size of the manifest the registry serves. */
export interface ResolvedImage extends ResolvedManifest {
  reference: ImageReference;
  /** The tag resolved (absent when the reference was pinned by digest only). */
  tag?: string;
  /** `name@digest`: the reference pinned to exactly these bytes. */
  pinned: string;
}

/** Registry clients by registry host, shared by every resolution of one batch (token caches included). */
export class RegistryPool {
  private readonly clients = new Map<string, RegistryClient>();
  constructor(private readonly options: ResolveImageOptions = {}) {}

  client(registry: string): RegistryClient {
    let c = this.clients.get(registry);
    if (!c) {
      const o = this.options;
      const env = o.env ?? process.env;
      c = new RegistryClient({
        registry,
        ...(o.insecureRegistries ? { insecureRegistries: o.insecureRegistries } : {}),
        credentials: o.credentials ?? dockerConfigCredentials({ env: { ...env }, home: env['HOME'] ?? homedir() }),
        ...(o.tls ? { tls: typeof o.tls === 'function' ? o.tls(registryApiHost(registry)) : o.tls } : {}),
        ...(o.transport
          ? { transport: typeof o.transport === 'function' ? o.transport(registryApiHost(registry)) : o.transport }
          : {}),
        ...(o.onExchange ? { onExchange: o.onExchange } : {}),
        ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
        ...(o.transportFactory ? { transportFactory: o.transportFactory } : {}),
        ...(o.timeoutMs !== undefined ? { timeouts: { totalMs: o.timeoutMs } } : {}),
      });
      this.clients.set(registry, c);
    }
    return c;
  }

  /** @throws NotaryError as `resolveImage` */
  async resolve(ref: string | ImageReference): Promise<ResolvedImage> {
    const r = typeof ref === 'string' ? parseImageReference(ref) : ref;
    const tag = r.tag ?? (r.digest === undefined ? this.options.defaultTag : undefined);
    const at = r.digest ?? tag;
    if (at === undefined) {
      throw notaryError('INVALID_REFERENCE', `${r.name}: a tag or digest is required`, {
        details: { reference: r.name },
      });
    }
    const m = await this.client(r.registry).getManifest(r.path, at);
    return { ...m, reference: r, ...(tag !== undefined ? { tag } : {}), pinned: `${r.name}@${m.digest}` };
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }
}

/**
 * Resolves an image reference (`registry/app:v1`, `alpine:3.20`, `app@sha256:…`) to the manifest its registry serves
 * now: digest = sha256 of the bytes received, size = their length. A multi-arch index resolves to the index itself.
 * A reference with both tag and digest is fetched by digest (the digest pins it).
 * @throws NotaryError INVALID_REFERENCE, IMAGE_NOT_FOUND, UNAUTHORIZED, HASH_MISMATCH, RESPONSE_TOO_LARGE,
 *   BAD_RESPONSE, NETWORK, TIMEOUT, SERVER_ERROR, INVALID_CONFIG (docker config or credential helper)
 */
export async function resolveImage(ref: string, options: ResolveImageOptions = {}): Promise<ResolvedImage> {
  const pool = new RegistryPool(options);
  try {
    return await pool.resolve(ref);
  } finally {
    await pool.close();
  }
}

/**
 * Resolves many references, at most `concurrency` at a time, sharing one client (and token cache) per registry.
 * Results are in input order; the first failure rejects (the others still finish before the clients close).
 * @throws NotaryError as `resolveImage`
 */
export async function resolveImages(
  refs: readonly (string | ImageReference)[],
  options: ResolveImageOptions & { concurrency?: number; onResolved?: (done: number, total: number) => void } = {},
): Promise<ResolvedImage[]> {
  const pool = new RegistryPool(options);
  const out: ResolvedImage[] = new Array(refs.length);
  let next = 0;
  let done = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < refs.length) {
      const i = next++;
      try {
        out[i] = await pool.resolve(refs[i] as string | ImageReference);
        options.onResolved?.(++done, refs.length);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, refs.length));
  try {
    await Promise.all(Array.from({ length: n }, worker));
  } finally {
    await pool.close();
  }
  if (failure) throw failure.error;
  return out;
}

/** Registry requests in flight at once when resolving a batch. */
export const DEFAULT_CONCURRENCY = 8;
