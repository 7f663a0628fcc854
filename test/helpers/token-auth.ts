// A docker/distribution-style token authority for notary-server's "token" auth: an openssl-made CA and signing
// cert, ES256 JWTs with an x5c chain, and an optional loopback realm endpoint that hands such tokens out.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';

/** One entry of the JWT `access` claim. `type` is `repository` for a GUN, `registry` for `catalog`. */
export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

/** Options of `startNotaryServer({ auth })`. Every field has a test default. */
export interface TokenAuthOptions {
  /** `realm` in the server config and the Bearer challenge. Default: the built-in token endpoint's URL. */
  realm?: string;
  /** `service` (the JWT `aud`). Default `notary-ts-test-service`. */
  service?: string;
  /** `issuer` (the JWT `iss`). Default `notary-ts-test-issuer`. */
  issuer?: string;
  /** Start a loopback token endpoint at the realm (default true unless `realm` is given). */
  tokenServer?: boolean;
  /** When set, the token endpoint requires exactly these HTTP Basic credentials (else 401). */
  credentials?: { username: string; password: string };
  /** Decides which actions the token endpoint grants for a requested scope (default: all requested). */
  grant?: (scope: AccessEntry, account: string | undefined) => string[];
}

/** Options of `mintToken`. */
export interface MintTokenOptions {
  /** Shorthand for `access: [{ type: 'repository', name: gun, actions }]`. */
  gun?: string;
  actions?: string[];
  /** Full `access` claim; overrides gun/actions. */
  access?: AccessEntry[];
  /** Seconds until `exp` (default 300; negative makes an already expired token). */
  expiresIn?: number;
  /** Seconds from now for `nbf` (default -5). */
  notBefore?: number;
  issuer?: string;
  audience?: string;
  /** Sign with a key whose cert is NOT chained to the server's root bundle (for rejection tests). */
  untrusted?: boolean;
}

export interface TokenAuthority {
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** PEM file given to notary-server as `rootcertbundle`. */
  readonly rootCertBundle: string;
  /** The `auth` section of notary-server's config. */
  readonly config: { type: 'token'; options: Record<string, string> };
  /** An ES256 JWT with an `x5c` header chained to the bundle; use as `Authorization: Bearer <token>`. */
  mintToken(opts?: MintTokenOptions): string;
  /** Requests served by the token endpoint (scope strings as sent), for assertions. */
  readonly tokenRequests: { scopes: string[]; service: string | null; account: string | null }[];
  stop(): Promise<void>;
}

interface Signer {
  key: ReturnType<typeof createPrivateKey>;
  x5c: string[];
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function certDerBase64(pemPath: string): string {
  return Buffer.from(new X509Certificate(readFileSync(pemPath)).raw).toString('base64');
}

/** CA (bundle) + leaf signing cert. The leaf is a plain end-entity cert; Go only needs it to chain. */
function makeChain(dir: string, name: string): { caPem: string; signer: Signer } {
  const ca = `${name}-ca`;
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${ca}.key`], dir);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      `${ca}.key`,
      '-subj',
      `/CN=${name} test token CA`,
      '-days',
      '3',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,digitalSignature',
      '-out',
      `${ca}.pem`,
    ],
    dir,
  );
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name} token signer`, '-out', `${name}.csr`], dir);
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      '3',
      '-out',
      `${name}.pem`,
    ],
    dir,
  );
  const key = createPrivateKey(readFileSync(join(dir, `${name}.key`)));
  return {
    caPem: join(dir, `${ca}.pem`),
    signer: { key, x5c: [certDerBase64(join(dir, `${name}.pem`)), certDerBase64(join(dir, `${ca}.pem`))] },
  };
}

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

function jwt(signer: Signer, payload: Record<string, unknown>): string {
  const header = { typ: 'JWT', alg: 'ES256', x5c: signer.x5c };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  // JOSE ES256 wants raw r||s (P1363), not DER.
  const sig = sign('sha256', Buffer.from(input), { key: signer.key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${b64url(sig)}`;
}

/** Parses `type:name:actions`; the name may itself contain `:` (a registry host with a port). */
export function parseScope(scope: string): AccessEntry | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return undefined;
  const actions = scope
    .slice(last + 1)
    .split(',')
    .filter((a) => a !== '');
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

/**
 * Creates a token authority in `dir` (openssl must be on PATH) and, unless a realm is given, starts its token
 * endpoint on 127.0.0.1 (`GET /token?service=…&scope=…`, answering `{token, access_token, expires_in, issued_at}`).
 */
export async function createTokenAuthority(dir: string, opts: TokenAuthOptions = {}): Promise<TokenAuthority> {
  const trusted = makeChain(dir, 'trusted');
  let untrusted: Signer | undefined;
  const service = opts.service ?? 'notary-ts-test-service';
  const issuer = opts.issuer ?? 'notary-ts-test-issuer';
  const tokenRequests: TokenAuthority['tokenRequests'] = [];

  const mintToken = (m: MintTokenOptions = {}): string => {
    const now = Math.floor(Date.now() / 1000);
    const access =
      m.access ?? (m.gun === undefined ? [] : [{ type: 'repository', name: m.gun, actions: m.actions ?? ['pull'] }]);
    let signer = trusted.signer;
    if (m.untrusted) {
      untrusted ??= makeChain(dir, 'untrusted').signer;
      signer = untrusted;
    }
    return jwt(signer, {
      iss: m.issuer ?? issuer,
      sub: 'notary-ts-test',
      aud: m.audience ?? service,
      exp: now + (m.expiresIn ?? 300),
      nbf: now + (m.notBefore ?? -5),
      iat: now,
      jti: randomBytes(12).toString('hex'),
      access,
    });
  };

  let server: Server | undefined;
  let realm = opts.realm;
  if (opts.tokenServer ?? realm === undefined) {
    server = createServer((req, res) => handleToken(req, res, opts, tokenRequests, mintToken));
    await new Promise<void>((resolve, reject) => {
      server?.once('error', reject);
      server?.listen(0, '127.0.0.1', () => resolve());
    });
    server.unref();
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    realm ??= `http://127.0.0.1:${port}/token`;
  }
  const finalRealm = realm ?? 'http://127.0.0.1:9/token';
  return {
    realm: finalRealm,
    service,
    issuer,
    rootCertBundle: trusted.caPem,
    config: {
      type: 'token',
      options: { realm: finalRealm, service, issuer, rootcertbundle: trusted.caPem },
    },
    mintToken,
    tokenRequests,
    stop: () =>
      new Promise<void>((resolve) => {
        if (!server) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handleToken(
  req: IncomingMessage,
  res: ServerResponse,
  opts: TokenAuthOptions,
  log: TokenAuthority['tokenRequests'],
  mintToken: (m: MintTokenOptions) => string,
): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const scopes = url.searchParams.getAll('scope');
  log.push({ scopes, service: url.searchParams.get('service'), account: url.searchParams.get('account') });
  let account = url.searchParams.get('account') ?? undefined;
  if (opts.credentials) {
    const want = `Basic ${Buffer.from(`${opts.credentials.username}:${opts.credentials.password}`).toString('base64')}`;
    if (req.headers.authorization !== want) {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="token"' });
      res.end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}\n');
      return;
    }
    account = opts.credentials.username;
  }
  const access: AccessEntry[] = [];
  for (const s of scopes) {
    const entry = parseScope(s);
    if (!entry) continue;
    const actions = opts.grant ? opts.grant(entry, account) : entry.actions;
    access.push({ ...entry, actions });
  }
  const token = mintToken({ access });
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
}
