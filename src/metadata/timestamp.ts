// timestamp.json's signed part: the FileMeta of the current snapshot (`IsValidTimestampStructure`).
import type { JsonObject } from '../canonical/index.js';
import type { Expiry } from './expiry.js';
import type { FileMeta } from './file-meta.js';
import { commonJson, MetadataBase } from './metadata-base.js';
import { metaToJson, readMetaMap } from './snapshot.js';

/** What a new timestamp needs. */
export interface TimestampInit {
  readonly expires: Expiry;
  /** Default 1. */
  readonly version?: number;
  /** FileMeta of the exact snapshot.json bytes (needs sha256; Notary writes sha256 and sha512). */
  readonly snapshot: FileMeta;
}

/** The validated `signed` part of timestamp.json. */
export class Timestamp extends MetadataBase {
  readonly type = 'Timestamp' as const;
  /** All entries of `meta` (Notary writes only `snapshot`). */
  readonly meta: ReadonlyMap<string, FileMeta>;
  /** FileMeta of snapshot.json. */
  readonly snapshot: FileMeta;

  private constructor(json: JsonObject, canonical: Uint8Array | undefined) {
    super('timestamp', 'Timestamp', json, canonical);
    this.meta = readMetaMap(json, 'timestamp', ['snapshot']);
    this.snapshot = this.meta.get('snapshot') as FileMeta;
  }

  /** @throws NotaryError INVALID_METADATA (details: role, field) */
  static fromJson(json: JsonObject, canonical?: Uint8Array): Timestamp {
    return new Timestamp(json, canonical);
  }

  /** @throws NotaryError INVALID_METADATA when the snapshot meta lacks sha256; RangeError for bad FileMeta */
  static create(init: TimestampInit): Timestamp {
    const json = commonJson('Timestamp', init.version ?? 1, init.expires);
    json.meta = metaToJson([['snapshot', init.snapshot]]);
    return new Timestamp(json, undefined);
  }
}
