// The archive file: tar (gzip when asked) of a manifest plus metadata files; bounded reading, integrity checks.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CACHE_READ_LIMIT } from '../client/cache.js';
import { ROOT_MAX_BYTES, TIMESTAMP_MAX_BYTES } from '../client/updater.js';
import { sha256 } from '../crypto/hash.js';
import { toHex } from '../encoding/hex.js';
import { notaryError } from '../errors.js';
import type { FileMeta } from '../metadata/index.js';
import {
  type ArchivedRepository,
  type ArchiveManifest,
  archivePath,
  MANIFEST_NAME,
  parseManifest,
  serializeManifest,
} from './manifest.js';
import type { MetadataSource } from './source.js';
import { readTar, writeTar } from './tar.js';

/** Largest archive file (and largest decompressed tar) read. */
export const ARCHIVE_MAX_BYTES = 1 << 30;
/** Most entries in one archive (256 roots + 4096 delegations per repository leaves room for many repositories). */
export const ARCHIVE_MAX_ENTRIES = 1 << 16;

/** Tar (gzip-compressed when `gzip`) of the manifest followed by every file it names, in manifest order. */
export function encodeArchive(
  manifest: ArchiveManifest,
  files: ReadonlyMap<string, Uint8Array>,
  gzip: boolean,
  mtime: number,
): Uint8Array {
  const entries = [{ name: MANIFEST_NAME, bytes: serializeManifest(manifest) }];
  for (const r of manifest.repositories) {
    for (const f of r.files) {
      const bytes = files.get(f.path);
      if (bytes === undefined) throw new TypeError(`no bytes for ${f.path}`);
      entries.push({ name: f.path, bytes });
    }
  }
  const tar = writeTar(entries, { mtime });
  return gzip ? gzipSync(tar) : tar;
}

/** A read archive whose every file matched the manifest's sha256 and length. */
export interface ArchiveContents {
  readonly manifest: ArchiveManifest;
  readonly files: ReadonlyMap<string, Uint8Array>;
}

function readBounded(file: string): Uint8Array {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (cause) {
    throw notaryError('INVALID_ARGUMENT', `cannot read archive ${file}`, { cause, details: { file } });
  }
  try {
    const size = fstatSync(fd).size;
    if (size > ARCHIVE_MAX_BYTES) {
      throw notaryError('ARCHIVE_INVALID', `archive ${file} is larger than ${ARCHIVE_MAX_BYTES} bytes`, {
        details: { file, size },
      });
    }
    const buf = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, buf, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and checks an archive: gzip is detected by its magic bytes; the tar is read strictly within
 * `ARCHIVE_MAX_BYTES`/`ARCHIVE_MAX_ENTRIES`; the manifest must come first; every file it names must be present with
 * its sha256 and length, and nothing else may be present. Says nothing yet about signatures (see `archiveSource`).
 * @throws NotaryError INVALID_ARGUMENT (unreadable file), ARCHIVE_INVALID, HASH_MISMATCH, LENGTH_MISMATCH
 */
export function readArchive(file: string): ArchiveContents {
  return decodeArchive(readBounded(file), file);
}

/** `readArchive` on bytes. */
export function decodeArchive(data: Uint8Array, file = '<archive>'): ArchiveContents {
  let tar = data;
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      tar = gunzipSync(data, { maxOutputLength: ARCHIVE_MAX_BYTES });
    } catch (cause) {
      throw notaryError('ARCHIVE_INVALID', `archive ${file} is not valid gzip (or too large)`, {
        cause,
        details: { file },
      });
    }
  }
  const entries = readTar(tar, { maxEntries: ARCHIVE_MAX_ENTRIES, maxEntryBytes: CACHE_READ_LIMIT });
  const first = entries.keys().next();
  if (first.done === true || first.value !== MANIFEST_NAME) {
    throw notaryError('ARCHIVE_INVALID', `archive ${file} does not start with ${MANIFEST_NAME}`, { details: { file } });
  }
  const manifest = parseManifest(entries.get(MANIFEST_NAME) as Uint8Array);
  const named = new Set<string>([MANIFEST_NAME]);
  for (const r of manifest.repositories) {
    for (const f of r.files) {
      if (named.has(f.path)) {
        throw notaryError('ARCHIVE_INVALID', `archive manifest lists ${f.path} twice`, { details: { path: f.path } });
      }
      if (!f.path.startsWith(archivePath(r.gun, ''))) {
        throw notaryError('ARCHIVE_INVALID', `archive manifest puts ${f.path} outside ${r.gun}`, {
          details: { path: f.path, gun: r.gun },
        });
      }
      named.add(f.path);
      const bytes = entries.get(f.path);
      if (bytes === undefined) {
        throw notaryError('ARCHIVE_INVALID', `archive lacks ${f.path}, which its manifest lists`, {
          details: { path: f.path, gun: r.gun },
        });
      }
      if (bytes.length !== f.length) {
        throw notaryError('LENGTH_MISMATCH', `archived ${f.path} is ${bytes.length} bytes, manifest says ${f.length}`, {
          details: { path: f.path, gun: r.gun, role: f.role, expected: f.length, actual: bytes.length },
        });
      }
      const got = toHex(sha256(bytes));
      if (got !== f.sha256) {
        throw notaryError('HASH_MISMATCH', `archived ${f.path} does not match its sha256 in the manifest`, {
          details: { path: f.path, gun: r.gun, role: f.role, expected: f.sha256, actual: got },
        });
      }
    }
  }
  for (const name of entries.keys()) {
    if (!named.has(name)) {
      throw notaryError('ARCHIVE_INVALID', `archive holds ${name}, which its manifest does not list`, {
        details: { path: name },
      });
    }
  }
  return { manifest, files: entries };
}

/** The manifest entry of `gun`. @throws NotaryError REPOSITORY_NOT_FOUND */
export function archivedRepository(contents: ArchiveContents, gun: string): ArchivedRepository {
  const r = contents.manifest.repositories.find((x) => x.gun === gun);
  if (r === undefined) {
    throw notaryError('REPOSITORY_NOT_FOUND', `the archive holds no trust data for ${gun}`, {
      details: { gun, archived: contents.manifest.repositories.map((x) => x.gun) },
    });
  }
  return r;
}

/** The archived files of one repository as a `MetadataSource` (the same caps as downloads). */
export function archiveSource(contents: ArchiveContents, repo: ArchivedRepository): MetadataSource {
  const get = (file: string, role: string, maxBytes: number): Uint8Array => {
    const bytes = contents.files.get(archivePath(repo.gun, file));
    if (bytes === undefined) {
      throw notaryError('ARCHIVE_INVALID', `the archive lacks ${file} of ${repo.gun}`, {
        details: { gun: repo.gun, role, file },
      });
    }
    if (bytes.length > maxBytes) {
      throw notaryError('RESPONSE_TOO_LARGE', `archived ${file} of ${repo.gun} exceeds ${maxBytes} bytes`, {
        details: { gun: repo.gun, role, maxBytes },
      });
    }
    return bytes;
  };
  return {
    root: (v) => Promise.resolve().then(() => get(`${v}.root.json`, 'root', ROOT_MAX_BYTES)),
    latestRoot: () => Promise.resolve().then(() => get(`${repo.rootVersion}.root.json`, 'root', ROOT_MAX_BYTES)),
    timestamp: () => Promise.resolve().then(() => get('timestamp.json', 'timestamp', TIMESTAMP_MAX_BYTES)),
    role: (name: string, meta: FileMeta) => Promise.resolve().then(() => get(`${name}.json`, name, meta.length)),
  };
}
