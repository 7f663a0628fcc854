// DER SubjectPublicKeyInfo: parse and classify with node:crypto, wrap raw Ed25519 keys, export as Go does.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { toBase64Url } from '../encoding/base64.js';
import { bytesEqual, concatBytes } from '../encoding/bytes.js';
import { children, decodeDerTree } from '../encoding/der.js';
import { fromHex } from '../encoding/hex.js';
import { notaryError } from '../errors.js';

/** Curves accepted for ECDSA keys. Go also parses P-224; we do not (weaker than every key Notary makes). */
export type EcCurve = 'P-256' | 'P-384' | 'P-521';

/** What a key really is once parsed, whatever its `keytype` says. */
export type ResolvedKey =
  | { readonly kind: 'ecdsa'; readonly keyObject: KeyObject; readonly curve: EcCurve; readonly bits: number }
  | { readonly kind: 'rsa'; readonly keyObject: KeyObject; readonly bits: number }
  | { readonly kind: 'ed25519'; readonly keyObject: KeyObject };

export const ED25519_SPKI_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);
const CURVES: Record<string, EcCurve> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const CURVE_BITS: Record<EcCurve, number> = { 'P-256': 256, 'P-384': 384, 'P-521': 521 };

/** DER SPKI of a raw 32-byte Ed25519 public key (RFC 8410). */
export function ed25519Spki(raw: Uint8Array): Uint8Array {
  if (raw.length !== 32) throw notaryError('UNSUPPORTED_KEY', 'ed25519 public key must be 32 bytes');
  return concatBytes(ED25519_SPKI_PREFIX, raw);
}

/**
 * Parses a DER SPKI with node:crypto and classifies it.
 * @throws NotaryError UNSUPPORTED_KEY when the key is malformed (including DER that is not minimal, e.g. a length
 *   `81 05`), of another algorithm or on another curve, or an ECDSA point is not in uncompressed form (Go parses
 *   no other)
 */
export function resolveSpki(spki: Uint8Array): ResolvedKey {
  const fast = resolveTemplateSpki(spki);
  if (fast !== undefined) return fast;
  let keyObject: KeyObject;
  let keyBits: Uint8Array | undefined;
  try {
    // OpenSSL reads non-minimal DER lengths; Go (ParsePKIXPublicKey) does not: every header is checked first.
    keyBits = children(decodeDerTree(spki))[1]?.value;
    keyObject = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
  } catch (cause) {
    throw notaryError('UNSUPPORTED_KEY', 'public key is not a valid subjectPublicKeyInfo', { cause });
  }
  const resolved = classify(keyObject);
  if (resolved.kind === 'rsa') {
    // The RSAPublicKey inside the BIT STRING (after its unused-bits byte), which Go parses as DER too.
    try {
      decodeDerTree(keyBits?.subarray(1) ?? new Uint8Array());
    } catch (cause) {
      throw notaryError('UNSUPPORTED_KEY', 'rsa public key is not valid DER', { cause });
    }
  }
  // Go's x509 reads only uncompressed points (elliptic.Unmarshal); OpenSSL also takes compressed and hybrid ones.
  // The point ends the SPKI: 0x04 ‖ X ‖ Y, each coordinate ⌈bits/8⌉ bytes.
  if (resolved.kind === 'ecdsa' && spki[spki.length - 2 * Math.ceil(resolved.bits / 8) - 1] !== 0x04) {
    throw notaryError('UNSUPPORTED_KEY', 'ecdsa public key point is not uncompressed', {
      details: { curve: resolved.curve, reason: 'point-encoding' },
    });
  }
  return resolved;
}

/**
 * The exact DER of a named-curve ECDSA SPKI up to the point's 0x04, per curve (what Go, OpenSSL and Notary write):
 * such a key has nothing else in it to check. Every other encoding of the same key (non-minimal lengths, explicit
 * parameters, another point form) is not this template and takes the general path.
 */
const EC_TEMPLATES: readonly { readonly curve: EcCurve; readonly prefix: Uint8Array }[] = [
  { curve: 'P-256', prefix: fromHex('3059301306072a8648ce3d020106082a8648ce3d030107034200') },
  { curve: 'P-384', prefix: fromHex('3076301006072a8648ce3d020106052b81040022036200') },
  { curve: 'P-521', prefix: fromHex('30819b301006072a8648ce3d020106052b8104002303818600') },
];

/** Bytes of each coordinate of a point on `curve` (and of its private scalar). */
export function coordinateSize(curve: EcCurve): number {
  return Math.ceil(CURVE_BITS[curve] / 8);
}

/** The JWK members of an uncompressed point `0x04 ‖ X ‖ Y` on `curve` (its length already checked). */
export function ecPointJwk(curve: EcCurve, point: Uint8Array): { kty: 'EC'; crv: EcCurve; x: string; y: string } {
  const size = coordinateSize(curve);
  return {
    kty: 'EC',
    crv: curve,
    x: toBase64Url(point.subarray(1, 1 + size)),
    y: toBase64Url(point.subarray(1 + size, 1 + 2 * size)),
  };
}

const hasPrefix = (bytes: Uint8Array, prefix: Uint8Array) => bytesEqual(bytes.subarray(0, prefix.length), prefix);

/**
 * `resolveSpki` for the SPKIs that are byte for byte the standard template of an ECDSA key with an uncompressed
 * point, or of an Ed25519 key: imported from their coordinates as a JWK, which skips OpenSSL's DER decoder (a cold
 * run's first DER import costs ~0.6 ms, each further one ~0.15; a JWK import ~0.35 and ~0.08). OpenSSL still
 * checks that the point is on the curve. Undefined for anything else.
 * @throws NotaryError UNSUPPORTED_KEY when the coordinates are not a valid key
 */
function resolveTemplateSpki(spki: Uint8Array): ResolvedKey | undefined {
  try {
    for (const t of EC_TEMPLATES) {
      if (spki.length !== t.prefix.length + 1 + 2 * coordinateSize(t.curve) || !hasPrefix(spki, t.prefix)) continue;
      const point = spki.subarray(t.prefix.length);
      if (point[0] !== 0x04) return undefined; // the general path names the point form
      const keyObject = createPublicKey({ key: ecPointJwk(t.curve, point), format: 'jwk' });
      return { kind: 'ecdsa', keyObject, curve: t.curve, bits: CURVE_BITS[t.curve] };
    }
    if (spki.length === ED25519_SPKI_PREFIX.length + 32 && hasPrefix(spki, ED25519_SPKI_PREFIX)) {
      const x = toBase64Url(spki.subarray(ED25519_SPKI_PREFIX.length));
      return { kind: 'ed25519', keyObject: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }) };
    }
  } catch (cause) {
    throw notaryError('UNSUPPORTED_KEY', 'public key is not a valid subjectPublicKeyInfo', { cause });
  }
  return undefined;
}

/**
 * What a node:crypto key is: ECDSA on an accepted curve, RSA or Ed25519.
 * @throws NotaryError UNSUPPORTED_KEY for other algorithms or curves
 */
export function classify(keyObject: KeyObject): ResolvedKey {
  const details = keyObject.asymmetricKeyDetails ?? {};
  switch (keyObject.asymmetricKeyType) {
    case 'ec': {
      const curve = CURVES[details.namedCurve ?? ''];
      if (!curve) {
        throw notaryError('UNSUPPORTED_KEY', `unsupported ecdsa curve ${details.namedCurve ?? 'unknown'}`, {
          details: { curve: details.namedCurve },
        });
      }
      return { kind: 'ecdsa', keyObject, curve, bits: CURVE_BITS[curve] };
    }
    case 'rsa':
      return { kind: 'rsa', keyObject, bits: details.modulusLength ?? 0 };
    case 'ed25519':
      return { kind: 'ed25519', keyObject };
    default:
      throw notaryError('UNSUPPORTED_KEY', `unsupported public key algorithm ${keyObject.asymmetricKeyType}`, {
        details: { algorithm: keyObject.asymmetricKeyType },
      });
  }
}

/** DER SPKI as Go's `x509.MarshalPKIXPublicKey` writes it (named curve, uncompressed point, RSA NULL params). */
export function exportSpki(keyObject: KeyObject): Uint8Array {
  return new Uint8Array(keyObject.export({ type: 'spki', format: 'der' }));
}
