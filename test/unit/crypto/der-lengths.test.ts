// Non-minimal DER lengths in certificates and SubjectPublicKeyInfos: Go's crypto/x509 (cryptobyte) and
// ParsePKIXPublicKey refuse them, so Notary refuses such a root; OpenSSL alone would read them.
import { createPublicKey, sign as cryptoSign, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TrustedSet } from '../../../src/client/index.js';
import {
  certificatePem,
  createRootCertificate,
  generateKey,
  parseCertificate,
  privateKeyObject,
  resolveSpki,
  signData,
  validateRootCertificate,
} from '../../../src/crypto/index.js';
import type { PrivateKey } from '../../../src/crypto/types.js';
import { bitString, seq } from '../../../src/encoding/der.js';
import { expiryAfter, Root, signMetadataWithKeys, tufKeyId } from '../../../src/metadata/index.js';
import { nodeAt, rewriteDer } from '../../helpers/der-rewrite.js';
import { outcome } from '../../helpers/error-code.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const GUN = 'example.com/der/lengths';

/** A Notary root certificate (DER) for `key`, with its TBS re-encoded by `rewriteTbs` and signed again. */
function resignedRoot(key: PrivateKey, rewriteTbs: (tbs: Uint8Array) => Uint8Array, gun = GUN): Uint8Array {
  const pem = createRootCertificate(key, gun, new Date(NOW.getTime() - 3_600_000));
  const der = parseCertificate(decodeCertPem(pem)).der;
  const tbs = rewriteTbs(nodeAt(der, [0]).bytes);
  const sig = cryptoSign('sha256', tbs, privateKeyObject(key));
  return seq(tbs, nodeAt(der, [1]).bytes, bitString(new Uint8Array(sig)));
}

function decodeCertPem(pem: Uint8Array): Uint8Array {
  const b64 = new TextDecoder()
    .decode(pem)
    .replace(/-----[^-]+-----/g, '')
    .replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

const same = (tbs: Uint8Array) => rewriteDer(tbs, () => false);
const at = (path: string) => (tbs: Uint8Array) => rewriteDer(tbs, (p) => p.join('.') === path);

describe('certificates with a non-minimal length', () => {
  const key = generateKey('ecdsa');

  it('re-signed with every length minimal, the certificate is a valid root (control)', () => {
    const der = resignedRoot(key, same);
    expect(parseCertificate(der).commonName).toBe(GUN);
    expect(outcome(() => validateRootCertificate(certificatePem([der]), { gun: GUN, now: NOW })).code).toBe('ok');
  });

  it('one non-minimal length in the TBS (serial, validity, subject, SPKI, extensions) is BAD_CERTIFICATE', () => {
    // TBS children: 0 version [0], 1 serial, 2 signature alg, 3 issuer, 4 validity, 5 subject, 6 SPKI, 7 [3] exts
    for (const path of ['', '1', '4', '4.0', '5.0.0.1', '6', '6.1', '7.0.0.2']) {
      const der = resignedRoot(key, at(path));
      expect(
        outcome(() => parseCertificate(der)),
        path,
      ).toMatchObject({
        code: 'BAD_CERTIFICATE',
        details: { reason: 'malformed' },
      });
      expect(outcome(() => validateRootCertificate(certificatePem([der]), { gun: GUN, now: NOW })).code, path).toBe(
        'BAD_CERTIFICATE',
      );
    }
  });

  it('a non-minimal outer header leaves the signed TBS intact, and is still BAD_CERTIFICATE', () => {
    const der = resignedRoot(key, same);
    for (const path of ['', '1', '2']) {
      const bad = rewriteDer(der, (p) => p.join('.') === path);
      expect(Buffer.from(bad).includes(Buffer.from(nodeAt(der, [0]).bytes)), path).toBe(true); // same signed TBS
      expect(outcome(() => parseCertificate(bad)).code, path).toBe('BAD_CERTIFICATE');
    }
  });

  it('a root listing only such a certificate is refused by root validation, as one listing a minimal one is not', () => {
    for (const [rewrite, code] of [
      [same, 'ok'],
      [at('1'), 'BAD_CERTIFICATE'],
      [at('6.0'), 'BAD_CERTIFICATE'],
    ] as const) {
      const sim = new RepoSimulator({ gun: GUN, now: NOW });
      const rootKey = generateKey('ecdsa');
      const listed = { type: 'ecdsa-x509' as const, public: certificatePem([resignedRoot(rootKey, rewrite)]) };
      const root = Root.create({
        version: 1,
        expires: expiryAfter(NOW, 3650 * 86_400),
        roles: {
          root: { keys: [listed], threshold: 1 },
          targets: { keys: [sim.keys.targets[0]!.publicKey], threshold: 1 },
          snapshot: { keys: [sim.keys.snapshot[0]!.publicKey], threshold: 1 },
          timestamp: { keys: [sim.keys.timestamp[0]!.publicKey], threshold: 1 },
        },
      });
      const sig = signData(rootKey, root.canonicalBytes());
      const raw = signMetadataWithKeys(root, [], { keep: [{ keyId: tufKeyId(listed), ...sig }] }).raw;
      const got = outcome(() => TrustedSet.bootstrap(raw, { gun: GUN, now: NOW, allowExpired: false }));
      expect(got.code).toBe(code);
    }
  });
});

describe('SubjectPublicKeyInfos with a non-minimal length', () => {
  const spkis = {
    ecdsa: new Uint8Array(
      generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }),
    ),
    ed25519: new Uint8Array(generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' })),
    rsa: new Uint8Array(
      generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'der' }),
    ),
  };

  it('are UNSUPPORTED_KEY wherever the length is, though OpenSSL reads them', () => {
    for (const [kind, spki] of Object.entries(spkis)) {
      expect(resolveSpki(spki).kind).toBe(kind);
      for (const path of ['', '0', '0.0', '1']) {
        const bad = rewriteDer(spki, (p) => p.join('.') === path);
        expect(
          () => createPublicKey({ key: Buffer.from(bad), format: 'der', type: 'spki' }),
          `${kind} ${path}`,
        ).not.toThrow();
        expect(outcome(() => resolveSpki(bad)).code, `${kind} ${path}`).toBe('UNSUPPORTED_KEY');
      }
    }
  });

  it('an RSA key whose RSAPublicKey (inside the BIT STRING) has one is UNSUPPORTED_KEY, and BAD_CERTIFICATE in a certificate', () => {
    const spki = spkis.rsa;
    const inner = nodeAt(spki, [1]).value.subarray(1);
    for (const path of ['', '0', '1']) {
      const bad = seq(nodeAt(spki, [0]).bytes, bitString(rewriteDer(inner, (p) => p.join('.') === path)));
      expect(() => createPublicKey({ key: Buffer.from(bad), format: 'der', type: 'spki' })).not.toThrow();
      expect(outcome(() => resolveSpki(bad)).code, path).toBe('UNSUPPORTED_KEY');
      // the same key certified: the certificate's own lengths are minimal, its key's are not
      const key = generateKey('ecdsa');
      const cert = resignedRoot(key, (tbs) => {
        const parts = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => nodeAt(tbs, [i]).bytes);
        parts[6] = bad;
        return seq(...parts);
      });
      expect(outcome(() => parseCertificate(cert)).code, path).toBe('BAD_CERTIFICATE');
    }
    expect(resolveSpki(seq(nodeAt(spki, [0]).bytes, bitString(inner))).kind).toBe('rsa');
  });
});
