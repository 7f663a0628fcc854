// The crypto layer's public API: hashing, signing, verification, keys and X.509 for Notary roots.
export { sha256, sha512 } from './hash.js';
export { encodePem } from './pem.js';
export { defaultEncoding, type KeyEncoding, publicKeyFromSpki, resolvePublicKey, spkiBytes } from './public-key.js';
export { type CreateRootCertificateOptions, createRootCertificate } from './root-cert.js';
export { generateKey, privateKeyFromPkcs8, privateKeyObject, signData } from './sign.js';
export { type EcCurve, ed25519Spki, exportSpki, type ResolvedKey, resolveSpki } from './spki.js';
export type { KeyType, PrivateKey, PrivateKeyAlgorithm, PublicKey, RawSignature, SignatureMethod } from './types.js';
export { MIN_RSA_VERIFY_BITS, PSS_SALT_LENGTH, verifySignature } from './verify.js';
export {
  type Certificate,
  type CertificateKeyAlgorithm,
  type CertificateProblem,
  type ChainOptions,
  certificatePem,
  checkCertificate,
  checkSignature,
  firstCertificate,
  isCertificateAcceptable,
  MIN_RSA_BITS,
  matchCommonNameToGun,
  parseCertificate,
  parseCertificateChain,
  type RootCertificateBundle,
  type ValidateRootOptions,
  validateRootCertificate,
  verifyCertificateChain,
} from './x509.js';
export { X509_OID } from './x509-parse.js';
