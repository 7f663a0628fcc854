// Docker registry token auth (and HTTP Basic) for a notary server: challenges, token fetch, per-scope token cache.
import { isJsonObject, type JsonValue, parseJson } from '../canonical/index.js';
import { isNotaryError, notaryError } from '../errors.js';
import type { CredentialProvider, Credentials } from './credentials.js';
import type { ExchangeResponse } from './http-exchange.js';
import type { SendRequest } from './send-with-retry.js';
import { isLoopbackHost } from './server-url.js';
import { statusError } from './status-errors.js';
import { type Challenge, parseWwwAuthenticate } from './www-authenticate.js';

/** What an operation needs: Notary's CLI asks `pull` to read, `push,pull` to write, `*` to delete or rotate. */
export type Access = 'pull' | 'push,pull' | '*';

/** `repository:<gun>:<actions>` — the scope string of docker/distribution's token spec. */
export function repositoryScope(gun: string, access: Access): string {
  return `repository:${gun}:${access}`;
}

/** Tokens live `expires_in` seconds; docker's client treats anything under 60 (or absent) as 60. */
export const MIN_TOKEN_LIFETIME_S = 60;

/** A token response larger than this is refused (JWTs with an x5c chain are a few KiB). */
export const MAX_TOKEN_RESPONSE = 256 * 1024;

/**
 * Whether a secret (Basic credentials, a refresh token) may be sent to `target`, a server or token realm learned
 * from `server`. Never when the notary server itself is reached over plain http on a non-loopback address: anyone
 * on that path could have written the challenge and named their own realm. Otherwise over https: yes; over plain
 * http only when target and server are both loopback addresses (a local test or a development set-up).
 */
export function maySendSecrets(target: URL, server: URL): boolean {
  const serverLoopback = isLoopbackHost(server.hostname);
  if (server.protocol !== 'https:' && !serverLoopback) return false;
  if (target.protocol === 'https:') return true;
  return target.protocol === 'http:' && isLoopbackHost(target.hostname) && serverLoopback;
}

/** Sends one exchange through the remote's machinery (the calling operation's deadline, retries for GET). */
export type Sender = (req: SendRequest) => Promise<ExchangeResponse>;

export interface AuthorizerOptions {
  server: URL;
  gun: string;
  credentials?: CredentialProvider | undefined;
  /** Milliseconds clock for token expiry (injectable for tests). */
  now: () => number;
  userAgent: string;
}

interface CachedToken {
  value: string;
  expiresAt: number;
}

const TOKEN_TEXT = /^[\x21-\x7e]+$/;

/**
 * Holds the server's auth challenge and a token cache keyed by realm, service and scopes. `learn()` records the
 * challenge of a 401 (or of the ping); `authorization(scopes)` then gives the header to send, fetching a token for a
 * Bearer challenge. Tokens are never logged and only ever sent to the server that challenged.
 */
export class Authorizer {
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly inflight = new Map<string, Promise<CachedToken>>();
  private creds: Promise<Credentials | undefined> | undefined;

  constructor(private readonly o: AuthorizerOptions) {}

  /** Records the challenge of a 401 (Bearer preferred over Basic); returns it, or undefined when none is usable. */
  learn(headers: Record<string, string | string[] | undefined>): Challenge | undefined {
    const all = parseWwwAuthenticate(headers['www-authenticate']);
    const ch =
      all.find((c) => c.scheme === 'bearer' && typeof c.params['realm'] === 'string') ??
      all.find((c) => c.scheme === 'basic');
    if (ch) this.challenge = ch;
    return ch;
  }

  /** The scopes the last Bearer challenge asked for (`scope="a b"`), preferred over our own guess when present. */
  challengeScopes(): string[] | undefined {
    const s = this.challenge?.scheme === 'bearer' ? this.challenge.params['scope'] : undefined;
    const list = s?.split(' ').filter((x) => x !== '');
    return list && list.length > 0 ? list : undefined;
  }

  private credentials(): Promise<Credentials | undefined> {
    this.creds ??= this.o.credentials
      ? this.o.credentials.get({ serverUrl: this.o.server.href, gun: this.o.gun })
      : Promise.resolve(undefined);
    return this.creds;
  }

  private key(scopes: readonly string[]): string {
    const ch = this.challenge;
    return `${ch?.params['realm'] ?? ''}\n${ch?.params['service'] ?? ''}\n${scopes.join(' ')}`;
  }

  /** Forgets the cached token for these scopes (the server refused it). */
  invalidate(scopes: readonly string[]): void {
    this.tokens.delete(this.key(scopes));
  }

  /** The Authorization header for a request needing `scopes`, or undefined when none is known to be needed. */
  async authorization(scopes: readonly string[], send: Sender): Promise<string | undefined> {
    const ch = this.challenge;
    if (!ch) return undefined;
    if (ch.scheme === 'basic') {
      const c = await this.credentials();
      if (c?.kind !== 'basic' || !maySendSecrets(this.o.server, this.o.server)) return undefined;
      return `Basic ${Buffer.from(`${c.username}:${c.password}`, 'utf8').toString('base64')}`;
    }
    const k = this.key(scopes);
    const hit = this.tokens.get(k);
    if (hit && hit.expiresAt > this.o.now()) return `Bearer ${hit.value}`;
    // Parallel requests for one scope (e.g. delegations fetched together) share a single token fetch.
    let pending = this.inflight.get(k);
    if (!pending) {
      pending = this.fetchToken(ch, scopes, send).finally(() => this.inflight.delete(k));
      this.inflight.set(k, pending);
    }
    const token = await pending;
    this.tokens.set(k, token);
    return `Bearer ${token.value}`;
  }

  private async fetchToken(ch: Challenge, scopes: readonly string[], send: Sender): Promise<CachedToken> {
    const realmText = ch.params['realm'] ?? '';
    let realm: URL;
    try {
      realm = new URL(realmText);
    } catch (cause) {
      throw notaryError('BAD_RESPONSE', 'auth challenge names an invalid token realm', { cause, details: {} });
    }
    if ((realm.protocol !== 'https:' && realm.protocol !== 'http:') || realm.username || realm.password) {
      throw notaryError('BAD_RESPONSE', `auth challenge names an unusable token realm ${realm.origin}`, {
        details: { realm: realm.origin },
      });
    }
    const service = ch.params['service'];
    const creds = await this.credentials();
    const secretsOk = maySendSecrets(realm, this.o.server);
    const headers: Record<string, string> = { 'user-agent': this.o.userAgent, accept: 'application/json' };
    let res: ExchangeResponse;
    if (creds?.kind === 'identity-token' && secretsOk) {
      // OAuth2 refresh-token grant, as docker's registry client does with an `identitytoken` (distribution
      // registry/client/auth/session.go fetchTokenWithOAuth).
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken });
      form.set('client_id', 'notary-ts');
      if (service !== undefined) form.set('service', service);
      if (scopes.length > 0) form.set('scope', scopes.join(' '));
      headers['content-type'] = 'application/x-www-form-urlencoded';
      res = await send(this.tokenRequest(realm, realm.pathname + realm.search, 'POST', headers, form));
    } else {
      const q = new URLSearchParams(realm.search);
      if (service !== undefined) q.set('service', service);
      for (const s of scopes) q.append('scope', s);
      if (creds && secretsOk && creds.username !== '') q.set('account', creds.username);
      if (creds?.kind === 'basic' && secretsOk) {
        headers['authorization'] = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
      }
      const qs = q.toString();
      res = await send(this.tokenRequest(realm, realm.pathname + (qs ? `?${qs}` : ''), 'GET', headers));
    }
    if (res.status !== 200) {
      throw statusError(res, {
        what: 'token request',
        gun: this.o.gun,
        url: `${realm.origin}${realm.pathname}`,
        details: { realm: realm.origin + realm.pathname },
      });
    }
    return this.parseTokenResponse(res.body, realm);
  }

  private tokenRequest(
    realm: URL,
    path: string,
    method: 'GET' | 'POST',
    headers: Record<string, string>,
    form?: URLSearchParams,
  ): SendRequest {
    return {
      origin: realm.origin,
      path,
      method,
      headers,
      ...(form ? { body: Buffer.from(form.toString(), 'utf8') } : {}),
      okStatuses: [200],
      maxBytes: MAX_TOKEN_RESPONSE,
      tooLarge: { what: 'token response', maxBytes: MAX_TOKEN_RESPONSE },
    };
  }

  private parseTokenResponse(body: Uint8Array, realm: URL): CachedToken {
    const bad = (why: string, cause?: unknown): never => {
      throw notaryError('BAD_RESPONSE', `token endpoint ${realm.origin}${realm.pathname}: ${why}`, {
        ...(cause === undefined ? {} : { cause }),
        details: { realm: realm.origin + realm.pathname },
      });
    };
    let doc: JsonValue;
    try {
      doc = parseJson(body, { maxDepth: 16 });
    } catch (e) {
      if (!isNotaryError(e)) throw e;
      return bad('response is not valid json', e);
    }
    if (!isJsonObject(doc)) return bad('response is not a json object');
    const token = [doc['token'], doc['access_token']].find((t) => typeof t === 'string' && t !== '');
    if (typeof token !== 'string') return bad('response holds no token');
    if (!TOKEN_TEXT.test(token)) return bad('token holds characters not allowed in a header');
    const e = doc['expires_in'];
    const lifetime = typeof e === 'number' && Number.isFinite(e) && e > MIN_TOKEN_LIFETIME_S ? e : MIN_TOKEN_LIFETIME_S;
    // Expire a little early so a token does not lapse between our check and the server's.
    const marginMs = Math.min(5_000, lifetime * 100);
    return { value: token, expiresAt: this.o.now() + lifetime * 1000 - marginMs };
  }
}
