// Trust pinning in Notary's priority order, including a CA-pinned root with an intermediate.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPinChecker, TrustedSet } from '../../../src/client/index.js';
import { certificatePem, type RootCertificateBundle, validateRootCertificate } from '../../../src/crypto/index.js';
import { isNotaryError } from '../../../src/errors.js';
import { parseRoot, tufKeyId } from '../../../src/metadata/index.js';
import { caChainRoot } from '../../helpers/ca-chain-root.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';
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
  const { caDer, otherCaDer } = caChainRoot(sim, NOW.getTime());
  return { sim, caPem: certificatePem([caDer]), otherCaPem: certificatePem([otherCaDer]) };
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

/** The root key's certificate bundle of `sim`, validated as the trusted set does before asking the pin. */
function bundleOf(sim: RepoSimulator): RootCertificateBundle {
  const root = parseRoot(sim.file('root')).signed;
  const [id] = root.baseRole('root').keyIds;
  return validateRootCertificate(root.keys.get(id as string)?.public as Uint8Array, { gun: GUN, now: NOW });
}

const opts = { firstBootstrap: true, now: NOW };
const noPins = { certs: {}, ca: {}, disableTofu: false };

/** PINNING_FAILED's details, or the code of anything else thrown. */
function failure(fn: () => unknown): unknown {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (isNotaryError(e, 'PINNING_FAILED')) return e.details;
    throw e;
  }
}

describe('which certs entry pins a GUN', () => {
  const id = 'c'.repeat(64);

  it('the longest matching wildcard wins whatever the key order', () => {
    for (const certs of [
      { 'example.com/pinned/*': [id], 'example.com/*': [] },
      { 'example.com/*': [], 'example.com/pinned/*': [id] },
    ]) {
      const c = createPinChecker({ ...noPins, certs }, GUN, opts);
      expect([c.mode, c.matched]).toEqual(['certs-wildcard', 'example.com/pinned/*']);
    }
  });

  it('keys that do not cover the GUN are ignored: another GUN, a prefix without "*", a wildcard elsewhere', () => {
    for (const key of [
      `${GUN}x`, // one character longer: not a prefix, not a wildcard
      'example.com/pinned/', // a prefix of the GUN, but only "prefix*" keys are wildcards
      'example.org/*', // shares the first characters only
      `${GUN}/*`, // a wildcard under the GUN
      '*x',
    ]) {
      const c = createPinChecker({ ...noPins, certs: { [key]: [id] } }, GUN, opts);
      expect({ key, mode: c.mode }).toEqual({ key, mode: 'tofu' });
    }
  });

  it('the matched wildcard’s IDs are the pin: the root key passes, another ID does not', () => {
    const sim = new RepoSimulator({ gun: GUN });
    const bundle = bundleOf(sim);
    const rootId = tufKeyId({ type: bundle.keyType, public: bundle.pem });
    const pinned = createPinChecker({ ...noPins, certs: { 'example.com/*': [rootId], 'other/*': [] } }, GUN, opts);
    expect(pinned.accepts(bundle)).toBe(true);
    const upper = createPinChecker({ ...noPins, certs: { [GUN]: [rootId.toUpperCase()] } }, GUN, opts);
    expect(upper.accepts(bundle)).toBe(true);
    const other = createPinChecker({ ...noPins, certs: { 'example.com/*': [id] } }, GUN, opts);
    expect(other.accepts(bundle)).toBe(false);
  });
});

describe('CA pinning', () => {
  it('the longest CA prefix wins whatever the key order; its file is the one read', () => {
    const { sim, caPem, otherCaPem } = caRepo();
    const bundle = bundleOf(sim);
    const files: Record<string, Uint8Array> = { '/ca.pem': caPem, '/other.pem': otherCaPem };
    const readFile = (p: string) => files[p] as Uint8Array;
    const longest = 'example.com/pinned/';
    for (const [ca, accepted] of [
      [{ [longest]: '/ca.pem', 'example.com/': '/other.pem' }, true],
      [{ 'example.com/': '/other.pem', [longest]: '/ca.pem' }, true],
      [{ 'example.com/': '/ca.pem', [longest]: '/other.pem' }, false],
      [{ [longest]: '/other.pem', 'example.com/': '/ca.pem', '': '/ca.pem' }, false],
    ] as const) {
      const c = createPinChecker({ ...noPins, ca }, GUN, { ...opts, readFile });
      expect([c.mode, c.matched, c.accepts(bundle)]).toEqual(['ca', longest, accepted]);
    }
  });

  it('without an injected reader the CA file is read from disk', () => {
    const { sim, caPem } = caRepo();
    const file = join(tempDir('nt-pin-ca-'), 'ca.pem');
    writeFileSync(file, caPem);
    const c = createPinChecker({ ...noPins, ca: { 'example.com/': file } }, GUN, opts);
    expect(c.accepts(bundleOf(sim))).toBe(true);
  });

  it('PINNING_FAILED details name the GUN, the prefix, the file and the reason', () => {
    const missing = join(tempDir('nt-pin-ca-'), 'missing.pem');
    expect(failure(() => createPinChecker({ ...noPins, ca: { 'example.com/': missing } }, GUN, opts))).toEqual({
      gun: GUN,
      prefix: 'example.com/',
      file: missing,
      reason: 'ca-unreadable',
    });
    const k = testKey('ec-P-256-old');
    const expired = certificatePem([
      buildCert({ subjectCN: 'Old', key: k, signer: k, isCA: true, notBefore: new Date(0), notAfter: new Date(DAY) }),
    ]);
    const readFile = () => expired;
    expect(failure(() => createPinChecker({ ...noPins, ca: { '': '/old.pem' } }, GUN, { ...opts, readFile }))).toEqual({
      gun: GUN,
      prefix: '',
      file: '/old.pem',
      reason: 'ca-invalid',
    });
    const noTofu = { ...noPins, disableTofu: true };
    expect(failure(() => createPinChecker(noTofu, GUN, opts))).toEqual({ gun: GUN, reason: 'tofu-disabled' });
    // disable_tofu is about first use only: with a cached root, TOFU applies.
    expect(createPinChecker(noTofu, GUN, { ...opts, firstBootstrap: false }).mode).toBe('tofu');
  });
});
