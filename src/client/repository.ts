// The verify facade: open (update and verify) a repository, then lookup, list or inspect it.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Dispatcher } from 'undici';
import { type CredentialProvider, defaultCredentials, NotaryRemote, resolveServerUrl } from '../remote/index.js';
import { MetadataCache } from './cache.js';
import type { ClientConfig } from './config.js';
import { type InspectOptions, inspectRepository, type TrustInspect } from './inspect.js';
import { type ListedTarget, type ListOptions, listTargets } from './list.js';
import { type LookupOptions, type LookupResult, lookupTarget } from './lookup.js';
import type { TrustedRepository } from './trusted-repository.js';
import { type MissingDelegationPolicy, type RoleFetcher, Updater } from './updater.js';

export interface OpenRepositoryOptions {
  readonly gun: string;
  /** Notary server URL; default as docker resolves it (DOCKER_CONTENT_TRUST_SERVER, config, then the GUN). */
  readonly server?: string | undefined;
  /** Trust dir; default the config's `trust_dir`, else `~/.docker/trust`. */
  readonly trustDir?: string | undefined;
  /** undici dispatcher (tests: MockAgent); default an Agent with `tlsCaFile`. */
  readonly dispatcher?: Dispatcher | undefined;
  /** The clock for expiry checks; default the system clock. */
  readonly now?: Date | (() => Date) | undefined;
  /** Client config (trust pinning, remote server, TLS files). */
  readonly config?: ClientConfig | undefined;
  /** Whole-call timeout of each request, ms (default 30 s). */
  readonly timeoutMs?: number | undefined;
  /** CA bundle for the server's TLS certificate (replaces the system roots, as Go notary does). */
  readonly tlsCaFile?: string | undefined;
  /** Verify the cached data only; fetch nothing. Results then carry `offline: true`. */
  readonly offline?: boolean | undefined;
  /** Environment for server resolution and credentials; default `process.env`. */
  readonly env?: Record<string, string | undefined> | undefined;
  /** Registry credentials for token auth; default NOTARY_AUTH then ~/.docker/config.json. */
  readonly credentials?: CredentialProvider | undefined;
  /** Injected metadata source (tests); replaces the HTTP remote. */
  readonly remote?: RoleFetcher | undefined;
  /** See `UpdaterOptions.missingDelegations`. */
  readonly missingDelegations?: MissingDelegationPolicy | undefined;
}

/** A verified repository: every answer comes from metadata verified at open time (delegations on first use). */
export interface Repository {
  readonly gun: string;
  /** True when opened with `offline`: the answers come from the cache alone. */
  readonly offline: boolean;
  /** The verified metadata. */
  readonly trusted: TrustedRepository;
  /** Resolves a tag as `docker pull` does (see `lookupTarget`). */
  lookup(tag: string, opts?: LookupOptions): Promise<LookupResult & { readonly offline: boolean }>;
  /** Every target like `notary list` (see `listTargets`). */
  list(opts?: ListOptions): Promise<ListedTarget[]>;
  /** The data of `docker trust inspect` (see `inspectRepository`). */
  inspect(opts?: InspectOptions): Promise<TrustInspect>;
  /** Releases the HTTP connections. */
  close(): Promise<void>;
}

/**
 * Opens `gun`: bootstraps or reuses the cached root, updates timestamp, snapshot and targets from the server (or
 * verifies the cache alone with `offline`), and writes what verified to `<trustDir>/tuf/<gun>/metadata/`.
 * @throws NotaryError INVALID_GUN, INVALID_ARGUMENT/INVALID_CONFIG (server URL, TLS files), and every code of
 *   `Updater.update`
 */
export async function openRepository(options: OpenRepositoryOptions): Promise<Repository> {
  const env = options.env ?? process.env;
  const home = env['HOME'] ?? homedir();
  const trustDir = resolve(options.trustDir ?? options.config?.trustDir ?? join(home, '.docker', 'trust'));
  const cache = new MetadataCache(trustDir, options.gun);
  const nowOpt = options.now;
  const now = nowOpt === undefined ? () => new Date() : typeof nowOpt === 'function' ? nowOpt : () => nowOpt;

  let http: NotaryRemote | undefined;
  let remote = options.remote;
  if (remote === undefined && !options.offline) {
    const rs = options.config?.remoteServer;
    const tlsCa = options.tlsCaFile ?? rs?.rootCa;
    http = new NotaryRemote({
      serverUrl: resolveServerUrl({ flag: options.server, env, gun: options.gun, configUrl: rs?.url }),
      gun: options.gun,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      ...(options.timeoutMs !== undefined ? { timeouts: { totalMs: options.timeoutMs } } : {}),
      credentials: options.credentials ?? defaultCredentials(env, home),
      tls: {
        ...(tlsCa !== undefined ? { caFile: tlsCa } : {}),
        ...(rs?.tlsClientCert !== undefined ? { certFile: rs.tlsClientCert } : {}),
        ...(rs?.tlsClientKey !== undefined ? { keyFile: rs.tlsClientKey } : {}),
        ...(rs?.skipTlsVerify === true ? { insecureSkipVerify: true } : {}),
      },
    });
    remote = http;
  }

  const updater = new Updater({
    gun: options.gun,
    cache,
    remote,
    now,
    trustPinning: options.config?.trustPinning,
    offline: options.offline === true,
    missingDelegations: options.missingDelegations,
  });
  let trusted: TrustedRepository;
  try {
    trusted = await updater.update();
  } catch (e) {
    await http?.close();
    throw e;
  }
  return {
    gun: options.gun,
    offline: trusted.offline,
    trusted,
    lookup: async (tag, opts) => ({ ...(await lookupTarget(trusted, tag, opts)), offline: trusted.offline }),
    list: (opts) => listTargets(trusted, opts),
    inspect: (opts) => inspectRepository(trusted, opts),
    close: async () => {
      await http?.close();
    },
  };
}
