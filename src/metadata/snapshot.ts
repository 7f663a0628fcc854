// snapshot.json's signed part: FileMeta of root, targets and every delegation file (`IsValidSnapshotStructure`).
import { type JsonObject, newJsonObject } from '../canonical/index.js';
import type { Expiry } from './expiry.js';
import { invalidMetadata, readObject } from './fields.js';
import { type FileMeta, fileMetaToJson, readFileMeta, validateFileMeta } from './file-meta.js';
import { commonJson, MetadataBase } from './metadata-base.js';

/** What a new snapshot needs. */
export interface SnapshotInit {
  readonly expires: Expiry;
  /** Default 1. */
  readonly version?: number;
  /** Role name → FileMeta of its exact file bytes; must include `root` and `targets` with sha256. */
  readonly meta: Iterable<readonly [string, FileMeta]>;
}

/** The validated `signed` part of snapshot.json. */
export class Snapshot extends MetadataBase {
  readonly type = 'Snapshot' as const;
  /** Role name → FileMeta (every entry validated; root and targets carry sha256). */
  readonly meta: ReadonlyMap<string, FileMeta>;

  private constructor(json: JsonObject, canonical: Uint8Array | undefined) {
    super('snapshot', 'Snapshot', json, canonical);
    this.meta = readMetaMap(json, 'snapshot', ['root', 'targets']);
  }

  /** @throws NotaryError INVALID_METADATA (details: role, field) */
  static fromJson(json: JsonObject, canonical?: Uint8Array): Snapshot {
    return new Snapshot(json, canonical);
  }

  /** @throws NotaryError INVALID_METADATA when root/targets meta lack sha256; RangeError for bad FileMeta */
  static create(init: SnapshotInit): Snapshot {
    const json = commonJson('Snapshot', init.version ?? 1, init.expires);
    json.meta = metaToJson(init.meta);
    return new Snapshot(json, undefined);
  }

  /** FileMeta of `role`'s file, or undefined when the snapshot does not list it. */
  getMeta(role: string): FileMeta | undefined {
    return this.meta.get(role);
  }
}

/**
 * Reads `meta`, validating every entry as FileMeta and requiring a sha256 for each of `required` (Go: "missing
 * <role> sha256 checksum information").
 */
export function readMetaMap(json: JsonObject, role: string, required: readonly string[]): Map<string, FileMeta> {
  const metaJson = readObject(json.meta, role, 'meta');
  const meta = new Map<string, FileMeta>();
  for (const name of Object.keys(metaJson)) {
    const v = metaJson[name];
    validateFileMeta(v, role, 'meta', name);
    meta.set(name, readFileMeta(v as JsonObject));
  }
  for (const name of required) {
    const m = meta.get(name);
    if (m === undefined) throw invalidMetadata(role, `meta.${name}`, 'is missing');
    if (m.hashes.sha256 === undefined) throw invalidMetadata(role, `meta.${name}.hashes.sha256`, 'is missing');
  }
  return meta;
}

/** A `meta` object from role → FileMeta entries. @throws RangeError for bad FileMeta */
export function metaToJson(entries: Iterable<readonly [string, FileMeta]>): JsonObject {
  const o = newJsonObject();
  for (const [name, m] of entries) o[name] = fileMetaToJson(m);
  return o;
}
