// Trust pinning in Notary's priority order, including a CA-pinned root with an intermediate.
import { describe, expect, it } from 'vitest';
import { createPinChecker, TrustedSet } from '../../../src/client/index.js';
import { certificatePem, generateKey, privateKeyObject } from '../../../src/crypto/index.js';
import { isNotaryError } from '../../../src/errors.js';
import { parseRoot } from '../../../src/metadata/index.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';
import { buildCert, testKey } from '../crypto/cert-builder.js';

const NOW = new Date('2030-01-02T00:00:00Z');
const DAY = 86_400_000;
const GUN = 'example.com/pinned/repo';

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (isNotaryError(e)) return e.code;
    throw e;
  }
}

/** A simulator whose root key is a leaf issued by an intermediate issued by a CA. */
function caRepo(): { sim: RepoSimulator; caPem: Uint8Array; otherCaPem: Uint8Array } {
  const sim = new RepoSimulator({ gun: GUN });
  const ca = testKey('ec-P-256-ca');
  const inter = testKey('ec-P-256-int');
  const other = testKey('ec-P-256-other');
  const leafKey = generateKey('ecdsa');
  const window = { notBefore: new Date(NOW.getTime() - DAY), notAfter: new Date(NOW.getTime() + 365 * DAY) };
  const caDer = buildCert({ subjectCN: 'Test CA', key: ca, signer: ca, isCA: true, keyUsage: 32 | 1, ...window });
  const otherDer = buildCert({
    subjectCN: 'Other CA',
    key: other,
    signer: other,
    isCA: true,
    keyUsage: 32 | 1,
    ...window,
  });
  const intDer = buildCert({
    subjectCN: 'Test Int',
    issuerCN: 'Test CA',
    key: inter,
    signer: ca,
    isCA: true,
    keyUsage: 32 | 1,
    serial: 2n,
    ...window,
  });
  const leafDer = buildCert({
    subjectCN: GUN,
    issuerCN: 'Test Int',
    key: privateKeyObject(leafKey),
    signer: inter,
    keyUsage: 1 | 4,
    serial: 3n,
    ...window,
  });
  sim.rootKeys = [{ key: leafKey, cert: { type: 'ecdsa-x509', public: certificatePem([leafDer, intDer]) } }];
  sim.signRoot([]);
  return { sim, caPem: certificatePem([caDer]), otherCaPem: certificatePem([otherDer]) };
}

describe('trust pinning priority (trustpinning/trustpin.go)', () => {
  it('certs[gun] beats a wildcard, the longest wildcard wins, CA next, TOFU last', () => {
    const p = {
      certs: { [GUN]: ['a'.repeat(64)], 'example.com/*': ['b'.repeat(64)], 'example.com/pinned/*': ['c'.repeat(64)] },
      ca: { 'example.com/': 'x' },
      disableTofu: false,
    };
    expect(createPinChecker(p, GUN, { firstBootstrap: true, now: NOW }).mode).toBe('certs');
    const w = createPinChecker({ ...p, certs: { 'example.com/*': [], 'example.com/pinned/*': [] } }, GUN, {
      firstBootstrap: true,
      now: NOW,
    });
    expect([w.mode, w.matched]).toEqual(['certs-wildcard', 'example.com/pinned/*']);
    expect(
      codeOf(() =>
        createPinChecker({ certs: {}, ca: { 'example.com/': '/nonexistent/ca.pem' }, disableTofu: false }, GUN, {
          firstBootstrap: true,
          now: NOW,
        }),
      ),
    ).toBe('PINNING_FAILED');
    expect(
      createPinChecker({ certs: {}, ca: { 'other/': 'x' }, disableTofu: false }, GUN, {
        firstBootstrap: true,
        now: NOW,
      }).mode,
    ).toBe('tofu');
  });

  it('an empty pinned list matches nothing', () => {
    const sim = new RepoSimulator({ gun: GUN });
    const pin = createPinChecker({ certs: { [GUN]: [] }, ca: {}, disableTofu: false }, GUN, {
      firstBootstrap: true,
      now: NOW,
    });
    expect(codeOf(() => TrustedSet.bootstrap(sim.file('root'), { gun: GUN, now: NOW, pin, allowExpired: false }))).toBe(
      'PINNING_FAILED',
    );
  });

  it('CA pinning: the leaf must chain to the pinned CA through the bundle intermediates', () => {
    const { sim, caPem, otherCaPem } = caRepo();
    const root = sim.file('root');
    // The root lists leaf + intermediate as one ecdsa-x509 key.
    expect([...parseRoot(root).signed.keys.values()].some((k) => k.type === 'ecdsa-x509')).toBe(true);
    const good = createPinChecker({ certs: {}, ca: { 'example.com/': '/ca.pem' }, disableTofu: true }, GUN, {
      firstBootstrap: true,
      now: NOW,
      readFile: () => caPem,
    });
    expect(codeOf(() => TrustedSet.bootstrap(root, { gun: GUN, now: NOW, pin: good, allowExpired: false }))).toBe('ok');
    const bad = createPinChecker({ certs: {}, ca: { 'example.com/pinned': '/other.pem' }, disableTofu: true }, GUN, {
      firstBootstrap: true,
      now: NOW,
      readFile: () => otherCaPem,
    });
    expect(codeOf(() => TrustedSet.bootstrap(root, { gun: GUN, now: NOW, pin: bad, allowExpired: false }))).toBe(
      'PINNING_FAILED',
    );
  });

  it('a CA file with only expired certificates is refused', () => {
    const k = testKey('ec-P-256-old');
    const old = certificatePem([
      buildCert({
        subjectCN: 'Old',
        key: k,
        signer: k,
        isCA: true,
        notBefore: new Date(NOW.getTime() - 10 * DAY),
        notAfter: new Date(NOW.getTime() - DAY),
      }),
    ]);
    expect(
      codeOf(() =>
        createPinChecker({ certs: {}, ca: { '': '/old.pem' }, disableTofu: false }, GUN, {
          firstBootstrap: true,
          now: NOW,
          readFile: () => old,
        }),
      ),
    ).toBe('PINNING_FAILED');
  });
});
