// Decoders for X.509 certificate fields: extensions, names and times (RFC 5280 §4.1.2, §4.2.1), as Go reads them.
import { type Der, decodeDer, expectSeq, expectTag, intValue, oidToString, TAG } from '../encoding/der.js';
import { notaryError } from '../errors.js';

export const X509_OID = {
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  commonName: '2.5.4.3',
  anyExtendedKeyUsage: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  codeSigning: '1.3.6.1.5.5.7.3.3',
} as const;

const HANDLED_EXTENSIONS = new Set<string>([
  X509_OID.basicConstraints,
  X509_OID.keyUsage,
  X509_OID.extKeyUsage,
  X509_OID.subjectAltName,
]);

export function bad(what: string): never {
  throw notaryError('BAD_CERTIFICATE', `malformed certificate: ${what}`, { details: { reason: 'malformed', what } });
}

/** A DER BOOLEAN as Go's cryptobyte reads it: exactly one byte, 0x00 or 0xff (0x01 is malformed, not true). */
export function goBoolean(node: Der): boolean {
  const v = expectTag(node, TAG.BOOLEAN).value;
  if (v.length !== 1 || (v[0] !== 0 && v[0] !== 0xff)) bad('boolean must be 0x00 or 0xff');
  return v[0] === 0xff;
}

/** A DER INTEGER as Go's cryptobyte reads it: minimally encoded (no redundant leading 0x00 or 0xff byte). */
export function goInteger(node: Der | undefined): bigint {
  const v = expectTag(node, TAG.INTEGER).value;
  if (v.length > 1 && ((v[0] === 0 && !((v[1] as number) & 0x80)) || (v[0] === 0xff && (v[1] as number) & 0x80))) {
    bad('integer not minimally encoded');
  }
  return intValue(node as Der);
}

/** What the extensions say that Notary's checks need. */
export interface ExtensionFields {
  basicConstraintsValid: boolean;
  isCA: boolean;
  maxPathLen: number;
  keyUsage: number | undefined;
  extKeyUsage: string[];
  unhandledCriticalExtensions: string[];
}

/** Decodes the `[3]` extensions of a v3 certificate (the SEQUENCE inside the explicit tag). */
export function parseExtensions(list: Der | undefined): ExtensionFields {
  const ext: ExtensionFields = {
    basicConstraintsValid: false,
    isCA: false,
    maxPathLen: -1,
    keyUsage: undefined,
    extKeyUsage: [],
    unhandledCriticalExtensions: [],
  };
  if (!list) return ext;
  const seen = new Set<string>();
  for (const e of expectSeq(list, 1)) {
    const parts = expectSeq(e, 2);
    const id = oidToString(parts[0] as Der);
    if (seen.has(id)) bad(`duplicate extension ${id}`);
    seen.add(id);
    let critical = false;
    let valueNode = parts[1] as Der;
    if (valueNode.tag === TAG.BOOLEAN) {
      critical = goBoolean(valueNode);
      valueNode = expectTag(parts[2], TAG.OCTET_STRING);
    }
    const value = decodeDer(expectTag(valueNode, TAG.OCTET_STRING).value);
    switch (id) {
      case X509_OID.basicConstraints:
        ext.basicConstraintsValid = true;
        for (const c of expectSeq(value)) {
          if (c.tag === TAG.BOOLEAN) ext.isCA = goBoolean(c);
          else ext.maxPathLen = Number(goInteger(c));
        }
        break;
      case X509_OID.keyUsage: {
        // Go numbers usages by bit position: bit 0 (0x80 of the first byte) is digitalSignature = 1.
        const bits = expectTag(value, TAG.BIT_STRING).value;
        let usage = 0;
        for (let b = 0; b < 9; b++) {
          const byte = bits[1 + (b >> 3)] ?? 0;
          if (byte & (0x80 >> (b & 7))) usage |= 1 << b;
        }
        ext.keyUsage = usage;
        break;
      }
      case X509_OID.extKeyUsage:
        for (const o of expectSeq(value, 1)) ext.extKeyUsage.push(oidToString(o));
        break;
    }
    if (critical && !HANDLED_EXTENSIONS.has(id)) ext.unhandledCriticalExtensions.push(id);
  }
  return ext;
}

/** ISO-8859-1 (not WHATWG "latin1", which is windows-1252). */
function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Go's `pkix.Name.CommonName`: the value of the last commonName attribute, if it is a string type. */
export function commonNameOf(name: Der): string {
  let cn = '';
  for (const rdn of expectSeq(name)) {
    for (const atv of expectSeq(rdn, 1, TAG.SET)) {
      const [type, value] = expectSeq(atv, 2);
      if (oidToString(type as Der) !== X509_OID.commonName) continue;
      const text = decodeDirectoryString(value as Der);
      if (text !== undefined) cn = text;
    }
  }
  return cn;
}

function decodeDirectoryString(v: Der): string | undefined {
  switch (v.tag) {
    case TAG.PRINTABLE_STRING:
    case TAG.IA5_STRING:
    case TAG.UTF8_STRING:
      return utf8Strict.decode(v.value);
    case 0x14: // T61String: Go reads it as Latin-1
      return latin1(v.value);
    case 0x1e: {
      // BMPString: UTF-16BE
      if (v.value.length % 2 !== 0) bad('odd BMPString');
      let s = '';
      for (let k = 0; k < v.value.length; k += 2)
        s += String.fromCharCode(((v.value[k] as number) << 8) | (v.value[k + 1] as number));
      return s;
    }
    default:
      return undefined;
  }
}

// Go (1.17+, crypto/x509 over cryptobyte) parses times with a fixed layout and refuses any text it would not
// write back identically: no fractional seconds, and a zero offset must be spelled `Z` (never `+0000`), an offset's
// minutes < 60. UTCTime may omit the seconds (Go's minute-precision fallback); GeneralizedTime may not.
const UTC_RE = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|[+-](?!0000)\d\d[0-5]\d)$/;
const GEN_RE = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(Z|[+-](?!0000)\d\d[0-5]\d)$/;

/** UTCTime (two-digit years: < 50 is 20xx, RFC 5280 §4.1.2.5.1) or GeneralizedTime, as Go's parser accepts them. */
export function parseTime(node: Der): Date {
  const s = latin1(node.value);
  let parts: string[];
  let year: number;
  if (node.tag === TAG.UTC_TIME) {
    const m = UTC_RE.exec(s);
    if (!m) bad('bad UTCTime');
    parts = m.slice(2);
    const yy = Number(m[1]);
    year = yy < 50 ? 2000 + yy : 1900 + yy;
  } else if (node.tag === TAG.GENERALIZED_TIME) {
    const m = GEN_RE.exec(s);
    if (!m) bad('bad GeneralizedTime');
    year = Number(m[1]);
    parts = m.slice(2);
  } else {
    bad('time must be UTCTime or GeneralizedTime');
  }
  const [mo, d, h, mi, sec, zone] = parts as [string, string, string, string, string | undefined, string];
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = sec === undefined ? 0 : Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
    bad('time out of range');
  // setUTCFullYear, not Date.UTC, which maps years 0-99 to 1900-1999 (and so 0000-02-29, a leap day, to none).
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCDate() !== day) bad('time out of range');
  let ms = date.setUTCHours(hour, minute, second, 0);
  if (zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) * 60_000;
  }
  return new Date(ms);
}
