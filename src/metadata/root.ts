// root.json's signed part: keys and the four base roles (`isValidRootStructure`), plus a builder for new roots.
import { type JsonObject, newJsonObject } from '../canonical/index.js';
import type { PublicKey } from '../crypto/types.js';
import { BASE_ROLES, type BaseRoleName } from '../grammar/role-name.js';
import type { Expiry } from './expiry.js';
import { fieldName, invalidMetadata, readObject } from './fields.js';
import { tufKeyId } from './key-id.js';
import { keysToJson, parseKeys } from './keys.js';
import { commonJson, MetadataBase } from './metadata-base.js';
import { parseRoleKeys, type RoleKeys, roleKeysJson } from './role-keys.js';

/** What a new root needs: the keys of each base role (IDs are computed) and its expiry. */
export interface RootInit {
  readonly roles: Readonly<Record<BaseRoleName, { readonly keys: readonly PublicKey[]; readonly threshold?: number }>>;
  readonly expires: Expiry;
  /** Default 1. */
  readonly version?: number;
  /** Default false; Notary always writes false and clients ignore it. */
  readonly consistentSnapshot?: boolean;
}

/** The validated `signed` part of root.json. */
export class Root extends MetadataBase {
  readonly type = 'Root' as const;
  /** Every key listed, by the ID the file gives it. */
  readonly keys: ReadonlyMap<string, PublicKey>;
  /** The four base roles and any extra (tolerated, unchecked beyond shape) roles. */
  readonly roles: ReadonlyMap<string, RoleKeys>;
  readonly consistentSnapshot: boolean;

  private constructor(json: JsonObject, canonical: Uint8Array | undefined) {
    super('root', 'Root', json, canonical);
    const role = 'root';
    this.keys = parseKeys(json.keys, role, 'keys');
    const rolesJson = readObject(json.roles, role, 'roles');
    const roles = new Map<string, RoleKeys>();
    for (const name of BASE_ROLES) {
      const r = rolesJson[name];
      if (r === undefined || r === null) throw invalidMetadata(role, `roles.${name}`, 'is missing');
      const rk = parseRoleKeys(r, role, `roles.${name}`, name, 1);
      rk.keyIds.forEach((id, i) => {
        if (!this.keys.has(id)) throw invalidMetadata(role, `roles.${name}.keyids[${i}]`, 'names a key not in keys');
      });
      roles.set(name, rk);
    }
    for (const name of Object.keys(rolesJson)) {
      const r = rolesJson[name];
      // Extra roles (e.g. a legacy "mirror") are tolerated as Go does; only their shape must decode.
      if (roles.has(name) || r === null || r === undefined) continue;
      roles.set(name, parseRoleKeys(r, role, `roles.${fieldName(name)}`, name, 0));
    }
    this.roles = roles;
    const cs = json.consistent_snapshot;
    if (cs !== undefined && typeof cs !== 'boolean')
      throw invalidMetadata(role, 'consistent_snapshot', 'must be a boolean');
    this.consistentSnapshot = cs === true;
  }

  /**
   * Validates a root `signed` object. `canonical`, when given, must equal `canonicalBytes(json)` (the parser
   * supplies it for files that already hold canonical bytes).
   * @throws NotaryError INVALID_METADATA (details: role, field)
   */
  static fromJson(json: JsonObject, canonical?: Uint8Array): Root {
    return new Root(json, canonical);
  }

  /**
   * A new root with the four base roles (threshold default 1), keys named by their TUF IDs.
   * @throws RangeError for a role without keys or a bad threshold/version
   */
  static create(init: RootInit): Root {
    const json = commonJson('Root', init.version ?? 1, init.expires);
    const keys = new Map<string, PublicKey>();
    const roles = newJsonObject();
    for (const name of BASE_ROLES) {
      const spec = init.roles[name];
      if (spec.keys.length === 0) throw new RangeError(`role ${name} needs at least one key`);
      const threshold = spec.threshold ?? 1;
      if (!Number.isSafeInteger(threshold) || threshold < 1) throw new RangeError(`role ${name} threshold must be ≥ 1`);
      const ids = spec.keys.map((k) => {
        const id = tufKeyId(k);
        keys.set(id, k);
        return id;
      });
      roles[name] = roleKeysJson([...new Set(ids)], threshold);
    }
    json.consistent_snapshot = init.consistentSnapshot ?? false;
    json.keys = keysToJson(keys);
    json.roles = roles;
    return new Root(json, undefined);
  }

  /** The rule of a base role (always present in a valid root). */
  baseRole(name: BaseRoleName): RoleKeys {
    return this.roles.get(name) as RoleKeys;
  }

  /** The keys of a role by listed ID (IDs missing from `keys` are left out). */
  keysOf(name: string): Map<string, PublicKey> {
    const out = new Map<string, PublicKey>();
    for (const id of this.roles.get(name)?.keyIds ?? []) {
      const k = this.keys.get(id);
      if (k !== undefined) out.set(id, k);
    }
    return out;
  }
}
