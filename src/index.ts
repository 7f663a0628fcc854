// notary-ts public API: a Notary v1 / Docker Content Trust client and signer. Named exports only.
// Layers, lowest first: errors, canonical JSON, crypto, metadata, key store, remote, client (verify), signer.

export * from './canonical/index.js';
export * from './client/index.js';
export * from './crypto/index.js';
export type { KeyType, PrivateKey, PrivateKeyAlgorithm, PublicKey, RawSignature, SignatureMethod } from './crypto/types.js';
export {
  ERROR_CODES,
  type ExitStatus,
  exitStatusFor,
  isNotaryError,
  NotaryError,
  type NotaryErrorCode,
  notaryError,
} from './errors.js';
export * from './keystore/index.js';
export * from './metadata/index.js';
export * from './remote/index.js';
