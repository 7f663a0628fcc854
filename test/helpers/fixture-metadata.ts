// Loads fixture metadata files with our strict parser and works out who must have signed them (root roles,
// delegation entries), for tests that check the corpus or replay it.
import { isJsonObject, type JsonObject, type JsonValue, parseJson } from '../../src/canonical/index.js';
import { type FixtureRepo, readFixture } from './fixtures.js';

/** `v` as an object (fixtures are trusted to have Notary's shape; anything else is a broken corpus). */
export function obj(v: JsonValue | undefined, what: string): JsonObject {
  if (!isJsonObject(v)) throw new Error(`${what} is not an object`);
  return v;
}
export function arr(v: JsonValue | undefined, what: string): JsonValue[] {
  if (!Array.isArray(v)) throw new Error(`${what} is not an array`);
  return v;
}
export function str(v: JsonValue | undefined, what: string): string {
  if (typeof v !== 'string') throw new Error(`${what} is not a string`);
  return v;
}

export interface WireSignature {
  keyid: string;
  method: string;
  sig: string;
}

/** One metadata file: its exact bytes, the parsed `signed` value and the signatures. */
export interface FixtureMeta {
  path: string;
  bytes: Buffer;
  role: string;
  signed: JsonObject;
  signatures: WireSignature[];
}

export function loadMeta(path: string, role: string): FixtureMeta {
  const bytes = readFixture(path);
  const doc = obj(parseJson(bytes), path);
  const signatures = arr(doc.signatures, `${path} signatures`).map((s) => {
    const o = obj(s, 'signature');
    return { keyid: str(o.keyid, 'keyid'), method: str(o.method, 'method'), sig: str(o.sig, 'sig') };
  });
  return { path, bytes, role, signed: obj(doc.signed, `${path} signed`), signatures };
}

export interface KeyJson {
  type: string;
  /** base64 `keyval.public`. */
  public: string;
}

/** The keys, key IDs and threshold a role needs. */
export interface SignerSet {
  keys: Map<string, KeyJson>;
  keyids: string[];
  threshold: number;
}

export function keyMap(keysValue: JsonValue | undefined, what: string): Map<string, KeyJson> {
  const out = new Map<string, KeyJson>();
  for (const [id, k] of Object.entries(obj(keysValue, what))) {
    const ko = obj(k, `${what}.${id}`);
    out.set(id, { type: str(ko.keytype, 'keytype'), public: str(obj(ko.keyval, 'keyval').public, 'public') });
  }
  return out;
}

/** A base role's signers as a root's `signed` value declares them. */
export function rootSigners(root: JsonObject, role: string): SignerSet {
  const r = obj(obj(root.roles, 'roles')[role], `roles.${role}`);
  return {
    keys: keyMap(root.keys, 'root keys'),
    keyids: arr(r.keyids, 'keyids').map((k) => str(k, 'keyid')),
    threshold: Number(r.threshold),
  };
}

/** A delegation's signers as its parent targets role declares them (undefined if the parent does not list it). */
export function delegationSigners(parent: JsonObject, role: string): SignerSet | undefined {
  const d = obj(parent.delegations, 'delegations');
  const entry = arr(d.roles, 'delegation roles')
    .map((r) => obj(r, 'role'))
    .find((r) => r.name === role);
  if (!entry) return undefined;
  return {
    keys: keyMap(d.keys, 'delegation keys'),
    keyids: arr(entry.keyids, 'keyids').map((k) => str(k, 'keyid')),
    threshold: Number(entry.threshold),
  };
}

/** Every server file of a repo, the current file per role and each root version's `signed` value. */
export interface RepoModel {
  repo: FixtureRepo;
  files: FixtureMeta[];
  current: Map<string, FixtureMeta>;
  roots: Map<number, JsonObject>;
}

export function repoModel(repo: FixtureRepo): RepoModel {
  const files = repo.serverFiles.flatMap((f) => (f.role === null ? [] : [loadMeta(f.path, f.role)]));
  const current = new Map<string, FixtureMeta>();
  for (const [role, f] of Object.entries(repo.current)) current.set(role, loadMeta(f.path, role));
  const roots = new Map<number, JsonObject>();
  for (const m of files) if (m.role === 'root') roots.set(Number(m.signed.version), m.signed);
  return { repo, files, current, roots };
}
