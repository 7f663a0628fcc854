// The certificate parser against Go 1.19's crypto/x509 (the Go of the Notary 0.7.0 we pin): certificates Go refuses
// must not parse here, and the exact values of those it reads. Built field by field so each test breaks one rule.
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../../src/crypto/x509.js';
import { explicit, integer, OID, seq, TAG } from '../../../src/encoding/der.js';
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
