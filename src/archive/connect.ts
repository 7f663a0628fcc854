// The connection options archive, doctor and check share, and the NotaryRemote they make (as openRepository does).
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import type { ClientConfig } from '../client/config.js';
import { type CredentialProvider, defaultCredentials, NotaryRemote, resolveServerUrl } from '../remote/index.js';

export interface ConnectOptions {
  /** Notary server URL; default as docker resolves it (DOCKER_CONTENT_TRUST_SERVER, config, then the GUN). */
  readonly server?: string | undefined;
  /** Trust dir; default the config's `trust_dir`, else `~/.docker/trust`. */
  readonly trustDir?: string | undefined;
  readonly config?: ClientConfig | undefined;
  /** undici dispatcher (tests); default an Agent with the TLS options. */
  readonly dispatcher?: Dispatcher | undefined;
  /** Whole-call timeout of each request, ms. */
  readonly timeoutMs?: number | undefined;
  readonly tlsCaFile?: string | undefined;
  readonly env?: Record<string, string | undefined> | undefined;
  readonly credentials?: CredentialProvider | undefined;
}

/** The trust dir the options name. */
export function trustDirOf(o: ConnectOptions): string {
  const env = o.env ?? process.env;
  return resolve(o.trustDir ?? o.config?.trustDir ?? join(env['HOME'] ?? homedir(), '.docker', 'trust'));
}

/**
 * The server URL for `gun` and a remote for it (close it when done).
 * @throws NotaryError INVALID_CONFIG (server URL), INVALID_GUN
 */
export function connect(gun: string, o: ConnectOptions): { server: string; remote: NotaryRemote } {
  const env = o.env ?? process.env;
  const home = env['HOME'] ?? homedir();
  const rs = o.config?.remoteServer;
  const server = resolveServerUrl({ flag: o.server, env, gun, configUrl: rs?.url });
  const tlsCa = o.tlsCaFile ?? rs?.rootCa;
  const remote = new NotaryRemote({
    serverUrl: server,
    gun,
    ...(o.dispatcher ? { dispatcher: o.dispatcher } : {}),
    ...(o.timeoutMs !== undefined ? { timeouts: { totalMs: o.timeoutMs } } : {}),
    credentials: o.credentials ?? defaultCredentials(env, home),
    tls: {
      ...(tlsCa !== undefined ? { caFile: tlsCa } : {}),
      ...(rs?.tlsClientCert !== undefined ? { certFile: rs.tlsClientCert } : {}),
      ...(rs?.tlsClientKey !== undefined ? { keyFile: rs.tlsClientKey } : {}),
      ...(rs?.skipTlsVerify === true ? { insecureSkipVerify: true } : {}),
    },
  });
  return { server, remote };
}
