// Registry credentials for token/basic auth: NOTARY_AUTH, ~/.docker/config.json auths and docker credential helpers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isJsonObject, type JsonObject, type JsonValue, parseJson } from '../canonical/index.js';
import { fromBase64 } from '../encoding/base64.js';
import { fromUtf8 } from '../encoding/utf8.js';
import { notaryError } from '../errors.js';
import { registryOfGun } from './server-url.js';

/** A user name and password (HTTP Basic), or an OAuth2 refresh token (`identitytoken`, from `docker login`). */
export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'identity-token'; username: string; identityToken: string };

/** What the remote needs credentials for: the server and the GUN (whose registry docker keys credentials by). */
export interface CredentialRequest {
  serverUrl: string;
  gun: string;
}

/** The seam for credentials: asked at most once per remote, and only when a server demands authentication. */
export interface CredentialProvider {
  get(request: CredentialRequest): Promise<Credentials | undefined>;
}

/** The first provider that has credentials wins. */
export function chainCredentials(...providers: CredentialProvider[]): CredentialProvider {
  return {
    async get(request) {
      for (const p of providers) {
        const c = await p.get(request);
        if (c) return c;
      }
      return undefined;
    },
  };
}

function splitUserPass(plain: string, source: string): { username: string; password: string } {
  const i = plain.indexOf(':');
  if (i <= 0) {
    throw notaryError('INVALID_CONFIG', `${source} must be base64 of <username>:<password> with a non-empty user`, {
      details: { source },
    });
  }
  return { username: plain.slice(0, i), password: plain.slice(i + 1) };
}

function decodeUserPass(b64: string, source: string): { username: string; password: string } {
  let plain: string;
  try {
    plain = fromUtf8(fromBase64(b64.trim(), source));
  } catch (cause) {
    throw notaryError('INVALID_CONFIG', `${source} is not valid base64`, { cause, details: { source } });
  }
  return splitUserPass(plain, source);
}

/**
 * `NOTARY_AUTH`: base64 of `user:password`, as the Go notary CLI reads it (the password is whitespace-trimmed).
 * Go logs and ignores a malformed value; we refuse it.
 * @throws NotaryError INVALID_CONFIG (from `get`) when the variable is set but malformed
 */
export function notaryAuthCredentials(env: Record<string, string | undefined>): CredentialProvider {
  return {
    async get() {
      const v = env['NOTARY_AUTH'];
      if (v === undefined || v === '') return undefined;
      const { username, password } = decodeUserPass(v, 'NOTARY_AUTH');
      return { kind: 'basic', username, password: password.trim() };
    },
  };
}

/** Docker Hub's key in config.json and the address its credential helpers expect. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

/** docker's ConvertToHostname: drop the scheme and everything from the first `/`. */
export function credentialHostname(key: string): string {
  const s = key.replace(/^https?:\/\//, '');
  const slash = s.indexOf('/');
  return slash < 0 ? s : s.slice(0, slash);
}

/** Runs `docker-credential-<helper> get` with `input` on stdin. */
export type CredentialHelperRunner = (
  helper: string,
  input: string,
) => Promise<{ code: number; stdout: string; stderr: string }>;

export interface DockerConfigOptions {
  env: Record<string, string | undefined>;
  /** Home directory (for `~/.docker/config.json` when `DOCKER_CONFIG` is unset). */
  home: string;
  /** Injectable for tests; the default spawns the helper with `env` (no shell), 10 s timeout. */
  runHelper?: CredentialHelperRunner;
}

function defaultRunner(env: Record<string, string | undefined>): CredentialHelperRunner {
  return async (helper, input) => {
    // Loaded only when a credential helper is configured: node:child_process costs ~10 ms at start-up.
    const { execFile } = await import('node:child_process');
    return new Promise((resolve, reject) => {
      const child = execFile(
        `docker-credential-${helper}`,
        ['get'],
        { env: env as NodeJS.ProcessEnv, timeout: 10_000, maxBuffer: 64 * 1024, windowsHide: true },
        (err, stdout, stderr) => {
          if (err && typeof (err as { code?: unknown }).code !== 'number') {
            reject(err);
            return;
          }
          resolve({ code: err ? Number((err as { code?: unknown }).code) : 0, stdout, stderr });
        },
      );
      child.stdin?.on('error', () => {
        // the helper may exit without reading; its exit status tells the story
      });
      child.stdin?.end(input);
    });
  };
}

function readDockerConfig(file: string): JsonObject | undefined {
  let raw: Uint8Array;
  try {
    raw = readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw notaryError('INVALID_CONFIG', `cannot read docker config ${file}`, { cause: e, details: { file } });
  }
  let doc: JsonValue;
  try {
    doc = parseJson(raw);
  } catch (cause) {
    throw notaryError('INVALID_CONFIG', `docker config ${file} is not valid json`, { cause, details: { file } });
  }
  if (!isJsonObject(doc)) throw notaryError('INVALID_CONFIG', `docker config ${file} is not an object`);
  return doc;
}

function authEntry(auths: JsonObject, address: string, host: string): JsonObject | undefined {
  const exact = auths[address];
  if (isJsonObject(exact)) return exact;
  for (const [key, v] of Object.entries(auths)) {
    if (isJsonObject(v) && credentialHostname(key) === host) return v;
  }
  return undefined;
}

function fromAuthEntry(e: JsonObject, file: string): Credentials | undefined {
  let username = typeof e['username'] === 'string' ? e['username'] : '';
  let password = typeof e['password'] === 'string' ? e['password'] : '';
  const auth = e['auth'];
  if (typeof auth === 'string' && auth !== '') {
    ({ username, password } = decodeUserPass(auth, `auth entry in ${file}`));
    password = password.replace(/\0+$/, '');
  }
  const identityToken = e['identitytoken'];
  if (typeof identityToken === 'string' && identityToken !== '') {
    return { kind: 'identity-token', username, identityToken };
  }
  if (username === '' && password === '') return undefined;
  return { kind: 'basic', username, password };
}

async function fromHelper(run: CredentialHelperRunner, helper: string, address: string) {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(helper)) {
    throw notaryError('INVALID_CONFIG', `invalid docker credential helper name ${JSON.stringify(helper)}`);
  }
  let r: { code: number; stdout: string; stderr: string };
  try {
    r = await run(helper, address);
  } catch (cause) {
    throw notaryError('INVALID_CONFIG', `cannot run docker-credential-${helper}`, { cause, details: { helper } });
  }
  if (r.code !== 0) {
    // docker-credential-helpers print this exact text when they hold nothing for the address.
    if (/credentials not found/i.test(r.stdout + r.stderr)) return undefined;
    throw notaryError('INVALID_CONFIG', `docker-credential-${helper} get failed (exit ${r.code})`, {
      details: { helper, exitCode: r.code },
    });
  }
  let doc: JsonValue;
  try {
    doc = parseJson(r.stdout.trim());
  } catch (cause) {
    throw notaryError('INVALID_CONFIG', `docker-credential-${helper} printed invalid json`, { cause });
  }
  if (!isJsonObject(doc) || typeof doc['Secret'] !== 'string' || doc['Secret'] === '') return undefined;
  const username = typeof doc['Username'] === 'string' ? doc['Username'] : '';
  // docker stores identity tokens in helpers under the user name `<token>`.
  if (username === '<token>') return { kind: 'identity-token', username: '', identityToken: doc['Secret'] } as const;
  return { kind: 'basic', username, password: doc['Secret'] } as const;
}

/**
 * Credentials from docker's config (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`), looked up the way
 * the docker CLI does: for the GUN's registry (Docker Hub: `https://index.docker.io/v1/`), then for the notary
 * server's host. `credHelpers[host]`, then `credsStore`, then `auths` (`auth` = base64 `user:pass`, or
 * `username`/`password`; keys may be `https://host/...`, `host` or `host:port`). An `identitytoken` is returned as
 * such (the token flow then uses OAuth2 `grant_type=refresh_token`).
 * @throws NotaryError INVALID_CONFIG (from `get`) on an unreadable or malformed config, or a failing helper
 */
export function dockerConfigCredentials(opts: DockerConfigOptions): CredentialProvider {
  const dir = opts.env['DOCKER_CONFIG'] || join(opts.home, '.docker');
  const file = join(dir, 'config.json');
  const run = opts.runHelper ?? defaultRunner(opts.env);
  return {
    async get(request) {
      const cfg = readDockerConfig(file);
      if (!cfg) return undefined;
      const registry = registryOfGun(request.gun);
      const targets: Array<{ address: string; host: string }> = [];
      if (registry === 'docker.io') targets.push({ address: DOCKER_HUB_AUTH_KEY, host: 'index.docker.io' });
      else targets.push({ address: registry, host: registry });
      let serverHost = '';
      try {
        serverHost = new URL(request.serverUrl).host;
      } catch {
        // an invalid server URL fails elsewhere; it simply has no credentials here
      }
      if (serverHost !== '' && !targets.some((t) => t.host === serverHost)) {
        targets.push({ address: serverHost, host: serverHost });
      }
      const helpers = cfg['credHelpers'];
      const store = cfg['credsStore'];
      const auths = cfg['auths'];
      for (const t of targets) {
        const helper = isJsonObject(helpers) ? helpers[t.host] : undefined;
        let found: Credentials | undefined;
        if (typeof helper === 'string' && helper !== '') found = await fromHelper(run, helper, t.address);
        else if (typeof store === 'string' && store !== '') found = await fromHelper(run, store, t.address);
        else if (isJsonObject(auths)) {
          const e = authEntry(auths, t.address, t.host);
          if (e) found = fromAuthEntry(e, file);
        }
        if (found) return found;
      }
      return undefined;
    },
  };
}

/** `NOTARY_AUTH` first (explicit), then docker's config. */
export function defaultCredentials(env: Record<string, string | undefined>, home: string): CredentialProvider {
  return chainCredentials(notaryAuthCredentials(env), dockerConfigCredentials({ env, home }));
}
