// The composition root: flags, config file, environment and docker config become one connection (server URL, TLS,
// credentials, proxy, timeouts, trust dir, pinning). The verify and the sign side both build their remote here.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import {
  type CredentialProvider,
  defaultCredentials,
  type ExchangeObserver,
  NotaryRemote,
  resolveServerUrl,
  type TransportFactory,
  type TransportOptions,
} from '../remote/index.js';
import type { ClientConfig, TrustPinning } from './config.js';
import { type FirstUse, mergePinning, type PinningOptions } from './pinning.js';
import { discoverTls, proxyRoots } from './tls-discovery.js';

/**
 * How to reach a notary server: the same option names on the verify side (`openRepository`) and on the sign side
 * (`sign`, `publish`, `init`, ...). Every field is optional; see `resolveConnection` for the defaults.
 */
export interface ConnectionOptions {
  /** Notary server URL (`-s`); default DOCKER_CONTENT_TRUST_SERVER, the config's `remote_server.url`, the GUN. */
  readonly server?: string | undefined;
  /** Trust dir (`-d`); default the config's `trust_dir`, `$DOCKER_CONFIG/trust`, `~/.docker/trust`. */
  readonly trustDir?: string | undefined;
  /** A parsed client config (`-c`): remote server, TLS files, trust dir, trust pinning. */
  readonly config?: ClientConfig | undefined;
  /** Environment for every default; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** CA bundle that replaces the system roots (`--tlscacert`, as Notary's `root_ca`). */
  readonly tlsCaFile?: string | undefined;
  /** Client certificate and key for mutual TLS (`--tlscert`, `--tlskey`). */
  readonly tlsCertFile?: string | undefined;
  readonly tlsKeyFile?: string | undefined;
  /** Do not verify the server's certificate (Notary's `skipTLSVerify`). Test set-ups only. */
  readonly tlsSkipVerify?: boolean | undefined;
  /** Bound on each server call, all retries included (default 30 s). */
  readonly timeoutMs?: number | undefined;
  /** Credentials for token auth; default NOTARY_AUTH, then docker's config.json (read when a server asks). */
  readonly credentials?: CredentialProvider | undefined;
  /** undici dispatcher for every request (tests: MockAgent); replaces the TLS and proxy settings. */
  readonly dispatcher?: Dispatcher | undefined;
  /**
   * Builds the HTTP transport from the resolved TLS and proxy settings; default `defaultTransport` (node:http and
   * node:https; undici's EnvHttpProxyAgent when a proxy is configured). `undiciTransport` always uses undici.
   */
  readonly transportFactory?: TransportFactory | undefined;
  /** Trust pinning beyond the config's (`--root-key`, `--root-ca`, `--no-tofu`). */
  readonly pinning?: PinningOptions | undefined;
  /** Pinning that replaces the config's section entirely (library callers). */
  readonly trustPinning?: TrustPinning | undefined;
  /** Told when a root is trusted on first use (nothing pinned it), with the root key IDs to pin. */
  readonly onFirstUse?: ((info: FirstUse) => void) | undefined;
  /** Told about every HTTP attempt (method, URL, status, time); `-D/--debug` prints them. */
  readonly onExchange?: ExchangeObserver | undefined;
}

/** A resolved connection for one GUN. `transport` is plain data any HTTP transport can consume. */
export interface Connection {
  readonly gun: string;
  readonly serverUrl: string;
  /** Which source gave the server URL: `flag`, `env`, `config` or `gun`. */
  readonly serverSource: 'flag' | 'env' | 'config' | 'gun';
  readonly trustDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  readonly transport: TransportOptions;
  readonly caSources: readonly string[];
  readonly clientCertSource: string | undefined;
  readonly credentials: CredentialProvider;
  readonly timeoutMs: number | undefined;
  readonly trustPinning: TrustPinning;
  /** A remote for this connection; the caller closes it. */
  openRemote(): NotaryRemote;
}

/** `$HOME` from `env`, else the OS's idea of it. */
export function homeOf(env: Readonly<Record<string, string | undefined>>): string {
  return env['HOME'] || homedir();
}

/** docker's config dir: `$DOCKER_CONFIG`, else `~/.docker`. */
export function dockerConfigDir(env: Readonly<Record<string, string | undefined>>): string {
  return env['DOCKER_CONFIG'] || join(homeOf(env), '.docker');
}

/** The trust dir: the option, the config's `trust_dir`, else `<docker config dir>/trust` (where docker keeps it). */
export function resolveTrustDir(
  o: { trustDir?: string | undefined; config?: ClientConfig | undefined; env?: ConnectionOptions['env'] } = {},
): string {
  const env = o.env ?? process.env;
  const given = o.trustDir === undefined ? undefined : expandHome(o.trustDir, env);
  return resolve(given ?? o.config?.trustDir ?? join(dockerConfigDir(env), 'trust'));
}

/**
 * A leading `~` or `~/` means the home directory, as the Go CLI reads `-d`: `-d "~/.docker/trust"` quoted (so the
 * shell did not expand it) must not create a directory named `~`. `~user` is left alone.
 */
function expandHome(path: string, env: Readonly<Record<string, string | undefined>>): string {
  if (path !== '~' && !path.startsWith('~/')) return path;
  return join(env['HOME'] || homedir(), path.slice(1));
}

function proxyFromEnv(env: Readonly<Record<string, string | undefined>>): TransportOptions['proxy'] {
  // Go's httpproxy.FromEnvironment: upper case first, then lower case.
  const pick = (name: string) => env[name] || env[name.toLowerCase()] || undefined;
  const httpsProxy = pick('HTTPS_PROXY');
  const httpProxy = pick('HTTP_PROXY');
  const noProxy = pick('NO_PROXY');
  if (!httpsProxy && !httpProxy) return undefined;
  return {
    ...(httpsProxy ? { httpsProxy } : {}),
    ...(httpProxy ? { httpProxy } : {}),
    ...(noProxy ? { noProxy } : {}),
  };
}

/**
 * Resolves the connection for `gun`. Precedence (SPEC.md "Connection"): server flag > DOCKER_CONTENT_TRUST_SERVER >
 * config `remote_server.url` > from the GUN; TLS as `discoverTls`; proxy from HTTPS_PROXY/HTTP_PROXY/NO_PROXY;
 * credentials NOTARY_AUTH > docker config (parsed only when a server asks for auth); pinning config < environment
 * < options. Nothing is sent; TLS files are read now, so a bad path fails before any request.
 * @throws NotaryError INVALID_ARGUMENT/INVALID_CONFIG/INVALID_GUN on a bad server URL, INVALID_CONFIG on unreadable
 *   TLS files, INVALID_ARGUMENT/INVALID_CONFIG on malformed pinning entries
 */
export function resolveConnection(gun: string, o: ConnectionOptions = {}): Connection {
  const env = o.env ?? process.env;
  const home = homeOf(env);
  const rs = o.config?.remoteServer;
  const serverSource: Connection['serverSource'] = o.server
    ? 'flag'
    : env['DOCKER_CONTENT_TRUST_SERVER']
      ? 'env'
      : rs?.url
        ? 'config'
        : 'gun';
  const serverUrl = resolveServerUrl({ flag: o.server, env: { ...env }, gun, configUrl: rs?.url });
  const tls =
    o.dispatcher === undefined
      ? discoverTls({
          serverUrl,
          env,
          dockerConfigDir: dockerConfigDir(env),
          caFile: o.tlsCaFile,
          configCaFile: rs?.rootCa,
          certFile: o.tlsCertFile,
          keyFile: o.tlsKeyFile,
          configCertFile: rs?.tlsClientCert,
          configKeyFile: rs?.tlsClientKey,
          skipVerify: o.tlsSkipVerify === true || rs?.skipTlsVerify === true,
        })
      : { transport: {}, caSources: [] as string[], clientCertSource: undefined };
  const proxy = proxyFromEnv(env);
  if (
    proxy &&
    o.dispatcher === undefined &&
    [proxy.httpsProxy, proxy.httpProxy].some((u) => u?.toLowerCase().startsWith('https:'))
  ) {
    proxy.ca = proxyRoots({ env });
  }
  const transport: TransportOptions = { tls: tls.transport, ...(proxy ? { proxy } : {}) };
  const credentials = o.credentials ?? defaultCredentials({ ...env }, home);
  const trustPinning = o.trustPinning ?? mergePinning(o.config?.trustPinning, env, o.pinning);
  return {
    gun,
    serverUrl,
    serverSource,
    trustDir: resolveTrustDir({ trustDir: o.trustDir, config: o.config, env }),
    env,
    home,
    transport,
    // Getters: for a plain-http server `discoverTls` reads the CA files only when they are first needed.
    get caSources() {
      return tls.caSources;
    },
    get clientCertSource() {
      return tls.clientCertSource;
    },
    credentials,
    timeoutMs: o.timeoutMs,
    trustPinning,
    openRemote: () =>
      new NotaryRemote({
        serverUrl,
        gun,
        credentials,
        ...(o.dispatcher ? { dispatcher: o.dispatcher } : { transport }),
        ...(o.transportFactory ? { transportFactory: o.transportFactory } : {}),
        ...(o.timeoutMs !== undefined ? { timeouts: { totalMs: o.timeoutMs } } : {}),
        ...(o.onExchange ? { onExchange: o.onExchange } : {}),
      }),
  };
}
