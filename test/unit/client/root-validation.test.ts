// Notary's ValidateRoot and delegation certificate rules (SPEC §7.2, root and delegation key rows), case by case:
// which keys count as root anchors, the previous root's certificates on rotation, and x509 delegation keys.
import { generateKeyPairSync } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { TrustedSet } from '../../../src/client/index.js';
import {
  certificatePem,
  createRootCertificate,
  encodePem,
  generateKey,
  type PrivateKey,
  privateKeyFromPkcs8,
  privateKeyObject,
  signData,
} from '../../../src/crypto/index.js';
import { expiryAfter, Root, signMetadataWithKeys, tufKeyId } from '../../../src/metadata/index.js';
import { outcome } from '../../helpers/error-code.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';
import { buildCert, leafSpec, testKey } from '../crypto/cert-builder.js';

let sim: RepoSimulator;
beforeEach(() => {
  sim = new RepoSimulator();
});

const at = (ms: number) => new Date(sim.now.getTime() + ms);
const DAY_MS = 86_400_000;

function boot(now = at(DAY_MS)): TrustedSet {
  return TrustedSet.bootstrap(sim.file('root'), { gun: sim.gun, now, allowExpired: false });
}

/** A root key whose certificate is valid from an hour before the simulator's clock for `days`. */
function rootKey(key: PrivateKey = generateKey('ecdsa'), days = 3650, gun = sim.gun) {
  const pem = createRootCertificate(key, gun, at(-3_600_000), { validityDays: days });
  return {
    key,
    cert: { type: key.algorithm === 'rsa' ? ('rsa-x509' as const) : ('ecdsa-x509' as const), public: pem },
  };
}

describe('root anchors (step 1)', () => {
  it('a key typed ecdsa that carries a certificate PEM is not an anchor (only *-x509 keys are)', () => {
    const k = rootKey();
    const listed = { type: 'ecdsa' as const, public: k.cert.public };
    const root = Root.create({
      version: 1,
      expires: expiryAfter(sim.now, 3650 * 86_400),
      roles: {
        root: { keys: [listed], threshold: 1 },
        targets: { keys: [sim.keys.targets[0]!.publicKey], threshold: 1 },
        snapshot: { keys: [sim.keys.snapshot[0]!.publicKey], threshold: 1 },
        timestamp: { keys: [sim.keys.timestamp[0]!.publicKey], threshold: 1 },
      },
    });
    const sig = signData(k.key, root.canonicalBytes());
    const raw = signMetadataWithKeys(root, [], { keep: [{ keyId: tufKeyId(listed), ...sig }] }).raw;
    expect(outcome(() => TrustedSet.bootstrap(raw, { gun: sim.gun, now: at(DAY_MS), allowExpired: false })).code).toBe(
      'BAD_CERTIFICATE',
    );
  });

  it('an unusable certificate next to a usable one is ignored, not fatal', () => {
    sim.rootKeys = [rootKey(undefined, 3650, 'example.com/other'), rootKey()];
    sim.signRoot([]);
    expect(outcome(() => boot()).code).toBe('ok');
  });

  it('with no usable certificate: BAD_CERTIFICATE naming the root', () => {
    sim.rootKeys = [rootKey(undefined, 3650, 'example.com/other')];
    sim.signRoot([]);
    expect(outcome(() => boot())).toMatchObject({
      code: 'BAD_CERTIFICATE',
      details: { gun: sim.gun, role: 'root', version: 2, reason: 'no-valid-leaf' },
    });
  });
});

describe('rotation: the previous root certificates (step 2)', () => {
  it('count even when they have expired since (Notary does not check their expiry)', () => {
    const shortLived = rootKey(undefined, 1);
    const longLived = rootKey();
    sim.rootKeys = [shortLived, longLived];
    sim.signRoot([]); // v2, anchors: both; at +2 days only longLived is a valid leaf
    const set = boot(at(2 * DAY_MS));
    // v3 has a new root key and is signed by it and by the (now expired) short-lived v2 key only.
    const next = rootKey();
    sim.rootKeys = [next];
    const raw = sim.signRoot([shortLived, next]);
    expect(outcome(() => set.updateRoot(raw)).code).toBe('ok');
    expect(set.root.signed.version).toBe(3);
  });

  it('a previous root key bundling leaf + intermediate is rebuilt with the intermediate (its listed key ID)', () => {
    const inter = testKey('ec-P-256-int');
    const leafKey = generateKey('ecdsa');
    const window = { notBefore: at(-3_600_000), notAfter: at(365 * DAY_MS) };
    const intDer = buildCert({
      subjectCN: 'Test Int',
      key: inter,
      signer: inter,
      isCA: true,
      keyUsage: 32 | 1,
      ...window,
    });
    const leafDer = buildCert({
      subjectCN: sim.gun,
      issuerCN: 'Test Int',
      key: privateKeyObject(leafKey),
      signer: inter,
      keyUsage: 1 | 4,
      serial: 3n,
      ...window,
    });
    const bundled = { key: leafKey, cert: { type: 'ecdsa-x509' as const, public: certificatePem([leafDer, intDer]) } };
    sim.rootKeys = [bundled];
    sim.signRoot([]);
    const set = boot();
    // v3 is signed under the bundle's key ID only: it counts when the anchor is rebuilt as leaf + intermediate.
    const next = rootKey();
    sim.rootKeys = [next];
    expect(outcome(() => set.updateRoot(sim.signRoot([bundled, next]))).code).toBe('ok');
    expect(set.root.signed.version).toBe(3);
  });

  it('are keyed as their own type: a rotation from an RSA root certificate', () => {
    const pkcs8 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'der',
    });
    const rsa = rootKey(privateKeyFromPkcs8(new Uint8Array(pkcs8)));
    expect(rsa.cert.type).toBe('rsa-x509');
    sim.rootKeys = [rsa];
    sim.signRoot([]);
    const set = boot();
    const next = rootKey();
    sim.rootKeys = [next];
    expect(outcome(() => set.updateRoot(sim.signRoot([rsa, next]))).code).toBe('ok');
    const v2 = TrustedSet.bootstrap(sim.byVersion.get('2.root') as Uint8Array, {
      gun: sim.gun,
      now: at(DAY_MS),
      allowExpired: false,
    });
    sim.rootVersion = 2;
    expect(outcome(() => v2.updateRoot(sim.signRoot([next])))).toMatchObject({
      code: 'ROOT_ROTATION_FAILED',
      details: { role: 'root', trustedVersion: 2, version: 3, threshold: 1 },
    });
  });
});

describe('x509 delegation keys (Notary GetDelegationRole)', () => {
  const NAME = 'targets/releases';

  /** Delegates NAME to one key listed as `listed`, signs one target into it; returns the loaded outcome. */
  function loadWith(listed: (k: PrivateKey) => PrivateKey['publicKey'], k: PrivateKey = generateKey('ecdsa')) {
    const key: PrivateKey = { ...k, publicKey: listed(k) };
    sim.addDelegation(NAME, { keys: [key] });
    sim.addTarget('r', 'x', NAME);
    sim.publish();
    const set = boot();
    set.updateTimestamp(sim.file('timestamp'));
    set.updateSnapshot(sim.file('snapshot'));
    set.updateTargets(sim.file('targets'));
    return outcome(() => set.updateDelegation(NAME, sim.file(NAME)));
  }

  const certOf = (k: PrivateKey, sigAlg: 'ecdsa-sha256' | 'ecdsa-sha1' | 'rsa-sha1') =>
    new TextEncoder().encode(
      encodePem(
        'CERTIFICATE',
        buildCert(leafSpec('releases', { key: privateKeyObject(k), signer: privateKeyObject(k), sigAlg })),
      ),
    );

  it('a sound certificate verifies (its expiry is not checked: the role expiry is)', () => {
    expect(loadWith((k) => ({ type: 'ecdsa-x509', public: certOf(k, 'ecdsa-sha256') })).code).toBe('ok');
  });

  it('a SHA-1 certificate is DELEGATION_INVALID', () => {
    const r = loadWith((k) => ({ type: 'ecdsa-x509', public: certOf(k, 'ecdsa-sha1') }));
    expect(r.code).toBe('DELEGATION_INVALID');
    expect(r.details).toMatchObject({ role: NAME });
    expect(typeof r.details?.['keyId']).toBe('string');
    expect(r.details?.['reason']).toBeTruthy();
  });

  it('an RSA certificate is checked too (SHA-1: DELEGATION_INVALID)', () => {
    const pkcs8 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'der',
    });
    const rsa = privateKeyFromPkcs8(new Uint8Array(pkcs8));
    expect(loadWith((k) => ({ type: 'rsa-x509', public: certOf(k, 'rsa-sha1') }), rsa).code).toBe('DELEGATION_INVALID');
  });

  it('an x509 key whose PEM holds no certificate is skipped, not fatal: its signature just does not count', () => {
    const good = generateKey('ecdsa');
    const junk: PrivateKey = {
      ...generateKey('ecdsa'),
      publicKey: { type: 'ecdsa-x509', public: new Uint8Array([0x2d]) },
    };
    sim.addDelegation(NAME, { keys: [good, junk], threshold: 1 });
    sim.publish();
    sim.addTarget('r', 'x', NAME);
    const spec = sim.role('targets').delegations[0]!;
    spec.keys = [good]; // only the usable key signs
    sim.publish();
    const set = boot();
    set.updateTimestamp(sim.file('timestamp'));
    set.updateSnapshot(sim.file('snapshot'));
    set.updateTargets(sim.file('targets'));
    expect(outcome(() => set.updateDelegation(NAME, sim.file(NAME))).code).toBe('ok');
  });
});
