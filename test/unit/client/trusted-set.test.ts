// The pure trusted set against the in-memory simulator: every check ends in its error code.
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinChecker, MAX_ROOT_ROTATIONS, TrustedSet } from '../../../src/client/index.js';
import { isNotaryError, type NotaryErrorCode } from '../../../src/errors.js';
import { parseRoot, tufKeyId } from '../../../src/metadata/index.js';
import { RepoSimulator, tamper } from '../../helpers/repo-simulator.js';

const NOW = new Date('2030-01-02T00:00:00Z');

function code(fn: () => unknown): NotaryErrorCode | 'ok' {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (isNotaryError(e)) return e.code;
    throw e;
  }
}

let sim: RepoSimulator;
beforeEach(() => {
  sim = new RepoSimulator();
});

function boot(now = NOW, allowExpired = false): TrustedSet {
  return TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now, allowExpired });
}

function fullSet(now = NOW): TrustedSet {
  const set = boot(now);
  set.updateTimestamp(sim.file('timestamp'));
  set.updateSnapshot(sim.file('snapshot'));
  set.updateTargets(sim.file('targets'));
  return set;
}

describe('happy path (order root → timestamp → snapshot → targets → delegations)', () => {
  it('accepts a freshly published repository', () => {
    sim.addTarget('v1', 'hello');
    sim.addDelegation('targets/releases');
    sim.addTarget('r1', 'rel', 'targets/releases');
    sim.publish();
    const set = fullSet();
    set.updateDelegation('targets/releases', sim.file('targets/releases'));
    expect(set.targets?.signed.getTarget('v1')?.length).toBe(5);
    expect(set.delegations.get('targets/releases')?.signed.hasTarget('r1')).toBe(true);
  });

  it('refuses out-of-order loads as programming errors', () => {
    const set = boot();
    expect(() => set.updateSnapshot(sim.file('snapshot'))).toThrow(TypeError);
    expect(() => set.updateTargets(sim.file('targets'))).toThrow(TypeError);
    set.updateTimestamp(sim.file('timestamp'));
    expect(() => set.updateTimestamp(sim.file('timestamp'))).toThrow(TypeError);
    expect(() => set.updateRoot(sim.file('root'))).toThrow(TypeError);
  });
});

describe('root bootstrap (Notary ValidateRoot)', () => {
  it('5.3.4 self-signature: a tampered root fails the threshold', () => {
    expect(
      code(() => TrustedSet.bootstrap(tamper(sim.file('root')), { gun: sim.gun, now: NOW, allowExpired: false })),
    ).toBe('THRESHOLD_NOT_MET');
  });

  it('the root certificate CN must match the GUN', () => {
    expect(
      code(() => TrustedSet.bootstrap(sim.file('root'), { gun: 'example.com/other', now: NOW, allowExpired: false })),
    ).toBe('BAD_CERTIFICATE');
  });

  it('a root key that is not a certificate is not an anchor', () => {
    const other = new RepoSimulator({ gun: sim.gun });
    // Re-sign a root whose root key is a bare ecdsa key.
    other.rootKeys = [{ key: other.keys.targets[0]!, cert: other.keys.targets[0]!.publicKey }];
    const raw = other.signRoot([]);
    expect(code(() => TrustedSet.bootstrap(raw, { gun: sim.gun, now: NOW, allowExpired: false }))).toBe(
      'BAD_CERTIFICATE',
    );
  });

  it('5.3.10 an expired root is refused unless it is the cached anchor', () => {
    const later = new Date('2041-01-01T00:00:00Z');
    sim.lifetimes.root = 86_400;
    sim.rotateRoot();
    // Root certificates are still valid (10 years), the metadata expired after a day.
    expect(
      code(() =>
        TrustedSet.bootstrap(sim.file('root'), {
          gun: sim.gun,
          now: new Date('2030-01-05T00:00:00Z'),
          allowExpired: false,
        }),
      ),
    ).toBe('EXPIRED');
    expect(
      code(() =>
        TrustedSet.bootstrap(sim.file('root'), {
          gun: sim.gun,
          now: new Date('2030-01-05T00:00:00Z'),
          allowExpired: true,
        }),
      ),
    ).toBe('ok');
    // Expired certificates are refused even for the cached anchor (Notary checks leaf validity on every load).
    expect(code(() => TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now: later, allowExpired: true }))).toBe(
      'BAD_CERTIFICATE',
    );
  });

  it('trust pinning by certificate ID and CA', () => {
    const root = parseRoot(sim.file('root')).signed;
    const certId = root.baseRole('root').keyIds[0] as string;
    const ok = createPinChecker({ certs: { [sim.gun]: [certId] }, ca: {}, disableTofu: true }, sim.gun, {
      firstBootstrap: true,
      now: NOW,
    });
    expect(
      code(() => TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now: NOW, pin: ok, allowExpired: false })),
    ).toBe('ok');
    const wrong = createPinChecker(
      { certs: { 'example.com/*': ['00'.repeat(32)] }, ca: {}, disableTofu: false },
      sim.gun,
      { firstBootstrap: true, now: NOW },
    );
    expect(wrong.mode).toBe('certs-wildcard');
    expect(
      code(() => TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now: NOW, pin: wrong, allowExpired: false })),
    ).toBe('PINNING_FAILED');
    expect(
      code(() =>
        createPinChecker({ certs: {}, ca: {}, disableTofu: true }, sim.gun, { firstBootstrap: true, now: NOW }),
      ),
    ).toBe('PINNING_FAILED');
    expect(
      createPinChecker({ certs: {}, ca: {}, disableTofu: true }, sim.gun, { firstBootstrap: false, now: NOW }).mode,
    ).toBe('tofu');
    // The self-signed root certificate is its own CA only if it is a CA; Notary's leaf is not, so CA pinning to
    // it fails to chain.
    const pem = root.keys.get(certId)?.public as Uint8Array;
    const ca = createPinChecker({ certs: {}, ca: { 'example.com/': '/ca.pem' }, disableTofu: false }, sim.gun, {
      firstBootstrap: true,
      now: NOW,
      readFile: () => pem,
    });
    expect(ca.mode).toBe('ca');
    expect(tufKeyId({ type: 'ecdsa-x509', public: pem })).toBe(certId);
  });
});

describe('5.3 root rotation', () => {
  it('accepts N+1 signed by the old and the new root keys, and only that', () => {
    const set = boot();
    sim.rotateRoot({ rotate: ['root'] });
    set.updateRoot(sim.file('root'));
    expect(set.root.signed.version).toBe(2);
  });

  it('refuses a root not signed by the trusted root keys', () => {
    const set = boot();
    sim.rotateRoot({ rotate: ['root'], signWithOld: false });
    expect(code(() => set.updateRoot(sim.file('root')))).toBe('ROOT_ROTATION_FAILED');
  });

  it('refuses a root not signed by its own new keys', () => {
    const set = boot();
    sim.rotateRoot({ rotate: ['root'], signWithNew: false });
    expect(code(() => set.updateRoot(sim.file('root')))).toBe('THRESHOLD_NOT_MET');
  });

  it('versions must go up by exactly one', () => {
    const set = boot();
    sim.rotateRoot();
    sim.rotateRoot();
    expect(code(() => set.updateRoot(sim.file('root')))).toBe('ROOT_ROTATION_FAILED');
    expect(code(() => set.updateRoot(sim.byVersion.get('1.root') as Uint8Array))).toBe('ROLLBACK');
    set.updateRoot(sim.byVersion.get('2.root') as Uint8Array);
    set.updateRoot(sim.byVersion.get('3.root') as Uint8Array);
    expect(set.root.signed.version).toBe(3);
  });

  it('intermediate roots may be expired, the final one may not', () => {
    const set = boot();
    sim.lifetimes.root = 3600;
    sim.rotateRoot();
    delete sim.lifetimes.root;
    sim.rotateRoot();
    const later = TrustedSet.bootstrap(sim.byVersion.get('1.root') as Uint8Array, {
      gun: sim.gun,
      now: new Date('2030-02-01T00:00:00Z'),
      allowExpired: false,
    });
    later.updateRoot(sim.byVersion.get('2.root') as Uint8Array);
    expect(code(() => later.checkRootFresh())).toBe('EXPIRED');
    later.updateRoot(sim.byVersion.get('3.root') as Uint8Array);
    expect(code(() => later.checkRootFresh())).toBe('ok');
    expect(set.root.signed.version).toBe(1);
  });
});

describe('5.4 timestamp', () => {
  it('5.4.2 signature threshold', () => {
    expect(code(() => boot().updateTimestamp(tamper(sim.file('timestamp'))))).toBe('THRESHOLD_NOT_MET');
  });

  it('5.4.2 a timestamp signed by the snapshot key does not count', () => {
    const other = sim.keys.timestamp;
    sim.keys.timestamp = sim.keys.snapshot;
    sim.publishTimestamp();
    sim.keys.timestamp = other;
    expect(code(() => boot().updateTimestamp(sim.file('timestamp')))).toBe('THRESHOLD_NOT_MET');
  });

  it('5.4.3.1 rollback below the prior version', () => {
    const old = sim.file('timestamp');
    const newer = sim.publishTimestamp();
    expect(code(() => boot().updateTimestamp(old, newer))).toBe('ROLLBACK');
    expect(code(() => boot().updateTimestamp(newer, old))).toBe('ok');
  });

  it('same version with different bytes is a fork (Notary accepts equal versions)', () => {
    const a = sim.file('timestamp');
    sim.timestampVersion--;
    sim.now = new Date(sim.now.getTime() + 1000);
    const b = sim.publishTimestamp();
    expect(code(() => boot().updateTimestamp(b, a))).toBe('FORK');
    expect(code(() => boot().updateTimestamp(a, a))).toBe('ok');
  });

  it('a prior copy that does not verify is no floor', () => {
    const newer = tamper(sim.publishTimestamp());
    expect(code(() => boot().updateTimestamp(sim.byVersion.get('1.timestamp') as Uint8Array, newer))).toBe('ok');
  });

  it('5.4.4 freeze: expires ≤ now is expired, to the nanosecond', () => {
    sim.lifetimes.timestamp = 60;
    sim.publishTimestamp();
    const exp = new Date(sim.now.getTime() + 60_000);
    expect(code(() => boot(new Date(exp.getTime() - 1)).updateTimestamp(sim.file('timestamp')))).toBe('ok');
    expect(code(() => boot(exp).updateTimestamp(sim.file('timestamp')))).toBe('EXPIRED');
  });
});

describe('5.5 snapshot', () => {
  it('5.5.2 mix-and-match: bytes must be the ones the timestamp names', () => {
    const oldSn = sim.file('snapshot');
    sim.addTarget('x', 'y');
    sim.publish();
    const set = boot();
    set.updateTimestamp(sim.file('timestamp'));
    expect(code(() => set.updateSnapshot(oldSn))).toMatch(/HASH_MISMATCH|LENGTH_MISMATCH/);
    const same = Uint8Array.from(sim.file('snapshot'));
    same[same.length - 3] = (same[same.length - 3] as number) ^ 1;
    expect(code(() => set.updateSnapshot(same))).toBe('HASH_MISMATCH');
    expect(code(() => set.updateSnapshot(sim.file('snapshot')))).toBe('ok');
  });

  it('5.5.3 signature threshold (server signs a timestamp over a forged snapshot)', () => {
    const keys = sim.keys.snapshot;
    sim.keys.snapshot = sim.keys.targets;
    sim.publishSnapshotAndTimestamp();
    sim.keys.snapshot = keys;
    const set = boot();
    set.updateTimestamp(sim.file('timestamp'));
    expect(code(() => set.updateSnapshot(sim.file('snapshot')))).toBe('THRESHOLD_NOT_MET');
  });

  it('5.5.4 rollback: an older snapshot re-announced by a fresh timestamp', () => {
    const old = sim.file('snapshot');
    sim.addTarget('x', 'y');
    sim.publish();
    const newer = sim.file('snapshot');
    sim.serveAs('snapshot', old);
    sim.publishTimestamp();
    const set = boot();
    set.updateTimestamp(sim.file('timestamp'));
    expect(code(() => set.updateSnapshot(old, newer))).toBe('ROLLBACK');
  });

  it('5.5.5 a delegation the prior snapshot listed may not vanish while its parent still delegates it', () => {
    sim.addDelegation('targets/a');
    sim.addDelegation('targets/a/b');
    sim.addTarget('x', 'y', 'targets/a/b');
    sim.touch('targets/a');
    sim.publish();
    const prior = sim.file('snapshot');
    sim.omitFromSnapshot.add('targets/a/b');
    sim.publishSnapshotAndTimestamp();
    const set = boot();
    set.updateTimestamp(sim.file('timestamp'));
    set.updateSnapshot(sim.file('snapshot'), prior);
    expect(set.vanishedDelegations()).toEqual(['targets/a/b']);
    set.updateTargets(sim.file('targets')); // targets does not delegate targets/a/b itself
    expect(code(() => set.updateDelegation('targets/a', sim.file('targets/a')))).toBe('DELEGATION_MISSING');
    // Without a prior snapshot nothing is known to have vanished.
    const fresh = boot();
    fresh.updateTimestamp(sim.file('timestamp'));
    fresh.updateSnapshot(sim.file('snapshot'));
    expect(fresh.vanishedDelegations()).toEqual([]);
    fresh.updateTargets(sim.file('targets'));
    expect(code(() => fresh.updateDelegation('targets/a', sim.file('targets/a')))).toBe('ok');
  });

  it('5.5.5 a top-level delegation that vanished is refused with the targets that still delegates it', () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'x', 'targets/releases');
    sim.publish();
    const prior = sim.file('snapshot');
    sim.omitFromSnapshot.add('targets/releases');
    sim.publishSnapshotAndTimestamp();
    const set = boot();
    set.updateTimestamp(sim.file('timestamp'));
    set.updateSnapshot(sim.file('snapshot'), prior);
    expect(code(() => set.updateTargets(sim.file('targets')))).toBe('DELEGATION_MISSING');
    expect(set.targets).toBeUndefined();
  });

  it('5.5.6 freeze', () => {
    sim.lifetimes.snapshot = 60;
    sim.publishSnapshotAndTimestamp();
    const set = boot(new Date(sim.now.getTime() + 120_000));
    set.updateTimestamp(sim.file('timestamp'));
    expect(code(() => set.updateSnapshot(sim.file('snapshot')))).toBe('EXPIRED');
  });

  it('the root it lists must be the trusted root (else the caller looks for a newer root)', () => {
    const set = boot();
    sim.rotateRoot();
    sim.publishSnapshotAndTimestamp();
    set.updateTimestamp(sim.file('timestamp'));
    const e = (() => {
      try {
        set.updateSnapshot(sim.file('snapshot'));
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(isNotaryError(e, 'HASH_MISMATCH') && e.details['role']).toBe('root');
  });
});

describe('5.3 root walk plan (planRootWalk: pure, before any N.root.json is fetched)', () => {
  it('the trusted root itself: nothing to walk; a newer one: its version', () => {
    const set = boot();
    expect(set.planRootWalk(sim.file('root'))).toBeUndefined();
    sim.rotateRoot();
    sim.rotateRoot();
    expect(set.planRootWalk(sim.file('root'))).toBe(3);
  });

  it('an older root is ROLLBACK, the same version with other bytes FORK, an expired trusted root EXPIRED', () => {
    const v1 = sim.file('root');
    sim.lifetimes.root = 60;
    sim.rotateRoot();
    const v2 = sim.file('root');
    const set = TrustedSet.bootstrap(v2, { gun: sim.gun, now: sim.now, allowExpired: false });
    expect(code(() => set.planRootWalk(v1))).toBe('ROLLBACK');
    sim.rootVersion = 1;
    expect(code(() => set.planRootWalk(sim.rotateRoot()))).toBe('FORK');
    const late = TrustedSet.bootstrap(v2, {
      gun: sim.gun,
      now: new Date(sim.now.getTime() + 61_000),
      allowExpired: true,
    });
    expect(code(() => late.planRootWalk(v2))).toBe('EXPIRED');
  });

  it(`a jump of more than MAX_ROOT_ROTATIONS (${MAX_ROOT_ROTATIONS}) is ROOT_ROTATION_FAILED; exactly that many is planned`, () => {
    const set = boot();
    sim.rootVersion = MAX_ROOT_ROTATIONS;
    expect(set.planRootWalk(sim.rotateRoot())).toBe(1 + MAX_ROOT_ROTATIONS);
    sim.rootVersion = 2 ** 31 - 1;
    expect(code(() => set.planRootWalk(sim.rotateRoot()))).toBe('ROOT_ROTATION_FAILED');
    sim.rootVersion = 1 + MAX_ROOT_ROTATIONS;
    expect(code(() => set.planRootWalk(sim.rotateRoot()))).toBe('ROOT_ROTATION_FAILED');
  });

  it('is refused once the timestamp is loaded (programming error)', () => {
    const set = boot();
    set.updateTimestamp(sim.file('timestamp'));
    expect(() => set.planRootWalk(sim.file('root'))).toThrow(TypeError);
  });
});

describe('5.6 targets and delegations', () => {
  it('5.6.2 mix-and-match of targets', () => {
    const oldT = sim.file('targets');
    sim.addTarget('x', 'y');
    sim.publish();
    const set = boot();
    set.updateTimestamp(sim.file('timestamp'));
    set.updateSnapshot(sim.file('snapshot'));
    expect(code(() => set.updateTargets(oldT))).toMatch(/HASH_MISMATCH|LENGTH_MISMATCH/);
  });

  it('5.6.3 targets signed by the wrong key', () => {
    const keys = sim.keys.targets;
    sim.keys.targets = sim.keys.snapshot;
    sim.touch('targets');
    sim.publish();
    sim.keys.targets = keys;
    const set = boot();
    set.updateTimestamp(sim.file('timestamp'));
    set.updateSnapshot(sim.file('snapshot'));
    expect(code(() => set.updateTargets(sim.file('targets')))).toBe('THRESHOLD_NOT_MET');
  });

  it('5.6.4 rollback and fork of targets against the prior copy', () => {
    sim.addTarget('a', '1');
    sim.publish();
    const v = sim.file('targets');
    sim.addTarget('b', '2');
    sim.publish();
    const set = fullSet();
    expect(set.targets?.signed.version).toBe(3);
    const set2 = boot();
    set2.updateTimestamp(sim.file('timestamp'));
    set2.updateSnapshot(sim.file('snapshot'));
    expect(code(() => set2.updateTargets(sim.file('targets'), v))).toBe('ok');
  });

  it('5.6.5 expired targets', () => {
    sim.touch('targets', 60);
    sim.publish();
    const set = boot(new Date(sim.now.getTime() + 61_000));
    set.updateTimestamp(sim.file('timestamp'));
    set.updateSnapshot(sim.file('snapshot'));
    expect(code(() => set.updateTargets(sim.file('targets')))).toBe('EXPIRED');
  });

  it('a delegation absent from the snapshot is DELEGATION_MISSING; one not delegated is DELEGATION_INVALID', () => {
    sim.addDelegation('targets/releases');
    sim.addTarget('r', 'x', 'targets/releases');
    sim.omitFromSnapshot.add('targets/releases');
    sim.publish();
    const set = fullSet();
    expect(code(() => set.updateDelegation('targets/releases', sim.file('targets/releases')))).toBe(
      'DELEGATION_MISSING',
    );
    expect(code(() => set.updateDelegation('targets/other', sim.file('targets/releases')))).toBe('DELEGATION_INVALID');
    expect(() => set.updateDelegation('targets/a/b', sim.file('targets/releases'))).toThrow(TypeError);
  });

  it('delegation threshold, keys from the parent, expiry and mix-and-match', () => {
    const [k1] = sim.addDelegation('targets/releases', { threshold: 2, keyCount: 2 });
    sim.publish(); // targets lists both keys
    sim.addTarget('r', 'x', 'targets/releases');
    // Sign the delegation with only one of its two keys.
    const spec = sim.role('targets').delegations[0]!;
    const both = spec.keys;
    spec.keys = [k1!];
    sim.publish();
    spec.keys = both;
    const set = fullSet();
    expect(code(() => set.updateDelegation('targets/releases', sim.file('targets/releases')))).toBe(
      'THRESHOLD_NOT_MET',
    );

    sim.touch('targets/releases', 60);
    sim.publish();
    const late = fullSet(new Date(sim.now.getTime() + 61_000));
    expect(code(() => late.updateDelegation('targets/releases', sim.file('targets/releases')))).toBe('EXPIRED');
    const ok = fullSet(sim.now);
    expect(
      code(() => ok.updateDelegation('targets/releases', sim.byVersion.get('1.targets/releases') as Uint8Array)),
    ).toMatch(/HASH_MISMATCH|LENGTH_MISMATCH/);
    expect(code(() => ok.updateDelegation('targets/releases', sim.file('targets/releases')))).toBe('ok');
  });

  it('nested delegations need their parent loaded first', () => {
    sim.addDelegation('targets/a', { paths: ['app/'] });
    sim.addDelegation('targets/a/b', { paths: ['app/b/'] });
    sim.addTarget('app/b/1', 'x', 'targets/a/b');
    sim.touch('targets/a');
    sim.publish();
    const set = fullSet();
    expect(() => set.updateDelegation('targets/a/b', sim.file('targets/a/b'))).toThrow(TypeError);
    set.updateDelegation('targets/a', sim.file('targets/a'));
    set.updateDelegation('targets/a/b', sim.file('targets/a/b'));
    expect(set.delegations.size).toBe(2);
  });
});
