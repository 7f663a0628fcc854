// `openArchive`: a repository verified from an archive file alone, with the same lookup/list/inspect as online.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspectRepository } from '../client/inspect.js';
import { listTargets } from '../client/list.js';
import { lookupTarget } from '../client/lookup.js';
import type { Repository } from '../client/repository.js';
import type { ClientConfig } from '../connection/config.js';
import { resolveAnchor } from './anchor.js';
import { type ArchiveContents, archivedRepository, archiveSource, readArchive } from './archive-file.js';
import type { AnchorKind } from './manifest.js';
import { verifySource } from './source.js';

export interface OpenArchiveOptions {
  /** The archive file (tar or tar.gz). */
  readonly file: string;
  readonly gun: string;
  /** Trust dir whose cached root (if any) anchors the archive; default as `openRepository`. */
  readonly trustDir?: string | undefined;
  /** Client config: trust pinning anchors the archive first. */
  readonly config?: ClientConfig | undefined;
  /** The instant expiry and certificate validity are evaluated at; default the system clock. */
  readonly now?: Date | (() => Date) | undefined;
  readonly env?: Record<string, string | undefined> | undefined;
  /** Already read contents (e.g. to open several GUNs of one file); replaces reading `file`. */
  readonly contents?: ArchiveContents | undefined;
}

/** A repository from an archive: `offline` is always true; where it came from and how it was anchored. */
export interface ArchivedRepositoryView extends Repository {
  /** `cached` (trust dir root), `pinned` (trust pinning) or `tofu` (the archive's first root). */
  readonly anchor: AnchorKind;
  readonly archivedAt: string;
  readonly server: string;
}

/**
 * Verifies `gun` from the archive with no network: the archive's integrity (manifest sha256 of every file), then
 * the root chain from the anchor (trust pinning, else the trust dir's cached root, else the archive's root v1) to
 * the last archived root, then timestamp, snapshot and targets at `now`; delegations on demand. Nothing is written
 * to the trust dir.
 * @throws NotaryError ARCHIVE_INVALID, HASH_MISMATCH, LENGTH_MISMATCH, REPOSITORY_NOT_FOUND (GUN not archived),
 *   INVALID_ARGUMENT (unreadable file), and every trust code of `verifySource` (EXPIRED, THRESHOLD_NOT_MET, …)
 */
export async function openArchive(options: OpenArchiveOptions): Promise<ArchivedRepositoryView> {
  const env = options.env ?? process.env;
  const trustDir = resolve(
    options.trustDir ?? options.config?.trustDir ?? join(env['HOME'] ?? homedir(), '.docker', 'trust'),
  );
  const nowOpt = options.now;
  const now = nowOpt === undefined ? new Date() : typeof nowOpt === 'function' ? nowOpt() : nowOpt;
  const contents = options.contents ?? readArchive(options.file);
  const entry = archivedRepository(contents, options.gun);
  const anchor = resolveAnchor(options.gun, trustDir, options.config, now);
  const { repo: trusted } = await verifySource(archiveSource(contents, entry), {
    gun: options.gun,
    now,
    anchor,
    offline: true,
  });
  return {
    gun: options.gun,
    offline: true,
    trusted,
    anchor: anchor.kind,
    archivedAt: entry.archivedAt,
    server: entry.server,
    lookup: async (tag, opts) => ({ ...(await lookupTarget(trusted, tag, opts)), offline: true }),
    list: (opts) => listTargets(trusted, opts),
    inspect: (opts) => inspectRepository(trusted, opts),
    close: async () => {},
  };
}
