import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/canonical/index.js';
import { createRootCertificate } from '../../../src/crypto/root-cert.js';
import { generateKey, privateKeyFromPkcs8 } from '../../../src/crypto/sign.js';
import type { PrivateKey } from '../../../src/crypto/types.js';
import { checkSignature, parseCertificateChain } from '../../../src/crypto/x509.js';
import { fromBase64 } from '../../../src/encoding/base64.js';
import { children, decodeDer, TAG } from '../../../src/encoding/der.js';
import { isNotaryError } from '../../../src/errors.js';
import { testKey } from './cert-builder.js';
import { GO_ROOT_JSON, GO_ROOT_TUF_ID } from './go-fixture.js';

const DAY = 86_400_000;

function goCertPem(): Uint8Array {
  const root = parseJson(GO_ROOT_JSON) as { signed: { keys: Record<string, { keyval: { public: string } }> } };
  return fromBase64(root.signed.keys[GO_ROOT_TUF_ID]!.keyval.public);
}

/** The TBSCertificate fields: version, serial, sigAlg, issuer, validity, subject, spki, extensions. */
function tbsFields(pem: Uint8Array): Uint8Array[] {
  const [cert] = parseCertificateChain(pem);
  return children(decodeDer(cert!.tbs)).map((n) => n.bytes);
}

function pkcs8Key(kind: string): PrivateKey {
  return privateKeyFromPkcs8(new Uint8Array(testKey(kind).export({ type: 'pkcs8', format: 'der' })));
}

describe('createRootCertificate: the certificate notary init makes', () => {
  const goPem = goCertPem();
  const [goCert] = parseCertificateChain(goPem);

  it('matches Go byte for byte in every TBS field except the key, given the same serial and time', () => {
    const ours = createRootCertificate(generateKey('ecdsa'), 'example.com/x', goCert!.notBefore, {
      serial: goCert!.serialNumber,
    });
    const a = tbsFields(ours);
    const b = tbsFields(goPem);
    expect(a).toHaveLength(8);
    expect(b).toHaveLength(8);
    for (const i of [0, 1, 2, 3, 4, 5, 7])
      expect(Buffer.from(a[i]!).toString('hex')).toBe(Buffer.from(b[i]!).toString('hex'));
    // The outer signature algorithm identifier is the same too.
    const outer = (pem: Uint8Array) => children(decodeDer(parseCertificateChain(pem)[0]!.der))[1]!.bytes;
    expect(outer(ours)).toEqual(outer(goPem));
  });

  it('is a self-signed v3 leaf with the Notary extensions, valid 3650 days from now', () => {
    const key = generateKey('ecdsa');
    const now = new Date('2026-11-23T11:40:34.909Z');
    const [cert, ...rest] = parseCertificateChain(createRootCertificate(key, 'docker.io/library/alpine', now));
    expect(rest).toHaveLength(0);
    expect(cert).toMatchObject({
      version: 3,
      commonName: 'docker.io/library/alpine',
      isCA: false,
      basicConstraintsValid: true,
      keyUsage: 1 | 4,
      extKeyUsage: ['1.3.6.1.5.5.7.3.3'],
      unhandledCriticalExtensions: [],
      keyAlgorithm: 'ecdsa',
      curve: 'P-256',
      signatureAlgorithmName: 'ecdsa-with-SHA256',
      usesSha1: false,
    });
    expect(cert!.notBefore.toISOString()).toBe('2026-11-23T11:40:34.000Z');
    expect(cert!.notAfter.getTime() - cert!.notBefore.getTime()).toBe(3650 * DAY);
    expect(cert!.issuer).toEqual(cert!.subject);
    expect(cert!.spki).toEqual(key.publicKey.public);
    expect(
      checkSignature(cert!, createPublicKey({ key: Buffer.from(key.publicKey.public), format: 'der', type: 'spki' })),
    ).toBe(true);
  });

  it('draws a fresh random serial below 2^128 each time', () => {
    const key = generateKey('ecdsa');
    const serials = new Set<bigint>();
    for (let i = 0; i < 8; i++) {
      const s = parseCertificateChain(createRootCertificate(key, 'g', new Date()))[0]!.serialNumber;
      expect(s >= 0n && s < 1n << 128n).toBe(true);
      serials.add(s);
    }
    expect(serials.size).toBe(8);
  });

  it('writes the CN as PrintableString when Go would, else UTF8String', () => {
    const key = generateKey('ecdsa');
    const cnTag = (gun: string): number => {
      const subject = tbsFields(createRootCertificate(key, gun, new Date()))[5]!;
      const atv = children(children(decodeDer(subject))[0]!)[0]!;
      return children(atv)[1]!.tag;
    };
    expect(cnTag("example.com/a-b.c:1/x=y?('+, )")).toBe(TAG.PRINTABLE_STRING);
    for (const gun of ['example.com/a_b', 'example.com/a&b', 'example.com/a*', 'example.com/ü', 'a@b']) {
      expect(cnTag(gun)).toBe(TAG.UTF8_STRING);
    }
  });

  it('uses GeneralizedTime from 2050 on and UTCTime before', () => {
    const key = generateKey('ecdsa');
    const validity = (now: Date) => children(decodeDer(tbsFields(createRootCertificate(key, 'g', now))[4]!));
    const [nb, na] = validity(new Date('2045-01-01T00:00:00Z'));
    expect(nb!.tag).toBe(TAG.UTC_TIME);
    expect(na!.tag).toBe(TAG.GENERALIZED_TIME);
    expect(Buffer.from(na!.value).toString()).toBe('20541230000000Z');
    const [nb2] = validity(new Date('2049-12-31T23:59:59.999Z'));
    expect(Buffer.from(nb2!.value).toString()).toBe('491231235959Z');
  });

  it('honours validityDays and serial options', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    const [c] = parseCertificateChain(
      createRootCertificate(generateKey('ecdsa'), 'g', now, { validityDays: 1, serial: 0n }),
    );
    expect(c!.serialNumber).toBe(0n);
    expect(c!.notAfter.toISOString()).toBe('2026-01-02T00:00:00.000Z');
    expect(() => createRootCertificate(generateKey('ecdsa'), 'g', now, { serial: -1n })).toThrow(RangeError);
    expect(() => createRootCertificate(generateKey('ecdsa'), 'g', now, { validityDays: 0 })).toThrow(RangeError);
    expect(() => createRootCertificate(generateKey('ecdsa'), '', now)).toThrow(RangeError);
  });

  it('signs P-384 keys with ecdsa-with-SHA384 and RSA keys with sha256WithRSAEncryption, as Go picks', () => {
    const [p384] = parseCertificateChain(createRootCertificate(pkcs8Key('ec-P-384'), 'g', new Date()));
    expect(p384!.signatureAlgorithmName).toBe('ecdsa-with-SHA384');
    expect(checkSignature(p384!, p384!.publicKey)).toBe(true);
    const [p521] = parseCertificateChain(createRootCertificate(pkcs8Key('ec-P-521'), 'g', new Date()));
    expect(p521!.signatureAlgorithmName).toBe('ecdsa-with-SHA512');
    const [rsa] = parseCertificateChain(createRootCertificate(pkcs8Key('rsa-2048'), 'g', new Date()));
    expect(rsa).toMatchObject({
      signatureAlgorithmName: 'sha256WithRSAEncryption',
      keyAlgorithm: 'rsa',
      rsaBits: 2048,
    });
    expect(checkSignature(rsa!, rsa!.publicKey)).toBe(true);
  });

  it('refuses ed25519 keys (Notary cannot certify them either)', () => {
    let err: unknown;
    try {
      createRootCertificate(generateKey('ed25519'), 'g', new Date());
    } catch (e) {
      err = e;
    }
    expect(isNotaryError(err, 'UNSUPPORTED_KEY')).toBe(true);
  });
});

describe('createRootCertificate edges', () => {
  const key = generateKey('ecdsa');
  const times = (now: Date, validityDays = 1) =>
    children(decodeDer(tbsFields(createRootCertificate(key, 'g', now, { validityDays }))[4]!)).map(
      (t) => `${t.tag === TAG.UTC_TIME ? 'U' : 'G'}${Buffer.from(t.value).toString()}`,
    );

  it('UTCTime exactly for 1950..2049, GeneralizedTime with four digits otherwise (years 0..9999)', () => {
    expect(times(new Date('1949-12-31T00:00:00Z'))).toEqual(['G19491231000000Z', 'U500101000000Z']);
    expect(times(new Date('2049-12-31T00:00:00Z'))).toEqual(['U491231000000Z', 'G20500101000000Z']);
    const year0 = new Date(0);
    year0.setUTCFullYear(0, 0, 1);
    year0.setUTCHours(0, 0, 0, 0);
    expect(times(year0)).toEqual(['G00000101000000Z', 'G00000102000000Z']);
    expect(times(new Date('9999-12-30T00:00:00Z'))).toEqual(['G99991230000000Z', 'G99991231000000Z']);
    expect(() => times(new Date('9999-12-31T00:00:00Z'))).toThrow(RangeError);
    const before0 = new Date(year0.getTime() - DAY);
    expect(() => times(before0)).toThrow(RangeError);
  });

  it('refuses a GUN with a lone surrogate; names the algorithm it cannot certify', () => {
    expect(() => createRootCertificate(key, 'a\ud800', new Date())).toThrow(RangeError);
    expect(() => createRootCertificate(key, '\udc00b', new Date())).toThrow(RangeError);
    expect(tbsFields(createRootCertificate(key, 'a\ud83d\ude00', new Date()))).toHaveLength(8);
    try {
      createRootCertificate(generateKey('ed25519'), 'g', new Date());
      expect.unreachable();
    } catch (e) {
      expect(isNotaryError(e, 'UNSUPPORTED_KEY') && e.details).toEqual({ algorithm: 'ed25519' });
    }
  });
});
