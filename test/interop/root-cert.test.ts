// Root certificates, key IDs and signatures against the real Go notary: we read what it writes, and it accepts
// what we write.
import { createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canonicalBytes, type JsonValue, parseJson } from '../../src/canonical/index.js';
import { createRootCertificate } from '../../src/crypto/root-cert.js';
import { privateKeyFromPkcs8 } from '../../src/crypto/sign.js';
import type { KeyType, PrivateKey, PublicKey, SignatureMethod } from '../../src/crypto/types.js';
import { verifySignature } from '../../src/crypto/verify.js';
import { certificatePem, parseCertificateChain, validateRootCertificate } from '../../src/crypto/x509.js';
import { fromBase64 } from '../../src/encoding/base64.js';
import { children, decodeDer } from '../../src/encoding/der.js';
import { canonicalKeyId, tufKeyId } from '../../src/metadata/key-id.js';
import {
  describeInterop,
  type NotaryServer,
  runNotary,
  startNotaryServer,
  TEST_PASSPHRASE,
  tempDir,
} from '../helpers/notary.js';

interface Envelope {
  signed: JsonValue & {
    keys?: Record<string, { keytype: KeyType; keyval: { public: string } }>;
    roles?: Record<string, { keyids: string[] }>;
  };
  signatures: Array<{ keyid: string; method: SignatureMethod; sig: string }>;
}

const GUN = 'example.com/crypto/go';
const GUN_UTF8 = 'example.com/crypto/go_utf8';
const OUR_GUN = 'example.com/crypto/ours_1';

describeInterop('root certificates and signatures vs the Go notary CLI', () => {
  let server: NotaryServer;
  let trustDir: string;

  const metadataPath = (gun: string, role: string) => join(trustDir, 'tuf', gun, 'metadata', `${role}.json`);
  const readEnvelope = (bytes: Uint8Array) => parseJson(bytes) as unknown as Envelope;
  const rootOf = (gun: string) => readEnvelope(readFileSync(metadataPath(gun, 'root')));
  const keysOf = (root: Envelope) =>
    new Map<string, PublicKey>(
      Object.entries(root.signed.keys ?? {}).map(([id, k]) => [
        id,
        { type: k.keytype, public: fromBase64(k.keyval.public) },
      ]),
    );
  const rootKeyOf = (root: Envelope): [string, PublicKey] => {
    const id = root.signed.roles?.root?.keyids[0] as string;
    return [id, keysOf(root).get(id) as PublicKey];
  };

  /** The root private key notary made, decrypted with node:crypto (PBES2, PBKDF2-HMAC-SHA1, AES-256-CBC). */
  const goRootPrivateKey = (): { fileId: string; key: PrivateKey } => {
    const dir = join(trustDir, 'private');
    for (const name of readdirSync(dir)) {
      const text = readFileSync(join(dir, name), 'utf8');
      if (!/^role: root$/m.test(text)) continue;
      // OpenSSL refuses the RFC 1421 header lines Notary adds; drop them.
      const pem = text.replace(/^(gun|role): .*\n/gm, '').replace(/-----\n\n/, '-----\n');
      const k = createPrivateKey({ key: pem, format: 'pem', passphrase: TEST_PASSPHRASE });
      const der = new Uint8Array(k.export({ type: 'pkcs8', format: 'der' }));
      return { fileId: name.replace(/\.key$/, ''), key: privateKeyFromPkcs8(der) };
    }
    throw new Error('no root key file');
  };

  beforeAll(async () => {
    server = await startNotaryServer();
    trustDir = tempDir('crypto-interop-');
    for (const gun of [GUN, GUN_UTF8]) {
      const r = await runNotary(['init', gun, '-p'], { trustDir, server: server.url });
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('re-encodes the Go root certificate byte for byte and recomputes every key ID of root.json', () => {
    for (const gun of [GUN, GUN_UTF8]) {
      const root = rootOf(gun);
      for (const [id, key] of keysOf(root)) expect(tufKeyId(key)).toBe(id);
      const [, rootKey] = rootKeyOf(root);
      expect(rootKey.type).toBe('ecdsa-x509');
      const certs = parseCertificateChain(rootKey.public);
      expect(certs).toHaveLength(1);
      expect(certificatePem(certs.map((c) => c.der))).toEqual(rootKey.public);
      const bundle = validateRootCertificate(rootKey.public, { gun, now: new Date() });
      expect(bundle.pem).toEqual(rootKey.public);
    }
  });

  it('derives the canonical ID the Go CLI named the root key file by, and the key matches the certificate', () => {
    const { fileId, key } = goRootPrivateKey();
    expect(tufKeyId(key.publicKey)).toBe(fileId);
    for (const gun of [GUN, GUN_UTF8]) {
      const [, rootKey] = rootKeyOf(rootOf(gun));
      expect(canonicalKeyId(rootKey)).toBe(fileId);
      expect(parseCertificateChain(rootKey.public)[0]!.spki).toEqual(key.publicKey.public);
    }
  });

  it('with the same key, serial and time our certificate has exactly Go TBSCertificate bytes', () => {
    const { key } = goRootPrivateKey();
    for (const gun of [GUN, GUN_UTF8]) {
      const [, rootKey] = rootKeyOf(rootOf(gun));
      const [go] = parseCertificateChain(rootKey.public);
      const pem = createRootCertificate(key, gun, go!.notBefore, { serial: go!.serialNumber });
      const [ours] = parseCertificateChain(pem);
      expect(Buffer.from(ours!.tbs).toString('hex')).toBe(Buffer.from(go!.tbs).toString('hex'));
      const outerAlg = (der: Uint8Array) => children(decodeDer(der))[1]!.bytes;
      expect(outerAlg(ours!.der)).toEqual(outerAlg(go!.der));
      expect(ours!.der.length - ours!.signature.length).toBe(go!.der.length - go!.signature.length);
    }
  });

  it('verifies every signature Go wrote locally and the server signed (ecdsa and eddsa)', async () => {
    const root = rootOf(GUN);
    const keys = keysOf(root);
    const envelopes: Array<[string, Envelope]> = [];
    for (const role of ['root', 'targets', 'snapshot'])
      envelopes.push([`local ${role}`, readEnvelope(readFileSync(metadataPath(GUN, role)))]);
    for (const role of ['root', 'targets', 'snapshot', 'timestamp']) {
      const r = await server.get(`/v2/${GUN}/_trust/tuf/${role}.json`);
      expect(r.status).toBe(200);
      envelopes.push([`server ${role}`, readEnvelope(new Uint8Array(r.body))]);
    }
    const methods = new Set<string>();
    for (const [name, env] of envelopes) {
      expect(env.signatures.length, name).toBeGreaterThan(0);
      const data = canonicalBytes(env.signed);
      for (const s of env.signatures) {
        const key = keys.get(s.keyid);
        expect(key, name).toBeDefined();
        const sig = { method: s.method, sig: fromBase64(s.sig) };
        expect(verifySignature(key!, sig, data), name).toBe(true);
        const flipped = sig.sig.slice();
        flipped[5] = (flipped[5] as number) ^ 0x80;
        expect(verifySignature(key!, { ...sig, sig: flipped }, data), name).toBe(false);
        methods.add(s.method);
      }
    }
    expect([...methods].sort()).toEqual(['ecdsa', 'eddsa']);
  });

  it('Go accepts a root certificate we made: notary init --rootcert, publish (server ValidateRoot), fresh list', async () => {
    const { key } = goRootPrivateKey();
    const pem = createRootCertificate(key, OUR_GUN, new Date());
    const certFile = join(tempDir('crypto-cert-'), 'root.crt');
    writeFileSync(certFile, pem);
    const init = await runNotary(['init', OUR_GUN, '--rootcert', certFile, '-p'], { trustDir, server: server.url });
    expect(init.code, init.stdout + init.stderr).toBe(0);
    // Go re-encodes the certificate it read (CertToKey); the bytes in root.json are exactly ours.
    const [id, rootKey] = rootKeyOf(rootOf(OUR_GUN));
    expect(rootKey.public).toEqual(pem);
    expect(id).toBe(tufKeyId({ type: 'ecdsa-x509', public: pem }));
    // A fresh client bootstraps the root from the server and runs ValidateRoot on our certificate.
    const list = await runNotary(['list', OUR_GUN], { trustDir: tempDir('crypto-fresh-'), server: server.url });
    expect(list.code, list.stdout + list.stderr).toBe(0);
    expect(list.stdout).toMatch(/No targets present in this repository/);
  });
});
