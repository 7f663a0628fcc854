// Non-minimal DER lengths through the built CLI, next to the real Go notary as the oracle: a key file so encoded
// is not imported (BAD_KEY_FILE, exit 5), and a root whose certificate is so encoded, served by a mutating proxy in
// front of the real notary-server, is refused by a fresh client (BAD_CERTIFICATE, exit 1). Go refuses both.
import { sign as cryptoSign } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canonicalBytes, type JsonObject } from '../../src/canonical/index.js';
import { certificatePem, firstCertificate, generateKey, privateKeyObject, signData } from '../../src/crypto/index.js';
import type { PrivateKey } from '../../src/crypto/types.js';
import { bitString, octets, seq } from '../../src/encoding/der.js';
import { FileKeyStore } from '../../src/keystore/file-key-store.js';
import { constantPassphrase } from '../../src/keystore/passphrase.js';
import { encryptPrivateKeyInfo } from '../../src/keystore/pbes2.js';
import { encodePemBlock, pemHeaders } from '../../src/keystore/pem.js';
import { encodeNotaryPrivateKeyInfo } from '../../src/keystore/pkcs8.js';
import { envelopeBytes } from '../../src/metadata/envelope.js';
import { canonicalKeyId, tufKeyId } from '../../src/metadata/key-id.js';
import { runBin } from '../helpers/cli.js';
import { nodeAt, rewriteDer } from '../helpers/der-rewrite.js';
import {
  describeInterop,
  httpGet,
  type MutatingProxy,
  type NotaryServer,
  PASSPHRASE_ENV,
  runNotary,
  startMutatingProxy,
  startNotaryServer,
  TEST_PASSPHRASE,
  tempDir,
} from '../helpers/notary.js';

const GUN = 'example.com/der/lengths';
const digest = `sha256:${'de'.repeat(32)}`;
const at = (path: string) => (der: Uint8Array) => rewriteDer(der, (p) => p.join('.') === path);
const privateFiles = (trustDir: string): string[] =>
  existsSync(join(trustDir, 'private')) ? readdirSync(join(trustDir, 'private')) : [];

describeInterop('non-minimal DER lengths through the CLI', () => {
  let server: NotaryServer;
  let proxy: MutatingProxy;
  const dir = tempDir('derlen-ts');

  beforeAll(async () => {
    server = await startNotaryServer();
    proxy = await startMutatingProxy(server.url);
    // the server holds the snapshot key, so it signs a new snapshot when the test publishes a root alone
    for (const args of [
      ['init', GUN, '--server-managed-snapshot', '-p'],
      ['sign', `${GUN}:v1`, '--digest', digest, '--size', '4'],
    ]) {
      const r = await runBin(['-s', server.url, '-d', dir, ...args], { env: { ...PASSPHRASE_ENV } });
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it('key import of an unencrypted key with a non-minimal length: BAD_KEY_FILE (exit 5), nothing stored, as Go', async () => {
    const key = generateKey('ecdsa');
    const plain = encodeNotaryPrivateKeyInfo(key);
    const files = tempDir('derlen-files');
    const write = (name: string, bytes: Uint8Array): string => {
      const path = join(files, name);
      writeFileSync(path, encodePemBlock({ type: 'PRIVATE KEY', headers: pemHeaders(), bytes }));
      return path;
    };
    const sec1 = nodeAt(plain, [2]).value;
    const cases = {
      good: write('good.pem', plain),
      outer: write('outer.pem', at('')(plain)), // 30 81 .. around the whole key
      algorithm: write('algorithm.pem', at('1')(plain)), // the algorithm identifier
      scalar: write('scalar.pem', seq(nodeAt(plain, [0]).bytes, nodeAt(plain, [1]).bytes, octets(at('1')(sec1)))),
    };
    for (const [name, file] of Object.entries(cases)) {
      const trust = tempDir('derlen-import');
      const args = ['-d', trust, 'key', 'import', file, '--role', 'targets/releases', '--json'];
      const r = await runBin(args, { env: { ...PASSPHRASE_ENV } });
      const goTrust = tempDir('derlen-go-import');
      const go = await runNotary(['key', 'import', file, '--role', 'targets/releases'], { trustDir: goTrust });
      if (name === 'good') {
        expect(r.status, r.stderr).toBe(0);
        expect(privateFiles(trust)).toEqual([`${canonicalKeyId(key.publicKey)}.key`]);
        expect(go.code, go.stderr).toBe(0);
        expect(privateFiles(goTrust)).toEqual([`${canonicalKeyId(key.publicKey)}.key`]);
        continue;
      }
      expect(r.status, name).toBe(5);
      expect(r.json(), name).toMatchObject({ code: 'BAD_KEY_FILE' });
      expect(privateFiles(trust), name).toEqual([]);
      expect(privateFiles(goTrust), `go: ${name}`).toEqual([]);
    }
  });

  it('an encrypted key with a non-minimal length is stored as exported (as Go does), then BAD_KEY_FILE (exit 5) when decrypted', async () => {
    const key = generateKey('ecdsa');
    const keyId = canonicalKeyId(key.publicKey);
    const encrypted = await encryptPrivateKeyInfo(encodeNotaryPrivateKeyInfo(key), TEST_PASSPHRASE);
    const files = tempDir('derlen-files');
    const cases = {
      good: encrypted,
      outer: at('')(encrypted), // 30 82 00 .. around the whole file
      salt: at('0.1.0.1.0')(encrypted), // the PBKDF2 salt: 04 81 08
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const file = join(files, `${name}.pem`);
      const headers = pemHeaders({ path: keyId, role: 'targets/releases' });
      writeFileSync(file, encodePemBlock({ type: 'ENCRYPTED PRIVATE KEY', headers, bytes }));
      const trust = tempDir('derlen-enc');
      const imported = await runBin(['-d', trust, 'key', 'import', file, '--json'], { env: { ...PASSPHRASE_ENV } });
      expect(imported.status, imported.stderr).toBe(0);
      const stored = readFileSync(join(trust, 'private', `${keyId}.key`));
      const passwd = await runBin(['-d', trust, 'key', 'passwd', keyId, '--json'], {
        env: { ...PASSPHRASE_ENV, NOTARY_TS_NEW_PASSPHRASE: 'another passphrase' },
      });
      const goTrust = tempDir('derlen-go-enc');
      expect((await runNotary(['key', 'import', file], { trustDir: goTrust })).code).toBe(0);
      const goPasswd = await runNotary(['key', 'passwd', keyId], { trustDir: goTrust });
      if (name === 'good') {
        expect(passwd.status, passwd.stderr).toBe(0);
        expect(goPasswd.code, goPasswd.stderr).toBe(0);
        continue;
      }
      expect(passwd.status, name).toBe(5);
      expect(passwd.json(), name).toMatchObject({ code: 'BAD_KEY_FILE' });
      expect(readFileSync(join(trust, 'private', `${keyId}.key`)), name).toEqual(stored);
      expect(goPasswd.code, `go: ${name}`).not.toBe(0);
    }
  });

  it('a root whose certificate has a non-minimal length is BAD_CERTIFICATE (exit 1) for a fresh client, as Go refuses it', async () => {
    const served = await httpGet(`${server.url}/v2/${GUN}/_trust/tuf/root.json`);
    expect(served.status).toBe(200);
    const root = JSON.parse(served.body.toString('utf8')) as { signed: JsonObject; signatures: unknown[] };
    const signed = root.signed as {
      keys: Record<string, { keytype: string; keyval: { public: string } }>;
      roles: { root: { keyids: string[] } };
    };
    const oldId = signed.roles.root.keyids[0] as string;
    const oldCert = firstCertificate(new Uint8Array(Buffer.from(signed.keys[oldId]?.keyval.public ?? '', 'base64')));
    const store = await FileKeyStore.open(dir, { passphrases: constantPassphrase(TEST_PASSPHRASE) });
    const rootRecord = (await store.list()).keys.find((k) => k.role === 'root');
    const rootKey: PrivateKey = (await store.get(rootRecord?.keyId ?? '')).key;

    /**
     * root.json v2 whose root certificate (same key) has its TBS re-encoded by `rewriteTbs`, certificate and root
     * signed again, under the new certificate's ID and the old one's (the same key: a valid rotation).
     */
    const rootWith = (rewriteTbs: (tbs: Uint8Array) => Uint8Array): Buffer => {
      const tbs = rewriteTbs(oldCert.tbs);
      const sig = new Uint8Array(cryptoSign('sha256', tbs, privateKeyObject(rootKey)));
      const pem = certificatePem([seq(tbs, nodeAt(oldCert.der, [1]).bytes, bitString(sig))]);
      const id = tufKeyId({ type: 'ecdsa-x509', public: pem });
      const keys: Record<string, unknown> = {
        ...signed.keys,
        [id]: { keytype: 'ecdsa-x509', keyval: { private: null, public: Buffer.from(pem).toString('base64') } },
      };
      delete keys[oldId];
      const roles = { ...signed.roles, root: { ...signed.roles.root, keyids: [id] } };
      const next = { ...signed, keys, roles, version: 2 };
      const json = next as unknown as JsonObject;
      const s = signData(rootKey, canonicalBytes(json));
      // the wire form Notary writes (the server hashes the root as it re-marshals it into the snapshot)
      return Buffer.from(
        envelopeBytes(
          json,
          [id, oldId].map((keyId) => ({ keyId, method: s.method, sig: s.sig })),
        ),
      );
    };
    const ours = () =>
      runBin(['-s', proxy.url, '-d', tempDir('derlen-fresh'), 'verify', '--json', `${GUN}:v1`], {
        env: { ...PASSPHRASE_ENV },
      });
    const go = () => runNotary(['lookup', GUN, 'v1'], { trustDir: tempDir('derlen-go-fresh'), server: proxy.url });

    // control: the certificate re-signed with every length minimal, published as root v2 (the server, in Go,
    // validates it and signs a new snapshot): both clients trust it through the proxy, which changes nothing yet
    const form = new FormData();
    form.append('files', new Blob([rootWith((tbs) => rewriteDer(tbs, () => false))]), 'root');
    const posted = await fetch(`${server.url}/v2/${GUN}/_trust/tuf/`, { method: 'POST', body: form });
    expect(posted.status, await posted.text()).toBe(200);
    const control = await ours();
    expect(control.status, control.stderr).toBe(0);
    expect((await go()).code).toBe(0);
    // the proxy serves that root with one non-minimal length in the serial number; in the subject's common name
    for (const path of ['1', '5.0.0.1']) {
      const body = rootWith(at(path));
      proxy.setMutate((req) => (/\/_trust\/tuf\/(\d+\.)?root\.json$/.test(req.path) ? { body } : undefined));
      const r = await ours();
      expect(r.status, path).toBe(1);
      expect(r.json(), path).toMatchObject({ code: 'BAD_CERTIFICATE' });
      expect((await go()).code, `go: ${path}`).not.toBe(0);
    }
  });
});
