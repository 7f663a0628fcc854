// Signature verification for every method Notary accepts (tuf/signed/verifiers.go), as a total boolean function.
import { constants, verify as cryptoVerify } from 'node:crypto';
import { type KeyEncoding, resolvePublicKey } from './public-key.js';
import type { ResolvedKey } from './spki.js';
import type { KeyType, PublicKey, RawSignature } from './types.js';

/** Notary's `minRSAKeySizeBit`: smaller RSA keys verify nothing. */
export const MIN_RSA_VERIFY_BITS = 2048;
/**
 * Public exponents we verify with: Go's `rsa.checkPub` range (2 ≤ e ≤ 2³¹−1; Go 1.24 also demands an odd e)
 * without e = 2, which is no RSA key. OpenSSL verifies with any: with e = 1 a signature is its own padded
 * message, so anyone could forge one for such a key.
 */
export const RSA_EXPONENT_RANGE = { min: 3n, max: 2n ** 31n - 1n } as const;
/** PSS salt Notary signs with (`PSSSaltLengthEqualsHash` for SHA-256) and insists on when verifying. */
export const PSS_SALT_LENGTH = 32;

const ECDSA_KEYS: readonly KeyType[] = ['ecdsa', 'ecdsa-x509'];
const RSA_KEYS: readonly KeyType[] = ['rsa', 'rsa-x509'];

/**
 * True when `sig` is a valid signature over `data` by `key`. Never throws: malformed keys, signatures of the wrong
 * size or encoding, unknown methods and key/method mismatches are all simply `false`.
 *
 * - `ecdsa` (keys `ecdsa`, `ecdsa-x509`; P-256/384/521): ECDSA over SHA-256(data) whatever the curve, `sig` raw
 *   r‖s each padded to ⌈bits/8⌉ and exactly that long (DER is refused). High-S values are valid, as in Go.
 * - `eddsa` (key `ed25519`, 32 raw bytes): pure Ed25519, 64-byte signature.
 * - `rsapss` (keys `rsa`, `rsa-x509`): RSASSA-PSS, SHA-256, MGF1-SHA-256, salt exactly 32, modulus ≥ 2048 bits,
 *   public exponent 3 ≤ e ≤ 2³¹−1 (as Go; both also hold for the other RSA methods).
 * - `rsapkcs1v15` (keys `rsa`, `rsa-x509`): RSASSA-PKCS1-v1_5 with SHA-256, modulus ≥ 2048 bits.
 * - `pycrypto-pkcs#1 pss` (key `rsa` whose public value is PEM text): as `rsapss`.
 *
 * x509 keys verify with their first (leaf) certificate's key; certificate validity is not this function's concern.
 */
export function verifySignature(key: PublicKey, sig: RawSignature, data: Uint8Array): boolean {
  try {
    switch (sig.method) {
      case 'ecdsa':
        return ECDSA_KEYS.includes(key.type) && verifyEcdsa(resolvePublicKey(key), sig.sig, data);
      case 'eddsa':
        return (
          // The key's raw encoding takes exactly 32 bytes (ed25519Spki), so no length check here.
          key.type === 'ed25519' && verifyEd25519(resolvePublicKey(key), sig.sig, data)
        );
      case 'rsapss':
        return RSA_KEYS.includes(key.type) && verifyRsa(resolvePublicKey(key), sig.sig, data, true);
      case 'rsapkcs1v15':
        return RSA_KEYS.includes(key.type) && verifyRsa(resolvePublicKey(key), sig.sig, data, false);
      case 'pycrypto-pkcs#1 pss':
        return key.type === 'rsa' && verifyRsa(resolvePublicKey(key, 'pem' satisfies KeyEncoding), sig.sig, data, true);
      default:
        return false;
    }
  } catch {
    // node:crypto throws on some malformed inputs (e.g. a signature it cannot convert); that is just "invalid".
    return false;
  }
}

function verifyEcdsa(key: ResolvedKey | null, sig: Uint8Array, data: Uint8Array): boolean {
  if (key?.kind !== 'ecdsa') return false;
  if (sig.length !== 2 * Math.ceil(key.bits / 8)) return false;
  // ieee-p1363 is the raw r‖s form; OpenSSL does not enforce low-S, matching Go's ecdsa.Verify.
  return cryptoVerify('sha256', data, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, sig);
}

function verifyEd25519(key: ResolvedKey | null, sig: Uint8Array, data: Uint8Array): boolean {
  if (key?.kind !== 'ed25519' || sig.length !== 64) return false;
  return cryptoVerify(null, data, key.keyObject, sig);
}

function verifyRsa(key: ResolvedKey | null, sig: Uint8Array, data: Uint8Array, pss: boolean): boolean {
  if (key?.kind !== 'rsa' || key.bits < MIN_RSA_VERIFY_BITS) return false;
  const e = key.keyObject.asymmetricKeyDetails?.publicExponent ?? 0n;
  if (e < RSA_EXPONENT_RANGE.min || e > RSA_EXPONENT_RANGE.max) return false;
  // Go demands len(sig) == modulus size; OpenSSL 3 refuses other lengths too (kept: the rule is Go's, not a library's).
  if (sig.length !== Math.ceil(key.bits / 8)) return false;
  const options = pss
    ? { key: key.keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_LENGTH }
    : { key: key.keyObject, padding: constants.RSA_PKCS1_PADDING };
  return cryptoVerify('sha256', data, options, sig);
}
