// Editing a root: replace/add/remove the keys of base roles, thresholds, version and expiry (`tuf.Repo` *BaseKeys).
import type { JsonObject } from '../canonical/index.js';
import type { PublicKey } from '../crypto/types.js';
import type { BaseRoleName } from '../grammar/role-name.js';
import { cloneJson, EditorBase } from './editor-base.js';
import { tufKeyId } from './key-id.js';
import { keyToJson } from './keys.js';
import { Root } from './root.js';

/** Edits a copy of `root`; `build()` validates and returns a new `Root`. */
export class RootEditor extends EditorBase<Root> {
  private readonly keys: JsonObject;
  private readonly roles: JsonObject;

  constructor(root: Root) {
    super(root);
    this.keys = cloneJson(root.json.keys as JsonObject);
    this.roles = cloneJson(root.json.roles as JsonObject);
    this.json.keys = this.keys;
    this.json.roles = this.roles;
  }

  private roleJson(role: BaseRoleName): JsonObject {
    return this.roles[role] as JsonObject;
  }

  /** Adds keys to a role (and to `keys`); keys already listed are not repeated. */
  addRoleKeys(role: BaseRoleName, keys: readonly PublicKey[]): this {
    const r = this.roleJson(role);
    const ids = r.keyids as string[];
    for (const k of keys) {
      const id = tufKeyId(k);
      this.keys[id] = keyToJson(k);
      if (!ids.includes(id)) ids.push(id);
    }
    return this;
  }

  /**
   * Removes key IDs from a role. As Notary does, keys no other role uses leave `keys` too, except root keys
   * (Notary keeps old root certificates listed).
   */
  removeRoleKeys(role: BaseRoleName, keyIds: readonly string[]): this {
    const r = this.roleJson(role);
    const drop = new Set(keyIds);
    r.keyids = (r.keyids as string[]).filter((id) => !drop.has(id));
    if (role !== 'root') {
      for (const other of Object.values(this.roles)) {
        for (const id of ((other as JsonObject | null)?.keyids as string[] | undefined) ?? []) drop.delete(id);
      }
      for (const id of drop) delete this.keys[id];
    }
    return this;
  }

  /** Replaces all keys of a role (Notary `ReplaceBaseKeys`, used by key rotation). */
  setRoleKeys(role: BaseRoleName, keys: readonly PublicKey[]): this {
    this.removeRoleKeys(role, [...(this.roleJson(role).keyids as string[])]);
    return this.addRoleKeys(role, keys);
  }

  /** @throws RangeError unless an integer ≥ 1 */
  setThreshold(role: BaseRoleName, threshold: number): this {
    if (!Number.isSafeInteger(threshold) || threshold < 1) throw new RangeError('threshold must be an integer ≥ 1');
    this.roleJson(role).threshold = threshold;
    return this;
  }

  build(): Root {
    return Root.fromJson(cloneJson(this.json));
  }
}

/** Starts editing a copy of `root`. */
export function editRoot(root: Root): RootEditor {
  return new RootEditor(root);
}
