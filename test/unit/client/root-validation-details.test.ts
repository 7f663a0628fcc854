// Notary's ValidateRoot, the parts decision tests did not pin down (SPEC §7.8 "killing tests"): the details of
// PINNING_FAILED and ROOT_ROTATION_FAILED, an unusable key in the previous root, and what validateRoot returns.
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinChecker, TrustedSet, validateRoot } from '../../../src/client/index.js';
import { createRootCertificate, generateKey, type PrivateKey } from '../../../src/crypto/index.js';
import { isNotaryError, type NotaryError } from '../../../src/errors.js';
import { parseRoot } from '../../../src/metadata/index.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';

let sim: RepoSimulator;
beforeEach(() => {
  sim = new RepoSimulator();
});

const DAY_MS = 86_400_000;
const at = (ms: number) => new Date(sim.now.getTime() + ms);

function thrown(fn: () => unknown): NotaryError {
  try {
    fn();
  } catch (e) {
    if (isNotaryError(e)) return e;
    throw e;
  }
  throw new Error('expected a NotaryError');
}

function rootKey(gun = sim.gun, key: PrivateKey = generateKey('ecdsa')) {
  const pem = createRootCertificate(key, gun, at(-3_600_000), { validityDays: 3650 });
  return { key, cert: { type: 'ecdsa-x509' as const, public: pem } };
}

const now = () => at(DAY_MS);
const boot = () => TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now: now(), allowExpired: false });
const rootKeyIds = () => parseRoot(sim.file('root')).signed.baseRole('root').keyIds;

describe('PINNING_FAILED details', () => {
  it('pinned by GUN to another key: mode certs, matched the GUN, reason no-match', () => {
    const pin = createPinChecker({ certs: { [sim.gun]: ['ab'.repeat(32)] }, ca: {}, disableTofu: true }, sim.gun, {
      firstBootstrap: true,
      now: now(),
    });
    const e = thrown(() =>
      TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now: now(), pin, allowExpired: false }),
    );
    expect(e.code).toBe('PINNING_FAILED');
    expect(e.details).toEqual({ gun: sim.gun, mode: 'certs', matched: sim.gun, reason: 'no-match' });
  });

  it('pinned by a wildcard prefix: mode certs-wildcard, matched the prefix', () => {
    const pin = createPinChecker(
      { certs: { 'example.com/*': ['cd'.repeat(32)] }, ca: {}, disableTofu: false },
      sim.gun,
      {
        firstBootstrap: true,
        now: now(),
      },
    );
    const e = thrown(() =>
      TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now: now(), pin, allowExpired: false }),
    );
    expect(e.details).toEqual({ gun: sim.gun, mode: 'certs-wildcard', matched: 'example.com/*', reason: 'no-match' });
  });
});

describe('ROOT_ROTATION_FAILED details', () => {
  it('a new root not signed by the trusted root keys names both versions and the threshold; the cause is root', () => {
    const set = boot();
    sim.rotateRoot({ rotate: ['root'], signWithOld: false });
    const e = thrown(() => set.updateRoot(sim.file('root')));
    expect(e.code).toBe('ROOT_ROTATION_FAILED');
    expect(e.details).toEqual({ gun: sim.gun, role: 'root', trustedVersion: 1, version: 2, threshold: 1 });
    expect(e.cause).toMatchObject({ code: 'THRESHOLD_NOT_MET', details: { role: 'root', needed: 1, got: 0 } });
  });
});

describe('the previous root (step 2)', () => {
  it('a key of the previous root that is unusable for this GUN is skipped; the usable one chains', () => {
    sim.rootKeys = [rootKey('example.com/other'), rootKey()];
    sim.rootVersion = 0;
    sim.signRoot([]); // v1 lists both, the foreign certificate first
    const set = boot();
    sim.rotateRoot({ rotate: [] });
    expect(set.updateRoot(sim.file('root')).signed.version).toBe(2);
  });
});

describe('validateRoot', () => {
  it('returns the key IDs whose signatures verified', () => {
    const file = parseRoot(sim.file('root'));
    expect([...validateRoot(file, { gun: sim.gun, now: now() }).signedBy]).toEqual([...rootKeyIds()]);
  });
});
