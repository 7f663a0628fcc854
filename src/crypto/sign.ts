// Signing with in-memory private keys, key generation and loading standard PKCS#8 (node:crypto).
import {
  constants,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { toBase64Url } from '../encoding/base64.js';
import { children, decodeDerTree, TAG } from '../encoding/der.js';
import { notaryError } from '../errors.js';
import { classify, coordinateSize, type EcCurve, ED25519_SPKI_PREFIX, ecPointJwk, exportSpki } from './spki.js';
import type { PrivateKey, PrivateKeyAlgorithm, PublicKey, RawSignature } from './types.js';
import { PSS_SALT_LENGTH } from './verify.js';

const MIN_RSA_SIGN_BITS = 2048;

// Parsing PKCS#8 costs more than an ECDSA signature; a signer reuses one key for many roles' metadata.
const keyObjects = new WeakMap<PrivateKey, KeyObject>();

/**
 * The node:crypto object for a private key (cached per key object).
 * @throws NotaryError BAD_KEY_FILE when `key.pkcs8` does not load
 */
export function privateKeyObject(key: PrivateKey): KeyObject {
  let k = keyObjects.get(key);
  if (!k) {
    try {
      k = createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' });
    } catch (cause) {
      throw notaryError('BAD_KEY_FILE', 'private key is not valid pkcs#8', { cause });
    }
    keyObjects.set(key, k);
  }
  return k;
}

/**
 * Signs `data` the way Notary does: ECDSA → method `ecdsa`, raw r‖s (P1363) over SHA-256; Ed25519 → `eddsa`;
 * RSA → `rsapss` (SHA-256, MGF1-SHA-256, salt 32).
 * @throws NotaryError BAD_KEY_FILE when `key.pkcs8` does not load
 */
export function signData(key: PrivateKey, data: Uint8Array): RawSignature {
  const k = privateKeyObject(key);
  switch (key.algorithm) {
    case 'ecdsa':
      return {
        method: 'ecdsa',
        sig: new Uint8Array(cryptoSign('sha256', data, { key: k, dsaEncoding: 'ieee-p1363' })),
      };
    case 'ed25519':
      return { method: 'eddsa', sig: new Uint8Array(cryptoSign(null, data, k)) };
    case 'rsa':
      return {
        method: 'rsapss',
        sig: new Uint8Array(
          cryptoSign('sha256', data, { key: k, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_LENGTH }),
        ),
      };
  }
}

/** generateKeyPairSync with JWK output (which @types/node does not model). */
const generateJwk = generateKeyPairSync as unknown as (
  type: 'ec' | 'ed25519',
  options: object,
) => { privateKey: JsonWebKey; publicKey: JsonWebKey };

/**
 * A fresh key: `ecdsa` is P-256 (the only kind Notary's client creates), `ed25519` what its server signs with.
 * @throws RangeError for any other algorithm
 */
export function generateKey(algorithm: 'ecdsa' | 'ed25519'): PrivateKey {
  // The key leaves the generating job as a JWK and is loaded afresh, never as the job's own KeyObject: Node 20 locks
  // a generated key's mutex when its (garbage) key-generation job is collected, and a KeyObject from
  // generateKeyPairSync shares that mutex. A GC that collects the job while the key is being exported as a JWK
  // (which allocates under that lock) deadlocks the process for good: `init` hung once in ~300 runs here, and
  // generate-then-export hangs within a few thousand keys with a 1 MB young generation
  // (test/e2e/keygen-gc.test.ts). A JWK import costs ~0.14 ms a key (PKCS#8 DER ~0.5 ms).
  const jwk = { publicKeyEncoding: { format: 'jwk' }, privateKeyEncoding: { format: 'jwk' } };
  let generated: JsonWebKey;
  if (algorithm === 'ecdsa') generated = generateJwk('ec', { namedCurve: 'P-256', ...jwk }).privateKey;
  else if (algorithm === 'ed25519') generated = generateJwk('ed25519', jwk).privateKey;
  else throw new RangeError(`cannot generate ${String(algorithm)} keys`);
  return fromKeyObject(createPrivateKey({ key: generated, format: 'jwk' }));
}

/**
 * Loads a standard (RFC 5208 / RFC 8410) unencrypted PKCS#8 DER and derives its public key in metadata form:
 * DER SPKI typed `ecdsa`/`rsa`, or the raw 32 bytes typed `ed25519`. `pkcs8` of the result is node's
 * re-encoding. ECDSA keys must be on P-256/384/521 and RSA keys at least 2048 bits (smaller ones sign
 * nothing Notary would accept).
 * @throws NotaryError BAD_KEY_FILE when the DER does not parse (a non-minimal length anywhere included, as Go);
 *   UNSUPPORTED_KEY for other algorithms or sizes
 */
export function privateKeyFromPkcs8(der: Uint8Array): PrivateKey {
  // OpenSSL takes non-minimal DER lengths, which Go refuses in every layer of a key: every header is checked
  // first, the key inside the privateKey OCTET STRING (SEC1, PKCS#1 or RFC 8410's OCTET STRING) too.
  const info = decodeDerTree(der);
  const inner = children(info)[2];
  if (inner?.tag === TAG.OCTET_STRING) decodeDerTree(inner.value);
  let k: KeyObject;
  try {
    k = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  } catch (cause) {
    throw notaryError('BAD_KEY_FILE', 'private key is not valid pkcs#8', { cause });
  }
  return fromKeyObject(k);
}

/**
 * An ECDSA private key from its scalar `d` and public point (`0x04 ‖ X ‖ Y`), which the caller has checked belong
 * together (the key store derives the point from `d`). Imported as a JWK, which skips OpenSSL's DER decoder (PKCS#8:
 * ~1 ms for a cold run's first key, ~0.4 ms each after; a JWK ~0.35 and ~0.09); OpenSSL still checks the key.
 * @throws NotaryError BAD_KEY_FILE when the parts are not a valid key on `curve`
 */
export function ecPrivateKeyFromParts(curve: EcCurve, d: Uint8Array, point: Uint8Array): PrivateKey {
  const size = coordinateSize(curve);
  if (d.length !== size || point.length !== 1 + 2 * size || point[0] !== 0x04) {
    throw notaryError('BAD_KEY_FILE', `not an uncompressed ${curve} key`);
  }
  let k: KeyObject;
  try {
    k = createPrivateKey({ key: { ...ecPointJwk(curve, point), d: toBase64Url(d) }, format: 'jwk' });
  } catch (cause) {
    throw notaryError('BAD_KEY_FILE', `not a valid ${curve} private key`, { cause });
  }
  return fromKeyObject(k);
}

function fromKeyObject(k: KeyObject): PrivateKey {
  const publicObject = createPublicKey(k);
  // The same algorithm and curve rules as public keys; signing also refuses RSA keys Notary would not accept.
  const resolved = classify(publicObject);
  if (resolved.kind === 'rsa' && resolved.bits < MIN_RSA_SIGN_BITS) {
    throw notaryError('UNSUPPORTED_KEY', `rsa keys must have at least ${MIN_RSA_SIGN_BITS} bits`, {
      details: { bits: resolved.bits },
    });
  }
  const algorithm: PrivateKeyAlgorithm = resolved.kind;
  const spki = exportSpki(publicObject);
  const publicKey: PublicKey =
    algorithm === 'ed25519'
      ? { type: 'ed25519', public: spki.slice(ED25519_SPKI_PREFIX.length) }
      : { type: algorithm, public: spki };
  const key: PrivateKey = {
    algorithm,
    pkcs8: new Uint8Array(k.export({ type: 'pkcs8', format: 'der' })),
    publicKey,
  };
  keyObjects.set(key, k);
  return key;
}
