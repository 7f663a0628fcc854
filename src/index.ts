// notary-ts public API: a Notary v1 / Docker Content Trust client and signer. Named exports only.
// Layers, lowest first: errors, canonical JSON, crypto, metadata, key store, remote, client (verify), signer.

export {
  type AnchorKind,
  ARCHIVE_FORMAT,
  type ArchivedFile,
  type ArchivedRepository,
  type ArchivedRepositoryView,
  type ArchiveManifest,
  type ArchiveOptions,
  type ArchiveResult,
  archive,
  decodeArchive,
  type OpenArchiveOptions,
  openArchive,
  readArchive,
} from './archive/index.js';
export * from './canonical/index.js';
export {
  type CheckCode,
  type CheckFinding,
  type CheckOptions,
  type CheckReport,
  type CheckRepositoryReport,
  check,
} from './check/index.js';
export * from './client/index.js';
export {
  type ClientConfig,
  type Connection,
  type ConnectionOptions,
  emptyTrustPinning,
  type FirstUse,
  homeOf,
  loadClientConfig,
  mergePinning,
  PINNING_ENV,
  type PinningOptions,
  parseClientConfig,
  resolveConnection,
  resolveTrustDir,
  type TrustPinning,
} from './connection/index.js';
export * from './crypto/index.js';
export type {
  KeyType,
  PrivateKey,
  PrivateKeyAlgorithm,
  PublicKey,
  RawSignature,
  SignatureMethod,
} from './crypto/types.js';
export {
  DEFAULT_WARN_MS,
  type DoctorOptions,
  type DoctorReport,
  type DoctorRepositoryReport,
  doctor,
  type Finding,
  type FindingCode,
  type KeyHealth,
  type KeyLocation,
  type RoleHealth,
  type Severity,
  type Verdict,
} from './doctor/index.js';
export {
  categoryOf,
  ERROR_CODES,
  type ErrorCategory,
  isNotaryError,
  NotaryError,
  type NotaryErrorCode,
  notaryError,
} from './errors.js';
export { assertGun, gunProblem, isGun, MAX_GUN_LENGTH } from './grammar/gun.js';
export {
  DEFAULT_REGISTRY,
  DEFAULT_TAG,
  familiarName,
  formatReference,
  gunOfReference,
  type ImageReference,
  isImageTag,
  NAME_MAX_LENGTH,
  parseImageReference,
} from './grammar/reference.js';
export {
  assertRoleName,
  isSignerName,
  isTargetsRole,
  isWildcardDelegation,
  MAX_ROLE_NAME_LENGTH,
  SIGNER_NAME,
} from './grammar/role-name.js';
export {
  delegationDepth,
  MAX_DELEGATION_DEPTH,
  MAX_DELEGATION_FANOUT,
  MAX_DELEGATIONS_LOADED,
  withinDepthLimit,
} from './grammar/walk-limits.js';
export * from './keystore/index.js';
export * from './metadata/index.js';
/** Loads undici's Agent from a pre-bundled file (the CLI launcher's start-up optimisation). */
export { useAgentModule } from './remote/dispatcher.js';
export * from './remote/index.js';
export {
  addDelegation,
  addSigner,
  type Change,
  type CommonOptions as SignerCommonOptions,
  chainSignerSources,
  changelistDir,
  type DelegationAddOptions,
  type DelegationInfo,
  type DelegationRemoveOptions,
  FileChangelist,
  type GeneratedKey,
  type GenerateKeyOptions,
  generateKey as generateSignerKey,
  type InitOptions,
  type InitResult,
  init as initRepository,
  keyStoreSignerSource,
  listDelegations,
  MAX_PUBLISH_ATTEMPTS,
  type PublishOptions,
  type PublishResult,
  parsePublicKeyPem,
  publish,
  type RevokeOptions,
  type RevokeResult,
  type RotatableRole,
  type RotateOptions,
  type RotateResult,
  removeDelegation,
  removeSigner,
  reset as resetChanges,
  revoke,
  rotate,
  type SignerAddOptions,
  type SignerRemoveOptions,
  type SignerSource,
  type SignOptions,
  type SignResult,
  type StageOptions,
  type StatusEntry,
  sign,
  stage as stageChanges,
  staticSignerSource,
  status as stagedChanges,
  type TagInput,
  targetMetaOf,
} from './signer/index.js';
