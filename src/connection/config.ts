// Notary's client config file (`~/.notary/config.json` or `-c FILE`): trust dir, remote server and trust pinning.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isJsonObject, type JsonObject, type JsonValue, parseJson } from '../canonical/index.js';
import { notaryError } from '../errors.js';

/** Trust pinning as Notary's `trust_pinning` section. Cert IDs are TUF (cert) key IDs. */
export interface TrustPinning {
  /** GUN or `prefix*` → allowed cert key IDs (leaf or intermediate). */
  certs: Record<string, string[]>;
  /** GUN prefix → CA bundle file the root leaf must chain to. */
  ca: Record<string, string>;
  /** Refuse trust on first use when nothing else pins the GUN. */
  disableTofu: boolean;
}

export interface ClientConfig {
  trustDir?: string;
  remoteServer?: {
    url?: string;
    rootCa?: string;
    tlsClientCert?: string;
    tlsClientKey?: string;
    skipTlsVerify?: boolean;
  };
  trustPinning: TrustPinning;
}

export function emptyTrustPinning(): TrustPinning {
  return { certs: {}, ca: {}, disableTofu: false };
}

function bad(file: string, field: string, what: string): never {
  throw notaryError('INVALID_CONFIG', `config ${file}: ${field} ${what}`, { details: { file, field } });
}

/** A string field; with `path`, `~/` expands to `home` and a relative path resolves against `base`. */
function str(
  o: JsonObject,
  key: string,
  file: string,
  path?: { base: string; home: string | undefined },
): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') bad(file, key, 'must be a string');
  if (!path || v === '') return v;
  if (v.startsWith('~/') && path.home) return resolve(path.home, v.slice(2));
  return isAbsolute(v) ? v : resolve(path.base, v);
}

/**
 * Reads and validates a client config. Relative paths resolve against the config file's directory, as notary does.
 * @throws NotaryError INVALID_CONFIG when the file is unreadable, not JSON, or a field has the wrong shape
 */
export function loadClientConfig(file: string, home?: string): ClientConfig {
  let text: Uint8Array;
  try {
    text = readFileSync(file);
  } catch (cause) {
    throw notaryError('INVALID_CONFIG', `cannot read config ${file}`, { cause, details: { file } });
  }
  let doc: JsonValue;
  try {
    doc = parseJson(text);
  } catch (cause) {
    throw notaryError('INVALID_CONFIG', `config ${file} is not valid json`, { cause, details: { file } });
  }
  return parseClientConfig(doc, file, home);
}

export function parseClientConfig(doc: JsonValue, file = '<config>', home?: string): ClientConfig {
  if (!isJsonObject(doc)) bad(file, '(top level)', 'must be an object');
  const base = dirname(resolve(file));
  const paths = { base, home };
  const cfg: ClientConfig = { trustPinning: emptyTrustPinning() };
  const trustDir = str(doc, 'trust_dir', file, paths);
  if (trustDir !== undefined) cfg.trustDir = trustDir;

  const rs = doc['remote_server'];
  if (rs !== undefined && rs !== null) {
    if (!isJsonObject(rs)) bad(file, 'remote_server', 'must be an object');
    const remote: NonNullable<ClientConfig['remoteServer']> = {};
    const url = str(rs, 'url', file);
    if (url) remote.url = url;
    for (const [k, out] of [
      ['root_ca', 'rootCa'],
      ['tls_client_cert', 'tlsClientCert'],
      ['tls_client_key', 'tlsClientKey'],
    ] as const) {
      const v = str(rs, k, file, paths);
      if (v) remote[out] = v;
    }
    const skip = rs['skipTLSVerify'];
    if (skip !== undefined && skip !== null) {
      if (typeof skip !== 'boolean') bad(file, 'remote_server.skipTLSVerify', 'must be a boolean');
      remote.skipTlsVerify = skip;
    }
    cfg.remoteServer = remote;
  }

  const tp = doc['trust_pinning'];
  if (tp !== undefined && tp !== null) {
    if (!isJsonObject(tp)) bad(file, 'trust_pinning', 'must be an object');
    const certs = tp['certs'];
    if (certs !== undefined && certs !== null) {
      if (!isJsonObject(certs)) bad(file, 'trust_pinning.certs', 'must be an object');
      for (const [gun, ids] of Object.entries(certs)) {
        if (!Array.isArray(ids) || !ids.every((x) => typeof x === 'string' && /^[0-9a-f]{64}$/.test(x))) {
          bad(file, `trust_pinning.certs.${gun}`, 'must be a list of hex key ids');
        }
        cfg.trustPinning.certs[gun] = ids as string[];
      }
    }
    const ca = tp['ca'];
    if (ca !== undefined && ca !== null) {
      if (!isJsonObject(ca)) bad(file, 'trust_pinning.ca', 'must be an object');
      for (const [prefix] of Object.entries(ca)) {
        const p = str(ca, prefix, file, paths);
        if (!p) bad(file, `trust_pinning.ca.${prefix}`, 'must be a file path');
        cfg.trustPinning.ca[prefix] = p;
      }
    }
    const dt = tp['disable_tofu'] ?? tp['disableTofu'];
    if (dt !== undefined && dt !== null) {
      if (typeof dt !== 'boolean') bad(file, 'trust_pinning.disable_tofu', 'must be a boolean');
      cfg.trustPinning.disableTofu = dt;
    }
  }
  return cfg;
}
