// notary-ts public API: a Notary v1 / Docker Content Trust client and signer. Named exports only.

export * from './canonical/index.js';
export type { ClientConfig, TrustPinning } from './client/config.js';
export { loadClientConfig, parseClientConfig } from './client/config.js';
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
  ERROR_CODES,
  type ExitStatus,
  exitStatusFor,
  isNotaryError,
  NotaryError,
  type NotaryErrorCode,
  notaryError,
} from './errors.js';
export * from './keystore/index.js';
