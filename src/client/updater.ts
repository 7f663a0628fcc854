// The I/O shell around TrustedSet: Notary's bootstrap + update + root-rotation recovery, fetching and caching.

import { emptyTrustPinning, type TrustPinning } from '../connection/config.js';
import type { FirstUse } from '../connection/pinning.js';
import { bytesEqual } from '../encoding/bytes.js';
import { toHex } from '../encoding/hex.js';
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';
import type { FileMeta, SignedMetadata, Targets, Timestamp } from '../metadata/index.js';
import { CACHE_READ_LIMIT, type CacheEntry, type MetadataCache } from './cache.js';
import { type GunLock, withGunLock } from './gun-lock.js';
import type { StagedWrite } from './staged-write.js';
import { createPinChecker } from './trust-pinning.js';
import { TrustedRepository } from './trusted-repository.js';
import { TrustedSet } from './trusted-set.js';

export type { FirstUse };

/** Notary's `MaxTimestampSize`. */
export const TIMESTAMP_MAX_BYTES = 1 << 20;
/**
 * Cap on a root download. Notary allows 100 MiB (`MaxDownloadSize`); a root holds a handful of certificates
 * (~2 KiB each), so 10 MiB is already ~1000× a real one while bounding what a hostile server can make us buffer
 * and parse before any signature is checked.
 */
export const ROOT_MAX_BYTES = 10 << 20;
export { MAX_ROOT_ROTATIONS } from './trusted-set.js';

/**
 * Caps on the cold start's speculative `snapshot.json` and `targets.json` (fetched before their length is known;
 * a larger file is simply fetched again by hash). 16 MiB holds a ~170k-target `targets.json`.
 */
export const SPECULATIVE_MAX_BYTES: Readonly<Record<'snapshot' | 'targets', number>> = {
  snapshot: 1 << 20,
  targets: 16 << 20,
};

/** The one thing the updater needs from a remote: Notary's metadata GET (NotaryRemote fits). */
export interface RoleFetcher {
  getRole(role: string, opts: { maxBytes: number; checksum?: string; version?: number }): Promise<Uint8Array>;
}

/** What to do with a delegation its parent lists but the snapshot does not. */
export type MissingDelegationPolicy = 'strict' | 'new-is-empty';

export interface UpdaterOptions {
  readonly gun: string;
  readonly cache: MetadataCache;
  /** Required unless `offline`. */
  readonly remote?: RoleFetcher | undefined;
  /** Default `() => new Date()`. */
  readonly now?: (() => Date) | undefined;
  /** Applied only when no root is cached (first bootstrap), as Notary does. */
  readonly trustPinning?: TrustPinning | undefined;
  /** Use only the cache: verify it (signatures, hashes, expiry at `now`), fetch nothing. */
  readonly offline?: boolean | undefined;
  /**
   * `new-is-empty` (default): a delegation listed by its parent but absent from the snapshot is an empty role,
   * unless the previously trusted snapshot listed it (then it vanished: DELEGATION_MISSING). This is the normal
   * state after `notary delegation add` / `docker trust signer add` until something is signed into the role.
   * `strict`: always DELEGATION_MISSING when the walk needs such a role. (Notary skips it silently.)
   */
  readonly missingDelegations?: MissingDelegationPolicy | undefined;
  /** Reads pinned CA files (default `fs.readFileSync`). */
  readonly readFile?: ((path: string) => Uint8Array) | undefined;
  /** Told after an update that trusted a first root nothing pinned (TOFU), before it returns. */
  readonly onFirstUse?: ((info: FirstUse) => void) | undefined;
  /** The GUN's lock when the caller already holds it (a publish updating first): the update does not lock again. */
  readonly holding?: GunLock | undefined;
}

/** One update's context: whether it may fetch, and the cache writes it started (committed or discarded at its end). */
interface Run {
  readonly offline: boolean;
  readonly staged: StagedWrite[];
  /**
   * Cold start: the server's current `snapshot.json` and `targets.json`, requested with root and timestamp
   * (undefined when that request failed). Candidates only, like a cached copy; each role is loaded once per
   * attempt, and the recovery's retry drops them.
   */
  speculative?: Map<string, Promise<Uint8Array | undefined>> | undefined;
}

/** True for errors that say the data is untrustworthy (exit status 1): worth looking for a newer root. */
function isTrustFailure(e: unknown): e is NotaryError {
  return isNotaryError(e) && e.category === 'trust';
}

/**
 * Brings the cache of one GUN up to date with the server and returns a verified `TrustedRepository`.
 *
 * Flow (Notary `bootstrapClient` + `tufClient.Update`, with the differences noted):
 * 1. Root: the cached root is the anchor (a corrupt one is fatal: CACHE_CORRUPT). Without one, `root.json` is
 *    fetched and trust pinning applies. An expired cached root is rotated from right away.
 * 2. Timestamp from the server, always (on a cold start requested together with root.json, verified after it).
 *    If it cannot be fetched the update fails with the remote's code (Notary falls back to the cached timestamp,
 *    which lets a network attacker freeze a client's view).
 * 3. Snapshot, targets: from the cache when the bytes match their parent's hashes, else `role.<sha256>.json`
 *    capped at the length the parent gives. On a cold start `snapshot.json` and `targets.json` are requested with
 *    root and timestamp, speculatively: they are used, like a cached copy, only when they are exactly the bytes
 *    the verified parent names (length, then every hash, before any parsing), else fetched by hash as usual.
 * 4. On a trust failure in 2–3: fetch `root.json`; if it is newer, walk `N.root.json` from trusted+1, then retry
 *    once (Notary's `updateRoot`).
 * 5. Cache writes happen only once the whole update verified, exact bytes, atomically, parents last.
 * Delegations are loaded later, on demand, by the returned repository (verified, then cached).
 */
export class Updater {
  readonly gun: string;
  readonly #o: UpdaterOptions;

  constructor(options: UpdaterOptions) {
    if (!options.offline && options.remote === undefined) throw new TypeError('a remote is required unless offline');
    this.gun = options.gun;
    this.#o = options;
  }

  /**
   * Runs one update.
   * @throws NotaryError trust failures (THRESHOLD_NOT_MET, HASH_MISMATCH, LENGTH_MISMATCH, ROLLBACK, FORK, EXPIRED,
   *   ROOT_ROTATION_FAILED, PINNING_FAILED, BAD_CERTIFICATE, INVALID_KEY_ID, INVALID_JSON, INVALID_METADATA,
   *   CACHE_CORRUPT, RESPONSE_TOO_LARGE), not found (REPOSITORY_NOT_FOUND, METADATA_NOT_FOUND, OFFLINE_NO_CACHE),
   *   remote (NETWORK, TIMEOUT, SERVER_ERROR, UNAUTHORIZED, BAD_RESPONSE), IO
   */
  async update(): Promise<TrustedRepository> {
    return this.#locked(() => this.#update());
  }

  /**
   * Runs `fn` holding the GUN's lock (see `withGunLock`): the cached files are this update's rollback floors, so no
   * other update or publish of this GUN may write them meanwhile. Offline, a trust dir we cannot write to is read
   * without the lock.
   */
  #locked<T>(fn: () => Promise<T>): Promise<T> {
    const cache = this.#o.cache;
    return withGunLock(cache.trustDir, this.gun, () => fn(), {
      optional: this.#o.offline === true,
      holding: this.#o.holding,
    });
  }

  async #update(): Promise<TrustedRepository> {
    const run: Run = { offline: this.#o.offline === true, staged: [] };
    try {
      return await this.#updateIn(run);
    } finally {
      // Whatever was staged and not committed (a failed update, a first attempt before a root rotation).
      await discardAll(run.staged);
    }
  }

  async #updateIn(run: Run): Promise<TrustedRepository> {
    const now = (this.#o.now ?? (() => new Date()))();
    const cache = this.#o.cache;
    const cachedRoot = this.#readCachedRoot();
    if (run.offline) return this.#offline(now, cachedRoot, run);

    let set: TrustedSet;
    let tofu = false;
    let timestamp: Promise<Uint8Array> | undefined;
    if (cachedRoot !== undefined) {
      set = this.#cachedAnchor(cachedRoot, now);
      // Notary: an expired cached root only serves to verify a newer one.
      if (set.rootExpired()) {
        await this.#rotateRoot(set);
      }
    } else {
      // Cold start: which timestamp to fetch does not depend on the root, so both requests go out together (one
      // round trip saved). Nothing changes in what is verified or in which order: the timestamp's bytes are looked
      // at only once the root is bootstrapped and pinned, as if fetched afterwards; a root failure wins, and the
      // timestamp's outcome is then dropped.
      const rootBytes = this.#remote().getRole('root', { maxBytes: ROOT_MAX_BYTES });
      timestamp = this.#remote().getRole('timestamp', { maxBytes: TIMESTAMP_MAX_BYTES });
      timestamp.catch(() => {}); // awaited below, or dropped with the root's failure
      // Snapshot and targets too, by name: on a real network this saves two more round trips. Their bytes are
      // candidates, looked at only once the timestamp (then the snapshot) verified and named them (#loadChild).
      run.speculative = new Map(
        (['snapshot', 'targets'] as const).map((role) => [role, this.#speculate(role, SPECULATIVE_MAX_BYTES[role])]),
      );
      const bytes = await rootBytes;
      const pin = createPinChecker(this.#o.trustPinning ?? emptyTrustPinning(), this.gun, {
        firstBootstrap: true,
        now,
        ...(this.#o.readFile ? { readFile: this.#o.readFile } : {}),
      });
      set = TrustedSet.bootstrap(bytes, { gun: this.gun, now, pin, allowExpired: false });
      tofu = pin.mode === 'tofu';
      this.#stage(run, 'root', bytes);
    }

    let writes: CacheEntry[];
    try {
      writes = await this.#updateTopLevel(set, run, timestamp);
    } catch (first) {
      if (!isTrustFailure(first)) throw first;
      // Notary's recovery: maybe the keys rotated and our root is stale. Fetch root.json and walk to it.
      run.speculative = undefined; // the retry fetches by hash only
      const retry = set.restart();
      let rotated: boolean;
      try {
        rotated = await this.#rotateRoot(retry);
      } catch (e) {
        if (isTrustFailure(e)) throw withCause(e, first);
        // The recovery could not even run (server unreachable): the original trust failure is the story.
        throw withCause(first, e);
      }
      if (!rotated) throw first;
      set = retry;
      writes = await this.#updateTopLevel(set, run);
    }

    if (cachedRoot === undefined || !bytesEqual(cachedRoot, set.root.raw)) {
      const staged = run.staged.find((w) => w.role === 'root' && w.bytes === set.root.raw);
      writes.push({ role: 'root', bytes: set.root.raw, staged });
    }
    await cache.commitAll(writes);
    if (tofu) {
      const root = set.root.signed.roles.get('root');
      this.#o.onFirstUse?.({ gun: this.gun, rootKeyIds: [...(root?.keyIds ?? [])] });
    }
    return new TrustedRepository(set, (s, name) => this.#loadDelegation(s, name, run), false);
  }

  /**
   * Starts writing downloaded bytes to a temp file of the cache while they are verified (the threadpool writes,
   * the main thread parses). Only `commitAll` makes them visible, after the whole update verified.
   */
  #stage(run: Run, role: string, bytes: Uint8Array): StagedWrite | undefined {
    const staged = this.#o.cache.stage(role, bytes);
    if (staged !== undefined) run.staged.push(staged);
    return staged;
  }

  #remote(): RoleFetcher {
    return this.#o.remote as RoleFetcher;
  }

  /** `role.json` as the server has it now, or undefined if that request fails in any way. */
  #speculate(role: string, maxBytes: number): Promise<Uint8Array | undefined> {
    return this.#remote()
      .getRole(role, { maxBytes })
      .then(
        (bytes) => bytes,
        () => undefined,
      );
  }

  /** The cached root; an unreadable or oversized one is fatal (CACHE_CORRUPT): it is the trust anchor. */
  #readCachedRoot(): Uint8Array | undefined {
    return this.#o.cache.read('root', ROOT_MAX_BYTES);
  }

  /**
   * The cached file of a role: a candidate to reuse when it matches its parent's hashes, and the rollback/fork
   * reference. File times play no part: the GUN's lock keeps other updaters out while this one runs. Undefined
   * when absent, too big, or unreadable.
   */
  #readCached(role: string, maxBytes: number): Uint8Array | undefined {
    try {
      return this.#o.cache.read(role, maxBytes);
    } catch (e) {
      // Notary: a corrupt cached non-root role is simply re-downloaded.
      if (isNotaryError(e, 'CACHE_CORRUPT') || isNotaryError(e, 'IO')) return undefined;
      throw e;
    }
  }

  #cachedAnchor(bytes: Uint8Array, now: Date): TrustedSet {
    try {
      // The cached root pins trust: no pinning config, expiry allowed (Notary's oldBuilder).
      return TrustedSet.bootstrap(bytes, { gun: this.gun, now, allowExpired: true });
    } catch (cause) {
      if (!isNotaryError(cause)) throw cause;
      // An expired or otherwise unusable root certificate is a certificate problem, not a damaged file. (The
      // root's own expiry is allowed here, so EXPIRED cannot arise: an expired cached root is rotated from.)
      if (cause.code === 'BAD_CERTIFICATE') {
        throw notaryError(cause.code, `cached root of ${this.gun}: ${cause.message}`, {
          cause,
          details: { ...cause.details, gun: this.gun, role: 'root', path: this.#o.cache.pathOf('root') },
        });
      }
      throw notaryError('CACHE_CORRUPT', `cached root of ${this.gun} cannot be trusted: ${cause.message}`, {
        cause,
        details: { gun: this.gun, role: 'root', path: this.#o.cache.pathOf('root'), reason: cause.code },
      });
    }
  }

  /**
   * Fetches root.json and, when newer, walks `N.root.json` from trusted+1 to it (each exactly +1, each signed by
   * its predecessor's threshold and its own); the last must be unexpired. Returns false when root.json is the
   * trusted root itself.
   * @throws NotaryError ROLLBACK, FORK, ROOT_ROTATION_FAILED, EXPIRED, and the remote's codes
   */
  async #rotateRoot(set: TrustedSet): Promise<boolean> {
    const remote = this.#remote();
    const latest = await remote.getRole('root', { maxBytes: ROOT_MAX_BYTES });
    const newest = set.planRootWalk(latest);
    if (newest === undefined) return false;
    const trusted = set.root.signed.version;
    for (let v = trusted + 1; v < newest; v++) {
      set.updateRoot(await remote.getRole('root', { version: v, maxBytes: ROOT_MAX_BYTES }));
    }
    set.updateRoot(latest);
    set.checkRootFresh();
    return true;
  }

  /** Timestamp, snapshot, targets into `set`; returns the files to cache (those that differ from the cache). */
  async #updateTopLevel(set: TrustedSet, run: Run, fetched?: Promise<Uint8Array>): Promise<CacheEntry[]> {
    const remote = this.#remote();
    const writes: CacheEntry[] = [];

    // Timestamp: always from the server, no fallback (see class doc); `fetched` when the cold start already asked.
    const ts = await (fetched ?? remote.getRole('timestamp', { maxBytes: TIMESTAMP_MAX_BYTES }));
    const cachedTs = this.#readCached('timestamp', TIMESTAMP_MAX_BYTES);
    const changed = cachedTs === undefined || !bytesEqual(cachedTs, ts);
    const staged = changed ? this.#stage(run, 'timestamp', ts) : undefined;
    set.updateTimestamp(ts, cachedTs);
    if (changed) writes.push({ role: 'timestamp', bytes: ts, staged });

    const snMeta = (set.timestamp as SignedMetadata<Timestamp>).signed.snapshot;
    writes.push(...(await this.#loadChild(set, 'snapshot', snMeta, run)));
    const tMeta = set.snapshot?.signed.getMeta('targets') as FileMeta;
    writes.push(...(await this.#loadChild(set, 'targets', tMeta, run)));
    for (const name of set.vanishedDelegations()) writes.push(...(await this.#loadAncestors(set, name, run)));
    return writes;
  }

  /**
   * A delegation left the snapshot: load its ancestors now, before anything is cached, so the trusted set can
   * tell a removed delegation (its parent dropped it: fine) from a hidden one (still delegated: DELEGATION_MISSING).
   * Caching the new snapshot first would lose what the old one said, and the next run would accept the hiding.
   * An ancestor that is itself absent from the snapshot delegates nothing (it vanished too, and is checked on its
   * own, or it never had a file).
   */
  async #loadAncestors(set: TrustedSet, name: string, run: Run): Promise<CacheEntry[]> {
    const writes: CacheEntry[] = [];
    const segments = name.split('/');
    for (let i = 2; i < segments.length; i++) {
      const ancestor = segments.slice(0, i).join('/');
      if (set.delegations.has(ancestor)) continue;
      const parent = ancestor.slice(0, ancestor.lastIndexOf('/'));
      const parentFile = parent === 'targets' ? set.targets : set.delegations.get(parent);
      const meta = set.snapshot?.signed.getMeta(ancestor);
      if (parentFile?.signed.delegation(ancestor) === undefined || meta === undefined) return writes;
      writes.push(...(await this.#loadChild(set, ancestor, meta, run)));
    }
    return writes;
  }

  /**
   * Loads snapshot, targets or a delegation: the cached copy if its bytes match `meta` exactly, else the server's
   * `role.<sha256>.json` capped at `meta.length`. The cached copy is also the rollback/fork reference.
   * Returns the files to cache. `floor: false` (a delegation loaded after another process moved the cache past
   * this view): the cached copy is no rollback reference, only a candidate; the snapshot's hashes still pin it.
   */
  async #loadChild(set: TrustedSet, role: string, meta: FileMeta, run: Run, floor = true): Promise<CacheEntry[]> {
    const offline = run.offline;
    // Read with the cache's own cap: an older, larger copy is still the rollback reference.
    const cached = this.#readCached(role, CACHE_READ_LIMIT);
    const apply = (bytes: Uint8Array, prior: Uint8Array | undefined): void => {
      if (role === 'snapshot') set.updateSnapshot(bytes, prior);
      else if (role === 'targets') set.updateTargets(bytes, prior);
      else set.updateDelegation(role, bytes, prior);
    };
    if (cached !== undefined && cached.length === meta.length) {
      try {
        apply(cached, cached);
        return [];
      } catch (e) {
        // Only "these are not the bytes the parent names" means a stale cache; anything else (expired, bad
        // signature…) is final, since the server would serve these very bytes under this checksum.
        if (offline || !isStaleCache(e, role)) throw e;
      }
    }
    if (offline) {
      if (cached === undefined) {
        throw notaryError('OFFLINE_NO_CACHE', `offline and ${role} of ${this.gun} is not cached`, {
          details: { gun: this.gun, role },
        });
      }
      apply(cached, undefined); // reports the size mismatch as LENGTH_MISMATCH
      return [];
    }
    const guess = run.speculative?.get(role);
    if (guess !== undefined) {
      const bytes = await guess;
      // A candidate exactly as a cached copy is: other bytes than the parent names (length, then hashes, checked
      // before parsing) mean the server moved on meanwhile, and the file is fetched by hash; any other failure
      // is final, since the server would serve these very bytes under this checksum.
      if (bytes !== undefined && bytes.length === meta.length) {
        const staged = this.#stage(run, role, bytes);
        try {
          apply(bytes, floor ? cached : undefined);
          return [{ role, bytes, staged }];
        } catch (e) {
          if (!isStaleCache(e, role)) throw e;
        }
      }
    }
    const sha256 = meta.hashes.sha256;
    const bytes = await this.#remote().getRole(role, {
      maxBytes: meta.length,
      ...(sha256 !== undefined ? { checksum: toHex(sha256) } : {}),
    });
    const staged = this.#stage(run, role, bytes);
    apply(bytes, floor ? cached : undefined);
    return [{ role, bytes, staged }];
  }

  async #loadDelegation(set: TrustedSet, name: string, run: Run): Promise<SignedMetadata<Targets> | undefined> {
    const meta = set.snapshot?.signed.getMeta(name);
    if (meta === undefined) {
      // A role that vanished while still delegated never gets here: its parent's load refused it (5.5.5).
      if ((this.#o.missingDelegations ?? 'new-is-empty') === 'new-is-empty') return undefined;
      throw notaryError('DELEGATION_MISSING', `${name} is delegated but absent from the snapshot`, {
        details: { gun: this.gun, role: name, listedBefore: false },
      });
    }
    const local: Run = { offline: run.offline, staged: [] };
    return this.#locked(async () => {
      // Under the lock: if the cached timestamp is still the one this view verified, the cache is this view's and
      // its files are the floors. Otherwise another update moved the cache on since (it may hold this role's newer
      // version, which is no rollback by the server): load against this view's snapshot alone and cache nothing.
      const ts = set.timestamp?.raw;
      const same =
        run.offline ||
        (ts !== undefined && bytesEqual(this.#readCached('timestamp', TIMESTAMP_MAX_BYTES) ?? new Uint8Array(0), ts));
      try {
        const writes = await this.#loadChild(set, name, meta, local, same);
        if (same) await this.#o.cache.commitAll(writes);
      } finally {
        await discardAll(local.staged);
      }
      return set.delegations.get(name);
    });
  }

  async #offline(now: Date, cachedRoot: Uint8Array | undefined, run: Run): Promise<TrustedRepository> {
    if (cachedRoot === undefined) {
      throw notaryError('OFFLINE_NO_CACHE', `offline and no trust data is cached for ${this.gun}`, {
        details: { gun: this.gun, role: 'root' },
      });
    }
    const set = this.#cachedAnchor(cachedRoot, now);
    // Offline there is no way to a newer root: an expired one ends here.
    set.checkRootFresh();
    const ts = this.#readCached('timestamp', TIMESTAMP_MAX_BYTES);
    if (ts === undefined) {
      throw notaryError('OFFLINE_NO_CACHE', `offline and timestamp of ${this.gun} is not cached`, {
        details: { gun: this.gun, role: 'timestamp' },
      });
    }
    set.updateTimestamp(ts, ts);
    await this.#loadChild(set, 'snapshot', (set.timestamp as SignedMetadata<Timestamp>).signed.snapshot, run);
    await this.#loadChild(set, 'targets', set.snapshot?.signed.getMeta('targets') as FileMeta, run);
    return new TrustedRepository(set, (s, name) => this.#loadDelegation(s, name, run), true);
  }
}

async function discardAll(staged: readonly StagedWrite[]): Promise<void> {
  await Promise.all(staged.map((w) => w.discard()));
}

function isStaleCache(e: unknown, role: string): boolean {
  return (isNotaryError(e, 'HASH_MISMATCH') || isNotaryError(e, 'LENGTH_MISMATCH')) && e.details['role'] === role;
}

function withCause(e: NotaryError, cause: unknown): NotaryError {
  const code = isNotaryError(cause) ? cause.code : 'unknown';
  return notaryError(e.code, e.message, { cause, details: { ...e.details, recovery: code } });
}
