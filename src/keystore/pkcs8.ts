// Unencrypted PKCS#8 PrivateKeyInfo in Notary's flavours (tuf/utils/pkcs8.go) and the standard ones.
import type { PrivateKey } from '../crypto/types.js';
import {
  bitString,
  children,
  type Der,
  decodeDer,
  expectSeq,
  expectTag,
  explicit,
  integer,
  intValue,
  OID,
  octets,
  oid,
  oidToString,
  seq,
  TAG,
} from '../encoding/der.js';
import { notaryError } from '../errors.js';
import {
  ecComponents,
  ecPrivateKey,
  ed25519PrivateKey,
  ed25519Seed,
  isEcCurveOid,
  rsaPkcs1,
  rsaPrivateKey,
} from './key-material.js';

function bad(message: string): never {
  throw notaryError('BAD_KEY_FILE', message);
}

function unsupported(message: string, details: Record<string, unknown> = {}): never {
  throw notaryError('UNSUPPORTED_KEY', message, { details });
}

/**
 * Reads an unencrypted PKCS#8 PrivateKeyInfo: Notary's layouts (ECDSA with version 1, RSA without NULL
 * parameters, Ed25519 under OID 1.3.6.1.4.1.11591.15.1 with a 96-byte pub‖seed‖pub blob) and the standard ones
 * (version 0 ECDSA from OpenSSL/Python, RFC 8410 Ed25519). Returns the key with a standard PKCS#8 DER.
 * @throws NotaryError BAD_KEY_FILE on malformed DER or inconsistent key parts; UNSUPPORTED_KEY on an algorithm
 * or curve notary does not use
 */
export function parsePrivateKeyInfo(der: Uint8Array): PrivateKey {
  const [version, algId, privateOctets, ...extra] = expectSeq(decodeDer(der), 3);
  const v = intValue(expectTag(version, TAG.INTEGER));
  if (v !== 0n && v !== 1n) bad('pkcs#8 version must be 0 or 1');
  const [algOid, params] = expectSeq(algId, 1);
  const algorithm = oidToString(expectTag(algOid, TAG.OID));
  const inner = expectTag(privateOctets, TAG.OCTET_STRING).value;
  switch (algorithm) {
    case OID.ecPublicKey:
      return parseEc(params, inner);
    case OID.rsaEncryption:
      // Go ignores the parameters (Notary writes none, OpenSSL a NULL); anything else is not an RSA key.
      if (params !== undefined && params.tag !== TAG.NULL) bad('rsa algorithm parameters must be absent or null');
      return rsaPrivateKey(inner);
    case OID.notaryEd25519:
      if (inner.length !== 96) bad('notary ed25519 private key must be 96 bytes');
      return ed25519PrivateKey(inner.subarray(32, 64), [inner.subarray(0, 32), inner.subarray(64, 96)]);
    case OID.ed25519: {
      if (params !== undefined) bad('ed25519 algorithm identifier takes no parameters');
      const seed = expectTag(decodeDer(inner), TAG.OCTET_STRING).value;
      // OneAsymmetricKey v2 may carry the public key as [1] IMPLICIT BIT STRING.
      const pub = extra.find((e) => e.tag === 0x81);
      const embedded = pub && pub.value[0] === 0 ? [pub.value.subarray(1)] : [];
      return ed25519PrivateKey(seed, embedded);
    }
    default:
      unsupported(`unsupported private key algorithm ${algorithm}`, { algorithm });
  }
}

function curveOf(node: Der | undefined): string {
  const c = oidToString(expectTag(node, TAG.OID));
  if (!isEcCurveOid(c)) unsupported(`unsupported ec curve ${c}`, { curve: c });
  return c;
}

/** SEC1 ECPrivateKey inside PKCS#8; the curve comes from the algorithm parameters. */
function parseEc(params: Der | undefined, sec1: Uint8Array): PrivateKey {
  const curve = curveOf(params);
  return parseSec1(sec1, curve);
}

/**
 * Reads a SEC1 ECPrivateKey (RFC 5915). `curveFromContext` is the PKCS#8 algorithm's curve; when absent, the
 * key must name its curve in `[0]` (as the legacy `EC PRIVATE KEY` files do).
 * @throws NotaryError BAD_KEY_FILE, UNSUPPORTED_KEY
 */
export function parseSec1(sec1: Uint8Array, curveFromContext?: string): PrivateKey {
  const [version, d, ...optional] = expectSeq(decodeDer(sec1), 2);
  if (intValue(expectTag(version, TAG.INTEGER)) !== 1n) bad('ec private key version must be 1');
  let scalar = expectTag(d, TAG.OCTET_STRING).value;
  let curve = curveFromContext;
  let point: Uint8Array | undefined;
  for (const o of optional) {
    if (o.tag === 0xa0) {
      const named = curveOf(children(o)[0]);
      // Go silently prefers the PKCS#8 curve; two different curves in one file can only mean corruption.
      if (curve !== undefined && curve !== named) bad('ec private key names two different curves');
      curve = named;
    } else if (o.tag === 0xa1) {
      const bits = expectTag(children(o)[0], TAG.BIT_STRING).value;
      if (bits[0] !== 0) bad('ec public key bit string has unused bits');
      point = bits.subarray(1);
    }
  }
  if (curve === undefined || !isEcCurveOid(curve)) bad('ec private key does not name its curve');
  // Like Go, tolerate extra leading zero bytes before the scalar.
  while (scalar.length > 1 && scalar[0] === 0) scalar = scalar.subarray(1);
  return ecPrivateKey(curve, scalar, point);
}

/**
 * SEC1 ECPrivateKey exactly as Go's x509.MarshalECPrivateKey writes it: version 1, the scalar padded to the
 * curve size, `[0]` named curve, `[1]` uncompressed public point.
 */
export function encodeSec1(key: PrivateKey): Uint8Array {
  const { curveOid, d, point } = ecComponents(key);
  return seq(integer(1), octets(d), explicit(0, oid(curveOid)), explicit(1, bitString(point)));
}

/**
 * The unencrypted PKCS#8 DER Notary writes for `key` (`convertTUFKeyToPKCS8`): byte-identical to Go's output.
 * @throws NotaryError UNSUPPORTED_KEY for an algorithm Notary cannot store
 */
export function encodeNotaryPrivateKeyInfo(key: PrivateKey): Uint8Array {
  switch (key.algorithm) {
    case 'ecdsa': {
      const { curveOid } = ecComponents(key);
      // Version 1 is what Notary writes (RFC 5958 would say 0 without a public key); OpenSSL and Go accept it.
      return seq(integer(1), seq(oid(OID.ecPublicKey), oid(curveOid)), octets(encodeSec1(key)));
    }
    case 'rsa':
      // No NULL parameter: Go marshals the algorithm as a bare SEQUENCE OF OBJECT IDENTIFIER.
      return seq(integer(0), seq(oid(OID.rsaEncryption)), octets(rsaPkcs1(key)));
    case 'ed25519': {
      const pub = key.publicKey.public;
      const blob = new Uint8Array(96);
      blob.set(pub, 0);
      blob.set(ed25519Seed(key), 32);
      blob.set(pub, 64);
      return seq(integer(0), seq(oid(OID.notaryEd25519)), octets(blob));
    }
    default:
      return unsupported(`unsupported private key algorithm ${String((key as PrivateKey).algorithm)}`);
  }
}
