// An independent oracle for tests: Notary's signature checks, key IDs and key-file decryption written directly on
// node:crypto (and the shared DER reader), so the project's own crypto/keystore modules can be checked against it.
import {
  constants,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  verify as nodeVerify,
  pbkdf2Sync,
  X509Certificate,
} from 'node:crypto';
import { decodeDer, expectSeq, expectTag, intValue, OID, oidToString, TAG } from '../../src/encoding/der.js';

/** A node:crypto key for a metadata key (`keytype`, base64-decoded `keyval.public`). */
export function oracleKey(type: string, pub: Buffer): KeyObject {
  switch (type) {
    case 'ecdsa':
    case 'rsa':
      return createPublicKey({ key: pub, format: 'der', type: 'spki' });
    case 'ecdsa-x509':
    case 'rsa-x509':
      return new X509Certificate(pub).publicKey;
    case 'ed25519':
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') }, format: 'jwk' });
    default:
      throw new Error(`unknown keytype ${type}`);
  }
}

/** Notary's verifiers: ecdsa = raw r‖s over SHA-256, eddsa = pure Ed25519, rsapss = PSS/SHA-256/salt 32. */
export function oracleVerify(type: string, pub: Buffer, method: string, sig: Buffer, data: Uint8Array): boolean {
  const key = oracleKey(type, pub);
  switch (method) {
    case 'ecdsa':
      return nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig);
    case 'eddsa':
      return nodeVerify(null, data, key, sig);
    case 'rsapss':
      return nodeVerify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
    default:
      return false;
  }
}

/** Notary's TUFKey.ID, pre-image written out by hand: keys sorted, `"private":null` included. */
export function oracleKeyId(type: string, publicB64: string): string {
  const pre = `{"keytype":${JSON.stringify(type)},"keyval":{"private":null,"public":${JSON.stringify(publicB64)}}}`;
  return createHash('sha256').update(pre).digest('hex');
}

export interface PemParts {
  type: string;
  headers: Record<string, string>;
  der: Buffer;
}

/** The first PEM block of `text` with its `Key: value` headers. */
export function pemParts(text: string): PemParts {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\n([\s\S]*?)-----END \1-----/.exec(text);
  if (!m) throw new Error('no pem block');
  const body = m[2] ?? '';
  const parts = body.includes('\n\n') ? body.split('\n\n') : ['', body];
  const headers: Record<string, string> = {};
  for (const line of (parts[0] ?? '').split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) headers[line.slice(0, i)] = line.slice(i + 2);
  }
  return { type: m[1] ?? '', headers, der: Buffer.from((parts[1] ?? '').replace(/\n/g, ''), 'base64') };
}

export interface OraclePrivateKey {
  algorithm: 'ecdsa' | 'rsa' | 'ed25519';
  /** Notary's canonical key ID (what the key file is named). */
  canonicalId: string;
  /** DER SPKI (ecdsa, rsa). */
  spki?: Buffer;
  /** Notary's Ed25519 private blob: pub ‖ seed ‖ pub (96 bytes). */
  ed25519Blob?: Buffer;
}

/** Reads an unencrypted PKCS#8 as Notary writes it (ECDSA version 1, RSA, Notary's own Ed25519 OID). */
export function oracleReadPkcs8(plain: Buffer): OraclePrivateKey {
  const [, alg, key] = expectSeq(decodeDer(plain), 3);
  const algOid = oidToString(expectSeq(alg, 1)[0] as NonNullable<typeof alg>);
  if (algOid === OID.notaryEd25519) {
    const blob = Buffer.from(expectTag(key, TAG.OCTET_STRING).value);
    if (blob.length !== 96 || !blob.subarray(0, 32).equals(blob.subarray(64, 96))) {
      throw new Error('ed25519 blob is not pub ‖ seed ‖ pub');
    }
    return {
      algorithm: 'ed25519',
      canonicalId: oracleKeyId('ed25519', blob.subarray(0, 32).toString('base64')),
      ed25519Blob: blob,
    };
  }
  const spki = createPublicKey(createPrivateKey({ key: plain, format: 'der', type: 'pkcs8' })).export({
    type: 'spki',
    format: 'der',
  });
  const algorithm = algOid === OID.rsaEncryption ? 'rsa' : 'ecdsa';
  return { algorithm, canonicalId: oracleKeyId(algorithm, spki.toString('base64')), spki };
}

/** What an EncryptedPrivateKeyInfo declared (Notary: PBES2, PBKDF2, 8-byte salt, 2048, no PRF, AES-256-CBC). */
export interface Pbes2Params {
  scheme: string;
  kdf: string;
  saltLength: number;
  iterations: number;
  /** Number of PBKDF2 parameters: 2 = salt + iterations only (no keyLength, no PRF, hence HMAC-SHA1). */
  kdfParamCount: number;
  cipher: string;
  ivLength: number;
}

/** The parameters Notary 0.7 writes (`convertTUFKeyToPKCS8Encrypted`). */
export const NOTARY_PBES2: Readonly<Pbes2Params> = Object.freeze({
  scheme: OID.pbes2,
  kdf: OID.pbkdf2,
  saltLength: 8,
  iterations: 2048,
  kdfParamCount: 2,
  cipher: OID.aes256CBC,
  ivLength: 16,
});

/**
 * Decrypts a Notary `ENCRYPTED PRIVATE KEY` block as Notary does: PBES2 + PBKDF2 with **HMAC-SHA1 whatever the PRF
 * field says**, AES-256-CBC, the iteration count from the file.
 */
export function oracleDecryptPkcs8(der: Buffer, passphrase: string): { params: Pbes2Params; key: OraclePrivateKey } {
  const [alg, enc] = expectSeq(decodeDer(der), 2);
  const [scheme, schemeParams] = expectSeq(alg, 2);
  const [kdf, cipher] = expectSeq(schemeParams, 2);
  const [kdfOid, kdfParams] = expectSeq(kdf, 2);
  const kp = expectSeq(kdfParams, 2);
  const salt = expectTag(kp[0], TAG.OCTET_STRING).value;
  const iterations = Number(intValue(kp[1] as NonNullable<(typeof kp)[1]>));
  const [cipherOid, iv] = expectSeq(cipher, 2);
  const ivBytes = expectTag(iv, TAG.OCTET_STRING).value;
  const params: Pbes2Params = {
    scheme: oidToString(scheme as NonNullable<typeof scheme>),
    kdf: oidToString(kdfOid as NonNullable<typeof kdfOid>),
    saltLength: salt.length,
    iterations,
    kdfParamCount: kp.length,
    cipher: oidToString(cipherOid as NonNullable<typeof cipherOid>),
    ivLength: ivBytes.length,
  };
  const key = pbkdf2Sync(passphrase, salt, iterations, 32, 'sha1');
  const d = createDecipheriv('aes-256-cbc', key, ivBytes);
  const plain = Buffer.concat([d.update(expectTag(enc, TAG.OCTET_STRING).value), d.final()]);
  return { params, key: oracleReadPkcs8(plain) };
}
