// An in-memory Notary repository for client tests: real keys and signatures, versioned files, a mutable fetcher.
import { createRootCertificate, generateKey, type PrivateKey, type PublicKey } from '../../src/crypto/index.js';
import { toHex } from '../../src/encoding/hex.js';
import { notaryError } from '../../src/errors.js';
import {
  type DelegationRole,
  expiryAfter,
  type FileMeta,
  fileMetaFromBytes,
  type HashAlgorithm,
  Root,
  type SigningKey,
  Snapshot,
  signMetadataWithKeys,
  Targets,
  Timestamp,
  tufKeyId,
} from '../../src/metadata/index.js';

export type TopRole = 'targets' | 'snapshot' | 'timestamp';

const DAY = 86_400;
/** Notary's default lifetimes (seconds). */
export const LIFETIMES: Record<string, number> = {
  root: 3650 * DAY,
  targets: 3 * 365 * DAY,
  snapshot: 3 * 365 * DAY,
  timestamp: 14 * DAY,
};

interface RootKey {
  key: PrivateKey;
  cert: PublicKey;
}

interface DelegationSpec {
  name: string;
  keys: PrivateKey[];
  threshold: number;
  paths: string[];
  /** What the parent lists for `keys[i]` (default its public key), e.g. a certificate spelling of the same key. */
  listed?: (PublicKey | undefined)[];
}

interface SimRole {
  targets: Map<string, FileMeta>;
  delegations: DelegationSpec[];
  version: number;
  dirty: boolean;
  /** Seconds of validity on next signing (default LIFETIMES.targets). */
  lifetime?: number;
}

export interface FetchRequest {
  role: string;
  checksum?: string;
  version?: number;
  maxBytes: number;
}

/** Returns replacement bytes, `undefined` to serve as is, or throws (simulated network/server errors). */
export type Intercept = (req: FetchRequest, body: Uint8Array) => Uint8Array | undefined;

/** A RoleFetcher over the simulator's published files, logging every request. */
export class SimFetcher {
  readonly log: string[] = [];
  intercept: Intercept | undefined;
  constructor(private readonly sim: RepoSimulator) {}

  async getRole(role: string, opts: { maxBytes: number; checksum?: string; version?: number }): Promise<Uint8Array> {
    const name =
      opts.checksum !== undefined
        ? `${role}.${opts.checksum}.json`
        : opts.version !== undefined
          ? `${opts.version}.${role}.json`
          : `${role}.json`;
    this.log.push(name);
    let body = this.sim.serve(role, opts);
    const req: FetchRequest = { role, maxBytes: opts.maxBytes };
    if (opts.checksum !== undefined) req.checksum = opts.checksum;
    if (opts.version !== undefined) req.version = opts.version;
    const replaced = this.intercept?.(req, body ?? new Uint8Array(0));
    if (replaced !== undefined) body = replaced;
    if (body === undefined) {
      throw notaryError(
        role === 'root' && opts.checksum === undefined && opts.version === undefined
          ? 'REPOSITORY_NOT_FOUND'
          : 'METADATA_NOT_FOUND',
        `${name} not found`,
        {
          details: { role },
        },
      );
    }
    if (body.length > opts.maxBytes) {
      throw notaryError('RESPONSE_TOO_LARGE', `${name} is larger than ${opts.maxBytes}`, {
        details: { role, maxBytes: opts.maxBytes },
      });
    }
    return body;
  }
}

/**
 * A repository that signs like Notary: root v1 with an x509 root key (CN = GUN), targets/snapshot ECDSA keys,
 * an Ed25519 timestamp key. `publish()` re-signs what changed, then snapshot and timestamp (versions +1), and keeps
 * every file reachable by checksum and by version, as notary-server does.
 */
export class RepoSimulator {
  readonly gun: string;
  /** The signing clock; move it to age metadata. */
  now: Date;
  rootKeys: RootKey[];
  rootThreshold = 1;
  readonly keys: Record<TopRole, PrivateKey[]>;
  readonly thresholds: Record<TopRole, number> = { targets: 1, snapshot: 1, timestamp: 1 };
  readonly roles = new Map<string, SimRole>();
  /** Roles left out of the next snapshot. */
  readonly omitFromSnapshot = new Set<string>();
  /** The hash algorithms the snapshot lists for a role (default sha256 and sha512), e.g. `['sha512']`. */
  readonly snapshotHashes = new Map<string, HashAlgorithm[]>();
  /** Lifetime overrides (seconds) for the next signing of root/snapshot/timestamp. */
  readonly lifetimes: Partial<Record<'root' | 'snapshot' | 'timestamp', number>> = {};

  rootVersion = 0;
  snapshotVersion = 0;
  timestampVersion = 0;
  readonly current = new Map<string, Uint8Array>();
  readonly byChecksum = new Map<string, Uint8Array>();
  readonly byVersion = new Map<string, Uint8Array>();

  constructor(opts: { gun?: string; now?: Date } = {}) {
    this.gun = opts.gun ?? 'example.com/sim/repo';
    this.now = opts.now ?? new Date('2030-01-01T00:00:00Z');
    this.rootKeys = [this.newRootKey()];
    this.keys = {
      targets: [generateKey('ecdsa')],
      snapshot: [generateKey('ecdsa')],
      timestamp: [generateKey('ed25519')],
    };
    this.roles.set('targets', { targets: new Map(), delegations: [], version: 0, dirty: true });
    this.signRoot([]);
    this.publish();
  }

  newRootKey(gun = this.gun): RootKey {
    const key = generateKey('ecdsa');
    const pem = createRootCertificate(key, gun, new Date(this.now.getTime() - 3600_000));
    return { key, cert: { type: 'ecdsa-x509', public: pem } };
  }

  // ---- content -------------------------------------------------------------------------------------------

  /** Adds a target whose content is `content` (sha256 + sha512 + length, as `notary add` does). */
  addTarget(name: string, content: string | Uint8Array, role = 'targets'): FileMeta {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    const meta = fileMetaFromBytes(bytes);
    this.setTarget(name, meta, role);
    return meta;
  }

  setTarget(name: string, meta: FileMeta, role = 'targets'): void {
    const r = this.role(role);
    r.targets.set(name, meta);
    r.dirty = true;
  }

  removeTarget(name: string, role = 'targets'): void {
    const r = this.role(role);
    r.targets.delete(name);
    r.dirty = true;
  }

  /** Delegates `name` from its parent; its file appears once something is signed into it (as in Notary). */
  addDelegation(
    name: string,
    opts: {
      paths?: string[];
      threshold?: number;
      keyCount?: number;
      keys?: PrivateKey[];
      listed?: (PublicKey | undefined)[];
    } = {},
  ): PrivateKey[] {
    const parent = this.role(name.slice(0, name.lastIndexOf('/')));
    const keys = opts.keys ?? Array.from({ length: opts.keyCount ?? 1 }, () => generateKey('ecdsa'));
    const spec: DelegationSpec = { name, keys, threshold: opts.threshold ?? 1, paths: opts.paths ?? [''] };
    if (opts.listed !== undefined) spec.listed = opts.listed;
    const i = parent.delegations.findIndex((d) => d.name === name);
    if (i >= 0) parent.delegations[i] = spec;
    else parent.delegations.push(spec);
    parent.dirty = true;
    if (!this.roles.has(name)) this.roles.set(name, { targets: new Map(), delegations: [], version: 0, dirty: false });
    return keys;
  }

  /** Marks a role for re-signing (e.g. to create an empty delegation file). */
  touch(role: string, lifetime?: number): void {
    const r = this.role(role);
    r.dirty = true;
    if (lifetime !== undefined) r.lifetime = lifetime;
  }

  role(name: string): SimRole {
    const r = this.roles.get(name);
    if (r === undefined) throw new Error(`no role ${name}`);
    return r;
  }

  // ---- signing -------------------------------------------------------------------------------------------

  /**
   * Signs and publishes a new root (version +1). `rotate` replaces the keys of those roles; the new root is
   * signed by the previous root keys (`signWithOld`, default true) and the new ones (`signWithNew`, default true).
   */
  rotateRoot(opts: { rotate?: ('root' | TopRole)[]; signWithOld?: boolean; signWithNew?: boolean } = {}): Uint8Array {
    const old = this.rootKeys;
    for (const r of opts.rotate ?? []) {
      if (r === 'root') this.rootKeys = [this.newRootKey()];
      else {
        this.keys[r] = [r === 'timestamp' ? generateKey('ed25519') : generateKey('ecdsa')];
        if (r === 'targets') this.role('targets').dirty = true;
      }
    }
    const signers: RootKey[] = [];
    if (opts.signWithOld !== false) signers.push(...old);
    if (opts.signWithNew !== false) for (const k of this.rootKeys) if (!signers.includes(k)) signers.push(k);
    return this.signRoot(signers);
  }

  /** Builds root (version +1) and signs it with `extra` plus (when empty) the current root keys. */
  signRoot(signers: RootKey[]): Uint8Array {
    this.rootVersion++;
    const root = Root.create({
      version: this.rootVersion,
      expires: expiryAfter(this.now, this.lifetimes.root ?? LIFETIMES.root ?? 0),
      roles: {
        root: { keys: this.rootKeys.map((k) => k.cert), threshold: this.rootThreshold },
        targets: { keys: this.keys.targets.map((k) => k.publicKey), threshold: this.thresholds.targets },
        snapshot: { keys: this.keys.snapshot.map((k) => k.publicKey), threshold: this.thresholds.snapshot },
        timestamp: { keys: this.keys.timestamp.map((k) => k.publicKey), threshold: this.thresholds.timestamp },
      },
    });
    const use = signers.length > 0 ? signers : this.rootKeys;
    const file = signMetadataWithKeys(
      root,
      use.map((k): SigningKey => ({ key: k.key, listedKey: k.cert })),
    );
    this.store('root', file.raw, this.rootVersion);
    return file.raw;
  }

  /** Re-signs dirty targets roles, then snapshot and timestamp. Returns the new timestamp bytes. */
  publish(): Uint8Array {
    for (const [name, r] of this.roles) {
      if (!r.dirty) continue;
      r.version++;
      r.dirty = false;
      const keyMap = new Map<string, PublicKey>();
      const roles: DelegationRole[] = r.delegations.map((d) => {
        const ids = d.keys.map((k, i) => {
          const pub = d.listed?.[i] ?? k.publicKey;
          const id = tufKeyId(pub);
          keyMap.set(id, pub);
          return id;
        });
        return { name: d.name, keyIds: ids, threshold: d.threshold, paths: d.paths };
      });
      const t = Targets.create({
        role: name,
        version: r.version,
        expires: expiryAfter(this.now, r.lifetime ?? LIFETIMES.targets ?? 0),
        targets: [...r.targets.entries()],
        delegations: { keys: keyMap, roles },
      });
      const file = signMetadataWithKeys(t, this.signingKeys(name));
      this.store(name, file.raw, r.version);
    }
    return this.publishSnapshotAndTimestamp();
  }

  /** New snapshot (+1) over the current files, and a new timestamp (+1). */
  publishSnapshotAndTimestamp(): Uint8Array {
    const meta: [string, FileMeta][] = [];
    for (const [name, bytes] of this.current) {
      if (name === 'snapshot' || name === 'timestamp' || this.omitFromSnapshot.has(name)) continue;
      meta.push([name, fileMetaFromBytes(bytes, this.snapshotHashes.get(name))]);
    }
    this.snapshotVersion++;
    const sn = Snapshot.create({
      version: this.snapshotVersion,
      expires: expiryAfter(this.now, this.lifetimes.snapshot ?? LIFETIMES.snapshot ?? 0),
      meta,
    });
    const snFile = signMetadataWithKeys(sn, this.keys.snapshot);
    this.store('snapshot', snFile.raw, this.snapshotVersion);
    return this.publishTimestamp();
  }

  /** A new timestamp (+1) over the current snapshot. */
  publishTimestamp(): Uint8Array {
    this.timestampVersion++;
    const ts = Timestamp.create({
      version: this.timestampVersion,
      expires: expiryAfter(this.now, this.lifetimes.timestamp ?? LIFETIMES.timestamp ?? 0),
      snapshot: fileMetaFromBytes(this.file('snapshot')),
    });
    const file = signMetadataWithKeys(ts, this.keys.timestamp);
    this.store('timestamp', file.raw, this.timestampVersion);
    return file.raw;
  }

  signingKeys(role: string): SigningKey[] {
    if (role === 'targets' || role === 'snapshot' || role === 'timestamp') return this.keys[role];
    const parent = this.role(role.slice(0, role.lastIndexOf('/')));
    const spec = parent.delegations.find((d) => d.name === role);
    if (spec === undefined) throw new Error(`${role} is not delegated`);
    // One signature per private key, under its first listing (a key listed twice signs once, as a signer would).
    const out: SigningKey[] = [];
    const seen = new Set<PrivateKey>();
    spec.keys.forEach((key, i) => {
      if (seen.has(key)) return;
      seen.add(key);
      const listedKey = spec.listed?.[i];
      out.push(listedKey === undefined ? key : { key, listedKey });
    });
    return out;
  }

  store(role: string, bytes: Uint8Array, version: number): void {
    this.current.set(role, bytes);
    this.byChecksum.set(`${role}.${toHex(fileMetaFromBytes(bytes, ['sha256']).hashes.sha256 as Uint8Array)}`, bytes);
    this.byVersion.set(`${version}.${role}`, bytes);
  }

  /** Replaces the current file of a role without re-signing anything else (for mix-and-match set-ups). */
  serveAs(role: string, bytes: Uint8Array): void {
    this.current.set(role, bytes);
  }

  /** The current file of a role. */
  file(role: string): Uint8Array {
    const b = this.current.get(role);
    if (b === undefined) throw new Error(`no current ${role}`);
    return b;
  }

  /** What the server answers for a request (undefined: 404). */
  serve(role: string, opts: { checksum?: string; version?: number }): Uint8Array | undefined {
    if (opts.checksum !== undefined) return this.byChecksum.get(`${role}.${opts.checksum}`);
    if (opts.version !== undefined) return this.byVersion.get(`${opts.version}.${role}`);
    return this.current.get(role);
  }

  fetcher(): SimFetcher {
    return new SimFetcher(this);
  }
}

/** Flips one byte inside the `signed` part of a metadata file (keeps it valid JSON: changes a digit of expires). */
export function tamper(bytes: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(bytes);
  const m = /"expires":"(\d)/.exec(text);
  if (m === null) throw new Error('no expires to tamper with');
  const at = m.index + '"expires":"'.length;
  const digit = text[at] === '2' ? '3' : '2';
  return new TextEncoder().encode(text.slice(0, at) + digit + text.slice(at + 1));
}
