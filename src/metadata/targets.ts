// targets.json (and delegated `targets/...` files): the target map, validated in one cheap pass, read on demand.
import { type JsonObject, type LazyObject, newJsonObject } from '../canonical/index.js';
import { toHex } from '../encoding/hex.js';
import { isDelegationName } from '../grammar/role-name.js';
import { type DelegationRole, type Delegations, delegationsToJson, parseDelegations } from './delegations.js';
import type { Envelope } from './envelope.js';
import type { Expiry } from './expiry.js';
import { readObject } from './fields.js';
import {
  type FileMeta,
  fileMetaToJson,
  readCanonicalDigest,
  readCanonicalFileMeta,
  readFileMeta,
  type TargetFile,
  validateFileMeta,
} from './file-meta.js';
import { commonJson, MetadataBase } from './metadata-base.js';

/** A target's name, hex sha256 and length (see `Targets.digests`). */
export interface TargetDigest {
  readonly name: string;
  readonly sha256: string | undefined;
  readonly length: number;
}

function digestOf(t: TargetFile): TargetDigest {
  const h = t.hashes.sha256;
  return { name: t.name, sha256: h === undefined ? undefined : toHex(h), length: t.length };
}

/** What a new targets file needs. */
export interface TargetsInit {
  /** `targets` (default) or a delegation name such as `targets/releases`. */
  readonly role?: string;
  readonly expires: Expiry;
  /** Default 1. */
  readonly version?: number;
  readonly targets?: Iterable<readonly [string, FileMeta]>;
  readonly delegations?: Delegations;
}

/**
 * The validated `signed` part of a targets or delegation file. Every entry is checked when parsed, but
 * `TargetFile` objects are only built when asked for, so looking up one tag in a 50k-target file stays cheap.
 */
export class Targets extends MetadataBase {
  readonly type = 'Targets' as const;
  readonly delegations: Delegations;
  /** Number of entries in `targets`. */
  readonly targetCount: number;
  /** The eager map (built or parsed generically), or undefined when `#lazy` holds the entries. */
  #targets: JsonObject | undefined;
  /**
   * The entries of a canonical file, left in its text (see `LazyObject`): a 50k-entry file costs one scan and no
   * per-entry objects. Entries the matcher accepted are valid by construction; the others are validated here.
   */
  readonly #lazy: LazyObject | undefined;
  /**
   * Entries already decoded from `#lazy`, by name: a library user asking for the same tags again and again (an
   * admission controller) pays the binary search and the base64 decode once per tag. Frozen, so sharing is safe.
   */
  #decoded: Map<string, TargetFile> | undefined;

  private constructor(json: JsonObject, role: string, canonical: Uint8Array | undefined, lazy?: LazyObject) {
    super(role, 'Targets', json, canonical);
    if (lazy !== undefined && json.targets === (lazy as unknown)) {
      for (const i of lazy.slowIndices()) {
        try {
          validateFileMeta(lazy.slowValue(i), role, 'targets', lazy.keyAt(i));
        } catch (e) {
          // Report exactly what the eager check reports (it may meet another bad entry first).
          validateAll(lazy.toJson(), role);
          throw e;
        }
      }
      this.#lazy = lazy;
      this.targetCount = lazy.size;
    } else {
      const targets = readObject(json.targets, role, 'targets');
      this.targetCount = validateAll(targets, role);
      this.#targets = targets;
    }
    this.delegations = parseDelegations(json.delegations, role);
  }

  /** The `signed` object as received; for a lazily parsed file the target map is decoded on first access. */
  override get json(): JsonObject {
    const json = super.json;
    if (this.#lazy !== undefined && json.targets === (this.#lazy as unknown)) json.targets = this.#lazy.toJson();
    return json;
  }

  /**
   * Validates a targets `signed` object for `role` (`targets` or a delegation name). `canonical`, when given,
   * must equal `canonicalBytes(json)`.
   * @throws NotaryError INVALID_METADATA (details: role, field); RangeError when `role` is not a targets role
   */
  static fromJson(json: JsonObject, role = 'targets', canonical?: Uint8Array): Targets {
    checkTargetsRole(role);
    return new Targets(json, role, canonical);
  }

  /**
   * Validates the `signed` part of a parsed envelope (`parseEnvelope`, possibly with `lazyTargets`) for `role`.
   * @throws NotaryError INVALID_METADATA (details: role, field); RangeError when `role` is not a targets role
   */
  static fromEnvelope(envelope: Envelope, role = 'targets'): Targets {
    checkTargetsRole(role);
    return new Targets(envelope.signed, role, envelope.canonical, envelope.lazyTargets);
  }

  /**
   * A new targets file (Go always writes `delegations`, empty or not).
   * @throws RangeError / NotaryError NON_CANONICAL for bad target meta (see `fileMetaToJson`)
   */
  static create(init: TargetsInit): Targets {
    const role = init.role ?? 'targets';
    checkTargetsRole(role);
    const json = commonJson('Targets', init.version ?? 1, init.expires);
    const targets = newJsonObject();
    for (const [name, meta] of init.targets ?? []) targets[name] = fileMetaToJson(meta);
    json.targets = targets;
    json.delegations = delegationsToJson(init.delegations ?? { keys: new Map(), roles: [] });
    return new Targets(json, role, undefined);
  }

  /** The target called `name`, or undefined. */
  getTarget(name: string): TargetFile | undefined {
    const lazy = this.#lazy;
    if (lazy !== undefined) {
      this.#decoded ??= new Map();
      const decoded = this.#decoded;
      const hit = decoded.get(name);
      if (hit !== undefined) return hit;
      const i = lazy.indexOf(name);
      if (i < 0) return undefined;
      const file = this.#lazyTarget(lazy, i, name);
      decoded.set(name, file);
      return file;
    }
    const targets = this.#targets as JsonObject;
    if (!Object.hasOwn(targets, name)) return undefined;
    return { name, ...readFileMeta(targets[name] as JsonObject) };
  }

  hasTarget(name: string): boolean {
    return this.#lazy !== undefined ? this.#lazy.has(name) : Object.hasOwn(this.#targets as JsonObject, name);
  }

  /** All target names (file order). */
  targetNames(): string[] {
    return this.#lazy !== undefined ? this.#lazy.keys() : Object.keys(this.#targets as JsonObject);
  }

  /** Every target, decoded one at a time. */
  *targets(): IterableIterator<TargetFile> {
    const lazy = this.#lazy;
    if (lazy !== undefined) {
      for (let i = 0; i < lazy.size; i++) yield this.#lazyTarget(lazy, i, lazy.keyAt(i));
      return;
    }
    for (const name of Object.keys(this.#targets as JsonObject)) yield this.getTarget(name) as TargetFile;
  }

  #lazyTarget(lazy: LazyObject, i: number, name: string): TargetFile {
    const slow = lazy.slowValue(i);
    const meta =
      slow === undefined ? readCanonicalFileMeta(lazy.text, lazy.valueStart(i)) : readFileMeta(slow as JsonObject);
    Object.freeze(meta.hashes);
    return Object.freeze({ name, ...meta });
  }

  /**
   * Every target's name, hex sha256 (undefined when it has none) and length, in file order: what a listing needs,
   * read straight from the file text for the usual entries (no sha512 decode, no FileMeta per entry).
   */
  *digests(): IterableIterator<TargetDigest> {
    const lazy = this.#lazy;
    if (lazy === undefined) {
      for (const t of this.targets()) yield digestOf(t);
      return;
    }
    for (let i = 0; i < lazy.size; i++) {
      const slow = lazy.slowValue(i);
      if (slow !== undefined) {
        yield digestOf(this.#lazyTarget(lazy, i, lazy.keyAt(i)));
        continue;
      }
      const d = readCanonicalDigest(lazy.text, lazy.valueStart(i));
      yield { name: lazy.keyAt(i), sha256: d.sha256, length: d.length };
    }
  }

  /** The delegated role `name` listed in this file, or undefined. */
  delegation(name: string): DelegationRole | undefined {
    return this.delegations.roles.find((r) => r.name === name);
  }
}

/** Validates every entry of an eager target map; returns the entry count. @throws NotaryError INVALID_METADATA */
function validateAll(targets: JsonObject, role: string): number {
  const names = Object.keys(targets);
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    validateFileMeta(targets[name], role, 'targets', name);
  }
  return names.length;
}

function checkTargetsRole(role: string): void {
  if (role !== 'targets' && !isDelegationName(role)) throw new RangeError(`${role} is not a targets role`);
}
