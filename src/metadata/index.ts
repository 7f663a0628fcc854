// The metadata layer's public API: models, parse/serialize, editors, signing, threshold checks, hash checks.

export {
  BASE_ROLES,
  type BaseRoleName,
  isBaseRole,
  isDelegationName,
  isRoleName,
  parentRole,
} from '../grammar/role-name.js';
export { checkHashes, checkLength } from './check-hashes.js';
export {
  type DelegationRole,
  type Delegations,
  EMPTY_DELEGATIONS,
  pathAllowed,
  restrictPaths,
} from './delegations.js';
export { cloneJson, EditorBase } from './editor-base.js';
export { type Envelope, type EnvelopeOptions, envelopeBytes, parseEnvelope, type Signature } from './envelope.js';
export {
  DEFAULT_EXPIRY_SECONDS,
  defaultExpiry,
  type Expiry,
  expiryAfter,
  expiryFromEpochNs,
  formatRfc3339Nano,
  type Instant,
  isExpired,
  parseExpiry,
  toEpochNs,
} from './expiry.js';
export { invalidMetadata } from './fields.js';
export {
  type FileMeta,
  fileMetaFromBytes,
  fileMetaFromHex,
  fileMetaToJson,
  type HashAlgorithm,
  type Hashes,
  type TargetFile,
} from './file-meta.js';
export { canonicalKeyId, tufKeyId } from './key-id.js';
export { KEY_TYPES, keyToJson, parseKey } from './keys.js';
export { editSnapshot, editTimestamp, SnapshotEditor, TimestampEditor } from './meta-editor.js';
export { MetadataBase } from './metadata-base.js';
export type { RoleKeys } from './role-keys.js';
export { METADATA_TYPES, type MetadataType, metadataTypeOf } from './role-name.js';
export { Root, type RootInit } from './root.js';
export { editRoot, RootEditor } from './root-editor.js';
export { type SigningKey, type SignOptions, signMetadata, signMetadataWithKeys, withSignatures } from './sign.js';
export {
  type Metadata,
  parseMetadata,
  parseRoot,
  parseSnapshot,
  parseTargets,
  parseTimestamp,
  type SignedMetadata,
  serializeMetadata,
} from './signed-metadata.js';
export { keySigner, type Signer, signersFor } from './signer.js';
export { Snapshot, type SnapshotInit } from './snapshot.js';
export { Targets, type TargetsInit } from './targets.js';
export { type DelegationChange, editTargets, TargetsEditor } from './targets-editor.js';
export { Timestamp, type TimestampInit } from './timestamp.js';
export { type VerifiableFile, verifyRole } from './verify-role.js';
