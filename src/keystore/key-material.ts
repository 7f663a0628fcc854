// Raw key parts ⇄ PrivateKey: builds standard PKCS#8 for the crypto layer and takes keys apart for Notary's formats.
import { createECDH } from 'node:crypto';
import { ecPrivateKeyFromParts, privateKeyFromPkcs8, privateKeyObject } from '../crypto/sign.js';
import type { PrivateKey } from '../crypto/types.js';
import { bytesEqual } from '../encoding/bytes.js';
import { decodeDerTree, integer, nullValue, OID, octets, oid, seq } from '../encoding/der.js';
import { notaryError } from '../errors.js';

/** Named curves the key store reads and writes: what node:crypto and Go's crypto/x509 both support. */
export const EC_CURVES = {
  [OID.prime256v1]: { node: 'prime256v1', jwk: 'P-256', size: 32 },
  [OID.secp384r1]: { node: 'secp384r1', jwk: 'P-384', size: 48 },
  [OID.secp521r1]: { node: 'secp521r1', jwk: 'P-521', size: 66 },
} as const;

export type EcCurveOid = keyof typeof EC_CURVES;

export function isEcCurveOid(o: string): o is EcCurveOid {
  return Object.hasOwn(EC_CURVES, o);
}

const fromB64url = (s: string | undefined): Uint8Array => new Uint8Array(Buffer.from(s ?? '', 'base64url'));

function badKey(message: string, cause?: unknown): never {
  throw notaryError('BAD_KEY_FILE', message, cause === undefined ? {} : { cause });
}

function leftPad(b: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(b, size - b.length);
  return out;
}

/**
 * An EC private key from its scalar. The public point is always derived from `d` (as Go does); an embedded
 * point that disagrees marks a corrupt file.
 * @throws NotaryError BAD_KEY_FILE when `d` is out of range or `embeddedPublic` does not match it
 */
export function ecPrivateKey(curveOid: EcCurveOid, d: Uint8Array, embeddedPublic?: Uint8Array): PrivateKey {
  const curve = EC_CURVES[curveOid];
  if (d.length === 0 || d.length > curve.size) badKey('ec private key scalar has the wrong length');
  const scalar = leftPad(d, curve.size);
  let point: Uint8Array;
  try {
    const ecdh = createECDH(curve.node);
    ecdh.setPrivateKey(scalar);
    point = new Uint8Array(ecdh.getPublicKey());
  } catch (cause) {
    badKey('ec private key scalar is not valid for its curve', cause);
  }
  if (embeddedPublic !== undefined && !bytesEqual(embeddedPublic, point)) {
    badKey('ec private key embeds a public key that does not match it');
  }
  return ecPrivateKeyFromParts(curve.jwk, scalar, point);
}

/** Scalar (left-padded to the curve size), uncompressed public point and curve of an EC private key. */
export function ecComponents(key: PrivateKey): { curveOid: EcCurveOid; d: Uint8Array; point: Uint8Array } {
  const jwk = privateKeyObject(key).export({ format: 'jwk' });
  const entry = Object.entries(EC_CURVES).find(([, c]) => c.jwk === jwk.crv);
  if (!entry) throw notaryError('UNSUPPORTED_KEY', `unsupported ec curve ${String(jwk.crv)}`);
  const [curveOid, curve] = entry as [EcCurveOid, (typeof EC_CURVES)[EcCurveOid]];
  const point = new Uint8Array(1 + 2 * curve.size);
  point[0] = 4;
  point.set(leftPad(fromB64url(jwk.x), curve.size), 1);
  point.set(leftPad(fromB64url(jwk.y), curve.size), 1 + curve.size);
  return { curveOid, d: leftPad(fromB64url(jwk.d), curve.size), point };
}

/**
 * An RSA private key from its PKCS#1 RSAPrivateKey DER.
 * @throws NotaryError BAD_KEY_FILE when it does not load or is not DER (e.g. a non-minimal length); UNSUPPORTED_KEY
 * below 2048 bits
 */
export function rsaPrivateKey(pkcs1: Uint8Array): PrivateKey {
  // OpenSSL reads non-minimal DER lengths; Go's ParsePKCS1PrivateKey does not.
  decodeDerTree(pkcs1);
  return privateKeyFromPkcs8(seq(integer(0), seq(oid(OID.rsaEncryption), nullValue()), octets(pkcs1)));
}

/** PKCS#1 RSAPrivateKey DER of an RSA private key. */
export function rsaPkcs1(key: PrivateKey): Uint8Array {
  return new Uint8Array(privateKeyObject(key).export({ format: 'der', type: 'pkcs1' }));
}

/**
 * An Ed25519 private key from its 32-byte seed. Every embedded copy of the public key must match the seed:
 * Go signs with the copy stored in the blob, so a wrong one would produce invalid signatures.
 * @throws NotaryError BAD_KEY_FILE on a wrong length or a mismatching public key
 */
export function ed25519PrivateKey(seed: Uint8Array, embeddedPublic: readonly Uint8Array[] = []): PrivateKey {
  if (seed.length !== 32) badKey('ed25519 seed must be 32 bytes');
  const key = privateKeyFromPkcs8(seq(integer(0), seq(oid(OID.ed25519)), octets(octets(seed))));
  for (const p of embeddedPublic) {
    if (!bytesEqual(p, key.publicKey.public)) badKey('ed25519 private key embeds a public key that does not match it');
  }
  return key;
}

/** The 32-byte seed of an Ed25519 private key. */
export function ed25519Seed(key: PrivateKey): Uint8Array {
  return fromB64url(privateKeyObject(key).export({ format: 'jwk' }).d);
}
