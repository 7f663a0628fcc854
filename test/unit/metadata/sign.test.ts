import { describe, expect, it } from 'vitest';
import { createRootCertificate } from '../../../src/crypto/root-cert.js';
import { signData } from '../../../src/crypto/sign.js';
import type { PublicKey } from '../../../src/crypto/types.js';
import {
  canonicalKeyId,
  keySigner,
  parseRoot,
  parseTargets,
  Root,
  type Signer,
  signersFor,
  signMetadata,
  signMetadataWithKeys,
  Targets,
  tufKeyId,
  verifyRole,
  withSignatures,
} from '../../../src/metadata/index.js';
import { EXPIRES, keys, NOW } from './fixtures.js';

const k = keys();

describe('signMetadata with async signers', () => {
  it('signs the canonical bytes; the result parses and verifies', async () => {
    const remote: Signer = {
      keyId: tufKeyId(k.targets.publicKey),
      publicKey: k.targets.publicKey,
      sign: async (data) => {
        await new Promise((r) => setTimeout(r, 1));
        return signData(k.targets, data);
      },
    };
    const file = await signMetadata(Targets.create({ expires: EXPIRES }), [remote]);
    const parsed = parseTargets(file.raw);
    const ids = verifyRole(
      { name: 'targets', keyIds: [remote.keyId], threshold: 1 },
      new Map([[remote.keyId, remote.publicKey]]),
      parsed,
    );
    expect(ids).toEqual(new Set([remote.keyId]));
  });

  it('a signer whose signature does not match its public key is SIGNER_MISMATCH', async () => {
    const liar: Signer = { ...keySigner(k.targets), sign: async (data) => signData(k.extra, data) };
    await expect(signMetadata(Targets.create({ expires: EXPIRES }), [liar])).rejects.toMatchObject({
      code: 'SIGNER_MISMATCH',
      details: { keyId: tufKeyId(k.targets.publicKey) },
    });
  });

  it('keeps earlier signatures, replacing one with the same key ID, and skips duplicate signers', async () => {
    const t = Targets.create({ expires: EXPIRES });
    const first = signMetadataWithKeys(t, [k.targets, k.extra]);
    const again = await signMetadata(t, [keySigner(k.targets), keySigner(k.targets)], { keep: first.signatures });
    expect(again.signatures.map((s) => s.keyId)).toEqual([tufKeyId(k.extra.publicKey), tufKeyId(k.targets.publicKey)]);
    expect(withSignatures(t, again.signatures).raw).toEqual(again.raw);
  });
});

describe('root keys: TUF id of the certificate, private key by canonical id', () => {
  const certKey: PublicKey = { type: 'ecdsa-x509', public: createRootCertificate(k.root, 'example.com/app', NOW) };
  const root = Root.create({
    expires: EXPIRES,
    roles: {
      root: { keys: [certKey] },
      targets: { keys: [k.targets.publicKey] },
      snapshot: { keys: [k.snapshot.publicKey] },
      timestamp: { keys: [k.timestamp.publicKey] },
    },
  });

  it('keySigner with the listed certificate signs under the certificate id', () => {
    const s = keySigner(k.root, certKey);
    expect(s.keyId).toBe(tufKeyId(certKey));
    expect(s.keyId).not.toBe(canonicalKeyId(certKey));
    const file = signMetadataWithKeys(root, [{ key: k.root, listedKey: certKey }]);
    expect(file.signatures[0]?.keyId).toBe(tufKeyId(certKey));
    const parsed = parseRoot(file.raw).signed;
    expect(verifyRole(parsed.baseRole('root'), parsed.keys, { signed: parsed, signatures: file.signatures }).size).toBe(
      1,
    );
  });

  it('signersFor finds private keys by canonical id', () => {
    const held = new Map([[canonicalKeyId(k.root.publicKey), k.root]]);
    const signers = signersFor(root.keysOf('root'), (id) => held.get(id));
    expect(signers.map((s) => s.keyId)).toEqual([tufKeyId(certKey)]);
    expect(signersFor(root.keysOf('targets'), (id) => held.get(id))).toEqual([]);
  });

  it('a certificate of another key is SIGNER_MISMATCH', () => {
    let err: unknown;
    try {
      keySigner(k.extra, certKey);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'SIGNER_MISMATCH' });
  });
});
