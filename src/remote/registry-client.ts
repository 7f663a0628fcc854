// An OCI distribution registry seen from one host: a tag or digest resolved to the exact manifest bytes it serves.

import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { isJsonObject, parseJson } from '../canonical/index.js';
import { isNotaryError, notaryError } from '../errors.js';
import { monotonicMs } from './clock.js';
import type { CredentialProvider } from './credentials.js';
import type { RemoteTlsOptions, TransportOptions } from './dispatcher.js';
import type { ExchangeResponse } from './http-exchange.js';
import { type RemoteTimeouts, type RetryPolicy, resolveRetry, resolveTimeouts } from './options.js';
import { type ExchangeObserver, type SendRequest, sendWithRetry } from './send-with-retry.js';
import { isLoopbackHost } from './server-url.js';
import { statusError } from './status-errors.js';
import { Authorizer, repositoryScope, type Sender } from './token-auth.js';
import { type TransportFactory, TransportSlot } from './transport.js';

/** Largest manifest accepted (distribution's own limit for a manifest PUT is 4 MiB). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The manifest types we ask for: an index/list is returned as such, so a multi-arch image keeps its index digest. */
export const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

const REPO_PATH = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG_OR_DIGEST = /^(?:[\w][\w.-]{0,127}|[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,})$/;

/** Docker Hub's API host for the `docker.io` domain. */
export const DOCKER_HUB_REGISTRY_API = 'registry-1.docker.io';

/** The host an image reference's registry is reached at (`docker.io` → Docker Hub's API host). */
export function registryApiHost(registry: string): string {
  return registry === 'docker.io' ? DOCKER_HUB_REGISTRY_API : registry;
}

export interface RegistryClientOptions {
  /** Registry host[:port] as in an image reference (`docker.io` means Docker Hub's API host). */
  registry: string;
  /**
   * Hosts (`host` or `host:port`) that may be reached over plain HTTP, as docker's `--insecure-registry`. Loopback
   * hosts are always allowed. Such hosts are tried over HTTPS first; HTTP is used only when the TLS handshake fails.
   */
  insecureRegistries?: readonly string[];
  /** Injected undici dispatcher (not closed by `close()`); default a transport made by `transportFactory`. */
  dispatcher?: Dispatcher;
  /** Builds the transport from `transport`/`tls` (default `defaultTransport`: node:http, undici for a proxy). */
  transportFactory?: TransportFactory;
  /** TLS files; used only when neither a dispatcher nor `transport` is given. */
  tls?: RemoteTlsOptions;
  /** TLS material and proxy as the connection layer resolves them (`resolveConnection(...).transport`). */
  transport?: TransportOptions;
  /** Told about every HTTP attempt (`-D/--debug`). */
  onExchange?: ExchangeObserver;
  credentials?: CredentialProvider;
  timeouts?: Partial<RemoteTimeouts>;
  retries?: Partial<RetryPolicy>;
  userAgent?: string;
  /** Wall clock (ms) for token lifetimes. */
  now?: () => number;
}

/** What a tag or digest resolved to: the bytes the registry served, and their digest and size. */
export interface ResolvedManifest {
  /** `sha256:<hex>` of the bytes received (never taken from a header). */
  digest: string;
  /** Byte length of the manifest. */
  size: number;
  mediaType: string;
  bytes: Uint8Array;
}

function header(res: ExchangeResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Whether `host[:port]` is allowed over plain HTTP. */
export function isInsecureRegistry(host: string, insecure: readonly string[] = []): boolean {
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  if (isLoopbackHost(hostname)) return true;
  const h = host.toLowerCase();
  return insecure.some((e) => {
    const x = e
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/+$/, '');
    return x === h || x === hostname.toLowerCase();
  });
}

/**
 * A registry client: `GET /v2/<name>/manifests/<reference>` with the full Accept list, anonymous, Basic or Bearer
 * token auth (challenge learnt from the first 401), bounded body, timeouts and retries of the remote layer. Redirects
 * are not followed (a 3xx is BAD_RESPONSE), as for the notary server.
 */
export class RegistryClient {
  readonly registry: string;
  private readonly host: string;
  private readonly insecure: boolean;
  private origin: string | undefined;
  private readonly timeouts: RemoteTimeouts;
  private readonly retry: RetryPolicy;
  private readonly userAgent: string;
  private readonly auths = new Map<string, Authorizer>();
  private readonly http: TransportSlot;

  /** @throws RangeError on bad timeout/retry numbers */
  constructor(private readonly o: RegistryClientOptions) {
    this.registry = o.registry;
    this.host = registryApiHost(o.registry);
    this.insecure = isInsecureRegistry(this.host, o.insecureRegistries);
    this.timeouts = resolveTimeouts(o.timeouts);
    this.retry = resolveRetry(o.retries);
    this.userAgent = o.userAgent ?? 'notary-ts';
    this.http = new TransportSlot(o, this.timeouts.connectMs);
  }

  /**
   * Fetches the manifest of `path` (e.g. `library/alpine`) at a tag or digest. When `reference` is a digest, the
   * bytes must hash to it. A `Docker-Content-Digest` header is checked against the bytes, never trusted alone.
   * @throws NotaryError IMAGE_NOT_FOUND (404), UNAUTHORIZED (401/403, or a refused token request),
   *   HASH_MISMATCH (bytes differ from the requested digest or the header), RESPONSE_TOO_LARGE (> 4 MiB),
   *   BAD_RESPONSE (not a manifest of an accepted type, a redirect), NETWORK, TIMEOUT, SERVER_ERROR
   */
  async getManifest(path: string, reference: string): Promise<ResolvedManifest> {
    try {
      return await this.fetchManifest(path, reference);
    } catch (e) {
      // Transport and token errors name only a URL: say which registry, so the CLI's hint is about the registry.
      if (!isNotaryError(e) || e.details['registry'] !== undefined) throw e;
      throw notaryError(e.code, e.message, { details: { ...e.details, registry: this.registry }, cause: e.cause ?? e });
    }
  }

  private async fetchManifest(path: string, reference: string): Promise<ResolvedManifest> {
    // Both go into the URL path: only the reference grammar's characters are allowed (no `/`, `?`, `%`, `..`).
    if (!REPO_PATH.test(path) || !TAG_OR_DIGEST.test(reference)) {
      throw notaryError(
        'INVALID_REFERENCE',
        `invalid repository or reference ${JSON.stringify(`${path}:${reference}`)}`,
        {
          details: { repository: path.slice(0, 300), reference: reference.slice(0, 300) },
        },
      );
    }
    const deadline = monotonicMs() + this.timeouts.totalMs;
    const origin = await this.resolveOrigin(deadline);
    const name = `${this.registry}/${path}`;
    const url = `${origin}/v2/${path}/manifests/${reference}`;
    const send: Sender = (req) => this.send(req, deadline);
    const auth = this.authorizer(path, origin);
    const scopes = [repositoryScope(path, 'pull')];
    const build = (authorization: string | undefined): SendRequest => ({
      origin,
      path: `/v2/${path}/manifests/${reference}`,
      method: 'GET',
      headers: {
        'user-agent': this.userAgent,
        accept: MANIFEST_MEDIA_TYPES.join(', '),
        ...(authorization === undefined ? {} : { authorization }),
      },
      okStatuses: [200],
      maxBytes: MAX_MANIFEST_BYTES,
      tooLarge: { what: 'manifest', maxBytes: MAX_MANIFEST_BYTES, reference: `${name}:${reference}` },
    });
    const first = await auth.authorization(scopes, send);
    let res = await send(build(first));
    if (res.status === 401 && auth.learn(res.headers)) {
      const challenged = auth.challengeScopes() ?? scopes;
      if (first !== undefined) {
        auth.invalidate(scopes);
        auth.invalidate(challenged);
      }
      const second = await auth.authorization(challenged, send);
      if (second !== undefined && second !== first) res = await send(build(second));
    }
    if (res.status !== 200) {
      throw statusError(res, {
        what: `get manifest ${reference}`,
        gun: name,
        url,
        notFound: 'IMAGE_NOT_FOUND',
        details: { registry: this.registry, repository: path, reference },
      });
    }
    return this.checkManifest(res, name, reference, url);
  }

  private checkManifest(res: ExchangeResponse, name: string, reference: string, url: string): ResolvedManifest {
    const bytes = res.body;
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const details = { registry: this.registry, repository: name, reference, url };
    const mismatch = (expected: string, source: string) =>
      notaryError('HASH_MISMATCH', `manifest of ${name}:${reference} does not hash to the ${source}`, {
        details: { ...details, expected, actual: digest, source },
      });
    if (reference.includes(':') && !this.matches(bytes, reference, digest))
      throw mismatch(reference, 'requested digest');
    const claimed = header(res, 'docker-content-digest')?.trim();
    if (claimed !== undefined && claimed !== '' && !this.matches(bytes, claimed, digest)) {
      throw mismatch(claimed, 'docker-content-digest header');
    }
    let doc: unknown;
    try {
      doc = parseJson(bytes, { maxDepth: 64 });
    } catch (cause) {
      if (!isNotaryError(cause)) throw cause;
      throw notaryError('BAD_RESPONSE', `manifest of ${name}:${reference} is not valid json`, { cause, details });
    }
    if (!isJsonObject(doc as never)) {
      throw notaryError('BAD_RESPONSE', `manifest of ${name}:${reference} is not a json object`, { details });
    }
    const bodyType = (doc as Record<string, unknown>)['mediaType'];
    const contentType = header(res, 'content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
    const mediaType = typeof bodyType === 'string' && bodyType !== '' ? bodyType : contentType;
    if (!(MANIFEST_MEDIA_TYPES as readonly string[]).includes(mediaType)) {
      throw notaryError('BAD_RESPONSE', `${name}:${reference} is not a manifest of a supported type`, {
        details: { ...details, mediaType: mediaType.slice(0, 200) },
      });
    }
    return { digest, size: bytes.length, mediaType, bytes };
  }

  /** Whether `bytes` hash to `expected` (sha256 compared as computed; sha384/512 computed on demand). */
  private matches(bytes: Uint8Array, expected: string, sha256: string): boolean {
    const alg = expected.slice(0, expected.indexOf(':'));
    if (alg === 'sha256') return expected === sha256;
    if (alg === 'sha384' || alg === 'sha512') {
      return expected === `${alg}:${createHash(alg).update(bytes).digest('hex')}`;
    }
    return false;
  }

  /**
   * `https://host`, or for a loopback/insecure host the first of https and http that answers as a registry: HTTPS
   * is tried first (as docker does), plain HTTP only when the HTTPS connection fails.
   */
  private async resolveOrigin(deadline: number): Promise<string> {
    if (this.origin) return this.origin;
    const https = `https://${this.host}`;
    if (!this.insecure) {
      this.origin = https;
      return https;
    }
    const ping = (origin: string, retry: RetryPolicy) =>
      this.send(
        {
          origin,
          path: '/v2/',
          method: 'GET',
          headers: { 'user-agent': this.userAgent },
          okStatuses: [200],
          maxBytes: 64 * 1024,
          tooLarge: { what: 'ping' },
        },
        deadline,
        retry,
      );
    try {
      await ping(https, { ...this.retry, retries: 0 });
      this.origin = https;
    } catch (e) {
      // A plain-HTTP server answers a TLS ClientHello with a reset or garbage: any connection failure (not a
      // timeout) sends us to http, as docker's endpoint fallback does. If http is no registry either, the https
      // error is the one to report (e.g. a certificate problem).
      if (!isNotaryError(e, 'NETWORK') && !isNotaryError(e, 'BAD_RESPONSE')) throw e;
      const http = `http://${this.host}`;
      const res = await ping(http, this.retry).catch((e2: unknown) => {
        throw isNotaryError(e2, 'NETWORK') && e.details['tls'] === true ? e : e2;
      });
      if (res.status !== 200 && res.status !== 401) throw e;
      this.origin = http;
    }
    return this.origin;
  }

  /** One Authorizer per repository: a token's scope names one repository. */
  private authorizer(path: string, origin: string): Authorizer {
    let a = this.auths.get(path);
    if (!a) {
      a = new Authorizer({
        server: new URL(origin),
        gun: `${this.registry}/${path}`,
        credentials: this.o.credentials,
        now: this.o.now ?? Date.now,
        userAgent: this.userAgent,
      });
      this.auths.set(path, a);
    }
    return a;
  }

  /** Closes the transport this client made (an injected dispatcher is left alone). */
  async close(): Promise<void> {
    await this.http.close();
  }

  private send(req: SendRequest, deadline: number, retry: RetryPolicy = this.retry): Promise<ExchangeResponse> {
    return sendWithRetry(() => this.http.get(), req, deadline, this.timeouts, retry, this.o.onExchange);
  }
}
