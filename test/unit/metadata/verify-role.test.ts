import { describe, expect, it } from 'vitest';
import { createRootCertificate } from '../../../src/crypto/root-cert.js';
import { generateKey, signData } from '../../../src/crypto/sign.js';
import type { PublicKey } from '../../../src/crypto/types.js';
import { toBase64 } from '../../../src/encoding/base64.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import {
  canonicalKeyId,
  parseRoot,
  parseTargets,
  type RoleKeys,
  type Signature,
  type SignedMetadata,
  signMetadataWithKeys,
  Targets,
  tufKeyId,
  verifyRole,
} from '../../../src/metadata/index.js';
import { buildRepo, EXPIRES, envelope, expectCode, keys, NOW, signedCopy } from './fixtures.js';

const k = keys();
const ids = {
  targets: tufKeyId(k.targets.publicKey),
  extra: tufKeyId(k.extra.publicKey),
  root: tufKeyId(k.root.publicKey),
};
const keyMap = new Map<string, PublicKey>([
  [ids.targets, k.targets.publicKey],
  [ids.extra, k.extra.publicKey],
  [ids.root, k.root.publicKey],
]);

function role(keyIds: string[], threshold: number, name = 'targets'): RoleKeys {
  return { name, keyIds, threshold };
}

function signedBy(...signers: (typeof k)[keyof typeof k][]): SignedMetadata<Targets> {
  return signMetadataWithKeys(Targets.create({ expires: EXPIRES }), signers);
}

function withSigs(file: SignedMetadata<Targets>, signatures: Signature[]): SignedMetadata<Targets> {
  return { ...file, signatures };
}

describe('verifyRole', () => {
  it('returns the key IDs that signed', () => {
    const file = signedBy(k.targets, k.extra);
    expect(verifyRole(role([ids.targets, ids.extra], 1), keyMap, file)).toEqual(new Set([ids.targets, ids.extra]));
    expect(verifyRole(role([ids.targets, ids.extra], 2), keyMap, file)).toEqual(new Set([ids.targets, ids.extra]));
  });

  it('the four roles of a built repository verify with the root', () => {
    const repo = buildRepo();
    const root = parseRoot(repo.root.raw).signed;
    for (const name of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
      const signers = verifyRole(root.baseRole(name), root.keys, repo[name]);
      expect(signers.size).toBe(1);
    }
  });

  it('below threshold is THRESHOLD_NOT_MET with role, needed and got', () => {
    expectCode(() => verifyRole(role([ids.targets, ids.extra], 2), keyMap, signedBy(k.targets)), 'THRESHOLD_NOT_MET', {
      role: 'targets',
      needed: 2,
      got: 1,
    });
  });

  it('no signatures at all', () => {
    expectCode(() => verifyRole(role([ids.targets], 1), keyMap, signedBy()), 'THRESHOLD_NOT_MET', { got: 0 });
  });

  it('signatures by keys the role does not list are ignored', () => {
    const file = signedBy(k.targets, k.extra);
    expect(verifyRole(role([ids.targets], 1), keyMap, file)).toEqual(new Set([ids.targets]));
    expectCode(() => verifyRole(role([ids.root], 1), keyMap, file), 'THRESHOLD_NOT_MET', { got: 0 });
  });

  it('the same signature twice counts once', () => {
    const file = signedBy(k.targets);
    const twice = withSigs(file, [...file.signatures, ...file.signatures]);
    expectCode(() => verifyRole(role([ids.targets, ids.extra], 2), keyMap, twice), 'THRESHOLD_NOT_MET', { got: 1 });
  });

  it('invalid signatures, wrong methods and unknown methods do not count', () => {
    const file = signedBy(k.targets);
    const s = file.signatures[0] as Signature;
    const flipped = s.sig.slice();
    flipped[5] = (flipped[5] as number) ^ 1;
    for (const bad of [
      { ...s, sig: flipped },
      { ...s, method: 'eddsa' },
      { ...s, method: 'hmac' },
      { ...s, sig: s.sig.subarray(1) },
    ]) {
      expectCode(() => verifyRole(role([ids.targets], 1), keyMap, withSigs(file, [bad])), 'THRESHOLD_NOT_MET');
      // A later valid signature for the same key still counts.
      expect(verifyRole(role([ids.targets], 1), keyMap, withSigs(file, [bad, s])).size).toBe(1);
    }
  });

  it('a signature fails once the signed content changes', () => {
    const file = signedBy(k.targets);
    const s = signedCopy(file as SignedMetadata);
    s.version = 2;
    const tampered = parseTargets(
      envelope(s, [{ keyid: ids.targets, method: 'ecdsa', sig: toBase64(file.signatures[0]!.sig) }]),
    );
    expectCode(() => verifyRole(role([ids.targets], 1), keyMap, tampered), 'THRESHOLD_NOT_MET');
  });

  it('verifies over the received JSON: unknown fields and non-canonical formatting', () => {
    const s = signedCopy(signedBy() as SignedMetadata);
    (s as Record<string, unknown>).zzz = { b: [1, 2], a: 'é' };
    const base = Targets.fromJson(JSON.parse(JSON.stringify(s)));
    const sig = signData(k.targets, base.canonicalBytes());
    const pretty = utf8(
      JSON.stringify(
        { signed: s, signatures: [{ keyid: ids.targets, method: sig.method, sig: toBase64(sig.sig) }] },
        null,
        2,
      ),
    );
    const file = parseTargets(pretty);
    expect(verifyRole(role([ids.targets], 1), keyMap, file)).toEqual(new Set([ids.targets]));
  });

  it('a role with threshold below 1 can never be met', () => {
    expectCode(() => verifyRole(role([ids.targets], 0), keyMap, signedBy(k.targets)), 'THRESHOLD_NOT_MET', {
      needed: 0,
    });
  });
});

describe('distinct keys, not distinct key IDs', () => {
  it('a key listed as a bare key and as its certificate counts once', () => {
    const certKey: PublicKey = { type: 'ecdsa-x509', public: createRootCertificate(k.targets, 'example.com/x', NOW) };
    const certId = tufKeyId(certKey);
    expect(canonicalKeyId(certKey)).toBe(ids.targets);
    const map = new Map(keyMap).set(certId, certKey);
    const file = signedBy(k.targets);
    const s = file.signatures[0] as Signature;
    const both = withSigs(file, [s, { ...s, keyId: certId }]);
    expect(verifyRole(role([ids.targets, certId], 1), map, both)).toEqual(new Set([ids.targets, certId]));
    expectCode(() => verifyRole(role([ids.targets, certId], 2), map, both), 'THRESHOLD_NOT_MET', { needed: 2, got: 1 });
  });

  it('three key IDs over two keys (one listed bare and as its certificate) count two, in any order', () => {
    const certKey: PublicKey = { type: 'ecdsa-x509', public: createRootCertificate(k.targets, 'example.com/x', NOW) };
    const certId = tufKeyId(certKey);
    const map = new Map(keyMap).set(certId, certKey);
    const file = signedBy(k.targets, k.extra);
    const [t, e] = file.signatures as [Signature, Signature];
    const listed = [ids.targets, certId, ids.extra];
    for (const sigs of [
      [t, { ...t, keyId: certId }, e],
      [e, { ...t, keyId: certId }, t],
      [{ ...t, keyId: certId }, e, t, e],
    ]) {
      const f = withSigs(file, sigs);
      expect(verifyRole(role(listed, 2), map, f)).toEqual(new Set(listed));
      expectCode(() => verifyRole(role(listed, 3), map, f), 'THRESHOLD_NOT_MET', { needed: 3, got: 2 });
    }
  });

  it('one key under two IDs with one valid signature each, and an invalid third, counts one', () => {
    const certKey: PublicKey = { type: 'ecdsa-x509', public: createRootCertificate(k.extra, 'example.com/x', NOW) };
    const certId = tufKeyId(certKey);
    const map = new Map(keyMap).set(certId, certKey);
    const file = signedBy(k.extra);
    const s = file.signatures[0] as Signature;
    const bad = { ...s, keyId: ids.targets }; // the extra key's signature named as the targets key's: invalid
    const f = withSigs(file, [s, bad, { ...s, keyId: certId }]);
    expect(verifyRole(role([ids.extra, ids.targets, certId], 1), map, f)).toEqual(new Set([ids.extra, certId]));
    expectCode(() => verifyRole(role([ids.extra, ids.targets, certId], 2), map, f), 'THRESHOLD_NOT_MET', { got: 1 });
  });
});

describe('INVALID_KEY_ID', () => {
  const wrongId = 'f'.repeat(64);
  const map = new Map(keyMap).set(wrongId, k.targets.publicKey);

  it('a signature naming a key listed under a wrong ID (as Notary)', () => {
    const file = signedBy(k.targets);
    const s = file.signatures[0] as Signature;
    expectCode(
      () => verifyRole(role([wrongId, ids.targets], 1), map, withSigs(file, [{ ...s, keyId: wrongId }])),
      'INVALID_KEY_ID',
      { role: 'targets', keyId: wrongId, actualKeyId: ids.targets },
    );
  });

  it('stricter than Notary: a mislabelled key in the role fails even if it did not sign', () => {
    expectCode(() => verifyRole(role([ids.targets, wrongId], 1), map, signedBy(k.targets)), 'INVALID_KEY_ID', {
      keyId: wrongId,
    });
  });

  it('a mislabelled key the role does not list is irrelevant', () => {
    expect(verifyRole(role([ids.targets], 1), map, signedBy(k.targets)).size).toBe(1);
  });

  it('an Ed25519 key signs with eddsa', () => {
    const ed = generateKey('ed25519');
    const id = tufKeyId(ed.publicKey);
    const file = signedBy(ed);
    expect(file.signatures[0]?.method).toBe('eddsa');
    expect(verifyRole(role([id], 1), new Map([[id, ed.publicKey]]), file)).toEqual(new Set([id]));
  });
});
