// Token auth against local servers: ping → 401 → token → success, caching per scope, Basic, secrets over http.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TransportFactory } from '../../../src/remote/index.js';
import {
  type CredentialProvider,
  type Credentials,
  maySendSecrets,
  NotaryRemote,
  type NotaryRemoteOptions,
  repositoryScope,
} from '../../../src/remote/index.js';
import { TRANSPORTS } from '../../helpers/transports.js';
import { type LocalServer, sendError, startLocalServer } from './local-server.js';

let transportFactory: TransportFactory;

const GUN = 'example.com/p/q';
let notary: LocalServer;
let auth: LocalServer;
let issued: Map<string, string[]>; // token → scopes it grants
let tokenBody: (scopes: string[]) => unknown;
const remotes: NotaryRemote[] = [];

function creds(c: Credentials | undefined): CredentialProvider & { calls: number } {
  const p = {
    calls: 0,
    async get() {
      p.calls++;
      return c;
    },
  };
  return p;
}

function remote(over: Partial<NotaryRemoteOptions> = {}): NotaryRemote {
  const r = new NotaryRemote({
    transportFactory,
    serverUrl: notary.url,
    gun: GUN,
    retries: { retries: 0 },
    ...over,
  });
  remotes.push(r);
  return r;
}

function scopeFor(method: string, url: string): string {
  if (url === '/v2/') return 'registry:catalog:*';
  if (method === 'DELETE' || (method === 'POST' && url.endsWith('.key'))) return repositoryScope(GUN, '*');
  if (method === 'POST' || url.endsWith('.key')) return repositoryScope(GUN, 'push,pull');
  return repositoryScope(GUN, 'pull');
}

/** A notary-like server: accepts a Bearer token whose scopes include the route's, else a 401 challenge. */
function bearerServer(extra = '') {
  notary.handle((req, res) => {
    const scope = scopeFor(req.method ?? '', req.url ?? '');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const granted = token === undefined ? undefined : issued.get(token);
    if (granted?.includes(scope)) {
      res.end('{"ok":true}');
      return;
    }
    const error = token === undefined ? '' : granted ? ',error="insufficient_scope"' : ',error="invalid_token"';
    sendError(
      res,
      401,
      { errors: [{ code: 'UNAUTHORIZED' }] },
      {
        'www-authenticate': `Bearer realm="${auth.url}/token",service="notary-test",scope="${scope}"${error}${extra}`,
      },
    );
  });
}

beforeAll(async () => {
  notary = await startLocalServer();
  auth = await startLocalServer();
});
afterEach(async () => {
  notary.requests.length = 0;
  auth.requests.length = 0;
  await Promise.all(remotes.splice(0).map((r) => r.close()));
});
afterAll(async () => {
  await notary.close();
  await auth.close();
});

function startTokens() {
  issued = new Map();
  let n = 0;
  tokenBody = (scopes) => {
    const token = `tok${++n}`;
    issued.set(token, scopes);
    return { token, expires_in: 300 };
  };
  auth.handle((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(tokenBody(u.searchParams.getAll('scope'))));
  });
}

describe.each(TRANSPORTS)('%s transport', (_name, factory) => {
  beforeAll(() => {
    transportFactory = factory;
  });

  describe('bearer token flow', () => {
    it('ping learns the realm; the next call fetches a token once and reuses it for the same scope', async () => {
      startTokens();
      bearerServer();
      const r = remote();
      await r.ping();
      await r.getRole('root', { maxBytes: 100 });
      await r.getRole('timestamp', { maxBytes: 100 });
      await r.getRole('snapshot', { maxBytes: 100, version: 1 });
      expect(auth.requests).toHaveLength(1);
      const q = new URL(auth.requests[0]!.url, 'http://x').searchParams;
      expect(q.get('service')).toBe('notary-test');
      expect(q.getAll('scope')).toEqual([repositoryScope(GUN, 'pull')]);
      expect(q.get('account')).toBeNull();
      // ping + 3 authorised GETs, no extra 401 round trips once the realm is known
      expect(notary.requests.map((x) => x.headers.authorization ?? '-')).toEqual([
        '-',
        'Bearer tok1',
        'Bearer tok1',
        'Bearer tok1',
      ]);
    });

    it('parallel calls share one token fetch', async () => {
      startTokens();
      bearerServer();
      const r = remote();
      await r.ping();
      await Promise.all([1, 2, 3, 4].map((v) => r.getRole('root', { maxBytes: 100, version: v })));
      expect(auth.requests).toHaveLength(1);
    });

    it('without a ping: 401 → token (challenge scope) → one retry; other scopes get their own token', async () => {
      startTokens();
      bearerServer();
      const r = remote();
      await r.getRole('root', { maxBytes: 100 });
      expect(notary.requests).toHaveLength(2);
      await r.publish([{ role: 'targets', bytes: new Uint8Array(1) }]);
      await r.getKey('timestamp');
      await r.deleteRepository();
      const scopes = auth.requests.map((x) => new URL(x.url, 'http://x').searchParams.getAll('scope'));
      expect(scopes).toEqual([
        [repositoryScope(GUN, 'pull')],
        [repositoryScope(GUN, 'push,pull')],
        [repositoryScope(GUN, '*')],
      ]);
    });

    it('prefers the scope the challenge names', async () => {
      startTokens();
      notary.handle((req, res) => {
        const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        if (token && issued.get(token)?.includes('repository:other/name:pull')) return void res.end('{}');
        sendError(
          res,
          401,
          {},
          {
            'www-authenticate': `Bearer realm="${auth.url}/token",service="s",scope="repository:other/name:pull"`,
          },
        );
      });
      await remote().getRole('root', { maxBytes: 100 });
      expect(new URL(auth.requests[0]!.url, 'http://x').searchParams.getAll('scope')).toEqual([
        'repository:other/name:pull',
      ]);
    });

    it('tokens expire after expires_in (min 60 s) and are then fetched again', async () => {
      startTokens();
      bearerServer();
      tokenBody = (scopes) => {
        const token = `tok${issued.size + 1}`;
        issued.set(token, scopes);
        return { access_token: token, expires_in: 10 }; // below docker's 60 s floor
      };
      let now = 1_000_000;
      const r = remote({ now: () => now });
      await r.getRole('root', { maxBytes: 100 });
      now += 50_000;
      await r.getRole('root', { maxBytes: 100 });
      expect(auth.requests).toHaveLength(1);
      now += 10_000;
      await r.getRole('root', { maxBytes: 100 });
      expect(auth.requests).toHaveLength(2);
    });

    it('a cached token the server now refuses is dropped and fetched once more', async () => {
      startTokens();
      bearerServer();
      const r = remote();
      await r.getRole('root', { maxBytes: 100 });
      issued.clear(); // server forgets every token: the cached one becomes invalid
      await r.getRole('root', { maxBytes: 100 });
      expect(auth.requests).toHaveLength(2);
    });

    it('a token that never suffices ends in UNAUTHORIZED with the challenge error', async () => {
      startTokens();
      bearerServer();
      tokenBody = () => ({ token: 'useless' });
      await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
        details: { authError: 'invalid_token', status: 401 },
      });
      expect(notary.requests).toHaveLength(2);
    });

    it('sends Basic credentials and account to a loopback realm when the server is loopback http', async () => {
      startTokens();
      bearerServer();
      const provider = creds({ kind: 'basic', username: 'alice', password: 'p:w' });
      const r = remote({ credentials: provider });
      await r.getRole('root', { maxBytes: 100 });
      await r.getRole('timestamp', { maxBytes: 100 });
      expect(provider.calls).toBe(1);
      expect(auth.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('alice:p:w').toString('base64')}`);
      expect(new URL(auth.requests[0]!.url, 'http://x').searchParams.get('account')).toBe('alice');
      // the notary server itself only ever sees the token
      expect(notary.requests.every((x) => !String(x.headers.authorization ?? '').startsWith('Basic'))).toBe(true);
    });

    it('uses the OAuth2 refresh-token grant for an identity token', async () => {
      startTokens();
      bearerServer();
      auth.handle((req, res) => {
        const form = new URLSearchParams(req.body.toString());
        expect(req.method).toBe('POST');
        expect(form.get('grant_type')).toBe('refresh_token');
        expect(form.get('refresh_token')).toBe('refresh-me');
        expect(form.get('service')).toBe('notary-test');
        const scopes = (form.get('scope') ?? '').split(' ');
        issued.set('oauth1', scopes);
        res.end(JSON.stringify({ access_token: 'oauth1', expires_in: 120 }));
      });
      await remote({
        credentials: creds({ kind: 'identity-token', username: '', identityToken: 'refresh-me' }),
      }).getRole('root', { maxBytes: 100 });
      expect(auth.requests).toHaveLength(1);
    });

    it('maps token endpoint failures: 401 → UNAUTHORIZED, bad JSON / no token → BAD_RESPONSE, huge → too large', async () => {
      bearerServer();
      auth.handle((_q, res) => sendError(res, 401, {}));
      await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      auth.handle((_q, res) => res.end('{"token":"a","token":"b"}'));
      await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
      auth.handle((_q, res) => res.end('{"expires_in":60}'));
      await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
      auth.handle((_q, res) => res.end(JSON.stringify({ token: 'a\r\nx: y' })));
      await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
      auth.handle((_q, res) => res.end(JSON.stringify({ token: 'x'.repeat(300 * 1024) })));
      await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'RESPONSE_TOO_LARGE' });
    });

    it('an unusable realm is BAD_RESPONSE', async () => {
      notary.handle((_q, res) => sendError(res, 401, {}, { 'www-authenticate': 'Bearer realm="ftp://x/token"' }));
      await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
      notary.handle((_q, res) => sendError(res, 401, {}, { 'www-authenticate': 'Bearer realm="not a url"' }));
      await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    });
  });

  describe('basic auth', () => {
    it('answers a Basic challenge with the credentials, once', async () => {
      const want = `Basic ${Buffer.from('bob:pw').toString('base64')}`;
      notary.handle((req, res) => {
        if (req.headers.authorization === want) return void res.end('{}');
        sendError(res, 401, {}, { 'www-authenticate': 'Basic realm="notary"' });
      });
      const r = remote({ credentials: creds({ kind: 'basic', username: 'bob', password: 'pw' }) });
      await r.getRole('root', { maxBytes: 100 });
      await r.getRole('root', { maxBytes: 100 });
      expect(notary.requests.map((x) => x.headers.authorization ?? '-')).toEqual(['-', want, want]);
    });

    it('without credentials a Basic challenge is UNAUTHORIZED without a retry', async () => {
      notary.handle((_q, res) => sendError(res, 401, {}, { 'www-authenticate': 'Basic realm="notary"' }));
      await expect(remote().getRole('root', { maxBytes: 100 })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
      expect(notary.requests).toHaveLength(1);
    });
  });

  describe('secrets over plain http', () => {
    const u = (s: string) => new URL(s);
    it('https targets from an https or loopback server; http only loopback-to-loopback', () => {
      // A realm named by a plain-http, non-loopback server may be an attacker's: no secrets, even over https.
      expect(maySendSecrets(u('https://auth.example/token'), u('http://notary.example'))).toBe(false);
      expect(maySendSecrets(u('http://notary.example/v2/'), u('http://notary.example'))).toBe(false);
      expect(maySendSecrets(u('https://auth.example/token'), u('https://notary.example'))).toBe(true);
      expect(maySendSecrets(u('https://auth.example/token'), u('http://127.0.0.1:4443'))).toBe(true);
      expect(maySendSecrets(u('http://127.0.0.1:5/token'), u('http://127.0.0.1:4443'))).toBe(true);
      expect(maySendSecrets(u('http://localhost/token'), u('http://[::1]:4443'))).toBe(true);
      expect(maySendSecrets(u('http://auth.example/token'), u('http://127.0.0.1:4443'))).toBe(false);
      expect(maySendSecrets(u('http://127.0.0.1/token'), u('https://notary.example'))).toBe(false);
      expect(maySendSecrets(u('http://127.0.0.1/token'), u('http://notary.example'))).toBe(false);
    });
  });
});
