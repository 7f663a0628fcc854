// DER parsing of X.509 certificates (RFC 5280 §4.1) into the fields Notary's root checks use.
import { constants, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { bytesEqual } from '../encoding/bytes.js';
import { children, type Der, decodeDerTree, expectSeq, expectTag, oidToString, TAG } from '../encoding/der.js';
import { isNotaryError, notaryError } from '../errors.js';
import { type EcCurve, type ResolvedKey, resolveSpki } from './spki.js';
import { bad, commonNameOf, goInteger, parseExtensions, parseTime } from './x509-fields.js';

export { X509_OID } from './x509-fields.js';

export type CertificateKeyAlgorithm = 'ecdsa' | 'rsa' | 'ed25519';

/** A parsed certificate. Byte fields are views into `der`. */
export interface Certificate {
  /** The whole certificate, DER. */
  readonly der: Uint8Array;
  /** The signed TBSCertificate, DER. */
  readonly tbs: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  readonly serialNumber: bigint;
  /** Raw DER Names: chains link by byte equality, as Go's CertPool does. */
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  /** The last commonName of the subject, `''` when absent (Go's `Subject.CommonName`). */
  readonly commonName: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** A basicConstraints extension is present. */
  readonly basicConstraintsValid: boolean;
  readonly isCA: boolean;
  /** pathLenConstraint, or -1 when absent. */
  readonly maxPathLen: number;
  /** keyUsage bits as Go numbers them (1 = digitalSignature … 32 = keyCertSign), `undefined` without the extension. */
  readonly keyUsage: number | undefined;
  /** extKeyUsage purpose OIDs (dotted). */
  readonly extKeyUsage: readonly string[];
  /** OIDs of critical extensions this parser does not interpret. */
  readonly unhandledCriticalExtensions: readonly string[];
  /** DER SubjectPublicKeyInfo of the certified key, exactly as in the certificate. */
  readonly spki: Uint8Array;
  readonly keyAlgorithm: CertificateKeyAlgorithm;
  readonly curve: EcCurve | undefined;
  readonly rsaBits: number | undefined;
  /** Signature algorithm OID (dotted) and a readable name (`unknown` when not in our table). */
  readonly signatureAlgorithm: string;
  readonly signatureAlgorithmName: string;
  /** The signature is over SHA-1 (rejected by Notary) or MD2/MD5 (rejected by us too). */
  readonly usesSha1: boolean;
  readonly usesWeakHash: boolean;
  readonly signature: Uint8Array;
  /** The certified public key. */
  readonly publicKey: KeyObject;
  /**
   * Go's `CheckSignatureFrom` plus name chaining: `issuer`'s subject is this certificate's issuer, `issuer` may sign
   * certificates (basicConstraints CA, keyCertSign if keyUsage is present) and its key verifies our signature.
   */
  verifiedBy(issuer: Certificate): boolean;
}

interface SigAlg {
  name: string;
  hash: 'sha1' | 'sha256' | 'sha384' | 'sha512' | 'md5' | 'md2' | null;
  key: CertificateKeyAlgorithm | 'dsa';
}

const SIG_ALGS: Record<string, SigAlg> = {
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', hash: 'sha1', key: 'ecdsa' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', hash: 'sha256', key: 'ecdsa' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', hash: 'sha384', key: 'ecdsa' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', hash: 'sha512', key: 'ecdsa' },
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', hash: 'md2', key: 'rsa' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', hash: 'md5', key: 'rsa' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', hash: 'sha1', key: 'rsa' },
  // Go maps the old OIW OID to SHA1WithRSA as well, so Notary's SHA-1 ban covers it.
  '1.3.14.3.2.29': { name: 'sha1WithRSAEncryption', hash: 'sha1', key: 'rsa' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', hash: 'sha256', key: 'rsa' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', hash: 'sha384', key: 'rsa' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', hash: 'sha512', key: 'rsa' },
  '1.2.840.10040.4.3': { name: 'dsaWithSHA1', hash: 'sha1', key: 'dsa' },
  '2.16.840.1.101.3.4.3.2': { name: 'dsaWithSHA256', hash: 'sha256', key: 'dsa' },
  '1.3.101.112': { name: 'ed25519', hash: null, key: 'ed25519' },
};

/**
 * Parses one DER certificate.
 * @throws NotaryError BAD_CERTIFICATE on malformed DER (non-minimal lengths included), mismatched signature
 *   algorithms, bad times or an unsupported public key (only ECDSA P-256/384/521, RSA and Ed25519 keys are accepted)
 */
export function parseCertificate(der: Uint8Array): Certificate {
  // Content-keyed and bounded, like resolvePublicKey's cache: a root's certificate is parsed to validate it and again
  // to verify with its key; the parse (and its node:crypto key) is done once. Certificates are frozen; failures are
  // not kept (they throw again).
  const id = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('latin1');
  const hit = parsed.get(id);
  if (hit !== undefined) return hit;
  let cert: Certificate;
  try {
    cert = parse(der);
  } catch (cause) {
    if (isNotaryError(cause, 'BAD_CERTIFICATE')) throw cause;
    throw notaryError('BAD_CERTIFICATE', 'malformed certificate', { details: { reason: 'malformed' }, cause });
  }
  if (parsed.size >= PARSED_LIMIT) {
    const oldest = parsed.keys().next().value;
    if (oldest !== undefined) parsed.delete(oldest);
  }
  parsed.set(id, cert);
  return cert;
}

const PARSED_LIMIT = 256;
const parsed = new Map<string, Certificate>();

function parse(der: Uint8Array): Certificate {
  // Every header of every constructed value checked up front (minimal lengths, as Go's cryptobyte reads them).
  const top = expectSeq(decodeDerTree(der), 3);
  if (top.length !== 3) bad('certificate must have 3 elements');
  const [tbsNode, outerAlg, sigNode] = top as [Der, Der, Der];
  const f = expectSeq(tbsNode, 6);
  let i = 0;
  let version = 1;
  if (f[0]?.tag === 0xa0) {
    const v = children(f[0]);
    if (v.length !== 1) bad('version must be one integer');
    const n = Number(goInteger(v[0]));
    if (n < 0 || n > 2) bad('unknown version');
    version = n + 1;
    i++;
  }
  const serialNumber = goInteger(f[i++]);
  const innerAlg = expectTag(f[i++], TAG.SEQUENCE);
  // RFC 5280 §4.1.1.2: the two AlgorithmIdentifiers must be identical (Go checks this too).
  if (!bytesEqual(innerAlg.bytes, outerAlg.bytes)) bad('inner and outer signature algorithms differ');
  const issuer = expectTag(f[i++], TAG.SEQUENCE).bytes;
  const validity = expectSeq(f[i++], 2);
  if (validity.length !== 2) bad('validity must have 2 times');
  const notBefore = parseTime(validity[0] as Der);
  const notAfter = parseTime(validity[1] as Der);
  const subjectNode = expectTag(f[i++], TAG.SEQUENCE);
  const spkiNode = expectTag(f[i++], TAG.SEQUENCE);
  let extensions: Der | undefined;
  for (; i < f.length; i++) {
    const node = f[i] as Der;
    if ((node.tag === 0x81 || node.tag === 0x82) && version >= 2) continue; // issuer/subject unique IDs
    if (node.tag !== 0xa3 || version !== 3 || i !== f.length - 1) bad('unexpected field in tbsCertificate');
    extensions = expectTag(children(node)[0], TAG.SEQUENCE);
  }
  const ext = parseExtensions(extensions);
  const sigAlgOid = oidToString(expectTag(children(outerAlg)[0], TAG.OID));
  const sigBits = expectTag(sigNode, TAG.BIT_STRING).value;
  if (sigBits.length < 1 || sigBits[0] !== 0) bad('signature has unused bits');
  let key: ResolvedKey;
  try {
    key = resolveSpki(spkiNode.bytes);
  } catch (cause) {
    throw notaryError('BAD_CERTIFICATE', 'certificate has an unsupported public key', {
      details: { reason: 'unsupported-key' },
      cause,
    });
  }
  const alg = SIG_ALGS[sigAlgOid];
  return new ParsedCertificate({
    der,
    tbs: tbsNode.bytes,
    version,
    serialNumber,
    issuer,
    subject: subjectNode.bytes,
    commonName: commonNameOf(subjectNode),
    notBefore,
    notAfter,
    ...ext,
    spki: spkiNode.bytes,
    keyAlgorithm: key.kind,
    curve: key.kind === 'ecdsa' ? key.curve : undefined,
    rsaBits: key.kind === 'rsa' ? key.bits : undefined,
    signatureAlgorithm: sigAlgOid,
    signatureAlgorithmName: alg?.name ?? 'unknown',
    usesSha1: alg?.hash === 'sha1',
    usesWeakHash: alg?.hash === 'md5' || alg?.hash === 'md2',
    signature: sigBits.subarray(1),
    publicKey: key.keyObject,
  });
}

type CertificateFields = Omit<Certificate, 'verifiedBy'>;

class ParsedCertificate implements Certificate {
  readonly der!: Uint8Array;
  readonly tbs!: Uint8Array;
  readonly version!: number;
  readonly serialNumber!: bigint;
  readonly issuer!: Uint8Array;
  readonly subject!: Uint8Array;
  readonly commonName!: string;
  readonly notBefore!: Date;
  readonly notAfter!: Date;
  readonly basicConstraintsValid!: boolean;
  readonly isCA!: boolean;
  readonly maxPathLen!: number;
  readonly keyUsage!: number | undefined;
  readonly extKeyUsage!: readonly string[];
  readonly unhandledCriticalExtensions!: readonly string[];
  readonly spki!: Uint8Array;
  readonly keyAlgorithm!: CertificateKeyAlgorithm;
  readonly curve!: EcCurve | undefined;
  readonly rsaBits!: number | undefined;
  readonly signatureAlgorithm!: string;
  readonly signatureAlgorithmName!: string;
  readonly usesSha1!: boolean;
  readonly usesWeakHash!: boolean;
  readonly signature!: Uint8Array;
  readonly publicKey!: KeyObject;

  constructor(fields: CertificateFields) {
    Object.assign(this, fields);
    Object.freeze(this);
  }

  verifiedBy(issuer: Certificate): boolean {
    if (!bytesEqual(issuer.subject, this.issuer)) return false;
    // RFC 5280 §4.2.1.9 as Go enforces it: a v3 certificate without basicConstraints, or with cA false, signs nothing.
    if (issuer.version === 3 && !issuer.basicConstraintsValid) return false;
    if (issuer.basicConstraintsValid && !issuer.isCA) return false;
    // Go tests `KeyUsage != 0`: a keyUsage extension with no bit set restricts nothing, like an absent one.
    if (issuer.keyUsage && (issuer.keyUsage & KEY_USAGE_CERT_SIGN) === 0) return false;
    return checkSignature(this, issuer.publicKey);
  }
}

const KEY_USAGE_CERT_SIGN = 32;

/** Verifies `cert`'s signature with `key`. SHA-1/MD5 signatures and DSA are never accepted. Never throws. */
export function checkSignature(cert: Certificate, key: KeyObject): boolean {
  const alg = SIG_ALGS[cert.signatureAlgorithm];
  if (!alg || alg.key === 'dsa' || cert.usesSha1 || cert.usesWeakHash) return false;
  const keyType = key.asymmetricKeyType === 'ec' ? 'ecdsa' : key.asymmetricKeyType;
  if (keyType !== alg.key) return false;
  try {
    if (alg.key === 'rsa') {
      return cryptoVerify(alg.hash, cert.tbs, { key, padding: constants.RSA_PKCS1_PADDING }, cert.signature);
    }
    return cryptoVerify(alg.hash, cert.tbs, key, cert.signature);
  } catch {
    return false;
  }
}
