// `archive`: download every metadata file of some repositories, verify all of it, write one tar atomically.
import { resolve } from 'node:path';
import { writeFileAtomicSync } from '../client/atomic-file.js';
import type { RoleFetcher } from '../client/updater.js';
import { notaryError } from '../errors.js';
import { formatRfc3339Nano, toEpochNs } from '../metadata/index.js';
import { resolveAnchor } from './anchor.js';
import { encodeArchive } from './archive-file.js';
import { type ConnectOptions, connect, pinningOf, trustDirOf } from './connect.js';
import { ARCHIVE_FORMAT, type ArchivedRepository, type ArchiveManifest, describeFile } from './manifest.js';
import { RecordingSource, remoteSource, verifySource } from './source.js';

export interface ArchiveOptions extends ConnectOptions {
  readonly guns: readonly string[];
  /** The file to write; gzip-compressed when it ends in `.gz`. */
  readonly output: string;
  /** The clock of every verification (and the recorded archive time); default the system clock. */
  readonly now?: (() => Date) | undefined;
  /** Injected metadata source per GUN (tests); replaces the HTTP remote. */
  readonly remote?: ((gun: string) => RoleFetcher) | undefined;
  /** Tool name and version recorded in the manifest. */
  readonly tool?: string | undefined;
}

export interface ArchiveResult {
  readonly output: string;
  readonly manifest: ArchiveManifest;
  /** Size of the written file. */
  readonly bytes: number;
}

/**
 * Downloads, for each GUN, every root version 1..current, timestamp, snapshot, targets and every delegation
 * reachable from targets (by hash), verifies all of it at `now` from the anchor `resolveAnchor` picks, and only
 * then writes the archive (temp file, fsync, rename): a failure writes nothing.
 * @throws NotaryError every code of `verifySource` and of the remote; DELEGATION_* for a broken delegation;
 *   INVALID_ARGUMENT (no GUN); IO (cannot write the output)
 */
export async function archive(options: ArchiveOptions): Promise<ArchiveResult> {
  if (options.guns.length === 0) throw notaryError('INVALID_ARGUMENT', 'archive needs at least one gun');
  const trustDir = trustDirOf(options);
  const now = (options.now ?? (() => new Date()))();
  const repositories: ArchivedRepository[] = [];
  const files = new Map<string, Uint8Array>();
  for (const gun of new Set(options.guns)) {
    const { server, remote } = connect(gun, options);
    const http = options.remote === undefined ? remote : undefined;
    try {
      const anchor = resolveAnchor(gun, trustDir, { ...(options.config ?? {}), trustPinning: pinningOf(options) }, now);
      const source = new RecordingSource(remoteSource(http ?? (options.remote as (g: string) => RoleFetcher)(gun)));
      const { repo, rootVersion } = await verifySource(source, { gun, now, anchor, offline: false });
      // Every delegation, strictly: a role that does not verify fails the archive.
      await repo.loadAll();
      const described = [...source.files].sort(([a], [b]) => fileOrder(a) - fileOrder(b) || (a < b ? -1 : 1));
      const entries = described.map(([file, bytes]) => {
        const d = describeFile(gun, file, bytes);
        files.set(d.path, bytes);
        return d;
      });
      repositories.push({
        gun,
        server,
        archivedAt: formatRfc3339Nano(toEpochNs(now)),
        anchor: anchor.kind,
        rootVersion,
        files: entries,
      });
    } finally {
      await remote.close();
    }
  }
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    tool: options.tool ?? 'notary-ts',
    createdAt: formatRfc3339Nano(toEpochNs(now)),
    repositories,
  };
  const output = resolve(options.output);
  const bytes = encodeArchive(manifest, files, output.endsWith('.gz'), Math.floor(now.getTime() / 1000));
  writeAtomically(output, bytes);
  return { output, manifest, bytes: bytes.length };
}

/** Roots by version first, then timestamp, snapshot, targets, delegations. */
function fileOrder(file: string): number {
  const m = /^(\d+)\.root\.json$/.exec(file);
  if (m) return Number(m[1]);
  const fixed = ['timestamp.json', 'snapshot.json', 'targets.json'].indexOf(file);
  return 1_000_000 + (fixed === -1 ? 3 : fixed);
}

/** Temp file beside `path` (O_EXCL), fsync, rename: readers see the old file or the whole new one. */
function writeAtomically(path: string, bytes: Uint8Array): void {
  try {
    writeFileAtomicSync(path, bytes, 0o644);
  } catch (cause) {
    throw notaryError('IO', `cannot write archive ${path}`, { cause, details: { path } });
  }
}
