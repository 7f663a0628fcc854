// Test helper: a certificate assembled field by field (any field replaceable by raw DER), to break one rule at a time.
import { createPublicKey, type KeyObject, sign } from 'node:crypto';
import { bitString, explicit, integer, OID, octets, oid, seq, set, TAG, tlv } from '../../../src/encoding/der.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { testKey } from './cert-builder.js';

export const raw = (tag: number, ...bytes: number[]): Uint8Array => tlv(tag, Uint8Array.from(bytes));
export const TRUE = raw(TAG.BOOLEAN, 0xff);
export const cnName = (cn: string): Uint8Array => seq(set(seq(oid(OID.commonName), tlv(TAG.UTF8_STRING, utf8(cn)))));
export const spkiOf = (key: KeyObject): Uint8Array =>
  new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }));
export const exts = (...e: Uint8Array[]): Uint8Array => explicit(3, seq(...e));
export const ext = (id: string, critical: Uint8Array | null, value: Uint8Array): Uint8Array =>
  seq(oid(id), ...(critical ? [critical] : []), octets(value));
export const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

export interface RawParts {
  /** `null`: no version field (v1). */
  version?: Uint8Array | null;
  serial?: Uint8Array;
  /** Signature AlgorithmIdentifier, inner and outer. */
  alg?: Uint8Array;
  issuer?: Uint8Array;
  subject?: Uint8Array;
  validity?: Uint8Array;
  /** The certified key (default: testKey('ec-P-256')). */
  spki?: Uint8Array;
  afterSpki?: Uint8Array[];
  outer?: Uint8Array[];
  /** Replaces the signature BIT STRING. */
  signature?: Uint8Array;
  /** Signing key and digest (default: testKey('ec-P-256'), sha256); RSA keys sign PKCS#1 v1.5. */
  signer?: KeyObject;
  hash?: string | null;
}

export function rawCert(p: RawParts = {}): Uint8Array {
  const key = testKey('ec-P-256');
  const alg = p.alg ?? ECDSA_SHA256;
  const tbs = seq(
    ...(p.version === null ? [] : [p.version ?? explicit(0, integer(2))]),
    p.serial ?? integer(7),
    alg,
    p.issuer ?? cnName('strict'),
    p.validity ?? seq(tlv(TAG.UTC_TIME, utf8('260101000000Z')), tlv(TAG.UTC_TIME, utf8('360101000000Z'))),
    p.subject ?? cnName('strict'),
    p.spki ?? spkiOf(key),
    ...(p.afterSpki ?? []),
  );
  const hash = p.hash === undefined ? 'sha256' : p.hash;
  const sig = p.signature ?? bitString(new Uint8Array(sign(hash, tbs, p.signer ?? key)));
  return seq(tbs, alg, sig, ...(p.outer ?? []));
}
