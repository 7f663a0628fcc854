// Where the CA bundle and the client certificate for a server come from: flags, config, docker's tls directory,
// Go's SSL_CERT_FILE/SSL_CERT_DIR, NODE_EXTRA_CA_CERTS and the system store, in one documented order.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { notaryError } from '../errors.js';
import { checkPem, readPem, type TransportOptions } from '../remote/index.js';

/** Reads (or, for `checkPem`, only checks) a PEM file: `readPem`'s signature. */
type PemReader = typeof readPem;

/** Go's list of system CA bundle files on Linux (crypto/x509 root_linux.go), first existing one wins. */
export const SYSTEM_CA_FILES: readonly string[] = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

export interface TlsDiscoveryInput {
  /** The resolved server URL (only `https:` servers get TLS settings). */
  serverUrl: string;
  env: Readonly<Record<string, string | undefined>>;
  /** docker's config dir: `$DOCKER_CONFIG`, else `~/.docker`. */
  dockerConfigDir: string;
  /** `--tlscacert`. */
  caFile?: string | undefined;
  /** The config's `remote_server.root_ca`. */
  configCaFile?: string | undefined;
  /** `--tlscert` / `--tlskey`. */
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /** The config's `remote_server.tls_client_cert` / `tls_client_key`. */
  configCertFile?: string | undefined;
  configKeyFile?: string | undefined;
  /** Notary's `skipTLSVerify`. */
  skipVerify?: boolean | undefined;
  /** System bundle candidates (tests); default `SYSTEM_CA_FILES`. */
  systemCaFiles?: readonly string[] | undefined;
}

/** What was found and where: `transport` for the remote, the rest for `--debug` and error details. */
export interface DiscoveredTls {
  transport: NonNullable<TransportOptions['tls']>;
  /** Where the trusted CAs came from, first the deciding source (e.g. `--tlscacert /x/ca.pem`). */
  caSources: string[];
  /** Where the client certificate came from, if any. */
  clientCertSource?: string;
}

const CERT = /-----BEGIN CERTIFICATE-----/;
const KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** docker's tls directory of a server: `<config dir>/tls/<host[:port]>` (docker cli trust.certificateDirectory). */
export function dockerTlsDir(dockerConfigDir: string, serverUrl: string): string {
  return join(dockerConfigDir, 'tls', new URL(serverUrl).host);
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Every readable file holding a PEM certificate in `dir` (SSL_CERT_DIR semantics: other files are skipped). */
function certsInDir(dir: string): string[] {
  const out: string[] = [];
  for (const name of listDir(dir)) {
    const p = join(dir, name);
    if (!isFile(p)) continue;
    try {
      const text = readFileSync(p, 'utf8');
      if (CERT.test(text)) out.push(text);
    } catch {
      // unreadable entries are skipped, as Go does
    }
  }
  return out;
}

/** The default roots: SSL_CERT_FILE/SSL_CERT_DIR when set (they ARE the system store for Go), else the system bundle. */
function defaultRoots(
  input: Pick<TlsDiscoveryInput, 'env' | 'systemCaFiles'>,
  sources: string[],
  scanDirs = true,
  read: PemReader = readPem,
): string[] {
  const env = input.env;
  const pems: string[] = [];
  const file = env['SSL_CERT_FILE'];
  const dirs = env['SSL_CERT_DIR'];
  if (file) {
    pems.push(read(file, 'SSL_CERT_FILE', CERT));
    sources.push(`SSL_CERT_FILE ${file}`);
  }
  if (dirs && scanDirs) {
    for (const d of dirs.split(':').filter((x) => x !== '')) {
      const found = certsInDir(d);
      if (found.length > 0) sources.push(`SSL_CERT_DIR ${d}`);
      pems.push(...found);
    }
  }
  if (!file && !dirs) {
    const sys = (input.systemCaFiles ?? SYSTEM_CA_FILES).find(isFile);
    if (sys !== undefined) {
      pems.push(readFileSync(sys, 'utf8'));
      sources.push(`system ${sys}`);
    } else {
      // node:tls is loaded only here: commands that never connect should not pay for it at start-up.
      const tls = createRequire(import.meta.url)('node:tls') as typeof import('node:tls');
      pems.push(...tls.rootCertificates);
      sources.push('node bundled roots');
    }
  }
  const extra = env['NODE_EXTRA_CA_CERTS'];
  if (extra) {
    pems.push(read(extra, 'NODE_EXTRA_CA_CERTS', CERT));
    sources.push(`NODE_EXTRA_CA_CERTS ${extra}`);
  }
  return pems;
}

/**
 * The CAs an `https:` proxy's own certificate is checked against: the default roots (4.–6. below, NODE_EXTRA_CA_CERTS
 * included), as Go checks a proxy against its system pool. Never Node's own store: the CLI launcher keeps
 * NODE_EXTRA_CA_CERTS out of it (bin/notary-ts.js).
 * @throws NotaryError INVALID_CONFIG when a named file is unreadable or not PEM
 */
export function proxyRoots(input: Pick<TlsDiscoveryInput, 'env' | 'systemCaFiles'>): string {
  return defaultRoots(input, []).join('\n');
}

/**
 * Resolves the TLS settings of an `https:` server (an `http:` one only when a CA source is named, for an https token
 * realm; an SSL_CERT_DIR it names is scanned on first use, see SPEC §15). CAs, first match decides:
 * 1. `--tlscacert`, else 2. the config's `root_ca`: the ONLY roots (Go notary's exclusive root pool);
 * 3. docker's tls dir `<DOCKER_CONFIG or ~/.docker>/tls/<host:port>/*.crt`: added to the default roots (as docker);
 * default roots: 4. `SSL_CERT_FILE`/`SSL_CERT_DIR` when set, else 6. the system bundle (Go's file list), else Node's
 * bundled roots; 5. `NODE_EXTRA_CA_CERTS` is added to them. Any CA may be an intermediate (partial chains).
 * Client certificate: `--tlscert`/`--tlskey`, else the config's pair, else in docker's tls dir `*.cert` + `*.key`
 * (docker's rule) or `cert.pem` + `key.pem`.
 * @throws NotaryError INVALID_CONFIG when a named file is unreadable or not PEM, or a cert comes without its key
 */
export function discoverTls(input: TlsDiscoveryInput): DiscoveredTls {
  if (new URL(input.serverUrl).protocol === 'https:') return discoverNow(input);
  // A plain-http server gets TLS settings only when some are named (its token realm may still be https).
  const env = input.env;
  const files = [input.caFile, input.configCaFile, input.certFile, input.keyFile, input.configCertFile];
  if (files.some((f) => !!f) || input.configKeyFile) return discoverNow(input);
  if (!env['SSL_CERT_FILE'] && !env['SSL_CERT_DIR'] && !env['NODE_EXTRA_CA_CERTS']) {
    return { transport: {}, caSources: [] };
  }
  if (!env['SSL_CERT_DIR']) return discoverNow(input);
  // Named only by the environment with an SSL_CERT_DIR (as on many CI machines): every file that can fail is read
  // now, so errors are what they always were, but the directory scan (hundreds of files, ~10 ms at every start;
  // unreadable entries are skipped, so it never fails) waits until something asks for the roots, i.e. an https
  // token realm. Plain-http traffic never scans it; Go loads its system pool lazily too. The files are only checked
  // now (read as bytes, not kept): the lazy discovery reads them again if TLS is ever used.
  discoverNow(input, false, checkPem);
  return lazyDiscovered(() => discoverNow(input));
}

const TLS_FIELDS = ['ca', 'cert', 'key', 'rejectUnauthorized', 'allowPartialTrustChain'] as const;

/** `discoverTls`'s answer computed on first read of any field (then kept). */
function lazyDiscovered(discover: () => DiscoveredTls): DiscoveredTls {
  let found: DiscoveredTls | undefined;
  const get = (): DiscoveredTls => {
    found ??= discover();
    return found;
  };
  const transport: NonNullable<TransportOptions['tls']> = {};
  for (const k of TLS_FIELDS) Object.defineProperty(transport, k, { enumerable: true, get: () => get().transport[k] });
  return Object.defineProperties({} as DiscoveredTls, {
    transport: { enumerable: true, value: transport },
    caSources: { enumerable: true, get: () => get().caSources },
    clientCertSource: { enumerable: true, get: () => get().clientCertSource },
  });
}

/**
 * The settings of `discoverTls`; `scanDirs` false skips the SSL_CERT_DIR scan and `read` = `checkPem` reads no text (to
 * check the files that can fail).
 */
function discoverNow(input: TlsDiscoveryInput, scanDirs = true, read: PemReader = readPem): DiscoveredTls {
  const transport: NonNullable<TransportOptions['tls']> = {};
  const caSources: string[] = [];
  const out: DiscoveredTls = { transport, caSources };
  const dockerDir = dockerTlsDir(input.dockerConfigDir, input.serverUrl);
  const dockerNames = listDir(dockerDir);

  if (input.caFile !== undefined && input.caFile !== '') {
    transport.ca = read(input.caFile, 'tls ca file (--tlscacert)', CERT);
    caSources.push(`--tlscacert ${input.caFile}`);
  } else if (input.configCaFile !== undefined && input.configCaFile !== '') {
    transport.ca = read(input.configCaFile, 'tls ca file (remote_server.root_ca)', CERT);
    caSources.push(`remote_server.root_ca ${input.configCaFile}`);
  } else {
    const dockerCas = dockerNames.filter((n) => n.endsWith('.crt')).map((n) => join(dockerDir, n));
    const env = input.env;
    if (dockerCas.length > 0 || env['SSL_CERT_FILE'] || env['SSL_CERT_DIR'] || env['NODE_EXTRA_CA_CERTS']) {
      const pems = dockerCas.map((f) => read(f, 'docker tls ca', CERT));
      for (const f of dockerCas) caSources.push(`docker tls dir ${f}`);
      pems.push(...defaultRoots(input, caSources, scanDirs, read));
      transport.ca = pems.join('\n');
    } else {
      // Nothing custom: the system store, read lazily by the same rule.
      transport.ca = defaultRoots(input, caSources, scanDirs, read).join('\n');
    }
  }
  transport.allowPartialTrustChain = true;

  const pair = clientPair(input, dockerDir, dockerNames);
  if (pair) {
    transport.cert = read(pair.cert, 'tls client certificate', CERT);
    transport.key = read(pair.key, 'tls client key', KEY);
    out.clientCertSource = `${pair.source} ${pair.cert}`;
  }
  if (input.skipVerify === true) transport.rejectUnauthorized = false;
  return out;
}

function clientPair(
  input: TlsDiscoveryInput,
  dockerDir: string,
  dockerNames: string[],
): { cert: string; key: string; source: string } | undefined {
  const both = (cert: string | undefined, key: string | undefined, source: string) => {
    if (!cert && !key) return undefined;
    if (!cert || !key) {
      throw notaryError('INVALID_CONFIG', `${source}: give both a tls client certificate and key, or neither`, {
        details: { source, certFile: cert, keyFile: key },
      });
    }
    return { cert, key, source };
  };
  const flag = both(input.certFile, input.keyFile, '--tlscert/--tlskey');
  if (flag) return flag;
  const cfg = both(input.configCertFile, input.configKeyFile, 'remote_server.tls_client_cert/tls_client_key');
  if (cfg) return cfg;
  // docker's ReadCertsDirectory: every `x.cert` needs `x.key`.
  for (const n of dockerNames) {
    if (!n.endsWith('.cert')) continue;
    const key = `${n.slice(0, -'.cert'.length)}.key`;
    return both(join(dockerDir, n), existsSync(join(dockerDir, key)) ? join(dockerDir, key) : undefined, dockerDir);
  }
  if (dockerNames.includes('cert.pem') || dockerNames.includes('key.pem')) {
    const cert = dockerNames.includes('cert.pem') ? join(dockerDir, 'cert.pem') : undefined;
    const key = dockerNames.includes('key.pem') ? join(dockerDir, 'key.pem') : undefined;
    return both(cert, key, 'docker tls dir');
  }
  return undefined;
}
