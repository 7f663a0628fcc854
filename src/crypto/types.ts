// Key and signature types shared by the crypto layer and everything above it. No JSON here.

/** `keytype` values Notary writes in metadata. */
export type KeyType = 'ecdsa' | 'ecdsa-x509' | 'rsa' | 'rsa-x509' | 'ed25519';

/** `method` values of a signature. Produced: ecdsa, eddsa, rsapss. Verified: also rsapkcs1v15, pycrypto pss. */
export type SignatureMethod = 'ecdsa' | 'eddsa' | 'rsapss' | 'rsapkcs1v15' | 'pycrypto-pkcs#1 pss';

/**
 * A public key as metadata carries it: `type` is `keytype`, `public` the base64-decoded `keyval.public`
 * (DER SPKI for ecdsa/rsa, PEM text bytes of a cert chain for *-x509, 32 raw bytes for ed25519).
 */
export interface PublicKey {
  readonly type: KeyType;
  readonly public: Uint8Array;
}

/** The algorithm family of a private key. */
export type PrivateKeyAlgorithm = 'ecdsa' | 'rsa' | 'ed25519';

/**
 * A private key in memory. `pkcs8` is a standard (RFC 5208/8410) unencrypted PKCS#8 DER that node:crypto can
 * load; `publicKey` is its public half in metadata form (`ecdsa`/`rsa` SPKI, or raw `ed25519`).
 */
export interface PrivateKey {
  readonly algorithm: PrivateKeyAlgorithm;
  readonly pkcs8: Uint8Array;
  readonly publicKey: PublicKey;
}

/** A signature as it appears in a metadata envelope, `sig` decoded. */
export interface RawSignature {
  readonly method: SignatureMethod;
  readonly sig: Uint8Array;
}
