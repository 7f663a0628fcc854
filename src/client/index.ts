// The client layer: TUF update (pure trusted set + I/O updater), metadata cache, trust pinning, verify facade.
export { CACHE_DIR_MODE, CACHE_FILE_MODE, type CacheEntry, MetadataCache } from './cache.js';
export {
  type InspectOptions,
  inspectRepository,
  naturalLess,
  REPO_ADMIN,
  type TrustInspect,
  type TrustKey,
  type TrustSigner,
  type TrustTagRow,
} from './inspect.js';
export { type ListedTarget, type ListOptions, listTargets } from './list.js';
export { findInRole, type LookupOptions, type LookupResult, lookupTarget, RELEASES_ROLE } from './lookup.js';
export { type OpenRepositoryOptions, openRepository, type Repository } from './repository.js';
export { type RootValidation, type RootValidationOptions, validateRoot } from './root-validation.js';
export {
  createPinChecker,
  type PinChecker,
  type PinCheckerOptions,
  type PinMode,
  TOFU,
} from './trust-pinning.js';
export {
  type DelegationLoader,
  type LoadAllVisitor,
  TrustedRepository,
  type WalkOptions,
  type WalkRole,
  type WalkVisitor,
} from './trusted-repository.js';
export { type BootstrapOptions, type Prior, TrustedSet, type TrustedSetOptions } from './trusted-set.js';
export {
  MAX_ROOT_ROTATIONS,
  type MissingDelegationPolicy,
  ROOT_MAX_BYTES,
  type RoleFetcher,
  TIMESTAMP_MAX_BYTES,
  Updater,
  type UpdaterOptions,
} from './updater.js';
