// The pure trusted-metadata state machine: bytes and a clock in, verified metadata or a coded NotaryError out.
import { bytesEqual } from '../encoding/bytes.js';
import { notaryError } from '../errors.js';
import {
  checkHashes,
  checkLength,
  type FileMeta,
  type Metadata,
  type MetadataBase,
  parentRole,
  parseRoot,
  parseSnapshot,
  parseTargets,
  parseTimestamp,
  type Root,
  type SignedMetadata,
  type Snapshot,
  type Targets,
  type Timestamp,
  toEpochNs,
  verifyRole,
} from '../metadata/index.js';
import { checkDelegationKeys } from './delegation-keys.js';
import { validateRoot } from './root-validation.js';
import type { PinChecker } from './trust-pinning.js';

/**
 * Spec references below are to the TUF specification's "detailed client workflow" (§5.x); "Notary" names the
 * behaviour of notary 0.7.0's `tuf/builder.go`, `client/tufclient.go` and `trustpinning/certs.go`.
 */
export interface TrustedSetOptions {
  readonly gun: string;
  /** The clock for every expiry check of this set (one instant per update, as python-tuf does). */
  readonly now: Date;
}

export interface BootstrapOptions extends TrustedSetOptions {
  /** Trust pinning for a root fetched on first use; omitted for a cached root (the cache pins trust). */
  readonly pin?: PinChecker | undefined;
  /** A cached root may be expired: it is still the anchor a newer root must chain from (Notary's oldBuilder). */
  readonly allowExpired: boolean;
}

/** Most root versions one update will walk (python-tuf's default bound on `N.root.json` downloads). */
export const MAX_ROOT_ROTATIONS = 256;

/** Optional previously trusted copy of a role (the cache): a floor for rollback and the reference for forks. */
export type Prior = Uint8Array | undefined;

type Loaded<T extends Metadata> = SignedMetadata<T>;

/**
 * Verified metadata of one repository, loaded strictly in order root → timestamp → snapshot → targets →
 * delegations (parents before children). Every `update*` either accepts the bytes and returns the parsed file, or
 * throws a NotaryError and leaves the set unchanged. No I/O: fetching and caching belong to `Updater`.
 *
 * Calling an `update*` out of order is a programming error (TypeError).
 */
export class TrustedSet {
  readonly gun: string;
  readonly now: Date;
  #root: Loaded<Root>;
  #timestamp: Loaded<Timestamp> | undefined;
  #snapshot: Loaded<Snapshot> | undefined;
  /** Delegations the previously trusted snapshot listed and the new one does not (5.5.5). */
  #vanished: ReadonlySet<string> = new Set();
  #targets: Loaded<Targets> | undefined;
  readonly #delegations = new Map<string, Loaded<Targets>>();
  readonly #nowNs: bigint;

  private constructor(root: Loaded<Root>, options: TrustedSetOptions) {
    this.gun = options.gun;
    this.now = options.now;
    this.#nowNs = toEpochNs(options.now);
    this.#root = root;
  }

  /**
   * Starts from a root that is trusted by fiat: the cached root (no pinning, may be expired, Notary's
   * `bootstrapClient`) or the first download (pinning applies, must be fresh).
   * @throws NotaryError INVALID_JSON, INVALID_METADATA, BAD_CERTIFICATE, PINNING_FAILED, THRESHOLD_NOT_MET,
   *   INVALID_KEY_ID, EXPIRED
   */
  static bootstrap(rootBytes: Uint8Array, options: BootstrapOptions): TrustedSet {
    const file = parseRoot(rootBytes);
    // Notary ValidateRoot with no previous root: certificates, pinning, self-signature threshold.
    validateRoot(file, { gun: options.gun, now: options.now, pin: options.pin });
    const set = new TrustedSet(file, options);
    if (!options.allowExpired) set.#checkExpiry(file.signed);
    return set;
  }

  /** A set with the same trusted root and nothing else: the start of Notary's retry after a root update. */
  restart(): TrustedSet {
    return new TrustedSet(this.#root, { gun: this.gun, now: this.now });
  }

  get root(): Loaded<Root> {
    return this.#root;
  }
  get timestamp(): Loaded<Timestamp> | undefined {
    return this.#timestamp;
  }
  get snapshot(): Loaded<Snapshot> | undefined {
    return this.#snapshot;
  }
  get targets(): Loaded<Targets> | undefined {
    return this.#targets;
  }
  /** Delegations loaded so far. */
  get delegations(): ReadonlyMap<string, Loaded<Targets>> {
    return this.#delegations;
  }

  /**
   * Delegations the previously trusted (cached) snapshot listed that the new snapshot no longer lists, sorted. Each
   * is acceptable only once its parent, loaded, no longer delegates to it (see `updateTargets`); the updater loads
   * their ancestors before it caches anything.
   */
  vanishedDelegations(): string[] {
    return [...this.#vanished].sort();
  }

  /** True when the trusted root has expired at `now` (it can then only serve to verify its successor). */
  rootExpired(): boolean {
    return this.#isExpired(this.#root.signed);
  }

  /**
   * §5.3 root rotation: loads root N+1. It must carry the current root's threshold of signatures by the current
   * root certificates and its own threshold (Notary ValidateRoot), and its version must be exactly N+1 (§5.3.5;
   * Notary accepts any version ≥ N when it loads root.json directly). It may be expired (intermediate roots of a
   * walk); call `checkRootFresh` once the walk ends (§5.3.10).
   * @throws NotaryError ROLLBACK (version ≤ N), ROOT_ROTATION_FAILED (version gap, or not signed by the trusted
   *   root), BAD_CERTIFICATE, THRESHOLD_NOT_MET, INVALID_KEY_ID, INVALID_JSON, INVALID_METADATA
   */
  updateRoot(bytes: Uint8Array): Loaded<Root> {
    if (this.#timestamp !== undefined) throw new TypeError('root can only be updated before the timestamp is loaded');
    const file = parseRoot(bytes);
    const current = this.#root.signed;
    validateRoot(file, { gun: this.gun, now: this.now, previous: current });
    const v = file.signed.version;
    if (v <= current.version) {
      throw notaryError('ROLLBACK', `root version ${v} is not newer than trusted version ${current.version}`, {
        details: { role: 'root', version: v, trustedVersion: current.version },
      });
    }
    if (v !== current.version + 1) {
      throw notaryError(
        'ROOT_ROTATION_FAILED',
        `root version ${v} does not follow trusted version ${current.version}`,
        {
          details: { role: 'root', version: v, trustedVersion: current.version, reason: 'version-gap' },
        },
      );
    }
    this.#root = file;
    return file;
  }

  /**
   * §5.3 where a root walk goes, from the server's current `root.json` (the caller fetches it; nothing is loaded
   * here). Returns undefined when it is the trusted root itself (which must then be unexpired, 5.3.10), else the
   * newest version: the caller loads `N.root.json` for N = trusted+1 … newest−1 with `updateRoot`, then `latest`.
   * A lower version is a rollback (5.3.5); the trusted version with other bytes a fork (stricter than Notary); a
   * jump of more than MAX_ROOT_ROTATIONS is refused before any download (a root claiming version 2^31 must not
   * cost 2^31 requests). Signatures are checked step by step by `updateRoot`.
   * @throws NotaryError ROLLBACK, FORK, ROOT_ROTATION_FAILED, EXPIRED, INVALID_JSON, INVALID_METADATA
   */
  planRootWalk(latest: Uint8Array): number | undefined {
    if (this.#timestamp !== undefined) throw new TypeError('root can only be updated before the timestamp is loaded');
    const trusted = this.#root.signed.version;
    const newest = parseRoot(latest).signed.version;
    if (newest < trusted) {
      throw notaryError('ROLLBACK', `server root version ${newest} is lower than trusted version ${trusted}`, {
        details: { role: 'root', version: newest, trustedVersion: trusted },
      });
    }
    if (newest === trusted) {
      if (!bytesEqual(latest, this.#root.raw)) {
        throw notaryError('FORK', `server root version ${newest} differs from the trusted root with that version`, {
          details: { role: 'root', version: newest },
        });
      }
      this.checkRootFresh();
      return undefined;
    }
    if (newest - trusted > MAX_ROOT_ROTATIONS) {
      throw notaryError('ROOT_ROTATION_FAILED', `root jumps from version ${trusted} to ${newest}`, {
        details: { role: 'root', version: newest, trustedVersion: trusted, limit: MAX_ROOT_ROTATIONS },
      });
    }
    return newest;
  }

  /** §5.3.10: the final root of an update must not be expired. @throws NotaryError EXPIRED */
  checkRootFresh(): void {
    this.#checkExpiry(this.#root.signed);
  }

  /**
   * §5.4 timestamp: threshold of the root's timestamp keys (5.4.2), version not below the prior timestamp (5.4.3.1,
   * Notary `VerifyVersion`), same version only with identical bytes (stricter than Notary: a different file under
   * the same version is a fork), not expired (5.4.4; at `expires ≤ now`, Notary uses `<`).
   * @throws NotaryError INVALID_JSON, INVALID_METADATA, THRESHOLD_NOT_MET, INVALID_KEY_ID, ROLLBACK, FORK, EXPIRED
   */
  updateTimestamp(bytes: Uint8Array, prior?: Prior): Loaded<Timestamp> {
    if (this.#timestamp !== undefined) throw new TypeError('timestamp is already loaded');
    const file = parseTimestamp(bytes);
    this.#verify(file, 'timestamp');
    this.#checkPrior(file, prior, (b) => this.#tryVerify(parseTimestamp, b, 'timestamp'));
    this.#checkExpiry(file.signed);
    this.#timestamp = file;
    return file;
  }

  /**
   * §5.5 snapshot: exact length and hashes from the timestamp (5.5.2, mix-and-match), threshold (5.5.3), rollback
   * and fork against the prior snapshot (5.5.4), expiry (5.5.6), and, as Notary's builder does, the root it lists
   * must be the trusted root's exact bytes (else HASH_MISMATCH: the caller then looks for a newer root). The
   * delegations the prior snapshot listed and this one does not are remembered (5.5.5, see `vanishedDelegations`).
   * @throws NotaryError LENGTH_MISMATCH, HASH_MISMATCH, INVALID_JSON, INVALID_METADATA, THRESHOLD_NOT_MET,
   *   INVALID_KEY_ID, ROLLBACK, FORK, EXPIRED
   */
  updateSnapshot(bytes: Uint8Array, prior?: Prior): Loaded<Snapshot> {
    const ts = this.#timestamp;
    if (ts === undefined) throw new TypeError('the timestamp must be loaded before the snapshot');
    if (this.#snapshot !== undefined) throw new TypeError('snapshot is already loaded');
    checkBytes(bytes, ts.signed.snapshot, 'snapshot');
    const file = parseSnapshot(bytes);
    this.#verify(file, 'snapshot');
    const priorFile = this.#checkPrior(file, prior, (b) => this.#tryVerify(parseSnapshot, b, 'snapshot'));
    this.#checkExpiry(file.signed);
    const rootMeta = file.signed.getMeta('root');
    if (rootMeta !== undefined) checkBytes(this.#root.raw, rootMeta, 'root');
    this.#vanished = vanishedRoles(priorFile?.signed, file.signed);
    this.#snapshot = file;
    return file;
  }

  /**
   * §5.6 top-level targets: length and hashes from the snapshot (5.6.2), threshold of the root's targets keys
   * (5.6.3), rollback/fork against the prior copy (5.6.4), expiry (5.6.5), and no delegation it lists may have
   * vanished from the snapshot (5.5.5).
   * @throws NotaryError LENGTH_MISMATCH, HASH_MISMATCH, INVALID_JSON, INVALID_METADATA, THRESHOLD_NOT_MET,
   *   INVALID_KEY_ID, ROLLBACK, FORK, EXPIRED, DELEGATION_MISSING
   */
  updateTargets(bytes: Uint8Array, prior?: Prior): Loaded<Targets> {
    const sn = this.#requireSnapshot('targets');
    if (this.#targets !== undefined) throw new TypeError('targets is already loaded');
    const meta = sn.signed.getMeta('targets') as FileMeta; // required by Snapshot validation
    checkBytes(bytes, meta, 'targets');
    const file = parseTargets(bytes, 'targets');
    this.#verify(file, 'targets');
    this.#checkPrior(file, prior, (b) => this.#tryVerify((x) => parseTargets(x, 'targets'), b, 'targets'));
    this.#checkExpiry(file.signed);
    this.#checkNoneVanished(file.signed);
    this.#targets = file;
    return file;
  }

  /**
   * §5.6 for a delegated role: the parent (already loaded) must list it; the snapshot must list its file
   * (DELEGATION_MISSING otherwise: Notary silently skips such roles); length and hashes from the snapshot;
   * threshold of the keys its parent gives it; x509 delegation keys must be acceptable certificates (Notary
   * `GetDelegationRole`); rollback/fork; expiry; none of its own delegations vanished from the snapshot (5.5.5).
   * @throws NotaryError DELEGATION_MISSING, DELEGATION_INVALID, LENGTH_MISMATCH, HASH_MISMATCH, INVALID_JSON,
   *   INVALID_METADATA, THRESHOLD_NOT_MET, INVALID_KEY_ID, ROLLBACK, FORK, EXPIRED
   */
  updateDelegation(name: string, bytes: Uint8Array, prior?: Prior): Loaded<Targets> {
    const sn = this.#requireSnapshot(name);
    if (this.#delegations.has(name)) throw new TypeError(`${name} is already loaded`);
    const parentName = parentRole(name);
    const parent = parentName === 'targets' ? this.#targets : this.#delegations.get(parentName);
    if (parent === undefined) throw new TypeError(`${parentName} must be loaded before ${name}`);
    const role = parent.signed.delegation(name);
    if (role === undefined) {
      throw notaryError('DELEGATION_INVALID', `${parentName} does not delegate to ${name}`, {
        details: { role: name, parent: parentName, reason: 'not-delegated' },
      });
    }
    const meta = sn.signed.getMeta(name);
    if (meta === undefined) {
      throw notaryError('DELEGATION_MISSING', `${name} is delegated by ${parentName} but absent from the snapshot`, {
        details: { role: name, parent: parentName },
      });
    }
    checkBytes(bytes, meta, name);
    const file = parseTargets(bytes, name);
    const keys = parent.signed.delegations.keys;
    checkDelegationKeys(role, keys);
    verifyRole(role, keys, file);
    this.#checkPrior(file, prior, (b) =>
      this.#tryVerify(
        (x) => {
          const f = parseTargets(x, name);
          verifyRole(role, keys, f);
          return f;
        },
        b,
        name,
        true,
      ),
    );
    this.#checkExpiry(file.signed);
    this.#checkNoneVanished(file.signed);
    this.#delegations.set(name, file);
    return file;
  }

  /**
   * Signer preflight only (`src/signer/preflight.ts`), never a client path: stands in for what the server has yet
   * to sign over a publish (the timestamp always, the snapshot too when the server holds its key), so that the
   * files about to be uploaded then go through the very `updateSnapshot` / `updateTargets` / `updateDelegation`
   * checks a client runs once the server has signed its part. `priorSnapshot` is the previously trusted snapshot
   * (for the vanished-delegation check, 5.5.5) when `snapshot` is assumed too.
   */
  assumeServerSigned(timestamp: Loaded<Timestamp>, snapshot?: Loaded<Snapshot>, priorSnapshot?: Snapshot): void {
    if (this.#timestamp !== undefined) throw new TypeError('timestamp is already loaded');
    this.#timestamp = timestamp;
    if (snapshot !== undefined) {
      this.#snapshot = snapshot;
      this.#vanished = vanishedRoles(priorSnapshot, snapshot.signed);
    }
  }

  // ---------------------------------------------------------------------------------------------------------

  #requireSnapshot(role: string): Loaded<Snapshot> {
    const sn = this.#snapshot;
    if (sn === undefined) throw new TypeError(`the snapshot must be loaded before ${role}`);
    return sn;
  }

  #verify(file: Loaded<Timestamp | Snapshot | Targets>, role: 'timestamp' | 'snapshot' | 'targets'): void {
    const root = this.#root.signed;
    verifyRole(root.baseRole(role), root.keys, file);
  }

  /** A prior copy that parses and carries valid signatures under today's keys, else undefined (python-tuf style). */
  #tryVerify<T extends Timestamp | Snapshot | Targets>(
    parse: (b: Uint8Array) => Loaded<T>,
    bytes: Uint8Array,
    role: string,
    verified = false,
  ): Loaded<T> | undefined {
    try {
      const f = parse(bytes);
      if (!verified) this.#verify(f as Loaded<Timestamp | Snapshot | Targets>, role as 'timestamp');
      return f;
    } catch {
      // A corrupt cache entry, or one signed by keys the root has since rotated away: no floor from it.
      return undefined;
    }
  }

  /**
   * §5.x.3/4 rollback: the new version must not be lower than a verified prior copy's. Same version: Notary
   * accepts anything; we require the identical file (two different files under one version is a fork).
   */
  #checkPrior<T extends Metadata>(
    file: Loaded<T>,
    prior: Prior,
    load: (b: Uint8Array) => Loaded<T> | undefined,
  ): Loaded<T> | undefined {
    if (prior === undefined) return undefined;
    const old = prior === file.raw || bytesEqual(prior, file.raw) ? file : load(prior);
    if (old === undefined) return undefined;
    const role = file.signed.role;
    const v = file.signed.version;
    const trusted = old.signed.version;
    if (v < trusted) {
      throw notaryError('ROLLBACK', `${role} version ${v} is lower than trusted version ${trusted}`, {
        details: { role, version: v, trustedVersion: trusted },
      });
    }
    if (v === trusted && old !== file && !bytesEqual(old.raw, file.raw)) {
      throw notaryError('FORK', `${role} version ${v} differs from the trusted file with the same version`, {
        details: { role, version: v },
      });
    }
    return old;
  }

  /**
   * 5.5.5: every targets file the trusted snapshot listed must still be listed by the new one. Relaxed as Notary
   * needs it: a role its parent no longer delegates to may go (removing a delegation drops its snapshot entry).
   * A role that is still delegated but gone is a snapshot-key holder hiding a signer: refused, so the caller caches
   * nothing and the next run, whose prior is still the old snapshot, refuses again.
   */
  #checkNoneVanished(targets: Targets): void {
    for (const d of targets.delegations.roles) {
      if (!this.#vanished.has(d.name)) continue;
      throw notaryError('DELEGATION_MISSING', `${d.name} is still delegated by ${targets.role} but left the snapshot`, {
        details: { role: d.name, parent: targets.role, reason: 'vanished' },
      });
    }
  }

  #isExpired(m: MetadataBase): boolean {
    // Exact nanoseconds: `expires ≤ now` is expired (Go: `expires.Before(now)`, one instant laxer).
    return m.expires.epochNs <= this.#nowNs;
  }

  #checkExpiry(m: MetadataBase): void {
    if (this.#isExpired(m)) {
      throw notaryError('EXPIRED', `${m.role} expired at ${m.expires.text}`, {
        details: { role: m.role, version: m.version, expires: m.expires.text, now: this.now.toISOString() },
      });
    }
  }
}

/** Delegated roles (`targets/…`) `prior` lists and `next` does not. */
function vanishedRoles(prior: Snapshot | undefined, next: Snapshot): ReadonlySet<string> {
  const out = new Set<string>();
  if (prior === undefined) return out;
  for (const name of prior.meta.keys()) if (name.startsWith('targets/') && !next.meta.has(name)) out.add(name);
  return out;
}

/** Exact length then hashes (Notary checks hashes only and uses the length as a download cap). */
function checkBytes(bytes: Uint8Array, meta: FileMeta, role: string): void {
  checkLength(bytes, meta, role);
  checkHashes(bytes, meta, role);
}
