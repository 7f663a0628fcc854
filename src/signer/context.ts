// Options every signer operation takes, and the per-call context they resolve to (store, remote, cache, clock).

import { MetadataCache } from '../client/cache.js';
import { type GunLock, withGunLock } from '../client/gun-lock.js';
import {
  type ConnectionOptions,
  mergePinning,
  resolveConnection,
  resolveTrustDir,
  type TrustPinning,
} from '../connection/index.js';
import { assertGun } from '../grammar/gun.js';
import { envPassphrases, FileKeyStore, type PassphraseSource } from '../keystore/index.js';
import type { Signer } from '../metadata/signer.js';
import { changelistDir, FileChangelist } from './changelist.js';
import { chainSignerSources, keyStoreSignerSource, type SignerSource, staticSignerSource } from './keystore-signer.js';
import type { SignerRemote } from './remote.js';

/**
 * Options shared by every signer operation: the connection options of the verify side (server, trust dir, config,
 * TLS, credentials, pinning, ...; one resolver for both) plus the signing ones.
 */
export interface CommonOptions extends ConnectionOptions {
  /** The clock (signing times, expiries); default the system clock. */
  readonly now?: Date | (() => Date);
  /** Passphrases for key files; default the NOTARY_* / DOCKER_CONTENT_TRUST_* environment variables. */
  readonly passphrase?: PassphraseSource;
  /** Extra signers (KMS, PKCS#11, keys in memory), tried before the key files. */
  readonly signers?: readonly Signer[];
  /** Injected remote (tests wrap one to fail on purpose); default one built from the connection options. */
  readonly remote?: SignerRemote;
  /** Store newly created keys unencrypted when the passphrase is empty (default false: refuse). */
  readonly allowUnencryptedKeys?: boolean;
}

/** Everything one operation on one GUN works with. */
export interface SignerContext {
  readonly gun: string;
  readonly trustDir: string;
  readonly options: CommonOptions;
  readonly store: FileKeyStore;
  readonly source: SignerSource;
  readonly remote: SignerRemote;
  readonly cache: MetadataCache;
  readonly changelist: FileChangelist;
  /** Trust pinning for a first bootstrap: config, environment and options merged (see `resolveConnection`). */
  readonly trustPinning: TrustPinning;
  /** The instant of this operation (one clock reading per call, like one `time.Now()` per Notary command). */
  readonly now: Date;
  /** The GUN's lock while `withContext` holds it (updates inside the context pass it on instead of locking again). */
  readonly lock: { current: GunLock | undefined };
  /** Closes what the context opened (the remote's own Agent). */
  close(): Promise<void>;
}

/** The trust dir of `options`: the option, the config's `trust_dir`, `$DOCKER_CONFIG/trust`, `$HOME/.docker/trust`. */
export function defaultTrustDir(options: CommonOptions = {}): string {
  return resolveTrustDir(options);
}

export function resolveNow(now: CommonOptions['now']): Date {
  if (now === undefined) return new Date();
  return typeof now === 'function' ? now() : now;
}

/**
 * Opens the key store, the cache and the changelist of `gun` and builds (or takes) the remote.
 * @throws NotaryError INVALID_GUN, INVALID_ARGUMENT/INVALID_CONFIG (bad server URL), IO
 */
export async function openContext(gun: string, options: CommonOptions): Promise<SignerContext> {
  assertGun(gun);
  const owned = options.remote === undefined;
  const conn = owned ? resolveConnection(gun, options) : undefined;
  const trustDir = conn?.trustDir ?? resolveTrustDir(options);
  const store = await openKeyStore(trustDir, options);
  const sources: SignerSource[] = [];
  if (options.signers?.length) sources.push(staticSignerSource(options.signers));
  sources.push(keyStoreSignerSource(store));
  const remote = options.remote ?? (conn as NonNullable<typeof conn>).openRemote();
  return {
    gun,
    trustDir,
    options,
    store,
    source: chainSignerSources(...sources),
    remote,
    cache: new MetadataCache(trustDir, gun),
    changelist: new FileChangelist(changelistDir(trustDir, gun)),
    now: resolveNow(options.now),
    lock: { current: undefined },
    trustPinning:
      conn?.trustPinning ??
      options.trustPinning ??
      mergePinning(options.config?.trustPinning, options.env ?? process.env, options.pinning),
    close: async () => {
      if (owned) await remote.close?.();
    },
  };
}

/** The key store of a trust dir with the options' passphrase source. @throws NotaryError IO */
export function openKeyStore(trustDir: string, options: CommonOptions): Promise<FileKeyStore> {
  return FileKeyStore.open(trustDir, {
    passphrases: options.passphrase ?? envPassphrases(options.env ?? process.env),
    ...(options.allowUnencryptedKeys ? { allowUnencrypted: true } : {}),
  });
}

/**
 * Runs `fn` with a context, holding the GUN's lock in the trust dir (one publisher or updater per GUN: two first
 * `sign` runs on a new GUN must not both create root and targets keys), and always closes it.
 * @throws NotaryError LOCKED, and what `openContext` and `fn` throw
 */
export async function withContext<T>(
  gun: string,
  options: CommonOptions,
  fn: (ctx: SignerContext) => Promise<T>,
): Promise<T> {
  const ctx = await openContext(gun, options);
  try {
    return await withGunLock(ctx.trustDir, gun, async (lock) => {
      ctx.lock.current = lock;
      try {
        return await fn(ctx);
      } finally {
        ctx.lock.current = undefined;
      }
    });
  } finally {
    await ctx.close();
  }
}
