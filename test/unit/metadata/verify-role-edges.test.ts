// verifyRole edges that only mutation testing showed untested: keys a caller's map leaves out, the work skipped when
// the answer is already fixed (no signature can be counted), and the identity of keys whose certificate PEM carries
// RFC 1421 headers (the verifier reads such a block; the certificate parser skips it).
import { constants, createPublicKey, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodePem } from '../../../src/crypto/pem.js';
import { createRootCertificate } from '../../../src/crypto/root-cert.js';
import type { PrivateKey, PublicKey } from '../../../src/crypto/types.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import {
  type RoleKeys,
  type Signature,
  type SignedMetadata,
  signMetadataWithKeys,
  Targets,
  tufKeyId,
  verifyRole,
} from '../../../src/metadata/index.js';
import { testKey } from '../crypto/cert-builder.js';
import { EXPIRES, expectCode, keys, NOW } from './fixtures.js';

const k = keys();

function role(keyIds: string[], threshold: number): RoleKeys {
  return { name: 'targets', keyIds, threshold };
}

/** One signature by `key`, filed under `keyId`. */
function sigAs(file: SignedMetadata<Targets>, key: PrivateKey, keyId: string): Signature {
  const one = signMetadataWithKeys(file.signed, [key]).signatures[0] as Signature;
  return { ...one, keyId };
}

/** The certificate PEM of `key` with an RFC 1421 header line in its block. */
function headerCert(key: PrivateKey, gun = 'example.com/x'): PublicKey {
  const pem = Buffer.from(createRootCertificate(key, gun, NOW)).toString('latin1');
  const withHeader = pem.replace('-----BEGIN CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\nComment: hi\n\n');
  return { type: 'ecdsa-x509', public: Uint8Array.from(Buffer.from(withHeader, 'latin1')) };
}

describe('verifyRole: listed key IDs missing from the key map', () => {
  it('are skipped, not dereferenced: the keys that are there still count', () => {
    const file = signMetadataWithKeys(Targets.create({ expires: EXPIRES }), [k.targets]);
    const id = tufKeyId(k.targets.publicKey);
    const absent = tufKeyId(k.extra.publicKey);
    const map = new Map([[id, k.targets.publicKey]]);
    expect(verifyRole(role([absent, id], 1), map, file)).toEqual(new Set([id]));
    expectCode(() => verifyRole(role([absent, id], 2), map, file), 'THRESHOLD_NOT_MET', { needed: 2, got: 1 });
  });
});

describe('verifyRole: nothing to count means THRESHOLD_NOT_MET, before the signed bytes are touched', () => {
  // A signed part canonical JSON cannot express (a float): computing its canonical bytes throws NON_CANONICAL.
  const json = JSON.parse(
    '{"_type":"Targets","delegations":{"keys":{},"roles":[]},"expires":"2030-01-01T00:00:00Z","targets":{},"version":1,"x":1.5}',
  );
  const signed = Targets.fromJson(json);
  const id = tufKeyId(k.targets.publicKey);
  const map = new Map([[id, k.targets.publicKey]]);
  const sig: Signature = { keyId: id, method: 'ecdsa', sig: new Uint8Array(64) };

  it('the canonical bytes of this file cannot be made (the premise of the next tests)', () => {
    expectCode(() => signed.canonicalBytes(), 'NON_CANONICAL');
  });

  it('no signatures at all', () => {
    expectCode(() => verifyRole(role([id], 1), map, { signed, signatures: [] }), 'THRESHOLD_NOT_MET', { got: 0 });
  });

  it('a threshold below 1, even with signatures', () => {
    expectCode(() => verifyRole(role([id], 0), map, { signed, signatures: [sig] }), 'THRESHOLD_NOT_MET', {
      needed: 0,
      got: 0,
    });
  });

  it('with a signature and a threshold, the bytes are needed (and their error surfaces)', () => {
    expectCode(() => verifyRole(role([id], 1), map, { signed, signatures: [sig] }), 'NON_CANONICAL');
  });
});

describe('verifyRole: the identity of a key is the key its signatures verify with', () => {
  const unsigned = signMetadataWithKeys(Targets.create({ expires: EXPIRES }), []);

  it('two different keys whose certificate blocks carry headers are two keys', () => {
    const a = headerCert(k.targets);
    const b = headerCert(k.extra);
    const [ia, ib] = [tufKeyId(a), tufKeyId(b)];
    const map = new Map([
      [ia, a],
      [ib, b],
    ]);
    const file = { ...unsigned, signatures: [sigAs(unsigned, k.targets, ia), sigAs(unsigned, k.extra, ib)] };
    expect(verifyRole(role([ia, ib], 2), map, file)).toEqual(new Set([ia, ib]));
  });

  it('one key listed bare and as a certificate block with headers counts once', () => {
    const bare = k.targets.publicKey;
    const cert = headerCert(k.targets);
    const [ib, ic] = [tufKeyId(bare), tufKeyId(cert)];
    const map = new Map([
      [ib, bare],
      [ic, cert],
    ]);
    const file = { ...unsigned, signatures: [sigAs(unsigned, k.targets, ib), sigAs(unsigned, k.targets, ic)] };
    expect(verifyRole(role([ib, ic], 1), map, file)).toEqual(new Set([ib, ic]));
    expectCode(() => verifyRole(role([ib, ic], 2), map, file), 'THRESHOLD_NOT_MET', { needed: 2, got: 1 });
  });

  it('a bundle whose first block (with headers) is key A and second block key B is key A, not B', () => {
    // The verifier checks signatures with the first block; the certificate parser skips it and finds B.
    const certA = Buffer.from(headerCert(k.targets).public).toString('latin1');
    const certB = Buffer.from(createRootCertificate(k.extra, 'example.com/x', NOW)).toString('latin1');
    const bundle: PublicKey = { type: 'ecdsa-x509', public: utf8(certA + certB) };
    const bareA = k.targets.publicKey;
    const [ia, iw] = [tufKeyId(bareA), tufKeyId(bundle)];
    const map = new Map([
      [ia, bareA],
      [iw, bundle],
    ]);
    // Key A alone signs under both IDs: one key, so a threshold of 2 is not met.
    const file = { ...unsigned, signatures: [sigAs(unsigned, k.targets, ia), sigAs(unsigned, k.targets, iw)] };
    expect(verifyRole(role([ia, iw], 1), map, file)).toEqual(new Set([ia, iw]));
    expectCode(() => verifyRole(role([ia, iw], 2), map, file), 'THRESHOLD_NOT_MET', { needed: 2, got: 1 });
  });

  it('an rsa key listed as DER (rsapss) and as PEM (pycrypto-pkcs#1 pss) counts once', () => {
    const rsa = testKey('rsa-2048');
    const der = new Uint8Array(createPublicKey(rsa).export({ type: 'spki', format: 'der' }));
    const asDer: PublicKey = { type: 'rsa', public: der };
    const asPem: PublicKey = { type: 'rsa', public: utf8(encodePem('PUBLIC KEY', der)) };
    const [id1, id2] = [tufKeyId(asDer), tufKeyId(asPem)];
    const pss = new Uint8Array(
      sign('sha256', unsigned.signed.canonicalBytes(), {
        key: rsa,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      }),
    );
    const file = {
      ...unsigned,
      signatures: [
        { keyId: id1, method: 'rsapss', sig: pss },
        { keyId: id2, method: 'pycrypto-pkcs#1 pss', sig: pss },
      ],
    };
    const map = new Map([
      [id1, asDer],
      [id2, asPem],
    ]);
    expect(verifyRole(role([id1, id2], 1), map, file)).toEqual(new Set([id1, id2]));
    expectCode(() => verifyRole(role([id1, id2], 2), map, file), 'THRESHOLD_NOT_MET', { needed: 2, got: 1 });
  });
});
