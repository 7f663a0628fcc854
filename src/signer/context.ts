// Options every signer operation takes, and the per-call context they resolve to (store, remote, cache, clock).

import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Dispatcher } from 'undici';
import { MetadataCache } from '../client/cache.js';
import type { TrustPinning } from '../client/config.js';
import { withGunLock } from '../client/gun-lock.js';
import { assertGun } from '../grammar/gun.js';
import { envPassphrases, FileKeyStore, type PassphraseSource } from '../keystore/index.js';
import type { Signer } from '../metadata/signer.js';
import {
  type CredentialProvider,
  defaultCredentials,
  NotaryRemote,
  type RemoteTlsOptions,
  resolveServerUrl,
} from '../remote/index.js';
import { changelistDir, FileChangelist } from './changelist.js';
import { chainSignerSources, keyStoreSignerSource, type SignerSource, staticSignerSource } from './keystore-signer.js';
import type { SignerRemote } from './remote.js';

/** Options shared by every signer operation. */
export interface CommonOptions {
  /** Notary server URL; default as docker resolves it (`DOCKER_CONTENT_TRUST_SERVER`, then from the GUN). */
  readonly server?: string;
  /** Trust directory; default `~/.docker/trust`. */
  readonly trustDir?: string;
  /** undici dispatcher for every request (tests: MockAgent; TLS settings). */
  readonly dispatcher?: Dispatcher;
  /** Registry/notary credentials for token auth. */
  readonly credentials?: CredentialProvider;
  /** The clock (signing times, expiries); default the system clock. */
  readonly now?: Date | (() => Date);
  /** Passphrases for key files; default the NOTARY_* / DOCKER_CONTENT_TRUST_* environment variables. */
  readonly passphrase?: PassphraseSource;
  /** Extra signers (KMS, PKCS#11, keys in memory), tried before the key files. */
  readonly signers?: readonly Signer[];
  /** Trust pinning for a repository this machine has never seen. */
  readonly trustPinning?: TrustPinning;
  /** Injected remote (tests wrap one to fail on purpose); default one built from `server`/`dispatcher`. */
  readonly remote?: SignerRemote;
  /** Store newly created keys unencrypted when the passphrase is empty (default false: refuse). */
  readonly allowUnencryptedKeys?: boolean;
  /** Environment for defaults (server URL, passphrase variables); default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Bound on each server call, all retries included (default the remote's 30 s). */
  readonly timeoutMs?: number;
  /** TLS settings for the server (CA bundle, client certificate), when the remote is built here. */
  readonly tls?: RemoteTlsOptions;
  /** Shorthand for `tls.caFile`: a PEM bundle of CAs that replaces the system roots, as Notary's `root_ca`. */
  readonly tlsCaFile?: string;
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
  /** The instant of this operation (one clock reading per call, like one `time.Now()` per Notary command). */
  readonly now: Date;
  /** Closes what the context opened (the remote's own Agent). */
  close(): Promise<void>;
}

/** `~/.docker/trust`, where Docker keeps trust data (Notary's own CLI defaults to `~/.notary`). */
export function defaultTrustDir(): string {
  return join(homedir(), '.docker', 'trust');
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
  const trustDir = options.trustDir ?? defaultTrustDir();
  const store = await openKeyStore(trustDir, options);
  const sources: SignerSource[] = [];
  if (options.signers?.length) sources.push(staticSignerSource(options.signers));
  sources.push(keyStoreSignerSource(store));
  const owned = options.remote === undefined;
  const remote =
    options.remote ??
    new NotaryRemote({
      serverUrl: resolveServerUrl({ flag: options.server, env: { ...(options.env ?? process.env) }, gun }),
      gun,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      // Same default as the verify side: NOTARY_AUTH, then ~/.docker/config.json (auths, helpers).
      credentials:
        options.credentials ??
        defaultCredentials({ ...(options.env ?? process.env) }, options.env?.['HOME'] ?? homedir()),
      ...(options.timeoutMs !== undefined ? { timeouts: { totalMs: options.timeoutMs } } : {}),
      ...(options.tls || options.tlsCaFile
        ? { tls: { ...(options.tls ?? {}), ...(options.tlsCaFile ? { caFile: options.tlsCaFile } : {}) } }
        : {}),
    });
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
    return await withGunLock(ctx.trustDir, gun, () => fn(ctx));
  } finally {
    await ctx.close();
  }
}
