// Editing a targets file: add/remove targets and delegations, delegation keys and paths (`tuf.Repo` semantics).
import { type JsonObject, newJsonObject, sortKeysInPlace as sortedNames } from '../canonical/index.js';
import type { PublicKey } from '../crypto/types.js';
import { isDelegationName, parentRole } from '../grammar/role-name.js';
import { type DelegationRole, delegationsToJson } from './delegations.js';
import { EditorBase } from './editor-base.js';
import { type FileMeta, fileMetaToJson, readFileMeta } from './file-meta.js';
import { tufKeyId } from './key-id.js';
import { Targets } from './targets.js';

/** Changes to one delegation, applied in Notary's order: remove paths, clear paths, add paths, remove keys, add keys. */
export interface DelegationChange {
  readonly addKeys?: readonly PublicKey[];
  readonly removeKeyIds?: readonly string[];
  readonly addPaths?: readonly string[];
  readonly removePaths?: readonly string[];
  readonly clearPaths?: boolean;
  /** Threshold of a new role (default 1), or a new threshold for an existing one. */
  readonly threshold?: number;
}

interface MutableRole {
  name: string;
  keyIds: string[];
  threshold: number;
  paths: string[];
}

/** Edits a copy of a targets file; `build()` validates and returns a new `Targets`. */
export class TargetsEditor extends EditorBase<Targets> {
  /** Target edits by name: the new JSON entry, or null when removed. The source's map is never copied before build. */
  private readonly changes = new Map<string, JsonObject | null>();
  private readonly source: Targets;
  private keys: Map<string, PublicKey> | undefined;
  private roles: MutableRole[] | undefined;

  constructor(from: Targets) {
    super(from);
    this.source = from;
  }

  /**
   * Adds or replaces a target.
   * @throws RangeError / NotaryError NON_CANONICAL for bad meta (see `fileMetaToJson`)
   */
  setTarget(name: string, meta: FileMeta): this {
    this.changes.set(name, fileMetaToJson(meta));
    return this;
  }

  /** Removes a target (no-op when absent). */
  removeTarget(name: string): this {
    this.changes.set(name, null);
    return this;
  }

  /** The target `name` with the edits so far, or undefined. */
  getTarget(name: string): FileMeta | undefined {
    const entry = this.changes.get(name);
    if (entry === undefined) return this.source.getTarget(name);
    return entry === null ? undefined : readFileMeta(entry);
  }

  /**
   * The edited target map. Entries are shared, never copied: the source's were validated when it was built or
   * parsed, new ones are frozen output of `fileMetaToJson`.
   */
  private targetMap(): JsonObject {
    const from = this.json.targets as JsonObject;
    if (this.changes.size === 0) return from;
    // Names go in in canonical (UTF-8) order, so the encoder can hand the whole map to JSON.stringify (SPEC §9
    // "Start-up, fifth pass"); it would sort them otherwise.
    const names = Object.keys(from);
    for (const [name, entry] of this.changes) if (entry !== null && !Object.hasOwn(from, name)) names.push(name);
    const out = newJsonObject();
    for (const name of sortedNames(names)) {
      const entry = this.changes.get(name);
      if (entry === undefined) out[name] = from[name] as JsonObject;
      else if (entry !== null) out[name] = entry;
    }
    return out;
  }

  private delegationState(): { keys: Map<string, PublicKey>; roles: MutableRole[] } {
    if (this.keys === undefined || this.roles === undefined) {
      const d = this.source.delegations;
      this.keys = new Map(d.keys);
      this.roles = d.roles.map((r) => ({
        name: r.name,
        keyIds: [...r.keyIds],
        threshold: r.threshold,
        paths: [...r.paths],
      }));
    }
    return { keys: this.keys, roles: this.roles };
  }

  /**
   * Creates or updates the delegation `name` (a direct child of this role). Paths are plain prefixes, `""` means
   * all. Keys no role uses any more leave `delegations.keys` (Notary `RemoveUnusedKeys`).
   * @throws RangeError for a name that is not a direct child delegation or a bad threshold
   */
  updateDelegation(name: string, change: DelegationChange): this {
    if (!isDelegationName(name) || parentRole(name) !== this.role) {
      throw new RangeError(`${name} is not a delegation of ${this.role}`);
    }
    const { keys, roles } = this.delegationState();
    let role = roles.find((r) => r.name === name);
    if (role === undefined) {
      role = { name, keyIds: [], threshold: change.threshold ?? 1, paths: [] };
      roles.push(role);
    }
    const removePaths = new Set(change.removePaths ?? []);
    role.paths = role.paths.filter((p) => !removePaths.has(p));
    if (change.clearPaths === true) role.paths = [];
    for (const p of change.addPaths ?? []) if (!role.paths.includes(p)) role.paths.push(p);
    const removeKeys = new Set(change.removeKeyIds ?? []);
    role.keyIds = role.keyIds.filter((id) => !removeKeys.has(id));
    for (const k of change.addKeys ?? []) {
      const id = tufKeyId(k);
      keys.set(id, k);
      if (!role.keyIds.includes(id)) role.keyIds.push(id);
    }
    if (change.threshold !== undefined) {
      if (!Number.isSafeInteger(change.threshold) || change.threshold < 1) {
        throw new RangeError('threshold must be an integer ≥ 1');
      }
      role.threshold = change.threshold;
    }
    this.pruneKeys();
    return this;
  }

  /** Removes the delegation `name` and keys no other role uses (no-op when absent). */
  removeDelegation(name: string): this {
    const state = this.delegationState();
    this.roles = state.roles.filter((r) => r.name !== name);
    this.pruneKeys();
    return this;
  }

  /** Removes keys (by listed ID) from every delegation of this file (Notary `PurgeDelegationKeys`, one level). */
  purgeDelegationKeys(keyIds: readonly string[]): this {
    const drop = new Set(keyIds);
    for (const r of this.delegationState().roles) r.keyIds = r.keyIds.filter((id) => !drop.has(id));
    this.pruneKeys();
    return this;
  }

  private pruneKeys(): void {
    const { keys, roles } = this.delegationState();
    const used = new Set(roles.flatMap((r) => r.keyIds));
    for (const id of [...keys.keys()]) if (!used.has(id)) keys.delete(id);
  }

  build(): Targets {
    const json = Object.assign(newJsonObject(), this.json);
    if (this.keys !== undefined && this.roles !== undefined) {
      const roles: DelegationRole[] = this.roles.map((r) => ({ ...r, keyIds: [...r.keyIds], paths: [...r.paths] }));
      json.delegations = delegationsToJson({ keys: this.keys, roles });
    } else if (json.delegations === undefined || json.delegations === null) {
      // Go always writes `delegations`, empty or not.
      json.delegations = delegationsToJson({ keys: new Map(), roles: [] });
    }
    json.targets = this.targetMap();
    return Targets.fromJson(json, this.role);
  }
}

/** Starts editing a copy of a targets (or delegation) file. */
export function editTargets(targets: Targets): TargetsEditor {
  return new TargetsEditor(targets);
}
