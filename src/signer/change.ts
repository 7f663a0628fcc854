// One staged edit of a Notary changelist and its payloads, encoded byte-for-byte as Go's encoding/json writes them.

import { isJsonObject, type JsonValue, parseJson, wireString } from '../canonical/index.js';
import type { KeyType, PublicKey } from '../crypto/types.js';
import { fromBase64, toBase64 } from '../encoding/base64.js';
import { utf8 } from '../encoding/utf8.js';
import { notaryError } from '../errors.js';

/** `action` of a change (changelist.ActionCreate/Update/Delete). */
export type ChangeAction = 'create' | 'update' | 'delete';
/** `type` of a change: a target, a delegation edit, a base-role key replacement (scope root), or a witness. */
export type ChangeType = 'target' | 'delegation' | 'role' | 'witness';

/**
 * A change as Notary's `TUFChange`: `role` is the scope (`targets`, a delegation, `targets/*` or `root`), `path`
 * the target name (or the base role for `role` changes), `data` the raw inner JSON (null for deletions/witness).
 */
export interface Change {
  readonly action: ChangeAction;
  readonly role: string;
  readonly type: ChangeType;
  readonly path: string;
  readonly data: Uint8Array | null;
}

/** `data.FileMeta` of a target change. `custom` is kept as a value and always written in canonical form. */
export interface TargetMeta {
  readonly length: number;
  /** Algorithm (`sha256`, `sha512`) to raw digest bytes. */
  readonly hashes: Readonly<Record<string, Uint8Array>>;
  readonly custom?: JsonValue;
}

/** `changelist.TUFDelegation`: every field optional, as Go's omitempty. */
export interface DelegationEdit {
  readonly newName?: string;
  readonly threshold?: number;
  readonly addKeys?: readonly PublicKey[];
  /** Canonical key IDs (Notary translates them to TUF IDs when applying). */
  readonly removeKeys?: readonly string[];
  readonly addPaths?: readonly string[];
  readonly removePaths?: readonly string[];
  readonly clearPaths?: boolean;
}

/** `changelist.TUFRootData`: replace all keys of base role `role` with `keys`. */
export interface RootRoleEdit {
  readonly role: string;
  readonly keys: readonly PublicKey[];
}

const ACTIONS: ReadonlySet<string> = new Set(['create', 'update', 'delete']);
const TYPES: ReadonlySet<string> = new Set(['target', 'delegation', 'role', 'witness']);
const KEY_TYPES: ReadonlySet<string> = new Set(['ecdsa', 'ecdsa-x509', 'rsa', 'rsa-x509', 'ed25519']);

/** Go's `json.Marshal` of a string: HTML-safe escapes, `\n\r\t` short forms, other controls as `\u00XX`. */
const q = (s: string): string => wireString(s);
const b64 = (b: Uint8Array): string => q(toBase64(b));

/** Encodes a change file body exactly as `json.Marshal(TUFChange)`: struct order, `data` base64 or null. */
export function encodeChange(c: Change): Uint8Array {
  const data = c.data === null ? 'null' : b64(c.data);
  return utf8(`{"action":${q(c.action)},"role":${q(c.role)},"type":${q(c.type)},"path":${q(c.path)},"data":${data}}`);
}

function corrupt(what: string, file: string | undefined, cause?: unknown): never {
  throw notaryError('CHANGELIST_CORRUPT', `change ${file ?? '(memory)'}: ${what}`, {
    details: { file: file ?? null },
    ...(cause === undefined ? {} : { cause }),
  });
}

function strField(o: Record<string, JsonValue>, key: string, file: string | undefined): string {
  const v = o[key];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') corrupt(`field ${key} must be a string`, file);
  return v;
}

/**
 * Decodes a change file written by Notary or by us.
 * @throws NotaryError CHANGELIST_CORRUPT when the file is not a change
 */
export function decodeChange(bytes: Uint8Array, file?: string): Change {
  let doc: JsonValue;
  try {
    doc = parseJson(bytes);
  } catch (cause) {
    corrupt('not valid json', file, cause);
  }
  if (!isJsonObject(doc)) corrupt('not a json object', file);
  const action = strField(doc, 'action', file);
  const type = strField(doc, 'type', file);
  if (!ACTIONS.has(action)) corrupt(`unsupported action ${JSON.stringify(action)}`, file);
  if (!TYPES.has(type)) corrupt(`unsupported type ${JSON.stringify(type)}`, file);
  const raw = doc['data'];
  let data: Uint8Array | null = null;
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'string') corrupt('data must be base64 or null', file);
    try {
      data = fromBase64(raw, 'change data');
    } catch (cause) {
      corrupt('data is not base64', file, cause);
    }
  }
  return {
    action: action as ChangeAction,
    role: strField(doc, 'role', file),
    type: type as ChangeType,
    path: strField(doc, 'path', file),
    data,
  };
}

// ---- payloads ---------------------------------------------------------------------------------------------

function encodeKey(k: PublicKey): string {
  return `{"keytype":${q(k.type)},"keyval":{"public":${b64(k.public)},"private":null}}`;
}

/** `json.Marshal(data.FileMeta)`: length, hashes (sorted), custom (compacted, HTML-escaped) when present. */
export function encodeTargetMeta(m: TargetMeta): Uint8Array {
  const algs = Object.keys(m.hashes).sort();
  const hashes = algs.map((a) => `${q(a)}:${b64(m.hashes[a] as Uint8Array)}`).join(',');
  const custom = m.custom === undefined ? '' : `,"custom":${wireString(m.custom)}`;
  return utf8(`{"length":${intText(m.length)},"hashes":{${hashes}}${custom}}`);
}

/** `json.Marshal(changelist.TUFDelegation)`: Go field order, empty fields omitted. */
export function encodeDelegationEdit(d: DelegationEdit): Uint8Array {
  const parts: string[] = [];
  if (d.newName) parts.push(`"new_name":${q(d.newName)}`);
  if (d.threshold) parts.push(`"threshold":${intText(d.threshold)}`);
  if (d.addKeys?.length) parts.push(`"add_keys":[${d.addKeys.map(encodeKey).join(',')}]`);
  if (d.removeKeys?.length) parts.push(`"remove_keys":[${d.removeKeys.map(q).join(',')}]`);
  if (d.addPaths?.length) parts.push(`"add_paths":[${d.addPaths.map(q).join(',')}]`);
  if (d.removePaths?.length) parts.push(`"remove_paths":[${d.removePaths.map(q).join(',')}]`);
  if (d.clearPaths) parts.push(`"clear_paths":true`);
  return utf8(`{${parts.join(',')}}`);
}

/** `json.Marshal(changelist.TUFRootData)`. */
export function encodeRootRoleEdit(r: RootRoleEdit): Uint8Array {
  return utf8(`{"keys":[${r.keys.map(encodeKey).join(',')}],"role":${q(r.role)}}`);
}

function intText(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
  return String(n);
}

function payload(c: Change, file?: string): Record<string, JsonValue> {
  if (c.data === null) corrupt(`${c.type} change for ${c.role} has no data`, file);
  let doc: JsonValue;
  try {
    doc = parseJson(c.data);
  } catch (cause) {
    corrupt(`${c.type} data is not valid json`, file, cause);
  }
  if (!isJsonObject(doc)) corrupt(`${c.type} data is not a json object`, file);
  return doc;
}

function stringList(v: JsonValue | undefined, what: string, file?: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) corrupt(`${what} must be a list of strings`, file);
  return v as string[];
}

function decodeKey(v: JsonValue, file?: string): PublicKey {
  if (!isJsonObject(v) || typeof v['keytype'] !== 'string' || !isJsonObject(v['keyval'])) {
    corrupt('key must be {keytype, keyval}', file);
  }
  const type = v['keytype'];
  const pub = v['keyval']['public'];
  if (!KEY_TYPES.has(type)) corrupt(`unsupported key type ${JSON.stringify(type)}`, file);
  if (typeof pub !== 'string') corrupt('key has no public part', file);
  // keyval.private is ignored on purpose: a change file never carries secrets into metadata.
  return { type: type as KeyType, public: fromBase64(pub, 'key public') };
}

function keyList(v: JsonValue | undefined, file?: string): PublicKey[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) corrupt('keys must be a list', file);
  return v.map((k) => decodeKey(k, file));
}

/**
 * The FileMeta of a `target` create change.
 * @throws NotaryError CHANGELIST_CORRUPT
 */
export function decodeTargetMeta(c: Change, file?: string): TargetMeta {
  const o = payload(c, file);
  const length = o['length'] ?? 0;
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) corrupt('bad target length', file);
  const hashes: Record<string, Uint8Array> = {};
  const h = o['hashes'];
  if (h !== undefined && h !== null) {
    if (!isJsonObject(h)) corrupt('hashes must be an object', file);
    for (const [alg, val] of Object.entries(h)) {
      if (typeof val !== 'string') corrupt(`hash ${alg} must be base64`, file);
      hashes[alg] = fromBase64(val, `hash ${alg}`);
    }
  }
  const custom = o['custom'];
  return custom === undefined || custom === null ? { length, hashes } : { length, hashes, custom };
}

/**
 * The TUFDelegation of a `delegation` create/update change.
 * @throws NotaryError CHANGELIST_CORRUPT
 */
export function decodeDelegationEdit(c: Change, file?: string): DelegationEdit {
  const o = payload(c, file);
  const out: { -readonly [K in keyof DelegationEdit]: DelegationEdit[K] } = {};
  const name = o['new_name'];
  if (typeof name === 'string' && name !== '') out.newName = name;
  const t = o['threshold'];
  if (t !== undefined && t !== null) {
    if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) corrupt('bad threshold', file);
    if (t > 0) out.threshold = t;
  }
  const addKeys = keyList(o['add_keys'], file);
  if (addKeys?.length) out.addKeys = addKeys;
  const lists = [
    ['remove_keys', 'removeKeys'],
    ['add_paths', 'addPaths'],
    ['remove_paths', 'removePaths'],
  ] as const;
  for (const [wire, field] of lists) {
    const l = stringList(o[wire], wire, file);
    if (l?.length) out[field] = l;
  }
  if (o['clear_paths'] === true) out.clearPaths = true;
  return out;
}

/**
 * The TUFRootData of a `role` change.
 * @throws NotaryError CHANGELIST_CORRUPT
 */
export function decodeRootRoleEdit(c: Change, file?: string): RootRoleEdit {
  const o = payload(c, file);
  const role = o['role'];
  if (typeof role !== 'string') corrupt('root role change names no role', file);
  return { role, keys: keyList(o['keys'], file) ?? [] };
}
