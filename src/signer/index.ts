// The signer layer's public API: init, stage/status/reset, publish, sign/revoke, keys, delegations, signers, rotation.
export {
  type Change,
  type ChangeAction,
  type ChangeType,
  type DelegationEdit,
  decodeChange,
  encodeChange,
  type RootRoleEdit,
  type TargetMeta,
} from './change.js';
export { changelistDir, FileChangelist, type StagedChange } from './changelist.js';
export { type CommonOptions, defaultTrustDir, openContext, type SignerContext, withContext } from './context.js';
export {
  addDelegation,
  addSigner,
  type DelegationAddOptions,
  type DelegationInfo,
  type DelegationRemoveOptions,
  type KeyInput,
  listDelegations,
  removeDelegation,
  removeSigner,
  type SignerAddOptions,
  type SignerRemoveOptions,
} from './delegations.js';
export { createRepo, type InitOptions, type InitResult, init, initializeRepo } from './init.js';
export {
  changePassphrase,
  exportKeys,
  type GeneratedKey,
  type GenerateKeyOptions,
  generateKey,
  importKeys,
  keyIdOf,
  listKeys,
  parsePublicKeyPem,
  removeKey,
} from './keys.js';
export {
  chainSignerSources,
  keyStoreSignerSource,
  type SignerSource,
  signersForKeys,
  staticSignerSource,
} from './keystore-signer.js';
export { changeFromOp, type Op, opFromChange } from './ops.js';
export {
  MAX_PUBLISH_ATTEMPTS,
  type PublishOptions,
  type PublishPlan,
  type PublishResult,
  publish,
  publishIn,
} from './publish.js';
export type { ServerManagedRole, SignerRemote } from './remote.js';
export { type RotatableRole, type RotateOptions, type RotateResult, rotate } from './rotate.js';
export { type RevokeOptions, type RevokeResult, revoke, type SignOptions, type SignResult, sign } from './sign.js';
export { type TagInput, targetMetaOf } from './signable-roles.js';
export { reset, type StageOptions, type StatusEntry, stage, status } from './stage.js';
