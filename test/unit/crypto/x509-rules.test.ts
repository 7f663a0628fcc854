// Notary's certificate rules at their exact boundaries, with the details each refusal carries, and Go x509.Verify's
// chain rules (validity to the millisecond, path length, chain depth).
import { describe, expect, it } from 'vitest';
import { encodePem } from '../../../src/crypto/pem.js';
import {
  type Certificate,
  certificatePem,
  checkCertificate,
  firstCertificate,
  isCertificateAcceptable,
  MIN_RSA_BITS,
  matchCommonNameToGun,
  parseCertificate,
  parseCertificateChain,
  validateRootCertificate,
  verifyCertificateChain,
} from '../../../src/crypto/x509.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { isNotaryError } from '../../../src/errors.js';
import { buildCert, type CertSpec, DAY, leafSpec, NOW, testKey } from './cert-builder.js';

const GUN = 'example.com/app';

function details(fn: () => unknown): Record<string, unknown> | undefined {
  try {
    fn();
  } catch (e) {
    if (isNotaryError(e, 'BAD_CERTIFICATE')) return e.details;
    return { unexpected: String(e) };
  }
  return undefined;
}

const at = (ms: number) => new Date(NOW.getTime() + ms);
const cert = (over: Partial<CertSpec> = {}) => parseCertificate(buildCert(leafSpec(GUN, over)));

describe('checkCertificate boundaries and details', () => {
  it('a window of one instant is valid; expiry is strictly after notAfter; one day of leeway exactly', () => {
    const c = cert({ notBefore: NOW, notAfter: NOW });
    expect(() => checkCertificate(c, NOW)).not.toThrow();
    expect(details(() => checkCertificate(c, at(1000)))).toEqual({
      reason: 'expired',
      cn: GUN,
      notBefore: NOW.toISOString(),
      notAfter: NOW.toISOString(),
    });
    const early = cert({ notBefore: at(DAY), notAfter: at(2 * DAY) });
    expect(isCertificateAcceptable(early, NOW)).toBe(true);
    expect(details(() => checkCertificate(early, at(-1000)))).toEqual({
      reason: 'not-yet-valid',
      cn: GUN,
      notBefore: at(DAY).toISOString(),
      notAfter: at(2 * DAY).toISOString(),
    });
    expect(details(() => checkCertificate(cert({ notBefore: at(1000), notAfter: NOW })))).toEqual({
      reason: 'invalid-validity-window',
      cn: GUN,
    });
  });

  it('names the hash and the key size it refuses', () => {
    expect(details(() => checkCertificate(cert({ sigAlg: 'ecdsa-sha1' })))).toEqual({
      reason: 'sha1-signature',
      cn: GUN,
      signatureAlgorithm: 'ecdsa-with-SHA1',
    });
    const rsa = testKey('rsa-2048');
    expect(details(() => checkCertificate(cert({ key: rsa, signer: rsa, sigAlg: 'rsa-md5' })))).toEqual({
      reason: 'weak-signature',
      cn: GUN,
      signatureAlgorithm: 'md5WithRSAEncryption',
    });
    const small = testKey('rsa-1024');
    expect(details(() => checkCertificate(cert({ key: small, signer: small, sigAlg: 'rsa-sha256' })))).toEqual({
      reason: 'rsa-key-too-small',
      cn: GUN,
      bits: 1024,
    });
    expect(MIN_RSA_BITS).toBe(2048);
  });

  it('isCertificateAcceptable is false exactly when checkCertificate throws', () => {
    expect(isCertificateAcceptable(cert(), NOW)).toBe(true);
    expect(isCertificateAcceptable(cert({ notAfter: at(-1) }), NOW)).toBe(false);
    expect(isCertificateAcceptable(cert({ notAfter: at(-1) }))).toBe(true);
  });
});

describe('parseCertificateChain, firstCertificate', () => {
  it('names the block type it refuses; keeps the order of the bundle', () => {
    const a = buildCert(leafSpec('a'));
    const b = buildCert(leafSpec('b'));
    expect(parseCertificateChain(certificatePem([b, a])).map((c) => c.commonName)).toEqual(['b', 'a']);
    expect(details(() => parseCertificateChain(utf8(encodePem('CERTIFICATE', a) + encodePem('X509 CRL', a))))).toEqual({
      reason: 'not-a-certificate',
      type: 'X509 CRL',
    });
    expect(details(() => parseCertificateChain(utf8('')))).toEqual({ reason: 'no-certificates' });
  });

  it('firstCertificate takes the first usable block, not a later one', () => {
    const text =
      encodePem('CERTIFICATE', buildCert(leafSpec('one'))) + encodePem('CERTIFICATE', buildCert(leafSpec('two')));
    expect(firstCertificate(utf8(text)).commonName).toBe('one');
    expect(details(() => firstCertificate(utf8(encodePem('CERTIFICATE', new Uint8Array(3)))))).toEqual({
      reason: 'no-certificates',
    });
  });
});

describe('matchCommonNameToGun: Notary trims only the trailing stars', () => {
  it('a star inside the CN is literal', () => {
    expect(matchCommonNameToGun('example.com/*/x*', 'example.com/*/xyz')).toBe(true);
    expect(matchCommonNameToGun('example.com/*/x*', 'example.com/a/xyz')).toBe(false);
  });
});

describe('validateRootCertificate details', () => {
  const ca = testKey('ec-P-256-ca');
  const caSpec = (over: Partial<CertSpec> = {}): CertSpec =>
    leafSpec('Test CA', { key: ca, signer: ca, isCA: true, keyUsage: 32, ...over });
  const pemOf = (...specs: CertSpec[]) => certificatePem(specs.map(buildCert));

  it('counts the leaves and names the CN and GUN', () => {
    expect(details(() => validateRootCertificate(pemOf(caSpec()), { gun: GUN, now: NOW }))).toEqual({
      reason: 'leaf-count',
      leaves: 0,
    });
    expect(
      details(() => validateRootCertificate(pemOf(leafSpec(GUN), leafSpec(GUN), caSpec()), { gun: GUN, now: NOW })),
    ).toEqual({ reason: 'leaf-count', leaves: 2 });
    expect(details(() => validateRootCertificate(pemOf(leafSpec('other')), { gun: GUN, now: NOW }))).toEqual({
      reason: 'common-name-mismatch',
      cn: 'other',
      gun: GUN,
    });
    const ed = testKey('ed25519');
    expect(
      details(() =>
        validateRootCertificate(pemOf(leafSpec(GUN, { key: ed, signer: ed, sigAlg: 'ed25519' })), {
          gun: GUN,
          now: NOW,
        }),
      ),
    ).toEqual({ reason: 'unsupported-key', cn: GUN });
  });

  it('drops CAs that fail checkCertificate at now (SHA-1, not yet valid) but keeps an expired leaf with checkExpiry false', () => {
    const leaf = buildCert(leafSpec(GUN, { issuerCN: 'Test CA', signer: ca, notAfter: at(-DAY) }));
    const sha1 = buildCert(caSpec({ sigAlg: 'ecdsa-sha1' }));
    const future = buildCert(caSpec({ notBefore: at(2 * DAY), notAfter: at(3 * DAY) }));
    const good = buildCert(caSpec());
    const bundle = validateRootCertificate(certificatePem([leaf, sha1, future, good]), {
      gun: GUN,
      now: NOW,
      checkExpiry: false,
    });
    expect(bundle.intermediates.map((c) => c.der)).toEqual([good]);
    expect(bundle.pem).toEqual(certificatePem([leaf, good]));
    expect(bundle.keyType).toBe('ecdsa-x509');
    expect(
      details(() => validateRootCertificate(certificatePem([leaf, good]), { gun: GUN, now: NOW, checkExpiry: true })),
    ).toMatchObject({
      reason: 'expired',
    });
  });
});

describe('verifyCertificateChain: Go x509.Verify', () => {
  const rootKey = testKey('ec-P-384');
  const intKey = testKey('ec-P-256-int');
  const root = (over: Partial<CertSpec> = {}) =>
    parseCertificate(
      buildCert(leafSpec('Root CA', { key: rootKey, signer: rootKey, isCA: true, keyUsage: 32, ...over })),
    );
  const leafBy = (issuerCN: string, signer = rootKey, over: Partial<CertSpec> = {}) =>
    parseCertificate(buildCert(leafSpec(GUN, { key: testKey('ec-P-256'), signer, issuerCN, ...over })));

  it('every certificate valid from notBefore to notAfter inclusive, to the millisecond', () => {
    const r = root({ notBefore: NOW, notAfter: NOW });
    const l = leafBy('Root CA', rootKey, { notBefore: NOW, notAfter: NOW });
    expect(verifyCertificateChain(l, [], [r], NOW)).toHaveLength(2);
    expect(details(() => verifyCertificateChain(l, [], [r], at(1)))).toEqual({ reason: 'no-chain', cn: GUN });
    expect(details(() => verifyCertificateChain(l, [], [r], at(-1)))).toMatchObject({ reason: 'no-chain' });
    const lateRoot = root({ notBefore: at(1000), notAfter: at(DAY) });
    expect(details(() => verifyCertificateChain(leafBy('Root CA'), [], [lateRoot], NOW))).toMatchObject({
      reason: 'no-chain',
    });
  });

  it('pathLen 0 lets a CA sign leaves only; an unknown critical extension on the root breaks the chain', () => {
    expect(verifyCertificateChain(leafBy('Root CA'), [], [root({ pathLen: 0 })], NOW)).toHaveLength(2);
    expect(
      details(() => verifyCertificateChain(leafBy('Root CA'), [], [root({ criticalUnknownExtension: true })], NOW)),
    ).toMatchObject({
      reason: 'no-chain',
    });
  });

  it('an intermediate must be usable and within its own path length', () => {
    const inter = (over: Partial<CertSpec> = {}) =>
      parseCertificate(
        buildCert(
          leafSpec('Int CA', { key: intKey, signer: rootKey, issuerCN: 'Root CA', isCA: true, keyUsage: 32, ...over }),
        ),
      );
    const viaInt = leafBy('Int CA', intKey);
    expect(verifyCertificateChain(viaInt, [inter({ pathLen: 0 })], [root()], NOW)).toHaveLength(3);
    expect(
      details(() => verifyCertificateChain(viaInt, [inter({ criticalUnknownExtension: true })], [root()], NOW)),
    ).toMatchObject({
      reason: 'no-chain',
    });
    // The extended key usage of every certificate counts, not only the leaf's.
    expect(
      details(() => verifyCertificateChain(viaInt, [inter({ eku: ['1.3.6.1.5.5.7.3.3'] })], [root()], NOW)),
    ).toMatchObject({
      reason: 'no-chain',
    });
    expect(
      details(() => verifyCertificateChain(viaInt, [inter()], [root({ eku: ['1.3.6.1.5.5.7.3.3'] })], NOW)),
    ).toMatchObject({
      reason: 'no-chain',
    });
  });

  it('chains of up to 9 intermediates (11 certificates) are searched; deeper ones are not (a DoS bound)', () => {
    const chainOf = (n: number): { leaf: Certificate; inters: Certificate[] } => {
      // Root CA → I1 → … → In → leaf, all intermediates under one key.
      const inters: Certificate[] = [];
      for (let i = 1; i <= n; i++) {
        inters.push(
          parseCertificate(
            buildCert(
              leafSpec(`I${i}`, {
                key: intKey,
                signer: i === 1 ? rootKey : intKey,
                issuerCN: i === 1 ? 'Root CA' : `I${i - 1}`,
                isCA: true,
                keyUsage: 32,
              }),
            ),
          ),
        );
      }
      return { leaf: leafBy(`I${n}`, intKey), inters: inters.reverse() };
    };
    const nine = chainOf(9);
    expect(verifyCertificateChain(nine.leaf, nine.inters, [root()], NOW)).toHaveLength(11);
    const ten = chainOf(10);
    expect(details(() => verifyCertificateChain(ten.leaf, ten.inters, [root()], NOW))).toMatchObject({
      reason: 'no-chain',
    });
  });

  it('tries the other intermediates after a dead end, and ignores a cycle', () => {
    const dead = parseCertificate(
      buildCert(
        leafSpec('Int CA', {
          key: intKey,
          signer: testKey('ec-P-384-other'),
          issuerCN: 'Other Root',
          isCA: true,
          keyUsage: 32,
        }),
      ),
    );
    const good = parseCertificate(
      buildCert(
        leafSpec('Int CA', { key: intKey, signer: rootKey, issuerCN: 'Root CA', isCA: true, keyUsage: 32, serial: 2n }),
      ),
    );
    const viaInt = leafBy('Int CA', intKey);
    const r = root();
    const chain = verifyCertificateChain(viaInt, [dead, good], [r], NOW);
    expect(chain.map((c) => c.der)).toEqual([viaInt.der, good.der, r.der]);
    // A self-issued intermediate signs itself: it must not be added twice.
    const self = parseCertificate(
      buildCert(
        leafSpec('Int CA', { key: intKey, signer: intKey, issuerCN: 'Int CA', isCA: true, keyUsage: 32, serial: 3n }),
      ),
    );
    expect(details(() => verifyCertificateChain(viaInt, [self], [root()], NOW))).toMatchObject({ reason: 'no-chain' });
    // Next to the real intermediate, the self-issued one is passed through once, never twice (Go skips repeats too).
    const via = verifyCertificateChain(viaInt, [self, good], [r], NOW);
    expect(via.map((c) => c.der)).toEqual([viaInt.der, self.der, good.der, r.der]);
  });
});
