// Verifying one repository from any source of metadata files (server or archive): root chain, top level, delegations.

import type { PinChecker } from '../client/trust-pinning.js';
import { TrustedRepository } from '../client/trusted-repository.js';
import { TrustedSet } from '../client/trusted-set.js';
import { MAX_ROOT_ROTATIONS, ROOT_MAX_BYTES, type RoleFetcher, TIMESTAMP_MAX_BYTES } from '../client/updater.js';
import { bytesEqual } from '../encoding/bytes.js';
import { toHex } from '../encoding/hex.js';
import { isNotaryError, notaryError } from '../errors.js';
import { type FileMeta, parseRoot, type SignedMetadata, type Targets, type Timestamp } from '../metadata/index.js';

/** Where metadata files come from. Every method returns the exact bytes, or throws a NotaryError. */
export interface MetadataSource {
  /** `<version>.root.json`. */
  root(version: number): Promise<Uint8Array>;
  /** The current `root.json`. */
  latestRoot(): Promise<Uint8Array>;
  timestamp(): Promise<Uint8Array>;
  /** Snapshot, targets or a delegation: the file `meta` describes (by hash, at most `meta.length` bytes). */
  role(name: string, meta: FileMeta): Promise<Uint8Array>;
}

/**
 * What the root chain is anchored to:
 * - `cached`: the trust dir's root for the GUN (the source must hold the same bytes under that version);
 * - `pinned`: trust pinning; the lowest root version the pin accepts becomes the anchor;
 * - `tofu`: the source's root version 1, trusted on first use.
 */
export type Anchor =
  | { readonly kind: 'cached'; readonly bytes: Uint8Array }
  | { readonly kind: 'pinned'; readonly pin: PinChecker }
  | { readonly kind: 'tofu' };

export interface VerifySourceOptions {
  readonly gun: string;
  /** The instant of every expiry and certificate-validity check. */
  readonly now: Date;
  readonly anchor: Anchor;
  /** Marks the resulting repository as built without the network (archives). */
  readonly offline: boolean;
}

export interface VerifiedSource {
  readonly repo: TrustedRepository;
  /** The version of the root the chain was anchored at (roots below it are history, see SPEC). */
  readonly anchorVersion: number;
  /** The current root version (the chain's end). */
  readonly rootVersion: number;
}

/**
 * Verifies a repository from `source`: the root chain from the anchor to the current root (each version exactly +1,
 * each signed by its predecessor's threshold and its own, §5.3; the last unexpired at `now`), then timestamp,
 * snapshot and targets (TrustedSet). Roots below the anchor must carry their own version number; they are kept as
 * history and are not trusted. Delegations load on demand from the same source (a role the snapshot does not
 * list is empty, as after `delegation add`).
 * @throws NotaryError every TrustedSet code, ROLLBACK/FORK (the source's root history disagrees with the cached
 *   root), ROOT_ROTATION_FAILED (version gaps, too many versions), PINNING_FAILED, and the source's codes
 */
export async function verifySource(source: MetadataSource, o: VerifySourceOptions): Promise<VerifiedSource> {
  const latest = await source.latestRoot();
  const n = parseRoot(latest).signed.version;
  if (n > MAX_ROOT_ROTATIONS) {
    throw notaryError('ROOT_ROTATION_FAILED', `root version ${n} of ${o.gun} is beyond the walk limit`, {
      details: { gun: o.gun, role: 'root', version: n, limit: MAX_ROOT_ROTATIONS },
    });
  }
  const roots = new Map<number, Uint8Array>([[n, latest]]);
  const rootAt = async (v: number): Promise<Uint8Array> => {
    let b = roots.get(v);
    if (b === undefined) {
      b = await source.root(v);
      roots.set(v, b);
    }
    const got = parseRoot(b).signed.version;
    if (got !== v) {
      throw notaryError('ROOT_ROTATION_FAILED', `${v}.root.json of ${o.gun} holds root version ${got}`, {
        details: { gun: o.gun, role: 'root', version: got, expected: v, reason: 'wrong-version' },
      });
    }
    return b;
  };
  const boot = (bytes: Uint8Array, pin?: PinChecker) =>
    // Intermediate roots may be expired; the end of the walk must not be (checkRootFresh below).
    TrustedSet.bootstrap(bytes, { gun: o.gun, now: o.now, pin, allowExpired: true });

  let set: TrustedSet;
  const a = o.anchor;
  if (a.kind === 'cached') {
    set = boot(a.bytes);
    const k = set.root.signed.version;
    if (k > n) {
      // Old roots are not signed by newer ones: there is no way back from the trusted root to this source's.
      const hint = 'anchor it with trust pinning (-c) or a trust dir without this root instead';
      throw notaryError(
        'ROLLBACK',
        `root version ${n} of ${o.gun} is older than the trusted root version ${k}; ${hint}`,
        {
          details: { gun: o.gun, role: 'root', version: n, trustedVersion: k },
        },
      );
    }
    if (!bytesEqual(await rootAt(k), a.bytes)) {
      throw notaryError('FORK', `root version ${k} of ${o.gun} differs from the trusted root with that version`, {
        details: { gun: o.gun, role: 'root', version: k },
      });
    }
  } else if (a.kind === 'pinned') {
    let found: TrustedSet | undefined;
    let last: unknown;
    for (let v = 1; v <= n && found === undefined; v++) {
      try {
        found = boot(await rootAt(v), a.pin);
      } catch (e) {
        // Only "this root is not the pinned one" moves on; an unreachable source is final.
        if (!isNotaryError(e) || e.category !== 'trust') throw e;
        last = e;
      }
    }
    if (found === undefined) throw last;
    set = found;
  } else {
    set = boot(await rootAt(1));
  }
  const anchorVersion = set.root.signed.version;
  for (let v = 1; v < anchorVersion; v++) await rootAt(v);
  for (let v = anchorVersion + 1; v <= n; v++) set.updateRoot(await rootAt(v));
  set.checkRootFresh();

  set.updateTimestamp(await source.timestamp());
  const snMeta = (set.timestamp as SignedMetadata<Timestamp>).signed.snapshot;
  set.updateSnapshot(await source.role('snapshot', snMeta));
  set.updateTargets(await source.role('targets', set.snapshot?.signed.getMeta('targets') as FileMeta));

  const load = async (s: TrustedSet, name: string): Promise<SignedMetadata<Targets> | undefined> => {
    const meta = s.snapshot?.signed.getMeta(name);
    if (meta === undefined) return undefined;
    s.updateDelegation(name, await source.role(name, meta));
    return s.delegations.get(name);
  };
  return { repo: new TrustedRepository(set, load, o.offline), anchorVersion, rootVersion: n };
}

/** The server as a source: `N.root.json`, `root.json`, `timestamp.json` and `<role>.<sha256>.json`, capped. */
export function remoteSource(remote: RoleFetcher): MetadataSource {
  return {
    root: (version) => remote.getRole('root', { version, maxBytes: ROOT_MAX_BYTES }),
    latestRoot: () => remote.getRole('root', { maxBytes: ROOT_MAX_BYTES }),
    timestamp: () => remote.getRole('timestamp', { maxBytes: TIMESTAMP_MAX_BYTES }),
    role: (name, meta) => {
      const sha256 = meta.hashes.sha256;
      return remote.getRole(name, {
        maxBytes: meta.length,
        ...(sha256 !== undefined ? { checksum: toHex(sha256) } : {}),
      });
    },
  };
}

/** Wraps a source and remembers every file it returned, by archive file name (`3.root.json`, `targets/x.json`). */
export class RecordingSource implements MetadataSource {
  readonly files = new Map<string, Uint8Array>();
  constructor(private readonly inner: MetadataSource) {}

  async root(version: number): Promise<Uint8Array> {
    return this.#keep(`${version}.root.json`, await this.inner.root(version));
  }
  async latestRoot(): Promise<Uint8Array> {
    const b = await this.inner.latestRoot();
    return this.#keep(`${parseRoot(b).signed.version}.root.json`, b);
  }
  async timestamp(): Promise<Uint8Array> {
    return this.#keep('timestamp.json', await this.inner.timestamp());
  }
  async role(name: string, meta: FileMeta): Promise<Uint8Array> {
    return this.#keep(`${name}.json`, await this.inner.role(name, meta));
  }
  #keep(file: string, bytes: Uint8Array): Uint8Array {
    this.files.set(file, bytes);
    return bytes;
  }
}
