// Minimal ASN.1 DER reader and writer: enough for SPKI, PKCS#8, PBES2, SEC1 and X.509 structures.
import { notaryError } from '../errors.js';

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** A decoded TLV. `bytes` is the whole encoding, `value` the contents. */
export interface Der {
  tag: number;
  value: Uint8Array;
  bytes: Uint8Array;
}

function bad(what: string): never {
  throw notaryError('BAD_KEY_FILE', `malformed der: ${what}`);
}

/**
 * Reads one TLV at `offset`; returns it and the offset after it. DER lengths only, as Go's encoding/asn1 and
 * cryptobyte read them: no indefinite length (`80`), no long form for a length below 128 (`81 05`), no leading
 * zero length byte (`82 00 80`), at most four length bytes.
 * @throws NotaryError BAD_KEY_FILE on anything else (callers parsing other things re-map it)
 */
export function readTlv(buf: Uint8Array, offset = 0): { node: Der; next: number } {
  if (offset + 2 > buf.length) bad('truncated header');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) bad('multi-byte tags are not supported');
  let len = buf[offset + 1] as number;
  let p = offset + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) bad('indefinite length');
    if (n > 4) bad('unsupported length');
    if (p + n > buf.length) bad('truncated length');
    if (buf[p] === 0) bad('non-minimal length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + (buf[p++] as number);
    if (len < 0x80) bad('non-minimal length');
  }
  if (p + len > buf.length) bad('truncated value');
  return { node: { tag, value: buf.subarray(p, p + len), bytes: buf.subarray(offset, p + len) }, next: p + len };
}

/** Decodes exactly one TLV filling the buffer. */
export function decodeDer(buf: Uint8Array): Der {
  const { node, next } = readTlv(buf, 0);
  if (next !== buf.length) bad('trailing data');
  return node;
}

/**
 * Decodes one TLV filling the buffer and reads every TLV nested in its constructed values (bit 0x20 of the tag),
 * so that every header in the tree is checked: what Go's parsers check in the structures they read in full
 * (PKCS#1, SPKI) before OpenSSL, which accepts non-minimal lengths, reads them.
 * @throws NotaryError BAD_KEY_FILE as `readTlv`
 */
export function decodeDerTree(buf: Uint8Array): Der {
  const root = decodeDer(buf);
  const pending: Der[] = [root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node.tag & 0x20) for (const c of children(node)) pending.push(c);
  }
  return root;
}

/** The children of a constructed value (SEQUENCE, SET, context tags). */
export function children(node: Der): Der[] {
  const out: Der[] = [];
  let p = 0;
  while (p < node.value.length) {
    const { node: c, next } = readTlv(node.value, p);
    out.push(c);
    p = next;
  }
  return out;
}

/** Children of a node that must have the given tag, with at least `min` children. */
export function expectSeq(node: Der | undefined, min = 0, tag: number = TAG.SEQUENCE): Der[] {
  if (!node || node.tag !== tag) bad(`expected tag 0x${tag.toString(16)}`);
  const c = children(node);
  if (c.length < min) bad('too few elements');
  return c;
}

export function expectTag(node: Der | undefined, tag: number): Der {
  if (!node || node.tag !== tag) bad(`expected tag 0x${tag.toString(16)}`);
  return node;
}

/** Dotted OID text of an OID node. */
export function oidToString(node: Der): string {
  const v = expectTag(node, TAG.OID).value;
  if (v.length === 0) bad('empty oid');
  const first = v[0] as number;
  const parts: number[] = [Math.min(2, Math.floor(first / 40)), first - Math.min(2, Math.floor(first / 40)) * 40];
  let acc = 0;
  for (let i = 1; i < v.length; i++) {
    const b = v[i] as number;
    acc = acc * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

/** Non-negative INTEGER value as a bigint. */
export function intValue(node: Der): bigint {
  const v = expectTag(node, TAG.INTEGER).value;
  if (v.length === 0) bad('empty integer');
  let n = 0n;
  for (const b of v) n = (n << 8n) | BigInt(b);
  if ((v[0] as number) & 0x80) n -= 1n << BigInt(v.length * 8);
  return n;
}

// ---- writer ----

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const c of contents) len += c.length;
  const head = [tag, ...lengthBytes(len)];
  const out = new Uint8Array(head.length + len);
  out.set(head, 0);
  let o = head.length;
  for (const c of contents) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export const seq = (...c: Uint8Array[]): Uint8Array => tlv(TAG.SEQUENCE, ...c);
export const set = (...c: Uint8Array[]): Uint8Array => tlv(TAG.SET, ...c);
export const octets = (b: Uint8Array): Uint8Array => tlv(TAG.OCTET_STRING, b);
export const nullValue = (): Uint8Array => tlv(TAG.NULL);
/** BIT STRING with zero unused bits. */
export const bitString = (b: Uint8Array): Uint8Array => tlv(TAG.BIT_STRING, Uint8Array.of(0), b);
/** Context-specific constructed tag [n]. */
export const explicit = (n: number, ...c: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...c);

export function integer(n: bigint | number): Uint8Array {
  let v = BigInt(n);
  if (v < 0n) throw new RangeError('negative integers are not written');
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (v > 0n);
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return tlv(TAG.INTEGER, Uint8Array.from(bytes));
}

/** INTEGER from unsigned big-endian bytes (leading zeros stripped, sign byte added). */
export function integerFromBytes(b: Uint8Array): Uint8Array {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const body = b.subarray(i);
  return (body[0] as number) & 0x80 ? tlv(TAG.INTEGER, Uint8Array.of(0), body) : tlv(TAG.INTEGER, body);
}

export function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map((x) => Number.parseInt(x, 10));
  const [a = 0, b = 0, ...rest] = parts;
  const out: number[] = [a * 40 + b];
  for (const p of rest) {
    const chunk: number[] = [p & 0x7f];
    let v = Math.floor(p / 128);
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...chunk);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  secp521r1: '1.3.132.0.35',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  hmacWithSHA1: '1.2.840.113549.2.7',
  hmacWithSHA256: '1.2.840.113549.2.9',
  aes256CBC: '2.16.840.1.101.3.4.1.42',
  /** Notary's private Ed25519 OID (not RFC 8410's 1.3.101.112). */
  notaryEd25519: '1.3.6.1.4.1.11591.15.1',
  ed25519: '1.3.101.112',
  commonName: '2.5.4.3',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  codeSigning: '1.3.6.1.5.5.7.3.3',
} as const;
