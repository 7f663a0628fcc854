import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/canonical/index.js';
import { encodePem, pemBlocks } from '../../../src/crypto/pem.js';
import {
  type Certificate,
  certificatePem,
  checkCertificate,
  firstCertificate,
  isCertificateAcceptable,
  matchCommonNameToGun,
  parseCertificate,
  parseCertificateChain,
  validateRootCertificate,
  verifyCertificateChain,
} from '../../../src/crypto/x509.js';
import { fromBase64 } from '../../../src/encoding/base64.js';
import { OID, oid, seq, set, TAG, tlv } from '../../../src/encoding/der.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { isNotaryError } from '../../../src/errors.js';
import { buildCert, type CertSpec, DAY, leafSpec, NOW, testKey } from './cert-builder.js';
import { GO_ROOT_JSON, GO_ROOT_TUF_ID } from './go-fixture.js';

const GUN = 'example.com/app';
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

function pemOf(...specs: CertSpec[]): Uint8Array {
  return certificatePem(specs.map(buildCert));
}

function reason(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isNotaryError(e, 'BAD_CERTIFICATE')) return String(e.details.reason);
    return `unexpected: ${String(e)}`;
  }
  return undefined;
}

function goPem(): Uint8Array {
  const root = parseJson(GO_ROOT_JSON) as { signed: { keys: Record<string, { keyval: { public: string } }> } };
  return fromBase64(root.signed.keys[GO_ROOT_TUF_ID]!.keyval.public);
}

describe('PEM in and out', () => {
  it('re-encodes a Go-written chain byte for byte', () => {
    const pem = goPem();
    const certs = parseCertificateChain(pem);
    expect(certificatePem(certs.map((c) => c.der))).toEqual(pem);
  });

  it('writes 64-column lines, LF, a trailing newline, and concatenates chains', () => {
    const der = buildCert(leafSpec(GUN));
    const text = Buffer.from(certificatePem([der, der])).toString();
    const lines = text.split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(text.endsWith('-----END CERTIFICATE-----\n')).toBe(true);
    expect(text).not.toContain('\r');
    expect(text.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    for (const l of lines) if (!l.startsWith('-----')) expect(l.length).toBeLessThanOrEqual(64);
    expect(lines.filter((l) => !l.startsWith('-----') && l !== '').slice(0, -1)[0]).toHaveLength(64);
  });

  it('base64 of exactly 64 characters has no blank line', () => {
    const text = encodePem('X', new Uint8Array(48));
    expect(text).toBe(`-----BEGIN X-----\n${'A'.repeat(64)}\n-----END X-----\n`);
  });

  it('reads CRLF, leading text and headers; rejects unterminated blocks and bad base64', () => {
    const der = buildCert(leafSpec(GUN));
    const crlf = Buffer.from(certificatePem([der]))
      .toString()
      .replace(/\n/g, '\r\n');
    expect(parseCertificateChain(utf8(`junk\r\n${crlf}trailing`))[0]!.der).toEqual(der);
    const withHeader = encodePem('CERTIFICATE', der).replace('-----\n', '-----\nfoo: bar\n\n');
    expect(pemBlocks(utf8(withHeader))[0]).toMatchObject({ type: 'CERTIFICATE', headerCount: 1 });
    expect(reason(() => pemBlocks(utf8('-----BEGIN CERTIFICATE-----\nAAAA\n')))).toBe('malformed');
    expect(reason(() => pemBlocks(utf8('-----BEGIN CERTIFICATE-----\nA*AA\n-----END CERTIFICATE-----\n')))).toBe(
      'malformed',
    );
  });
});

describe('parseCertificateChain errors', () => {
  it('no blocks → no-certificates; another block type → not-a-certificate', () => {
    expect(reason(() => parseCertificateChain(utf8('hello')))).toBe('no-certificates');
    const der = buildCert(leafSpec(GUN));
    const mixed = utf8(encodePem('CERTIFICATE', der) + encodePem('PUBLIC KEY', new Uint8Array(4)));
    expect(reason(() => parseCertificateChain(mixed))).toBe('not-a-certificate');
  });

  it('garbage DER, truncated DER and mismatched algorithm identifiers → malformed', () => {
    const der = buildCert(leafSpec(GUN));
    expect(reason(() => parseCertificate(new Uint8Array([0x30, 0x03, 1, 2, 3])))).toBe('malformed');
    expect(reason(() => parseCertificate(der.subarray(0, der.length - 1)))).toBe('malformed');
    expect(reason(() => parseCertificate(new Uint8Array([...der, 0])))).toBe('malformed');
    expect(reason(() => parseCertificate(buildCert(leafSpec(GUN, { mismatchedAlgorithms: true }))))).toBe('malformed');
  });

  it('an unsupported certified key → unsupported-key', () => {
    const spec = leafSpec(GUN);
    const der = buildCert({ ...spec, key: testKey('ed25519'), signer: spec.signer });
    expect(parseCertificate(der).keyAlgorithm).toBe('ed25519');
    const k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
    expect(reason(() => parseCertificate(buildCert({ ...spec, key: k1 })))).toBe('unsupported-key');
  });

  it('reads the last CN, times in both encodings and Go-numbered key usage', () => {
    const c = parseCertificate(
      buildCert(
        leafSpec(GUN, {
          notBefore: new Date('1949-12-31T23:59:59Z'),
          notAfter: new Date('2050-01-01T00:00:00Z'),
          keyUsage: 1 | 32 | 256,
        }),
      ),
    );
    expect(c.commonName).toBe(GUN);
    expect(c.notBefore.toISOString()).toBe('1949-12-31T23:59:59.000Z');
    expect(c.notAfter.toISOString()).toBe('2050-01-01T00:00:00.000Z');
    expect(c.keyUsage).toBe(1 | 32 | 256);
    expect(c.maxPathLen).toBe(-1);
  });
});

describe('certificate field decoding', () => {
  const t = (tag: number, text: string) => tlv(tag, utf8(text));
  const nb = (der: Uint8Array) =>
    parseCertificate(buildCert(leafSpec(GUN, { notBeforeDer: der }))).notBefore.toISOString();

  it('reads UTCTime with offsets or without seconds, and GeneralizedTime with offsets', () => {
    expect(nb(t(TAG.UTC_TIME, '260101120000+0130'))).toBe('2026-01-01T10:30:00.000Z');
    expect(nb(t(TAG.UTC_TIME, '2601011200Z'))).toBe('2026-01-01T12:00:00.000Z');
    expect(nb(t(TAG.UTC_TIME, '500101000000Z'))).toBe('1950-01-01T00:00:00.000Z');
    expect(nb(t(TAG.UTC_TIME, '491231235959Z'))).toBe('2049-12-31T23:59:59.000Z');
    expect(nb(t(TAG.GENERALIZED_TIME, '20260101120000-0200'))).toBe('2026-01-01T14:00:00.000Z');
    expect(nb(t(TAG.GENERALIZED_TIME, '20260101120000+0059'))).toBe('2026-01-01T11:01:00.000Z');
    // Years below 100 stay themselves (not 19xx), and year 0 is a leap year as in Go's proleptic calendar.
    expect(nb(t(TAG.GENERALIZED_TIME, '00000229120000Z'))).toBe('0000-02-29T12:00:00.000Z');
    expect(nb(t(TAG.GENERALIZED_TIME, '00990101000000Z'))).toBe('0099-01-01T00:00:00.000Z');
  });

  // Go's parser (cryptobyte's ReadASN1GeneralizedTime/ReadASN1UTCTime) refuses any time it would not write back
  // byte for byte: these certificates do not parse in Notary, so they must not parse here (they did before).
  it('refuses what Go would not write back: fractional seconds, a +0000 offset, offset minutes over 59', () => {
    for (const bad of [
      t(TAG.GENERALIZED_TIME, '20260101120000.25Z'),
      t(TAG.GENERALIZED_TIME, '20260101120000.5+0100'),
      t(TAG.GENERALIZED_TIME, '20260101120000+0000'),
      t(TAG.GENERALIZED_TIME, '20260101120000-0000'),
      t(TAG.UTC_TIME, '260101120000+0000'),
      t(TAG.UTC_TIME, '260101120000-0000'),
      t(TAG.UTC_TIME, '260101120000+0060'),
      t(TAG.GENERALIZED_TIME, '20260101120000+0199'),
    ]) {
      expect(reason(() => parseCertificate(buildCert(leafSpec(GUN, { notBeforeDer: bad }))))).toBe('malformed');
    }
  });

  it('rejects malformed times', () => {
    for (const bad of [
      t(TAG.UTC_TIME, '260101120000'),
      t(TAG.UTC_TIME, '261301120000Z'),
      t(TAG.UTC_TIME, '260230120000Z'),
      t(TAG.GENERALIZED_TIME, '20260101120000.50Z'),
      t(TAG.UTF8_STRING, '260101120000Z'),
    ]) {
      expect(reason(() => parseCertificate(buildCert(leafSpec(GUN, { notBeforeDer: bad }))))).toBe('malformed');
    }
  });

  it('takes the last commonName and decodes Printable, T61 (Latin-1) and BMP strings', () => {
    const cn = (value: Uint8Array) => seq(set(seq(oid(OID.commonName), value)));
    const one = (value: Uint8Array) => parseCertificate(buildCert(leafSpec(GUN, { subjectDer: cn(value) }))).commonName;
    expect(one(t(TAG.PRINTABLE_STRING, 'a b'))).toBe('a b');
    expect(one(tlv(0x14, Uint8Array.of(0x61, 0xe9)))).toBe('a\u00e9');
    expect(one(tlv(0x1e, Uint8Array.of(0, 0x61, 0x20, 0xac)))).toBe('a\u20ac');
    const two = seq(
      set(seq(oid(OID.commonName), t(TAG.UTF8_STRING, 'first'))),
      set(seq(oid(OID.commonName), t(TAG.UTF8_STRING, 'last'))),
    );
    expect(parseCertificate(buildCert(leafSpec(GUN, { subjectDer: two }))).commonName).toBe('last');
    const none = seq(set(seq(oid('2.5.4.10'), t(TAG.UTF8_STRING, 'org'))));
    expect(parseCertificate(buildCert(leafSpec(GUN, { subjectDer: none }))).commonName).toBe('');
  });
});

describe('checkCertificate (Notary ValidateCertificate)', () => {
  const ok = (over: Partial<CertSpec> = {}) => parseCertificate(buildCert(leafSpec(GUN, over)));

  it('accepts a good certificate', () => {
    expect(() => checkCertificate(ok(), NOW)).not.toThrow();
  });

  it('expired: now > notAfter', () => {
    const c = ok({ notAfter: new Date(NOW.getTime() - 1000) });
    expect(reason(() => checkCertificate(c, NOW))).toBe('expired');
    expect(() => checkCertificate(c)).not.toThrow();
  });

  it('not-yet-valid only beyond one day of leeway', () => {
    expect(isCertificateAcceptable(ok({ notBefore: new Date(NOW.getTime() + DAY - 1000) }), NOW)).toBe(true);
    expect(reason(() => checkCertificate(ok({ notBefore: new Date(NOW.getTime() + DAY + 1000) }), NOW))).toBe(
      'not-yet-valid',
    );
  });

  it('invalid-validity-window when notBefore > notAfter, even without a clock', () => {
    const c = ok({ notBefore: new Date(NOW.getTime() + 2 * DAY), notAfter: new Date(NOW.getTime() + DAY) });
    expect(reason(() => checkCertificate(c))).toBe('invalid-validity-window');
  });

  it('sha1-signature for ecdsa-with-SHA1 and sha1WithRSA; weak-signature for md5', () => {
    expect(reason(() => checkCertificate(ok({ sigAlg: 'ecdsa-sha1' }), NOW))).toBe('sha1-signature');
    const rsa = testKey('rsa-2048');
    expect(reason(() => checkCertificate(ok({ key: rsa, signer: rsa, sigAlg: 'rsa-sha1' }), NOW))).toBe(
      'sha1-signature',
    );
    expect(reason(() => checkCertificate(ok({ key: rsa, signer: rsa, sigAlg: 'rsa-md5' }), NOW))).toBe(
      'weak-signature',
    );
  });

  it('rsa-key-too-small under 2048 bits', () => {
    const small = testKey('rsa-1024');
    const c = ok({ key: small, signer: small, sigAlg: 'rsa-sha256' });
    expect(c.rsaBits).toBe(1024);
    expect(reason(() => checkCertificate(c, NOW))).toBe('rsa-key-too-small');
    const big = testKey('rsa-2048');
    expect(isCertificateAcceptable(ok({ key: big, signer: big, sigAlg: 'rsa-sha256' }), NOW)).toBe(true);
  });
});

describe('matchCommonNameToGun', () => {
  it('exact match or a * suffix prefix match', () => {
    expect(matchCommonNameToGun(GUN, GUN)).toBe(true);
    expect(matchCommonNameToGun(GUN, `${GUN}2`)).toBe(false);
    expect(matchCommonNameToGun('example.com/*', GUN)).toBe(true);
    expect(matchCommonNameToGun('example.com/a**', GUN)).toBe(true);
    expect(matchCommonNameToGun('example.org/*', GUN)).toBe(false);
    expect(matchCommonNameToGun('*', GUN)).toBe(true);
    expect(matchCommonNameToGun('example.com/*/x', GUN)).toBe(false);
  });
});

describe('validateRootCertificate (Notary ValidateRoot per root key)', () => {
  const ca = testKey('ec-P-256-ca');
  const caSpec = (over: Partial<CertSpec> = {}): CertSpec =>
    leafSpec('Test CA', { key: ca, signer: ca, isCA: true, keyUsage: 32, ...over });

  it('accepts the real Go root certificate for its GUN and re-encodes it identically', () => {
    const pem = goPem();
    const goNow = parseCertificateChain(pem)[0]!.notBefore;
    const bundle = validateRootCertificate(pem, { gun: 'example.com/x', now: goNow });
    expect(bundle.keyType).toBe('ecdsa-x509');
    expect(bundle.pem).toEqual(pem);
    expect(bundle.intermediates).toHaveLength(0);
    expect(reason(() => validateRootCertificate(pem, { gun: 'example.com/y', now: goNow }))).toBe(
      'common-name-mismatch',
    );
  });

  it('accepts a wildcard CN', () => {
    expect(validateRootCertificate(pemOf(leafSpec('example.com/*')), { gun: GUN, now: NOW }).leaf.commonName).toBe(
      'example.com/*',
    );
  });

  it('leaf-count: zero or two leaves', () => {
    expect(reason(() => validateRootCertificate(pemOf(caSpec()), { gun: GUN, now: NOW }))).toBe('leaf-count');
    expect(reason(() => validateRootCertificate(pemOf(leafSpec(GUN), leafSpec(GUN)), { gun: GUN, now: NOW }))).toBe(
      'leaf-count',
    );
  });

  it('leaf-not-first when a CA precedes the leaf', () => {
    expect(reason(() => validateRootCertificate(pemOf(caSpec(), leafSpec(GUN)), { gun: GUN, now: NOW }))).toBe(
      'leaf-not-first',
    );
  });

  it('expired leaf fails unless checkExpiry is false', () => {
    const pem = pemOf(leafSpec(GUN, { notAfter: new Date(NOW.getTime() - DAY) }));
    expect(reason(() => validateRootCertificate(pem, { gun: GUN, now: NOW }))).toBe('expired');
    expect(validateRootCertificate(pem, { gun: GUN, now: NOW, checkExpiry: false }).leaf.commonName).toBe(GUN);
  });

  it('sha1, small rsa and ed25519 leaves are refused', () => {
    expect(
      reason(() => validateRootCertificate(pemOf(leafSpec(GUN, { sigAlg: 'ecdsa-sha1' })), { gun: GUN, now: NOW })),
    ).toBe('sha1-signature');
    const small = testKey('rsa-1024');
    expect(
      reason(() =>
        validateRootCertificate(pemOf(leafSpec(GUN, { key: small, signer: small, sigAlg: 'rsa-sha256' })), {
          gun: GUN,
          now: NOW,
        }),
      ),
    ).toBe('rsa-key-too-small');
    const ed = testKey('ed25519');
    expect(
      reason(() =>
        validateRootCertificate(pemOf(leafSpec(GUN, { key: ed, signer: ed, sigAlg: 'ed25519' })), {
          gun: GUN,
          now: NOW,
        }),
      ),
    ).toBe('unsupported-key');
  });

  it('keeps valid intermediates and silently drops expired ones, re-encoding leaf + kept CAs', () => {
    const good = buildCert(caSpec());
    const expired = buildCert(caSpec({ notAfter: new Date(NOW.getTime() - DAY) }));
    const leaf = buildCert(leafSpec(GUN, { issuerCN: 'Test CA', signer: ca }));
    const bundle = validateRootCertificate(certificatePem([leaf, expired, good]), { gun: GUN, now: NOW });
    expect(bundle.intermediates).toHaveLength(1);
    expect(bundle.pem).toEqual(certificatePem([leaf, good]));
    expect(parseCertificateChain(bundle.pem).map((c) => c.commonName)).toEqual([GUN, 'Test CA']);
    expect(bundle.intermediates[0]!.notAfter.getTime()).toBeGreaterThan(NOW.getTime());
  });

  it('rsa leaves give rsa-x509 keys', () => {
    const rsa = testKey('rsa-2048');
    const bundle = validateRootCertificate(pemOf(leafSpec(GUN, { key: rsa, signer: rsa, sigAlg: 'rsa-sha256' })), {
      gun: GUN,
      now: NOW,
    });
    expect(bundle.keyType).toBe('rsa-x509');
  });
});

describe('verifiedBy and verifyCertificateChain', () => {
  const rootKey = testKey('ec-P-384');
  const intKey = testKey('ec-P-256-int');
  const leafKey = testKey('ec-P-256');
  const root = (over: Partial<CertSpec> = {}) =>
    parseCertificate(
      buildCert(leafSpec('Root CA', { key: rootKey, signer: rootKey, isCA: true, keyUsage: 32 | 64, ...over })),
    );
  const inter = (over: Partial<CertSpec> = {}) =>
    parseCertificate(
      buildCert(
        leafSpec('Int CA', { key: intKey, signer: rootKey, issuerCN: 'Root CA', isCA: true, keyUsage: 32, ...over }),
      ),
    );
  const leaf = (over: Partial<CertSpec> = {}) =>
    parseCertificate(buildCert(leafSpec(GUN, { key: leafKey, signer: intKey, issuerCN: 'Int CA', ...over })));

  it('verifiedBy checks names, CA constraints, key usage and the signature', () => {
    expect(inter().verifiedBy(root())).toBe(true);
    expect(leaf().verifiedBy(inter())).toBe(true);
    expect(leaf().verifiedBy(root())).toBe(false); // wrong issuer name
    expect(inter().verifiedBy(root({ isCA: false }))).toBe(false);
    expect(inter().verifiedBy(root({ basicConstraints: false }))).toBe(false);
    expect(inter().verifiedBy(root({ keyUsage: 1 }))).toBe(false);
    const otherKey = testKey('ec-P-384-other');
    expect(inter().verifiedBy(root({ key: otherKey, signer: otherKey }))).toBe(false);
    expect(inter({ sigAlg: 'ecdsa-sha1' }).verifiedBy(root())).toBe(false);
  });

  it('builds leaf → intermediate → root', () => {
    const chain = verifyCertificateChain(leaf(), [inter()], [root()], NOW);
    expect(chain.map((c) => c.commonName)).toEqual([GUN, 'Int CA', 'Root CA']);
  });

  it('a leaf that is itself a pinned root is a chain of one', () => {
    const l = leaf();
    expect(verifyCertificateChain(l, [], [l], NOW)).toHaveLength(1);
  });

  it('fails without the intermediate, with an expired one, or past path length', () => {
    const r = (fn: () => unknown) => reason(fn);
    expect(r(() => verifyCertificateChain(leaf(), [], [root()], NOW))).toBe('no-chain');
    const expired = inter({ notAfter: new Date(NOW.getTime() - 1000) });
    expect(r(() => verifyCertificateChain(leaf(), [expired], [root()], NOW))).toBe('no-chain');
    expect(r(() => verifyCertificateChain(leaf(), [inter()], [root({ pathLen: 0 })], NOW))).toBe('no-chain');
    expect(verifyCertificateChain(leaf(), [inter()], [root({ pathLen: 1 })], NOW)).toHaveLength(3);
    expect(
      r(() => verifyCertificateChain(leaf({ notAfter: new Date(NOW.getTime() - 1) }), [inter()], [root()], NOW)),
    ).toBe('no-chain');
  });

  it('applies Go x509.Verify default extended key usage (serverAuth) unless told otherwise', () => {
    const codeSigning = leaf({ eku: [CODE_SIGNING] });
    expect(reason(() => verifyCertificateChain(codeSigning, [inter()], [root()], NOW))).toBe('no-chain');
    expect(verifyCertificateChain(codeSigning, [inter()], [root()], NOW, { extKeyUsage: null })).toHaveLength(3);
    expect(verifyCertificateChain(codeSigning, [inter()], [root()], NOW, { extKeyUsage: CODE_SIGNING })).toHaveLength(
      3,
    );
    expect(verifyCertificateChain(leaf({ eku: [SERVER_AUTH] }), [inter()], [root()], NOW)).toHaveLength(3);
    expect(verifyCertificateChain(leaf({ eku: ['2.5.29.37.0'] }), [inter()], [root()], NOW)).toHaveLength(3);
  });

  it('refuses certificates with unknown critical extensions', () => {
    const l = leaf({ criticalUnknownExtension: true });
    expect(l.unhandledCriticalExtensions).toEqual(['1.2.3.4.5']);
    expect(reason(() => verifyCertificateChain(l, [inter()], [root()], NOW))).toBe('no-chain');
  });
});

describe('firstCertificate (Go LoadCertFromPEM)', () => {
  it('skips blocks of other types, with headers, or that do not parse', () => {
    const der = buildCert(leafSpec(GUN));
    const other = buildCert(leafSpec('other'));
    const text =
      encodePem('PUBLIC KEY', new Uint8Array(8)) +
      encodePem('CERTIFICATE', other).replace('-----\n', '-----\nx: y\n\n') +
      encodePem('CERTIFICATE', new Uint8Array([0x30, 0])) +
      encodePem('CERTIFICATE', der);
    const c: Certificate = firstCertificate(utf8(text));
    expect(c.commonName).toBe(GUN);
    expect(reason(() => firstCertificate(utf8('nothing')))).toBe('no-certificates');
  });
});
