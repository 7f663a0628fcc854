// Which notary server to talk to (flag, env, config, or derived from the GUN as docker does) and GUN normalisation.
import { type NotaryErrorCode, notaryError } from '../errors.js';

/** Docker Hub's notary server, which docker uses for every `docker.io/...` repository. */
export const DOCKER_HUB_NOTARY = 'https://notary.docker.io';

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';

/** True for `localhost`, 127.0.0.0/8 and `::1` (as `URL.hostname` spells them). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m?.slice(1).every((x) => Number(x) <= 255) === true;
}

/**
 * The registry a GUN lives on, by docker's rule (distribution/reference splitDockerDomain): the first segment when
 * it contains `.` or `:`, is `localhost`, or has an upper-case letter; otherwise Docker Hub. `index.docker.io` is
 * Docker Hub's legacy name.
 */
export function registryOfGun(gun: string): string {
  const slash = gun.indexOf('/');
  if (slash < 0) return DEFAULT_DOMAIN;
  const first = gun.slice(0, slash);
  const isDomain = /[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first;
  if (!isDomain) return DEFAULT_DOMAIN;
  return first === LEGACY_DEFAULT_DOMAIN ? DEFAULT_DOMAIN : first;
}

/**
 * Checks a server URL and returns it without a trailing slash: http or https only, a host, no user info (it would be
 * sent in clear and logged), no query or fragment. A path is kept (the API lives under `<url>/v2/`).
 * @throws NotaryError `code` (INVALID_ARGUMENT for a flag, INVALID_CONFIG otherwise) when it is not such a URL
 */
export function validateServerUrl(text: string, source: string, code: NotaryErrorCode = 'INVALID_CONFIG'): string {
  const bad = (why: string): never => {
    throw notaryError(code, `${source}: invalid notary server url ${JSON.stringify(text.slice(0, 200))}: ${why}`, {
      details: { source, url: text.slice(0, 200) },
    });
  };
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return bad('not an absolute url');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') bad('scheme must be http or https');
  if (u.hostname === '') bad('no host');
  if (u.username !== '' || u.password !== '') bad('credentials in the url are not allowed');
  if (u.search !== '' || u.hash !== '' || text.includes('?') || text.includes('#')) bad('query or fragment');
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

export interface ServerUrlSources {
  /** `-s/--server`. */
  flag?: string | undefined;
  /** Environment (reads `DOCKER_CONTENT_TRUST_SERVER`). */
  env: Record<string, string | undefined>;
  gun: string;
  /** The client config's `remote_server.url`. */
  configUrl?: string | undefined;
}

/**
 * The server URL, first of: the flag; `DOCKER_CONTENT_TRUST_SERVER`; the config's `remote_server.url`; derived from
 * the GUN as docker does (cli/trust `Server`): Docker Hub repositories (including names without a registry part,
 * which docker normalises to `docker.io/library/...`) → `https://notary.docker.io`, otherwise `https://<registry>`.
 * Unlike docker, an `http://` URL is accepted from any source (as the Go notary CLI accepts `-s http://...`).
 * @throws NotaryError INVALID_ARGUMENT (flag) or INVALID_CONFIG (env, config) on a bad URL
 */
export function resolveServerUrl(o: ServerUrlSources): string {
  if (o.flag !== undefined && o.flag !== '') return validateServerUrl(o.flag, '--server', 'INVALID_ARGUMENT');
  const env = o.env['DOCKER_CONTENT_TRUST_SERVER'];
  if (env !== undefined && env !== '') return validateServerUrl(env, 'DOCKER_CONTENT_TRUST_SERVER');
  if (o.configUrl !== undefined && o.configUrl !== '') return validateServerUrl(o.configUrl, 'remote_server.url');
  const registry = registryOfGun(o.gun);
  if (registry === DEFAULT_DOMAIN) return DOCKER_HUB_NOTARY;
  return validateServerUrl(`https://${registry}`, `registry of ${o.gun}`, 'INVALID_GUN');
}

// distribution/reference grammar (regexp.go), without IPv6 hosts (our URL paths do not carry `[`/`]`).
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = new RegExp(`^${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*(?::[0-9]+)?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const NAME_TOTAL_LENGTH_MAX = 255;

/**
 * Normalises a repository name the way docker does (distribution/reference ParseNormalizedNamed):
 * 1. a 64-hex-digit name is refused (it would be taken for an image ID);
 * 2. the first `/`-segment is the registry when it contains `.` or `:`, is `localhost`, or is not all lower-case;
 *    otherwise the registry is `docker.io` and the whole name is the path;
 * 3. `index.docker.io` becomes `docker.io`; a single-segment path on `docker.io` gets `library/` in front;
 * 4. the path must be lower-case, each segment `[a-z0-9]+` joined by `.`, `_`, `__` or `-`s; the registry a
 *    hostname (letters, digits, inner `-`, `.`-separated) with an optional `:port`; at most 255 characters in all.
 * Tags (`:tag`) and digests (`@sha256:…`) are not part of a GUN and are refused. IPv6 registries are refused.
 * Examples: `alpine` → `docker.io/library/alpine`; `user/app` → `docker.io/user/app`;
 * `localhost:5000/app` stays; `Example.com/app` stays (registry names may have capitals).
 * @throws NotaryError INVALID_GUN when the name does not fit the grammar
 */
export function normalizeGun(name: string): string {
  const bad = (why: string): never => {
    throw notaryError('INVALID_GUN', `invalid repository name ${JSON.stringify(name.slice(0, 300))}: ${why}`, {
      details: { gun: name.slice(0, 300), reason: why },
    });
  };
  if (/^[a-f0-9]{64}$/.test(name)) bad('a 64-hex-digit name is an image id, not a repository');
  const slash = name.indexOf('/');
  let domain = DEFAULT_DOMAIN;
  let path = name;
  if (slash >= 0) {
    const first = name.slice(0, slash);
    if (/[.:]/.test(first) || first === 'localhost' || first.toLowerCase() !== first) {
      domain = first;
      path = name.slice(slash + 1);
    }
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  if (path.toLowerCase() !== path) bad('repository name must be lowercase');
  if (!DOMAIN.test(domain)) bad('invalid registry host');
  for (const seg of path.split('/')) {
    if (!PATH_COMPONENT.test(seg)) bad(seg === '' ? 'empty path segment' : `invalid path segment ${seg}`);
  }
  const full = `${domain}/${path}`;
  if (full.length > NAME_TOTAL_LENGTH_MAX) bad(`longer than ${NAME_TOTAL_LENGTH_MAX} characters`);
  return full;
}
