// targets.json (and delegated `targets/...` files): the target map, validated in one cheap pass, read on demand.
import { type JsonObject, newJsonObject } from '../canonical/index.js';
import { type DelegationRole, type Delegations, delegationsToJson, parseDelegations } from './delegations.js';
import type { Expiry } from './expiry.js';
import { readObject } from './fields.js';
import { type FileMeta, fileMetaToJson, readFileMeta, type TargetFile, validateFileMeta } from './file-meta.js';
import { commonJson, MetadataBase } from './metadata-base.js';
import { isDelegationName } from './role-name.js';

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
  readonly #targets: JsonObject;

  private constructor(json: JsonObject, role: string, canonical: Uint8Array | undefined) {
    super(role, 'Targets', json, canonical);
    const targets = readObject(json.targets, role, 'targets');
    const names = Object.keys(targets);
    for (let i = 0; i < names.length; i++) {
      const name = names[i] as string;
      validateFileMeta(targets[name], role, 'targets', name);
    }
    this.#targets = targets;
    this.targetCount = names.length;
    this.delegations = parseDelegations(json.delegations, role);
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
    if (!Object.hasOwn(this.#targets, name)) return undefined;
    return { name, ...readFileMeta(this.#targets[name] as JsonObject) };
  }

  hasTarget(name: string): boolean {
    return Object.hasOwn(this.#targets, name);
  }

  /** All target names (file order). */
  targetNames(): string[] {
    return Object.keys(this.#targets);
  }

  /** Every target, decoded one at a time. */
  *targets(): IterableIterator<TargetFile> {
    for (const name of Object.keys(this.#targets)) yield this.getTarget(name) as TargetFile;
  }

  /** The delegated role `name` listed in this file, or undefined. */
  delegation(name: string): DelegationRole | undefined {
    return this.delegations.roles.find((r) => r.name === name);
  }
}

function checkTargetsRole(role: string): void {
  if (role !== 'targets' && !isDelegationName(role)) throw new RangeError(`${role} is not a targets role`);
}
