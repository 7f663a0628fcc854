// Test helper: builds X.509 certificates with arbitrary (also bad) properties, and caches test keys.
import { constants, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import {
  bitString,
  explicit,
  integer,
  nullValue,
  OID,
  octets,
  oid,
  seq,
  set,
  TAG,
  tlv,
} from '../../../src/encoding/der.js';
import { utf8 } from '../../../src/encoding/utf8.js';

export type SigAlg = 'ecdsa-sha256' | 'ecdsa-sha1' | 'rsa-sha256' | 'rsa-sha1' | 'rsa-md5' | 'ed25519';

export interface CertSpec {
  subjectCN: string;
  issuerCN?: string;
  /** Public key certified (a private or public KeyObject). */
  key: KeyObject;
  /** Issuer's private key. */
  signer: KeyObject;
  notBefore: Date;
  notAfter: Date;
  isCA?: boolean;
  /** Emit basicConstraints (default true). */
  basicConstraints?: boolean;
  pathLen?: number;
  /** Go-numbered key usage bits; omitted when undefined. */
  keyUsage?: number;
  eku?: string[];
  sigAlg?: SigAlg;
  criticalUnknownExtension?: boolean;
  serial?: bigint;
  /** Break the inner/outer algorithm identifier equality. */
  mismatchedAlgorithms?: boolean;
  /** Raw DER replacing the encoded notBefore. */
  notBeforeDer?: Uint8Array;
  /** Raw DER replacing the subject Name. */
  subjectDer?: Uint8Array;
}

const SIG: Record<SigAlg, { oid: string; hash: string | null; params: boolean; rsa: boolean }> = {
  'ecdsa-sha256': { oid: '1.2.840.10045.4.3.2', hash: 'sha256', params: false, rsa: false },
  'ecdsa-sha1': { oid: '1.2.840.10045.4.1', hash: 'sha1', params: false, rsa: false },
  'rsa-sha256': { oid: '1.2.840.113549.1.1.11', hash: 'sha256', params: true, rsa: true },
  'rsa-sha1': { oid: '1.2.840.113549.1.1.5', hash: 'sha1', params: true, rsa: true },
  'rsa-md5': { oid: '1.2.840.113549.1.1.4', hash: 'md5', params: true, rsa: true },
  ed25519: { oid: '1.3.101.112', hash: null, params: false, rsa: false },
};

function name(cn: string): Uint8Array {
  return seq(set(seq(oid(OID.commonName), tlv(TAG.UTF8_STRING, utf8(cn)))));
}

function time(d: Date): Uint8Array {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const year = d.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(TAG.UTC_TIME, utf8(`${iso.slice(2)}Z`));
  return tlv(TAG.GENERALIZED_TIME, utf8(`${iso}Z`));
}

function keyUsageBits(bits: number): Uint8Array {
  const bytes = [bits & 0xff, (bits >> 8) & 0xff].map((b) => {
    let r = 0;
    for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 0x80 >> i;
    return r;
  });
  const body = bytes[1] ? bytes : [bytes[0] as number];
  const last = body[body.length - 1] as number;
  let unused = 0;
  while (unused < 8 && last !== 0 && !(last & (1 << unused))) unused++;
  return tlv(TAG.BIT_STRING, Uint8Array.from([last === 0 ? 0 : unused, ...body]));
}

/** DER of a certificate built from `spec`. */
export function buildCert(spec: CertSpec): Uint8Array {
  const alg = SIG[spec.sigAlg ?? 'ecdsa-sha256'];
  const algId = alg.params ? seq(oid(alg.oid), nullValue()) : seq(oid(alg.oid));
  const innerAlgId = spec.mismatchedAlgorithms ? seq(oid(alg.oid), nullValue()) : algId;
  const exts: Uint8Array[] = [];
  const TRUE = tlv(TAG.BOOLEAN, Uint8Array.of(0xff));
  if (spec.keyUsage !== undefined) exts.push(seq(oid(OID.keyUsage), TRUE, octets(keyUsageBits(spec.keyUsage))));
  if (spec.eku) exts.push(seq(oid(OID.extKeyUsage), octets(seq(...spec.eku.map((o) => oid(o))))));
  if (spec.basicConstraints !== false) {
    const body: Uint8Array[] = [];
    if (spec.isCA) body.push(TRUE);
    if (spec.pathLen !== undefined) body.push(integer(spec.pathLen));
    exts.push(seq(oid(OID.basicConstraints), TRUE, octets(seq(...body))));
  }
  if (spec.criticalUnknownExtension) exts.push(seq(oid('1.2.3.4.5'), TRUE, octets(nullValue())));
  const spki = new Uint8Array(createPublicKey(spec.key).export({ type: 'spki', format: 'der' }));
  const tbs = seq(
    explicit(0, integer(2)),
    integer(spec.serial ?? 1n),
    innerAlgId,
    name(spec.issuerCN ?? spec.subjectCN),
    seq(spec.notBeforeDer ?? time(spec.notBefore), time(spec.notAfter)),
    spec.subjectDer ?? name(spec.subjectCN),
    spki,
    ...(exts.length ? [explicit(3, seq(...exts))] : []),
  );
  const signature = alg.rsa
    ? sign(alg.hash, tbs, { key: spec.signer, padding: constants.RSA_PKCS1_PADDING })
    : sign(alg.hash, tbs, spec.signer);
  return seq(tbs, algId, bitString(new Uint8Array(signature)));
}

const cache = new Map<string, KeyObject>();

/** A cached private key: `ec-P-256`, `ec-P-384`, `ec-P-521`, `rsa-1024`, `rsa-2048`, `ed25519`, plus a suffix. */
export function testKey(kind: string): KeyObject {
  let k = cache.get(kind);
  if (!k) {
    const [type, param] = kind.split('-');
    if (type === 'ec') k = generateKeyPairSync('ec', { namedCurve: `P-${kind.split('-')[2]}` }).privateKey;
    else if (type === 'rsa') k = generateKeyPairSync('rsa', { modulusLength: Number(param) }).privateKey;
    else k = generateKeyPairSync('ed25519').privateKey;
    cache.set(kind, k);
  }
  return k;
}

export const DAY = 86_400_000;
export const NOW = new Date('2026-06-01T12:00:00Z');

/** A valid self-signed leaf for `cn` (ECDSA P-256), tweakable. */
export function leafSpec(cn: string, over: Partial<CertSpec> = {}): CertSpec {
  const key = testKey('ec-P-256');
  return {
    subjectCN: cn,
    key,
    signer: key,
    notBefore: new Date(NOW.getTime() - DAY),
    notAfter: new Date(NOW.getTime() + 365 * DAY),
    keyUsage: 1 | 4,
    ...over,
  };
}
