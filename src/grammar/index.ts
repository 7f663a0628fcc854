// The name grammar (subpath export `notary-ts/grammar`): GUNs, role names, target names, image references, limits.
export { assertGun, gunProblem, isGun, MAX_GUN_LENGTH } from './gun.js';
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
} from './reference.js';
export {
  assertRoleName,
  BASE_ROLES,
  type BaseRoleName,
  isBaseRole,
  isDelegationName,
  isRoleName,
  isSignerName,
  isTargetsRole,
  isWildcardDelegation,
  MAX_ROLE_NAME_LENGTH,
  parentRole,
  SIGNER_NAME,
} from './role-name.js';
export { assertTargetName, isValidTargetName, targetNameProblem } from './target-name.js';
export {
  delegationDepth,
  MAX_DELEGATION_DEPTH,
  MAX_DELEGATION_FANOUT,
  MAX_DELEGATIONS_LOADED,
  withinDepthLimit,
} from './walk-limits.js';
