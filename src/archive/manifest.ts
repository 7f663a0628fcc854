// The archive's manifest.json: what each repository's files are, where they came from, their sha256 and length.
import { isJsonObject, type JsonObject, type JsonValue, parseJson } from '../canonical/index.js';
import { sha256 } from '../crypto/hash.js';
import { toHex } from '../encoding/hex.js';
import { notaryError } from '../errors.js';
import { isGun } from '../grammar/gun.js';
import { parseExpiry } from '../metadata/index.js';

/** The `format` value of every manifest this version writes and reads. */
export const ARCHIVE_FORMAT = 'notary-ts-archive/1';
/** Name of the manifest inside the tar (always the first entry). */
export const MANIFEST_NAME = 'manifest.json';

/** How the archive's root chain was anchored when it was written (see `Anchor`). */
export type AnchorKind = 'cached' | 'pinned' | 'tofu';

export interface ArchivedFile {
  /** Path inside the tar: `<gun>/_trust/tuf/<file>`, as the server serves `/v2/<gun>/_trust/tuf/<file>`. */
  readonly path: string;
  /** `root` (every version), `timestamp`, `snapshot`, `targets` or a delegation name. */
  readonly role: string;
  /** Roots only: the version this file holds. */
  readonly version?: number;
  /** Lowercase hex. */
  readonly sha256: string;
  readonly length: number;
}

export interface ArchivedRepository {
  readonly gun: string;
  /** The server URL the files were downloaded from. */
  readonly server: string;
  /** RFC 3339: when they were downloaded and verified (the natural `--at` for later checks). */
  readonly archivedAt: string;
  readonly anchor: AnchorKind;
  readonly rootVersion: number;
  readonly files: readonly ArchivedFile[];
}

export interface ArchiveManifest {
  readonly format: typeof ARCHIVE_FORMAT;
  /** `notary-ts <version>`. */
  readonly tool: string;
  readonly createdAt: string;
  readonly repositories: readonly ArchivedRepository[];
}

/** The tar path of `file` (`3.root.json`, `targets/releases.json`) of `gun`. */
export function archivePath(gun: string, file: string): string {
  return `${gun}/_trust/tuf/${file}`;
}

/** A manifest entry for `bytes`. */
export function describeFile(gun: string, file: string, bytes: Uint8Array): ArchivedFile {
  const m = /^(\d+)\.root\.json$/.exec(file);
  const role = m ? 'root' : file.slice(0, -'.json'.length);
  return {
    path: archivePath(gun, file),
    role,
    ...(m ? { version: Number(m[1]) } : {}),
    sha256: toHex(sha256(bytes)),
    length: bytes.length,
  };
}

function bad(message: string, details: Record<string, unknown> = {}): never {
  throw notaryError('ARCHIVE_INVALID', `archive manifest: ${message}`, { details });
}

function str(o: JsonObject, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v === '') bad(`${where}.${key} must be a non-empty string`, { field: key });
  return v;
}

function int(o: JsonObject, key: string, where: string, min: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) bad(`${where}.${key} must be an integer`);
  return v;
}

function time(o: JsonObject, key: string, where: string): string {
  const v = str(o, key, where);
  try {
    parseExpiry(v);
  } catch {
    bad(`${where}.${key} is not an RFC 3339 time`, { field: key, value: v });
  }
  return v;
}

function parseFile(v: JsonValue, where: string): ArchivedFile {
  if (!isJsonObject(v)) bad(`${where} must be an object`);
  const hex = str(v, 'sha256', where);
  if (!/^[0-9a-f]{64}$/.test(hex)) bad(`${where}.sha256 must be 64 lowercase hex digits`, { value: hex });
  const role = str(v, 'role', where);
  const version = v['version'];
  return {
    path: str(v, 'path', where),
    role,
    ...(version !== undefined ? { version: int(v, 'version', where, 1) } : {}),
    sha256: hex,
    length: int(v, 'length', where, 0),
  };
}

/**
 * Parses and validates a manifest (strict JSON: duplicate keys are refused).
 * @throws NotaryError ARCHIVE_INVALID
 */
export function parseManifest(bytes: Uint8Array): ArchiveManifest {
  let doc: JsonValue;
  try {
    doc = parseJson(bytes, { maxDepth: 8 });
  } catch (cause) {
    throw notaryError('ARCHIVE_INVALID', 'archive manifest is not valid json', { cause });
  }
  if (!isJsonObject(doc)) bad('must be an object');
  if (doc['format'] !== ARCHIVE_FORMAT) bad(`unknown format ${JSON.stringify(doc['format'])}`);
  const repos = doc['repositories'];
  if (!Array.isArray(repos)) bad('repositories must be a list');
  const seen = new Set<string>();
  const repositories = repos.map((r, i): ArchivedRepository => {
    const where = `repositories[${i}]`;
    if (!isJsonObject(r)) bad(`${where} must be an object`);
    const files = r['files'];
    if (!Array.isArray(files)) bad(`${where}.files must be a list`);
    const anchor = r['anchor'];
    if (anchor !== 'cached' && anchor !== 'pinned' && anchor !== 'tofu') bad(`${where}.anchor is unknown`);
    const gun = str(r, 'gun', where);
    if (!isGun(gun)) bad(`${where}.gun is not a valid gun`, { gun });
    if (seen.has(gun)) bad(`${gun} is listed twice`, { gun });
    seen.add(gun);
    return {
      gun,
      server: str(r, 'server', where),
      archivedAt: time(r, 'archivedAt', where),
      anchor,
      rootVersion: int(r, 'rootVersion', where, 1),
      files: files.map((f, j) => parseFile(f, `${where}.files[${j}]`)),
    };
  });
  return {
    format: ARCHIVE_FORMAT,
    tool: str(doc, 'tool', 'manifest'),
    createdAt: time(doc, 'createdAt', 'manifest'),
    repositories,
  };
}

/** The manifest as written: pretty JSON (people read it with `tar -xO`), keys in a fixed order. */
export function serializeManifest(m: ArchiveManifest): Uint8Array {
  return new TextEncoder().encode(`${JSON.stringify(m, null, 2)}\n`);
}
