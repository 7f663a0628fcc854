// Certificate signature algorithms: the names and hashes the parser reports, which signatures checkSignature and
// verifiedBy accept, and the parse cache.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSignature, parseCertificate } from '../../../src/crypto/x509.js';
import { explicit, integer, nullValue, OID, oid, seq, TAG } from '../../../src/encoding/der.js';
import { testKey } from './cert-builder.js';
import { cnName, ext, exts, raw, rawCert, spkiOf, TRUE } from './raw-cert.js';

const withNull = (o: string) => seq(oid(o), nullValue());
const bare = (o: string) => seq(oid(o));
const BAD_SIG = raw(TAG.BIT_STRING, 0, 1, 2, 3);

describe('signature algorithm table', () => {
  it('names each algorithm and flags SHA-1 and MD2/MD5 (parsing does not check the signature)', () => {
    const rows: [Uint8Array, string, boolean, boolean][] = [
      [bare('1.2.840.10045.4.1'), 'ecdsa-with-SHA1', true, false],
      [bare('1.2.840.10045.4.3.2'), 'ecdsa-with-SHA256', false, false],
      [bare('1.2.840.10045.4.3.3'), 'ecdsa-with-SHA384', false, false],
      [bare('1.2.840.10045.4.3.4'), 'ecdsa-with-SHA512', false, false],
      [withNull('1.2.840.113549.1.1.2'), 'md2WithRSAEncryption', false, true],
      [withNull('1.2.840.113549.1.1.4'), 'md5WithRSAEncryption', false, true],
      [withNull('1.2.840.113549.1.1.5'), 'sha1WithRSAEncryption', true, false],
      [withNull('1.3.14.3.2.29'), 'sha1WithRSAEncryption', true, false],
      [withNull('1.2.840.113549.1.1.11'), 'sha256WithRSAEncryption', false, false],
      [withNull('1.2.840.113549.1.1.12'), 'sha384WithRSAEncryption', false, false],
      [withNull('1.2.840.113549.1.1.13'), 'sha512WithRSAEncryption', false, false],
      [bare('1.2.840.10040.4.3'), 'dsaWithSHA1', true, false],
      [bare('2.16.840.1.101.3.4.3.2'), 'dsaWithSHA256', false, false],
      [bare('1.3.101.112'), 'ed25519', false, false],
      [withNull('1.2.840.113549.1.1.10'), 'unknown', false, false],
    ];
    for (const [alg, name, sha1, weak] of rows) {
      const c = parseCertificate(rawCert({ alg, signature: BAD_SIG }));
      expect([name, c.usesSha1, c.usesWeakHash]).toEqual([name, sha1, weak]);
      expect(c.signatureAlgorithmName).toBe(name);
      expect(checkSignature(c, c.publicKey)).toBe(false);
    }
  });
});

describe('checkSignature', () => {
  const ec = (curve: string) => testKey(`ec-P-${curve}`);
  const cases: [string, Uint8Array, ReturnType<typeof testKey>, string | null][] = [
    ['ecdsa-with-SHA256', bare('1.2.840.10045.4.3.2'), ec('256'), 'sha256'],
    ['ecdsa-with-SHA384', bare('1.2.840.10045.4.3.3'), ec('384'), 'sha384'],
    ['ecdsa-with-SHA512', bare('1.2.840.10045.4.3.4'), ec('521'), 'sha512'],
    ['sha256WithRSAEncryption', withNull('1.2.840.113549.1.1.11'), testKey('rsa-2048'), 'sha256'],
    ['sha384WithRSAEncryption', withNull('1.2.840.113549.1.1.12'), testKey('rsa-2048'), 'sha384'],
    ['sha512WithRSAEncryption', withNull('1.2.840.113549.1.1.13'), testKey('rsa-2048'), 'sha512'],
    ['ed25519', bare('1.3.101.112'), testKey('ed25519'), null],
  ];

  it('accepts a signature made with the named hash and the issuer key, and nothing else', () => {
    for (const [name, alg, key, hash] of cases) {
      const c = parseCertificate(rawCert({ alg, signer: key, hash }));
      expect([name, checkSignature(c, key)]).toEqual([name, true]);
      // The same algorithm over another digest, and the right signature under another key, fail.
      if (hash !== null) {
        const other = hash === 'sha256' ? 'sha384' : 'sha256';
        expect([name, checkSignature(parseCertificate(rawCert({ alg, signer: key, hash: other })), key)]).toEqual([
          name,
          false,
        ]);
      }
      const stranger = key.asymmetricKeyType === 'rsa' ? testKey('rsa-2048-other') : testKey('ec-P-256-other');
      expect([name, checkSignature(c, stranger)]).toEqual([name, false]);
    }
  });

  it('refuses a correct SHA-1 or MD5 signature, and a DSA one', () => {
    const rsa = testKey('rsa-2048');
    const sha1 = parseCertificate(rawCert({ alg: withNull('1.2.840.113549.1.1.5'), signer: rsa, hash: 'sha1' }));
    expect(checkSignature(sha1, rsa)).toBe(false);
    const md5 = parseCertificate(rawCert({ alg: withNull('1.2.840.113549.1.1.4'), signer: rsa, hash: 'md5' }));
    expect(checkSignature(md5, rsa)).toBe(false);
    const ecSha1 = parseCertificate(rawCert({ alg: bare('1.2.840.10045.4.1'), hash: 'sha1' }));
    expect(checkSignature(ecSha1, testKey('ec-P-256'))).toBe(false);
    const dsa = generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }).privateKey;
    const dsaCert = parseCertificate(rawCert({ alg: bare('2.16.840.1.101.3.4.3.2'), signer: dsa, hash: 'sha256' }));
    expect(dsaCert.signatureAlgorithmName).toBe('dsaWithSHA256');
    expect(checkSignature(dsaCert, dsa)).toBe(false);
  });

  it('an ECDSA signature is not checked with an RSA key, nor an RSA one with an EC key', () => {
    const rsa = testKey('rsa-2048');
    const rsaCert = parseCertificate(rawCert({ alg: withNull('1.2.840.113549.1.1.11'), signer: rsa }));
    expect(checkSignature(rsaCert, testKey('ec-P-256'))).toBe(false);
    expect(checkSignature(parseCertificate(rawCert()), rsa)).toBe(false);
  });

  it('the algorithm names the key type: an ECDSA signature labelled ed25519 or RSA does not verify', () => {
    // node's verify would accept both (a null digest means SHA-256 for an EC key; RSA padding is ignored for EC).
    const ec = testKey('ec-P-256');
    expect(checkSignature(parseCertificate(rawCert({ alg: bare('1.3.101.112') })), ec)).toBe(false);
    expect(checkSignature(parseCertificate(rawCert({ alg: withNull('1.2.840.113549.1.1.11') })), ec)).toBe(false);
  });
});

describe('verifiedBy: Go CheckSignatureFrom', () => {
  const caKey = testKey('ec-P-256-ca');
  const leafOf = (issuer: string) =>
    parseCertificate(rawCert({ issuer: cnName(issuer), subject: cnName('leaf'), signer: caKey }));
  const ca = (version: Uint8Array | null, ...e: Uint8Array[]) =>
    parseCertificate(
      rawCert({
        version,
        issuer: cnName('CA'),
        subject: cnName('CA'),
        spki: spkiOf(caKey),
        signer: caKey,
        afterSpki: e.length ? [exts(...e)] : [],
      }),
    );
  const bc = (isCa: boolean) => ext(OID.basicConstraints, TRUE, seq(...(isCa ? [TRUE] : [])));
  const ku = (...bytes: number[]) => ext(OID.keyUsage, TRUE, raw(TAG.BIT_STRING, ...bytes));

  it('a v1 or v2 issuer (no extensions) may sign, a v3 one needs basicConstraints cA', () => {
    expect(leafOf('CA').verifiedBy(ca(null))).toBe(true);
    expect(leafOf('CA').verifiedBy(ca(explicit(0, integer(1))))).toBe(true);
    expect(leafOf('CA').verifiedBy(ca(explicit(0, integer(2))))).toBe(false);
    expect(leafOf('CA').verifiedBy(ca(explicit(0, integer(2)), bc(true)))).toBe(true);
    expect(leafOf('CA').verifiedBy(ca(explicit(0, integer(2)), bc(false)))).toBe(false);
    expect(leafOf('other').verifiedBy(ca(null))).toBe(false);
  });

  it('keyUsage, when it lists any usage, must include keyCertSign; an empty one restricts nothing (Go)', () => {
    const v3 = explicit(0, integer(2));
    expect(leafOf('CA').verifiedBy(ca(v3, bc(true), ku(2, 0x04)))).toBe(true); // keyCertSign only
    expect(leafOf('CA').verifiedBy(ca(v3, bc(true), ku(7, 0x80)))).toBe(false); // digitalSignature only
    expect(leafOf('CA').verifiedBy(ca(v3, bc(true), ku(0)))).toBe(true); // present, no bits: Go's KeyUsage 0
  });
});

describe('parse cache', () => {
  it('returns the same frozen object for the same bytes, and keeps the last 256 certificates', () => {
    const ders = Array.from({ length: 257 }, (_, i) => rawCert({ serial: integer(1000 + i), signature: BAD_SIG }));
    const first = parseCertificate(ders[0]!);
    expect(parseCertificate(new Uint8Array(ders[0]!))).toBe(first);
    for (const d of ders.slice(1, 256)) parseCertificate(d); // 256 cached now, the first still among them
    expect(parseCertificate(ders[0]!)).toBe(first);
    parseCertificate(ders[256]!); // the 257th evicts the oldest entry
    const again = parseCertificate(ders[0]!);
    expect(again).not.toBe(first);
    expect(again.serialNumber).toBe(1000n);
  });

  it('does not keep failures: a bad certificate throws every time', () => {
    const bad = rawCert({ serial: raw(TAG.INTEGER, 0, 1) });
    expect(() => parseCertificate(bad)).toThrow();
    expect(() => parseCertificate(bad)).toThrow();
  });
});
