// Editing snapshot and timestamp files: replace or drop FileMeta entries, version and expiry.
import { type JsonObject, newJsonObject } from '../canonical/index.js';
import { EditorBase } from './editor-base.js';
import { type FileMeta, fileMetaToJson } from './file-meta.js';
import { Snapshot } from './snapshot.js';
import { Timestamp } from './timestamp.js';

/** Edits a copy of a snapshot; `build()` validates and returns a new `Snapshot`. */
export class SnapshotEditor extends EditorBase<Snapshot> {
  private readonly meta: JsonObject;

  constructor(from: Snapshot) {
    super(from);
    this.meta = Object.assign(newJsonObject(), from.json.meta as JsonObject);
    this.json.meta = this.meta;
  }

  /** Records the FileMeta of `role`'s new file bytes (see `fileMetaFromBytes`). @throws RangeError for bad meta */
  setMeta(role: string, meta: FileMeta): this {
    this.meta[role] = fileMetaToJson(meta);
    return this;
  }

  /** Drops a role (a deleted delegation). */
  removeMeta(role: string): this {
    if (Object.hasOwn(this.meta, role)) delete this.meta[role];
    return this;
  }

  build(): Snapshot {
    const json = Object.assign(newJsonObject(), this.json);
    json.meta = Object.assign(newJsonObject(), this.meta);
    return Snapshot.fromJson(json);
  }
}

/** Edits a copy of a timestamp; `build()` validates and returns a new `Timestamp`. */
export class TimestampEditor extends EditorBase<Timestamp> {
  constructor(from: Timestamp) {
    super(from);
  }

  /** Records the FileMeta of the new snapshot.json bytes. @throws RangeError for bad meta */
  setSnapshot(meta: FileMeta): this {
    const m = Object.assign(newJsonObject(), this.json.meta as JsonObject);
    m.snapshot = fileMetaToJson(meta);
    this.json.meta = m;
    return this;
  }

  build(): Timestamp {
    return Timestamp.fromJson(Object.assign(newJsonObject(), this.json));
  }
}

/** Starts editing a copy of a snapshot. */
export function editSnapshot(snapshot: Snapshot): SnapshotEditor {
  return new SnapshotEditor(snapshot);
}

/** Starts editing a copy of a timestamp. */
export function editTimestamp(timestamp: Timestamp): TimestampEditor {
  return new TimestampEditor(timestamp);
}
