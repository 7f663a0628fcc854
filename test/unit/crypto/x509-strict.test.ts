// The certificate parser against Go 1.19's crypto/x509 (the Go of the Notary 0.7.0 we pin): certificates Go refuses
// must not parse here, and the exact values of those it reads. Built field by field so each test breaks one rule.
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../../src/crypto/x509.js';
import { explicit, integer, OID, oid, seq, set, TAG, tlv } from '../../../src/encoding/der.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { isNotaryError } from '../../../src/errors.js';
import { testKey } from './cert-builder.js';
import { cnName, ext, exts, type RawParts, raw, rawCert, spkiOf, TRUE } from './raw-cert.js';

const SPKI = spkiOf(testKey('ec-P-256'));
const NAME = cnName('strict');
const cert = (p: RawParts = {}) => rawCert(p);

function reason(der: Uint8Array): string | undefined {
  try {
    parseCertificate(der);
  } catch (e) {
    if (isNotaryError(e, 'BAD_CERTIFICATE')) return String(e.details.reason);
    return `unexpected: ${String(e)}`;
  }
  return undefined;
}

describe('parseCertificate reads exact values', () => {
  it('a v3 certificate: version, serial, names, times, key and signature', () => {
    const der = cert({ afterSpki: [exts(ext(OID.basicConstraints, TRUE, seq(TRUE, integer(3))))] });
    const c = parseCertificate(der);
    expect(c.version).toBe(3);
    expect(c.serialNumber).toBe(7n);
    expect(c.issuer).toEqual(NAME);
    expect(c.subject).toEqual(NAME);
    expect(c.commonName).toBe('strict');
    expect(c.notBefore.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(c.notAfter.toISOString()).toBe('2036-01-01T00:00:00.000Z');
    expect(c).toMatchObject({ basicConstraintsValid: true, isCA: true, maxPathLen: 3, keyUsage: undefined });
    expect(c.spki).toEqual(SPKI);
    expect(c.keyAlgorithm).toBe('ecdsa');
    expect(c.curve).toBe('P-256');
    expect(c.rsaBits).toBeUndefined();
    expect(c.signatureAlgorithm).toBe('1.2.840.10045.4.3.2');
    expect(c.signatureAlgorithmName).toBe('ecdsa-with-SHA256');
    expect(c).toMatchObject({ usesSha1: false, usesWeakHash: false });
    expect(c.der).toEqual(der);
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.verifiedBy(c)).toBe(true);
  });

  it('no version field is v1; [0] 0 and [0] 1 are v1 and v2; negative serials are read as Go reads them', () => {
    expect(parseCertificate(cert({ version: null })).version).toBe(1);
    expect(parseCertificate(cert({ version: explicit(0, integer(0)) })).version).toBe(1);
    expect(parseCertificate(cert({ version: explicit(0, integer(1)) })).version).toBe(2);
    expect(parseCertificate(cert({ serial: raw(TAG.INTEGER, 0xff, 0x7f) })).serialNumber).toBe(-129n);
    expect(parseCertificate(cert({ serial: raw(TAG.INTEGER, 0x80) })).serialNumber).toBe(-128n);
  });

  it('v2 may carry issuer and subject unique IDs; v1 may not, and only v3 has extensions, last', () => {
    const ids = [raw(0x81, 0, 1), raw(0x82, 0, 2)];
    expect(parseCertificate(cert({ version: explicit(0, integer(1)), afterSpki: ids })).version).toBe(2);
    expect(reason(cert({ version: null, afterSpki: ids }))).toBe('malformed');
    const bc = exts(ext(OID.basicConstraints, TRUE, seq()));
    expect(reason(cert({ version: explicit(0, integer(1)), afterSpki: [bc] }))).toBe('malformed');
    expect(reason(cert({ afterSpki: [bc, raw(0x81, 0)] }))).toBe('malformed');
    expect(parseCertificate(cert({ afterSpki: [...ids, bc] })).basicConstraintsValid).toBe(true);
  });
});

describe('parseCertificate refuses what Go 1.19 refuses', () => {
  it('versions other than 0..2, or a version field that is not exactly one minimal INTEGER', () => {
    expect(reason(cert({ version: explicit(0, integer(3)) }))).toBe('malformed');
    expect(reason(cert({ version: explicit(0, raw(TAG.INTEGER, 0xff)) }))).toBe('malformed');
    expect(reason(cert({ version: explicit(0, raw(TAG.INTEGER, 0x00, 0x02)) }))).toBe('malformed');
    expect(reason(cert({ version: explicit(0, integer(2), integer(2)) }))).toBe('malformed');
  });

  it('a serial number with a redundant leading byte (Go: malformed serial number)', () => {
    expect(reason(cert({ serial: raw(TAG.INTEGER, 0x00, 0x07) }))).toBe('malformed');
    expect(reason(cert({ serial: raw(TAG.INTEGER, 0xff, 0x80) }))).toBe('malformed');
    expect(parseCertificate(cert({ serial: raw(TAG.INTEGER, 0x00, 0x80) })).serialNumber).toBe(128n);
  });

  it('BOOLEANs other than 0x00/0xff: a critical flag or cA of 0x01 is malformed, not true', () => {
    const one = raw(TAG.BOOLEAN, 0x01);
    expect(reason(cert({ afterSpki: [exts(ext(OID.basicConstraints, TRUE, seq(one)))] }))).toBe('malformed');
    expect(reason(cert({ afterSpki: [exts(ext(OID.basicConstraints, one, seq()))] }))).toBe('malformed');
    const falseCa = parseCertificate(
      cert({ afterSpki: [exts(ext(OID.basicConstraints, raw(TAG.BOOLEAN, 0), seq(raw(TAG.BOOLEAN, 0))))] }),
    );
    expect(falseCa).toMatchObject({ basicConstraintsValid: true, isCA: false, maxPathLen: -1 });
  });

  it('a pathLenConstraint with a redundant leading byte', () => {
    const bc = (n: Uint8Array) => cert({ afterSpki: [exts(ext(OID.basicConstraints, TRUE, seq(TRUE, n)))] });
    expect(reason(bc(raw(TAG.INTEGER, 0x00, 0x01)))).toBe('malformed');
    expect(parseCertificate(bc(raw(TAG.INTEGER, 0x00))).maxPathLen).toBe(0);
  });

  it('trailing bytes, extra top-level elements, a signature with unused bits, mismatched algorithms', () => {
    const good = cert();
    expect(reason(Uint8Array.from([...good, 0x00]))).toBe('malformed');
    expect(reason(cert({ outer: [integer(1)] }))).toBe('malformed');
    expect(reason(cert({ signature: raw(TAG.BIT_STRING, 0x01, 0x02) }))).toBe('malformed');
    expect(reason(cert({ signature: raw(TAG.BIT_STRING) }))).toBe('malformed');
    // An empty signature parses (as in Go) and verifies nothing.
    const empty = parseCertificate(cert({ signature: raw(TAG.BIT_STRING, 0x00) }));
    expect(empty.signature).toHaveLength(0);
    expect(empty.verifiedBy(empty)).toBe(false);
    // A validity of one or three times (Go reads the first two and ignores the rest; DER allows exactly two).
    const t = tlv(TAG.UTC_TIME, utf8('260101000000Z'));
    expect(reason(cert({ validity: seq(t) }))).toBe('malformed');
    expect(reason(cert({ validity: seq(t, t, t) }))).toBe('malformed');
    expect(reason(cert({ signature: raw(TAG.OCTET_STRING, 0x00, 0x02) }))).toBe('malformed');
  });

  it('duplicate extensions; a critical unknown extension is recorded, a non-critical one ignored', () => {
    const bc = ext(OID.basicConstraints, TRUE, seq());
    expect(reason(cert({ afterSpki: [exts(bc, bc)] }))).toBe('malformed');
    const c = parseCertificate(
      cert({
        afterSpki: [
          exts(
            ext('1.2.3.4', TRUE, seq()),
            ext('1.2.3.5', null, seq()),
            ext(OID.keyUsage, TRUE, raw(TAG.BIT_STRING, 7, 0x80)),
          ),
        ],
      }),
    );
    expect(c.unhandledCriticalExtensions).toEqual(['1.2.3.4']);
    expect(c.keyUsage).toBe(1);
    expect(c.basicConstraintsValid).toBe(false);
  });
});

describe('extension and name fields', () => {
  const withExts = (...e: Uint8Array[]) => parseCertificate(cert({ afterSpki: [exts(...e)] }));

  it('critical basicConstraints, keyUsage, extKeyUsage and subjectAltName are handled; others are recorded', () => {
    const c = withExts(
      ext(OID.basicConstraints, TRUE, seq()),
      ext(OID.keyUsage, TRUE, raw(TAG.BIT_STRING, 0, 0x84)),
      ext(OID.extKeyUsage, TRUE, seq(oid('1.3.6.1.5.5.7.3.1'), oid(OID.codeSigning))),
      ext('2.5.29.17', TRUE, seq(raw(0x82, 0x61))),
      ext('2.5.29.30', TRUE, seq()),
    );
    expect(c.unhandledCriticalExtensions).toEqual(['2.5.29.30']);
    expect(c.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1', OID.codeSigning]);
    expect(c.keyUsage).toBe(1 | 32);
  });

  it('keyUsage reads nine bits, Go-numbered, and ignores any beyond decipherOnly', () => {
    expect(withExts(ext(OID.keyUsage, TRUE, raw(TAG.BIT_STRING, 7, 0x80, 0x80))).keyUsage).toBe(1 | 256);
    expect(withExts(ext(OID.keyUsage, TRUE, raw(TAG.BIT_STRING, 0, 0x01, 0x7f, 0xff))).keyUsage).toBe(128);
    expect(withExts(ext(OID.keyUsage, TRUE, raw(TAG.BIT_STRING, 0, 0x40))).keyUsage).toBe(2);
    expect(withExts(ext(OID.keyUsage, TRUE, raw(TAG.BIT_STRING, 0))).keyUsage).toBe(0);
  });

  it('without extensions: no basicConstraints, pathLen -1, no key usage', () => {
    const c = parseCertificate(cert());
    expect(c).toMatchObject({ basicConstraintsValid: false, isCA: false, maxPathLen: -1, keyUsage: undefined });
    expect(c.extKeyUsage).toEqual([]);
    expect(c.unhandledCriticalExtensions).toEqual([]);
  });

  it('a CN that is not a string type is skipped; IA5String is read; bad UTF-8 or an odd BMPString is malformed', () => {
    const subject = (...atvs: Uint8Array[]) => cert({ subject: seq(...atvs.map((a) => set(a))) });
    const cn = (v: Uint8Array) => seq(oid(OID.commonName), v);
    expect(parseCertificate(subject(cn(raw(TAG.IA5_STRING, 0x61)), cn(raw(TAG.OCTET_STRING, 0x62)))).commonName).toBe(
      'a',
    );
    expect(parseCertificate(subject(cn(raw(TAG.PRINTABLE_STRING, 0x62)))).commonName).toBe('b');
    expect(reason(subject(cn(raw(TAG.UTF8_STRING, 0xff))))).toBe('malformed');
    expect(reason(subject(cn(raw(0x1e, 0x00, 0x61, 0x00))))).toBe('malformed');
    expect(reason(cert({ subject: raw(TAG.SET) }))).toBe('malformed');
  });

  it('time fields: every range limit, both offset signs', () => {
    const nb = (tag: number, s: string) =>
      parseCertificate(
        cert({ validity: seq(tlv(tag, utf8(s)), tlv(TAG.UTC_TIME, utf8('491231235959Z'))) }),
      ).notBefore.toISOString();
    const refused = (tag: number, s: string) =>
      reason(cert({ validity: seq(tlv(tag, utf8(s)), tlv(TAG.UTC_TIME, utf8('491231235959Z'))) }));
    expect(nb(TAG.UTC_TIME, '261231235959Z')).toBe('2026-12-31T23:59:59.000Z');
    expect(nb(TAG.UTC_TIME, '260101000000-0130')).toBe('2026-01-01T01:30:00.000Z');
    expect(nb(TAG.UTC_TIME, '260101000000+2359')).toBe('2025-12-31T00:01:00.000Z');
    expect(nb(TAG.GENERALIZED_TIME, '99991231235959Z')).toBe('9999-12-31T23:59:59.000Z');
    for (const s of [
      '260001000000Z',
      '261301000000Z',
      '260100000000Z',
      '260132000000Z',
      '260101240000Z',
      '260101006000Z',
      '260101000060Z',
      '260431000000Z',
      '2601010000Z0',
      '26010100000Z',
    ]) {
      expect([s, refused(TAG.UTC_TIME, s)]).toEqual([s, 'malformed']);
    }
    expect(refused(TAG.GENERALIZED_TIME, '202601010000Z')).toBe('malformed');
    expect(refused(TAG.GENERALIZED_TIME, '020260101120000Z')).toBe('malformed');
    expect(refused(TAG.GENERALIZED_TIME, '20260101120000Z0')).toBe('malformed');
    expect(refused(TAG.GENERALIZED_TIME, '20250229000000Z')).toBe('malformed');
    expect(nb(TAG.GENERALIZED_TIME, '20240229000000Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(refused(TAG.OCTET_STRING, '260101000000Z')).toBe('malformed');
  });
});
