// The verify facade: open (update and verify) a repository, then lookup, list or inspect it.
import { type ConnectionOptions, mergePinning, resolveConnection, resolveTrustDir } from '../connection/index.js';
import type { NotaryRemote } from '../remote/index.js';
import { MetadataCache } from './cache.js';
import { type InspectOptions, inspectRepository, type TrustInspect } from './inspect.js';
import { type ListedTarget, type ListOptions, listTargets } from './list.js';
import { type LookupOptions, type LookupResult, lookupTarget } from './lookup.js';
import type { TrustedRepository } from './trusted-repository.js';
import { type MissingDelegationPolicy, type RoleFetcher, Updater } from './updater.js';

/** Connection options (shared with the signer: server, trust dir, config, TLS, credentials, ...) plus these. */
export interface OpenRepositoryOptions extends ConnectionOptions {
  readonly gun: string;
  /** The clock for expiry checks; default the system clock. */
  readonly now?: Date | (() => Date) | undefined;
  /** Verify the cached data only; fetch nothing. Results then carry `offline: true`. */
  readonly offline?: boolean | undefined;
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
  lookup(tag: string, opts?: LookupOptions): Promise<LookupResult>;
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
  const nowOpt = options.now;
  const now = nowOpt === undefined ? () => new Date() : typeof nowOpt === 'function' ? nowOpt : () => nowOpt;
  const online = options.remote === undefined && !options.offline;
  const conn = online ? resolveConnection(options.gun, options) : undefined;
  const trustDir = conn?.trustDir ?? resolveTrustDir(options);
  const cache = new MetadataCache(trustDir, options.gun);
  const http: NotaryRemote | undefined = conn?.openRemote();
  const remote = options.remote ?? http;
  const trustPinning =
    conn?.trustPinning ??
    options.trustPinning ??
    mergePinning(options.config?.trustPinning, options.env ?? process.env, options.pinning);

  const updater = new Updater({
    gun: options.gun,
    cache,
    remote,
    now,
    trustPinning,
    ...(options.onFirstUse ? { onFirstUse: options.onFirstUse } : {}),
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
    lookup: (tag, opts) => lookupTarget(trusted, tag, opts),
    list: (opts) => listTargets(trusted, opts),
    inspect: (opts) => inspectRepository(trusted, opts),
    close: async () => {
      await http?.close();
    },
  };
}
