// NotaryRemote: Notary's HTTP API for one GUN over undici — bounded reads, timeouts, retries, token auth.

import type { Dispatcher } from 'undici';
import { isJsonObject, parseJson } from '../canonical/index.js';
import { type NotaryErrorCode, notaryError } from '../errors.js';
import { assertGun } from '../grammar/gun.js';
import { assertRoleName } from '../grammar/role-name.js';
import { monotonicMs } from './clock.js';
import type { CredentialProvider } from './credentials.js';
import type { RemoteTlsOptions, TransportOptions } from './dispatcher.js';
import type { ExchangeResponse } from './http-exchange.js';
import { buildPublishBody, type PublishFile } from './multipart.js';
import { type RemoteTimeouts, type RetryPolicy, resolveRetry, resolveTimeouts } from './options.js';
import { metadataFileName, type RoleSelector, tufBasePath } from './paths.js';
import { type ExchangeObserver, type SendRequest, sendWithRetry } from './send-with-retry.js';
import { validateServerUrl } from './server-url.js';
import { statusError } from './status-errors.js';
import { type Access, Authorizer, repositoryScope, type Sender } from './token-auth.js';
import { type TransportFactory, TransportSlot } from './transport.js';

/** Cap on a `<role>.key` response, as Go's `MaxKeySize` (256 KiB). */
export const MAX_KEY_RESPONSE = 256 * 1024;
/** Cap on bodies we only drain (ping, publish and delete answers). */
const SMALL_BODY = 64 * 1024;

export interface NotaryRemoteOptions {
  /** `http(s)://host[:port][/prefix]` (see `resolveServerUrl`). */
  serverUrl: string;
  gun: string;
  /**
   * Injected undici dispatcher (e.g. MockAgent); not closed by `close()`. Default: a transport made on first use by
   * `transportFactory`.
   */
  dispatcher?: Dispatcher;
  /** Builds the transport from `transport`/`tls` (default `defaultTransport`: node:http, undici for a proxy). */
  transportFactory?: TransportFactory;
  timeouts?: Partial<RemoteTimeouts>;
  retries?: Partial<RetryPolicy>;
  credentials?: CredentialProvider;
  /** TLS files; used only when neither a dispatcher nor `transport` is given. */
  tls?: RemoteTlsOptions;
  /** Resolved TLS and proxy settings (see the connection layer); used when no dispatcher is injected. */
  transport?: TransportOptions;
  /** Told about every attempt (method, URL, status, time), e.g. for `--debug`. */
  onExchange?: ExchangeObserver;
  /** Default `notary-ts`. */
  userAgent?: string;
  /** Wall clock (ms) for token lifetimes; default `Date.now`. */
  now?: () => number;
}

export interface GetRoleOptions extends RoleSelector {
  /** Most bytes accepted (after content decoding). */
  maxBytes: number;
}

interface CallSpec {
  what: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below `/v2/<gun>/_trust/tuf/`. */
  path: string;
  access?: Access;
  maxBytes: number;
  tooLarge: Record<string, unknown>;
  notFound?: NotaryErrorCode;
  details?: Record<string, unknown>;
  body?: Uint8Array;
  contentType?: string;
}

/**
 * A notary server seen from one GUN. Moves bytes only: metadata is returned exactly as received, never parsed.
 *
 * Redirects are never followed (a 3xx is BAD_RESPONSE): a redirect to another host would carry our Authorization
 * header there, and Notary's API has no reason to redirect. Response bodies are always consumed or the connection
 * destroyed. Only GETs are retried (network errors, connect timeouts, 5xx); a publish is never repeated.
 */
export class NotaryRemote {
  readonly serverUrl: string;
  readonly gun: string;
  private readonly origin: string;
  private readonly prefix: string;
  private readonly timeouts: RemoteTimeouts;
  private readonly retry: RetryPolicy;
  private readonly userAgent: string;
  private readonly auth: Authorizer;
  private readonly http: TransportSlot;
  private readonly onExchange: ExchangeObserver | undefined;

  /**
   * @throws NotaryError INVALID_CONFIG on a bad server URL; INVALID_GUN on a GUN that is unsafe in a URL
   * @throws RangeError on bad timeout/retry numbers
   */
  constructor(o: NotaryRemoteOptions) {
    this.serverUrl = validateServerUrl(o.serverUrl, 'server url');
    assertGun(o.gun);
    this.gun = o.gun;
    const u = new URL(this.serverUrl);
    this.origin = u.origin;
    this.prefix = u.pathname === '/' ? '' : u.pathname;
    this.timeouts = resolveTimeouts(o.timeouts);
    this.retry = resolveRetry(o.retries);
    this.userAgent = o.userAgent ?? 'notary-ts';
    this.http = new TransportSlot(o, this.timeouts.connectMs);
    this.onExchange = o.onExchange;
    this.auth = new Authorizer({
      server: u,
      gun: o.gun,
      credentials: o.credentials,
      now: o.now ?? Date.now,
      userAgent: this.userAgent,
    });
  }

  /**
   * `GET /v2/`: proves the server answers and learns its auth challenge (a 401 counts as reachable, as in Go).
   * @throws NotaryError NETWORK, TIMEOUT, SERVER_ERROR, BAD_RESPONSE (also for a 404: not a notary server),
   *   UNAUTHORIZED (403), SERVER_REJECTED (other 4xx)
   */
  async ping(): Promise<void> {
    const deadline = monotonicMs() + this.timeouts.totalMs;
    const path = `${this.prefix}/v2/`;
    const res = await this.send(this.request('GET', path, {}, SMALL_BODY, { what: 'ping' }), deadline);
    if (res.status === 401) {
      this.auth.learn(res.headers);
      return;
    }
    // A 404 here means the URL is not a notary server (every notary-server answers /v2/), not missing metadata.
    if (res.status !== 200) {
      throw statusError(res, { what: 'ping', gun: this.gun, url: this.origin + path, notFound: 'BAD_RESPONSE' });
    }
  }

  /**
   * Downloads `root.json`, `<role>.<checksum>.json` or `<version>.<role>.json` as raw bytes.
   * @throws NotaryError RESPONSE_TOO_LARGE (details role, maxBytes); REPOSITORY_NOT_FOUND (404 on the current
   *   root); METADATA_NOT_FOUND (other 404s); UNAUTHORIZED; NETWORK; TIMEOUT; SERVER_ERROR; BAD_RESPONSE;
   *   INVALID_ARGUMENT (unsafe role name)
   * @throws RangeError on a bad maxBytes, checksum or version
   */
  async getRole(role: string, opts: GetRoleOptions): Promise<Uint8Array> {
    assertRoleName(role);
    if (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes < 0) {
      throw new RangeError('maxBytes must be a non-negative integer');
    }
    const sel: RoleSelector = {};
    if (opts.checksum !== undefined) sel.checksum = opts.checksum;
    if (opts.version !== undefined) sel.version = opts.version;
    const file = metadataFileName(role, sel);
    const current = sel.checksum === undefined && sel.version === undefined;
    const res = await this.call({
      what: `get ${role}`,
      method: 'GET',
      path: file,
      access: 'pull',
      maxBytes: opts.maxBytes,
      tooLarge: { role, maxBytes: opts.maxBytes },
      notFound: role === 'root' && current ? 'REPOSITORY_NOT_FOUND' : 'METADATA_NOT_FOUND',
      details: { role, ...sel },
    });
    return res.body;
  }

  /**
   * `GET <role>.key`: the server's public key for timestamp or snapshot, as JSON bytes. The server CREATES the key
   * when it holds none for the role.
   * @throws NotaryError BAD_RESPONSE (not a JSON object), RESPONSE_TOO_LARGE (> 256 KiB), METADATA_NOT_FOUND,
   *   UNAUTHORIZED, NETWORK, TIMEOUT, SERVER_ERROR, SERVER_REJECTED
   */
  async getKey(role: 'timestamp' | 'snapshot'): Promise<Uint8Array> {
    return this.keyCall('GET', role);
  }

  /**
   * `POST <role>.key`: asks the server for a new key (pending until a root lists it); returns its JSON bytes.
   * Not retried (not idempotent).
   * @throws NotaryError as `getKey`
   */
  async rotateKey(role: 'timestamp' | 'snapshot'): Promise<Uint8Array> {
    return this.keyCall('POST', role);
  }

  private async keyCall(method: 'GET' | 'POST', role: 'timestamp' | 'snapshot'): Promise<Uint8Array> {
    if (role !== 'timestamp' && role !== 'snapshot') throw new RangeError(`no server-managed key for role ${role}`);
    const what = method === 'GET' ? `get ${role} key` : `rotate ${role} key`;
    const res = await this.call({
      what,
      method,
      path: `${role}.key`,
      access: method === 'GET' ? 'push,pull' : '*',
      maxBytes: MAX_KEY_RESPONSE,
      tooLarge: { role, what: 'key', maxBytes: MAX_KEY_RESPONSE },
      details: { role },
    });
    let ok = false;
    try {
      ok = isJsonObject(parseJson(res.body, { maxDepth: 8 }));
    } catch {
      ok = false;
    }
    if (!ok) {
      throw notaryError('BAD_RESPONSE', `${what} for ${this.gun}: response is not a json object`, {
        details: { role, gun: this.gun },
      });
    }
    return res.body;
  }

  /**
   * Uploads metadata in ONE multipart POST (all accepted or none). Never retried.
   * @throws NotaryError VERSION_CONFLICT (400 VERSION); SERVER_REJECTED (other 400s, details serverCode, name,
   *   reason); UNAUTHORIZED (401/403); SERVER_ERROR (5xx); NETWORK; TIMEOUT; BAD_RESPONSE; INVALID_ARGUMENT
   * @throws RangeError on an empty list or a duplicate role
   */
  async publish(files: readonly PublishFile[]): Promise<void> {
    const { contentType, body } = buildPublishBody(files);
    await this.call({
      what: 'publish',
      method: 'POST',
      path: '',
      access: 'push,pull',
      maxBytes: SMALL_BODY,
      tooLarge: { what: 'publish response', maxBytes: SMALL_BODY },
      details: { roles: files.map((f) => f.role) },
      body,
      contentType,
    });
  }

  /**
   * `DELETE /v2/<gun>/_trust/tuf/`: removes all of the GUN's metadata from the server. Not retried.
   * @throws NotaryError UNAUTHORIZED, SERVER_REJECTED, SERVER_ERROR, NETWORK, TIMEOUT, BAD_RESPONSE
   */
  async deleteRepository(): Promise<void> {
    await this.call({
      what: 'delete repository',
      method: 'DELETE',
      path: '',
      access: '*',
      maxBytes: SMALL_BODY,
      tooLarge: { what: 'delete response', maxBytes: SMALL_BODY },
    });
  }

  /** Closes the transport this remote made (an injected dispatcher is left alone). Idle sockets never hold the process. */
  async close(): Promise<void> {
    await this.http.close();
  }

  private request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    headers: Record<string, string>,
    maxBytes: number,
    tooLarge: Record<string, unknown>,
    body?: Uint8Array,
  ): SendRequest {
    return {
      origin: this.origin,
      path,
      method,
      headers: { 'user-agent': this.userAgent, 'accept-encoding': 'gzip', ...headers },
      ...(body === undefined ? {} : { body }),
      okStatuses: [200],
      maxBytes,
      tooLarge,
    };
  }

  /**
   * `GET <role>.json`, `<role>.<checksum>.json` or `<version>.<role>.json` with authorisation, answering whatever
   * the status is (for conformance checks such as `check`): the status, the Content-Type and the body (a 200 body
   * capped at `maxBytes`, others cut at 64 KiB).
   * @throws NotaryError RESPONSE_TOO_LARGE, NETWORK, TIMEOUT, SERVER_ERROR (5xx after retries), BAD_RESPONSE,
   *   INVALID_ARGUMENT (unsafe role name)
   * @throws RangeError on a bad maxBytes, checksum or version
   */
  async probe(
    role: string,
    sel: RoleSelector,
    maxBytes: number,
  ): Promise<{ status: number; contentType: string | undefined; body: Uint8Array }> {
    assertRoleName(role);
    const res = await this.exchange({
      what: `get ${role}`,
      method: 'GET',
      path: metadataFileName(role, sel),
      access: 'pull',
      maxBytes,
      tooLarge: { role, maxBytes },
    });
    const ct = res.headers['content-type'];
    return { status: res.status, contentType: Array.isArray(ct) ? ct[0] : ct, body: res.body };
  }

  /** One operation: authorisation, the request, one re-try after a 401 challenge, status mapping. */
  private async call(spec: CallSpec): Promise<ExchangeResponse> {
    const res = await this.exchange(spec);
    if (res.status !== 200) {
      const path = `${this.prefix}${tufBasePath(this.gun)}${spec.path}`;
      throw statusError(res, {
        what: spec.what,
        gun: this.gun,
        url: this.origin + path,
        ...(spec.notFound ? { notFound: spec.notFound } : {}),
        ...(spec.details ? { details: spec.details } : {}),
      });
    }
    return res;
  }

  /** Authorisation, the request, one re-try after a 401 challenge; any status is returned. */
  private async exchange(spec: CallSpec): Promise<ExchangeResponse> {
    const deadline = monotonicMs() + this.timeouts.totalMs;
    const send: Sender = (req) => this.send(req, deadline);
    const path = `${this.prefix}${tufBasePath(this.gun)}${spec.path}`;
    const scopes = spec.access ? [repositoryScope(this.gun, spec.access)] : [];
    const headers: Record<string, string> = spec.contentType ? { 'content-type': spec.contentType } : {};
    const build = (authorization: string | undefined) =>
      this.request(
        spec.method,
        path,
        authorization === undefined ? headers : { ...headers, authorization },
        spec.maxBytes,
        spec.tooLarge,
        spec.body,
      );

    const first = await this.auth.authorization(scopes, send);
    let res = await send(build(first));
    if (res.status === 401 && this.auth.learn(res.headers)) {
      const challenged = this.auth.challengeScopes() ?? scopes;
      // The token we sent (if any) was refused: forget it so the retry fetches a fresh one.
      if (first !== undefined) {
        this.auth.invalidate(scopes);
        this.auth.invalidate(challenged);
      }
      const second = await this.auth.authorization(challenged, send);
      // Sending the very header the server just refused would only repeat the 401.
      if (second !== undefined && second !== first) res = await send(build(second));
    }
    return res;
  }

  private send(req: SendRequest, deadline: number): Promise<ExchangeResponse> {
    return sendWithRetry(() => this.http.get(), req, deadline, this.timeouts, this.retry, this.onExchange);
  }
}
