// The archive layer: trust data that outlives its server (tar of every metadata file, verified offline later).
export {
  ARCHIVE_MAX_BYTES,
  ARCHIVE_MAX_ENTRIES,
  type ArchiveContents,
  decodeArchive,
  readArchive,
} from './archive-file.js';
export { type ArchiveOptions, type ArchiveResult, archive } from './create.js';
export {
  type AnchorKind,
  ARCHIVE_FORMAT,
  type ArchivedFile,
  type ArchivedRepository,
  type ArchiveManifest,
} from './manifest.js';
export { type ArchivedRepositoryView, type OpenArchiveOptions, openArchive } from './open.js';
export { type Anchor, type MetadataSource, remoteSource, type VerifiedSource, verifySource } from './source.js';
export { readTar, type TarEntry, writeTar } from './tar.js';
