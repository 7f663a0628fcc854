// The working copy a publish edits: verified root/targets/delegations/snapshot plus what changed (`tuf.Repo`).

import { canonicalString } from '../canonical/index.js';
import type { PublicKey } from '../crypto/types.js';
import { bytesEqual } from '../encoding/bytes.js';
import { notaryError } from '../errors.js';
import { isDelegationName, parentRole } from '../grammar/role-name.js';
import { type DelegationRole, pathAllowed, restrictPaths } from '../metadata/delegations.js';
import { defaultExpiry, type Instant } from '../metadata/expiry.js';
import type { FileMeta } from '../metadata/file-meta.js';
import type { Root } from '../metadata/root.js';
import { editRoot, type RootEditor } from '../metadata/root-editor.js';
import type { SignedMetadata } from '../metadata/signed-metadata.js';
import type { Snapshot } from '../metadata/snapshot.js';
import { Targets } from '../metadata/targets.js';
import { editTargets, type TargetsEditor } from '../metadata/targets-editor.js';

/** Verified metadata a publish starts from (from the server via the updater, or from the local cache). */
export interface LoadedRepo {
  readonly gun: string;
  readonly root: SignedMetadata<Root>;
  /** `targets` and every delegation file that was loaded, by role name (`raw` when the bytes are at hand). */
  readonly targets: ReadonlyMap<string, LoadedTargets>;
  /** Absent when the server manages the snapshot and nothing was published yet. */
  readonly snapshot?: SignedMetadata<Snapshot> | undefined;
  /** The server has no trust data for the GUN yet: root goes up as it is, targets is always signed. */
  readonly initialPublish: boolean;
  /** Delegations that failed verification and were skipped, with the version the server holds (0: unknown). */
  readonly invalid?: ReadonlyMap<string, number> | undefined;
  /** Files the snapshot lists of delegations nothing delegates to any more, with their versions (0: unknown). */
  readonly stale?: ReadonlyMap<string, number> | undefined;
}

/** A verified targets or delegation file. */
export interface LoadedTargets {
  readonly signed: Targets;
  readonly raw?: Uint8Array | undefined;
}

/** One targets role being edited. */
export interface RoleWork {
  readonly name: string;
  /** Delegations are always current here; targets as of the last build (`editor` holds the target edits since). */
  view: Targets;
  /** Bytes of the loaded file; undefined for a role created by this publish. */
  readonly raw: Uint8Array | undefined;
  /** Version of the loaded file, 0 for a new role (signed as version 1). */
  readonly loadedVersion: number;
  editor: TargetsEditor | undefined;
  dirty: boolean;
}

/** A delegation as seen from the top: its rule, its keys, and its paths restricted by every ancestor. */
export interface ResolvedDelegation {
  readonly role: DelegationRole;
  readonly keys: Map<string, PublicKey>;
  readonly effectivePaths: readonly string[];
}

function roleMissing(role: string, why = 'does not exist'): never {
  throw notaryError('ROLE_NOT_FOUND', `role ${role} ${why}`, { details: { role } });
}

/** Go's `FileMeta.Equals`: same length, same hashes, same custom (compared canonically). */
function sameMeta(a: FileMeta, b: FileMeta): boolean {
  if (a.length !== b.length) return false;
  for (const alg of ['sha256', 'sha512'] as const) {
    const x = a.hashes[alg];
    const y = b.hashes[alg];
    if ((x === undefined) !== (y === undefined) || (x && y && !bytesEqual(x, y))) return false;
  }
  if ((a.custom === undefined) !== (b.custom === undefined)) return false;
  return a.custom === undefined || canonicalString(a.custom) === canonicalString(b.custom ?? null);
}

/** The mutable repository: root, targets roles and snapshot, with dirty flags. Pure: no I/O, no keys. */
export class RepoState {
  readonly gun: string;
  readonly initialPublish: boolean;
  readonly loadedRoot: SignedMetadata<Root>;
  root: Root;
  rootEditor: RootEditor | undefined;
  rootDirty = false;
  readonly snapshot: SignedMetadata<Snapshot> | undefined;
  readonly roles = new Map<string, RoleWork>();
  /** Delegations removed by this publish (dropped from snapshot meta). */
  readonly deleted = new Set<string>();
  private readonly now: Instant;
  private readonly invalid: ReadonlyMap<string, number>;
  private readonly stale: ReadonlyMap<string, number>;
  private effective = new Map<string, ResolvedDelegation>();

  constructor(loaded: LoadedRepo, now: Instant) {
    this.gun = loaded.gun;
    this.initialPublish = loaded.initialPublish;
    this.loadedRoot = loaded.root;
    this.root = loaded.root.signed;
    this.snapshot = loaded.snapshot;
    this.now = now;
    this.invalid = loaded.invalid ?? new Map();
    this.stale = loaded.stale ?? new Map();
    for (const [name, file] of loaded.targets) {
      this.roles.set(name, {
        name,
        view: file.signed,
        raw: file.raw,
        loadedVersion: file.signed.version,
        editor: undefined,
        dirty: false,
      });
    }
    if (!this.roles.has('targets')) roleMissing('targets', 'has no metadata');
  }

  /** Replaces all keys of a base role in root (Notary `ReplaceBaseKeys`) and marks what must be re-signed. */
  setBaseRoleKeys(role: 'root' | 'targets' | 'snapshot' | 'timestamp', keys: readonly PublicKey[]): void {
    this.rootEditor ??= editRoot(this.root);
    this.root = this.rootEditor.setRoleKeys(role, keys).build();
    this.rootDirty = true;
    if (role === 'targets') this.work('targets').dirty = true;
  }

  /** The working state of a loaded targets role. */
  work(role: string): RoleWork {
    const w = this.roles.get(role);
    if (w === undefined) roleMissing(role, 'has no metadata');
    return w;
  }

  /**
   * The delegation `role`, found by walking from `targets` through loaded files (Go `GetDelegationRole`).
   * @throws NotaryError ROLE_NOT_FOUND
   */
  delegation(role: string): ResolvedDelegation {
    const hit = this.effective.get(role);
    if (hit) return hit;
    if (!isDelegationName(role)) roleMissing(role, 'is not a delegation name');
    const parent = parentRole(role);
    const parentPaths = parent === 'targets' ? [''] : this.delegation(parent).effectivePaths;
    const parentFile = this.roles.get(parent);
    const entry = parentFile?.view.delegation(role);
    if (parentFile === undefined || entry === undefined) roleMissing(role);
    const keys = new Map<string, PublicKey>();
    for (const id of entry.keyIds) {
      const k = parentFile.view.delegations.keys.get(id);
      if (k !== undefined) keys.set(id, k);
    }
    const resolved = { role: entry, keys, effectivePaths: restrictPaths(parentPaths, entry.paths) };
    this.effective.set(role, resolved);
    return resolved;
  }

  /** Keys (listed ID → key) and threshold that sign `role` in the current state. */
  signingRule(role: string): { keys: Map<string, PublicKey>; threshold: number } {
    if (role === 'root' || role === 'targets' || role === 'snapshot' || role === 'timestamp') {
      return { keys: this.root.keysOf(role), threshold: this.root.baseRole(role).threshold };
    }
    const d = this.delegation(role);
    return { keys: d.keys, threshold: d.role.threshold };
  }

  /** Current meta of a target in a role (pending edits included). */
  target(role: string, name: string): FileMeta | undefined {
    const w = this.roles.get(role);
    if (w === undefined) return undefined;
    return w.editor === undefined ? w.view.getTarget(name) : w.editor.getTarget(name);
  }

  /**
   * Adds a target (Go `AddTargets`): the role must exist and its paths, restricted by its ancestors, must allow
   * the name. A role that has no file yet gets one. No-op when the same meta is already there.
   * @throws NotaryError ROLE_NOT_FOUND, INVALID_ARGUMENT (path not allowed)
   */
  addTarget(role: string, name: string, meta: FileMeta): void {
    if (role !== 'targets') {
      const d = this.delegation(role);
      if (!pathAllowed(name, d.effectivePaths)) {
        throw notaryError('INVALID_ARGUMENT', `role ${role} may not sign target ${JSON.stringify(name)}`, {
          details: { role, target: name, paths: [...d.effectivePaths] },
        });
      }
    }
    const w = this.roles.get(role) ?? this.newRole(role);
    const current = this.target(role, name);
    if (current !== undefined && sameMeta(current, meta)) return;
    w.editor ??= editTargets(w.view);
    w.editor.setTarget(name, meta);
    w.dirty = true;
  }

  /**
   * Removes a target (Go `RemoveTargets`); the role must exist, a missing file or target is a no-op.
   * @throws NotaryError ROLE_NOT_FOUND
   */
  removeTarget(role: string, name: string): void {
    if (role !== 'targets') this.delegation(role);
    const w = this.roles.get(role);
    if (w === undefined || this.target(role, name) === undefined) return;
    w.editor ??= editTargets(w.view);
    w.editor.removeTarget(name);
    w.dirty = true;
  }

  /**
   * A role created by this publish (Go `InitTargets`): empty. Its version continues from a skipped invalid file
   * of the same name, else starts at 1 when signed.
   */
  newRole(role: string): RoleWork {
    const w: RoleWork = {
      name: role,
      view: Targets.create({ role, expires: defaultExpiry('targets', this.now) }),
      raw: undefined,
      loadedVersion: this.invalid.get(role) ?? this.stale.get(role) ?? 0,
      editor: undefined,
      dirty: true,
    };
    this.roles.set(role, w);
    this.deleted.delete(role);
    return w;
  }

  /** True when the server still holds an old file of `role` that nothing delegates to (see `LoadedRepo.stale`). */
  hasStaleFile(role: string): boolean {
    return this.stale.has(role) && !this.roles.has(role);
  }

  /** Applies a delegation edit to the file of `parent` and refreshes the views (delegation edits are rare). */
  editDelegations(parent: string, edit: (e: TargetsEditor) => void): void {
    const w = this.roles.get(parent) ?? this.newRole(parent);
    w.editor ??= editTargets(w.view);
    edit(w.editor);
    w.view = w.editor.build();
    w.editor = undefined;
    w.dirty = true;
    this.effective = new Map();
  }

  /** Drops a delegation's own file from the working copy (Go `DeleteDelegation`). */
  dropRole(role: string): void {
    this.roles.delete(role);
    this.deleted.add(role);
    this.effective = new Map();
  }

  /** The final `Targets` of a role: every edit applied, then `version` and the default expiry from `now` (one build). */
  finalTargets(w: RoleWork, version: number, now: Instant): Targets {
    const ed = w.editor ?? editTargets(w.view);
    w.view = ed.setVersion(version).setDefaultExpiry(now).build();
    w.editor = undefined;
    return w.view;
  }
}
