// The self-signed root certificate Notary's client makes for a GUN, laid out byte for byte as Go's x509 writes it.
import { constants, createPublicKey, sign as cryptoSign, randomBytes } from 'node:crypto';
import { bitString, explicit, integer, nullValue, OID, octets, oid, seq, set, TAG, tlv } from '../encoding/der.js';
import { utf8 } from '../encoding/utf8.js';
import { notaryError } from '../errors.js';
import { privateKeyObject } from './sign.js';
import { exportSpki } from './spki.js';
import type { PrivateKey } from './types.js';
import { certificatePem } from './x509.js';

export interface CreateRootCertificateOptions {
  /** Days from `now` to NotAfter (Notary: 10 × 365). */
  readonly validityDays?: number;
  /** Serial number; Notary draws it uniformly from [0, 2^128). */
  readonly serial?: bigint;
}

const DAY_MS = 86_400_000;
const DEFAULT_VALIDITY_DAYS = 3650;

// Extension values exactly as Go's x509.CreateCertificate marshals NewCertificate's template:
// KeyUsage digitalSignature|keyEncipherment → BIT STRING with 5 unused bits, 0xa0 (critical);
// ExtKeyUsage [codeSigning] (not critical); BasicConstraints CA:FALSE → empty SEQUENCE (critical).
const BOOLEAN_TRUE = tlv(TAG.BOOLEAN, Uint8Array.of(0xff));
const EXTENSIONS = explicit(
  3,
  seq(
    seq(oid(OID.keyUsage), BOOLEAN_TRUE, octets(tlv(TAG.BIT_STRING, Uint8Array.of(0x05, 0xa0)))),
    seq(oid(OID.extKeyUsage), octets(seq(oid(OID.codeSigning)))),
    seq(oid(OID.basicConstraints), BOOLEAN_TRUE, octets(seq())),
  ),
);

/**
 * A self-signed X.509 v3 certificate for `key` with subject = issuer = CN=`gun`, valid from `now` (no backdating)
 * for 3650 days, returned as PEM bytes in Go's layout: the value Notary puts (base64) in an `ecdsa-x509` root key.
 * ECDSA keys sign with ECDSA-with-SHA256/384/512 by curve and RSA keys with sha256WithRSAEncryption, as Go picks.
 * @throws NotaryError UNSUPPORTED_KEY for Ed25519 keys (Notary cannot make those certificates either);
 *   RangeError for an empty GUN, a GUN with lone surrogates, a negative serial or bad validityDays
 */
export function createRootCertificate(
  key: PrivateKey,
  gun: string,
  now: Date,
  opts: CreateRootCertificateOptions = {},
): Uint8Array {
  const days = opts.validityDays ?? DEFAULT_VALIDITY_DAYS;
  if (!Number.isFinite(days) || days <= 0) throw new RangeError('validityDays must be positive');
  const serial = opts.serial ?? bigintFromBytes(randomBytes(16));
  if (serial < 0n) throw new RangeError('serial must not be negative');
  const name = commonNameName(gun);
  const privateKey = privateKeyObject(key);
  const publicKey = createPublicKey(privateKey);
  const { algId, hash, rsa } = signatureAlgorithmFor(key, publicKey.asymmetricKeyDetails?.namedCurve);
  const notBefore = now.getTime();
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serial),
    algId,
    name,
    seq(asn1Time(notBefore), asn1Time(notBefore + days * DAY_MS)),
    name,
    exportSpki(publicKey),
    EXTENSIONS,
  );
  const signature = rsa
    ? cryptoSign(hash, tbs, { key: privateKey, padding: constants.RSA_PKCS1_PADDING })
    : cryptoSign(hash, tbs, { key: privateKey, dsaEncoding: 'der' });
  return certificatePem([seq(tbs, algId, bitString(new Uint8Array(signature)))]);
}

function signatureAlgorithmFor(
  key: PrivateKey,
  curve: string | undefined,
): { algId: Uint8Array; hash: string; rsa: boolean } {
  switch (key.algorithm) {
    case 'ecdsa':
      // Go's signingParamsForPublicKey: the hash follows the curve size. No parameters for ECDSA.
      if (curve === 'secp384r1') return { algId: seq(oid('1.2.840.10045.4.3.3')), hash: 'sha384', rsa: false };
      if (curve === 'secp521r1') return { algId: seq(oid('1.2.840.10045.4.3.4')), hash: 'sha512', rsa: false };
      return { algId: seq(oid(OID.ecdsaWithSHA256)), hash: 'sha256', rsa: false };
    case 'rsa':
      return { algId: seq(oid('1.2.840.113549.1.1.11'), nullValue()), hash: 'sha256', rsa: true };
    case 'ed25519':
      throw notaryError('UNSUPPORTED_KEY', 'key type not supported for certificate generation: ed25519', {
        details: { algorithm: key.algorithm },
      });
  }
}

/** RDNSequence with one CN. Go writes PrintableString when every byte allows it (no `*`, no `&`), else UTF8String. */
function commonNameName(gun: string): Uint8Array {
  if (gun === '') throw new RangeError('gun must not be empty');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(gun)) {
    throw new RangeError('gun is not valid unicode');
  }
  const tag = /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(gun) ? TAG.PRINTABLE_STRING : TAG.UTF8_STRING;
  return seq(set(seq(oid(OID.commonName), tlv(tag, utf8(gun)))));
}

/** RFC 5280 §4.1.2.5: UTCTime for 1950–2049, GeneralizedTime otherwise; whole seconds (Go truncates), UTC. */
function asn1Time(ms: number): Uint8Array {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const year = d.getUTCFullYear();
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const rest = `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}Z`;
  if (year >= 1950 && year < 2050) return tlv(TAG.UTC_TIME, utf8(`${p2(year % 100)}${rest}`));
  if (year < 0 || year > 9999) throw new RangeError('certificate time out of range');
  return tlv(TAG.GENERALIZED_TIME, utf8(`${String(year).padStart(4, '0')}${rest}`));
}

function bigintFromBytes(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}
