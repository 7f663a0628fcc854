// The key store against the real Go notary CLI: keys it writes we read (byte-exactly), keys we write it lists and
// uses, export bundles are identical, and a legacy 0.1/0.3 tree is migrated exactly as `notary key list` does.
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKey } from '../../src/crypto/sign.js';
import { FileKeyStore } from '../../src/keystore/file-key-store.js';
import { migrateLegacyLayout } from '../../src/keystore/legacy-layout.js';
import { constantPassphrase, envPassphrases } from '../../src/keystore/passphrase.js';
import { decryptPrivateKeyInfo } from '../../src/keystore/pbes2.js';
import { decodeFirstPemBlock, encodePemBlock } from '../../src/keystore/pem.js';
import { encodeNotaryPrivateKeyInfo, parsePrivateKeyInfo } from '../../src/keystore/pkcs8.js';
import { canonicalKeyId } from '../../src/metadata/key-id.js';
import {
  describeInterop,
  type NotaryServer,
  PASSPHRASE_ENV,
  runNotary,
  startNotaryServer,
  TEST_PASSPHRASE,
  tempDir,
} from '../helpers/notary.js';
import { rsaKey } from '../unit/keystore/helpers.js';
import { buildLegacyTree } from '../unit/keystore/legacy-tree.js';

const GUN = 'example.com/ks/a';

interface GoKey {
  role: string;
  gun: string;
  keyId: string;
}

/** Rows of `notary key list` (ROLE, GUN, KEY ID, LOCATION); the GUN column may be blank. */
function parseKeyList(stdout: string): GoKey[] {
  const rows: GoKey[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\S+)\s+(?:(\S+)\s+)?([0-9a-f]{64})\s+\S/.exec(line);
    if (m) rows.push({ role: m[1] as string, gun: m[2] ?? '', keyId: m[3] as string });
  }
  return rows.sort((a, b) => a.keyId.localeCompare(b.keyId));
}

async function goKeyList(trustDir: string): Promise<GoKey[]> {
  const r = await runNotary(['key', 'list'], { trustDir });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return parseKeyList(r.stdout);
}

/** Every file under `dir` (relative path → bytes), and every directory (→ null). */
function snapshotTree(dir: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        out.set(relative(dir, p), null);
        walk(p);
      } else out.set(relative(dir, p), readFileSync(p, 'latin1'));
    }
  };
  walk(dir);
  return out;
}

const storeFor = (trustDir: string, pass = TEST_PASSPHRASE) =>
  FileKeyStore.open(trustDir, { passphrases: constantPassphrase(pass) });

describeInterop('key store vs the Go notary CLI', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('reads keys made by `notary key generate`: ids equal file names, PEM and PKCS#8 re-encode byte-exactly', async () => {
    const trustDir = tempDir('ks-go-gen-');
    const ids: string[] = [];
    for (const args of [['ecdsa', '--role', 'targets'], [], ['--role', 'targets/releases']]) {
      const r = await runNotary(['key', 'generate', ...args], { trustDir });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      ids.push(/keyID: ([0-9a-f]{64})/.exec(r.stdout)?.[1] as string);
    }
    const ks = await storeFor(trustDir);
    const { keys, problems } = await ks.list();
    expect(problems).toEqual([]);
    expect(keys.map((k) => [k.keyId, k.role, k.gun]).sort()).toEqual(
      [
        [ids[0], 'targets', ''],
        [ids[1], 'root', ''],
        [ids[2], 'targets/releases', ''],
      ].sort(),
    );
    for (const id of ids) {
      const file = readFileSync(join(trustDir, 'private', `${id}.key`));
      const block = decodeFirstPemBlock(file);
      expect(encodePemBlock(block)).toBe(file.toString('utf8'));
      const got = await ks.get(id);
      expect(canonicalKeyId(got.key.publicKey)).toBe(id);
      // Go's inner PKCS#8 is exactly what we write for the same key
      const inner = await decryptPrivateKeyInfo(block.bytes, TEST_PASSPHRASE);
      expect(Buffer.from(encodeNotaryPrivateKeyInfo(parsePrivateKeyInfo(inner)))).toEqual(Buffer.from(inner));
    }
  });

  it('reads the root, targets and snapshot keys of `notary init` (gun headers as Go writes them)', async () => {
    const trustDir = tempDir('ks-go-init-');
    const r = await runNotary(['init', GUN], { trustDir, server: server.url });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const goKeys = await goKeyList(trustDir);
    expect(goKeys.map((k) => k.role).sort()).toEqual(['root', 'snapshot', 'targets']);
    const ks = await storeFor(trustDir);
    const { keys } = await ks.list();
    expect(keys.map((k) => ({ role: k.role, gun: k.gun, keyId: k.keyId }))).toEqual(goKeys);
    for (const k of goKeys) expect(k.gun).toBe(k.role === 'root' ? '' : GUN);
    for (const k of keys) expect((await ks.get(k.keyId)).key.algorithm).toBe('ecdsa');
  });

  it('keys we write are listed by `notary key list` with the right roles, guns and ids', async () => {
    const trustDir = tempDir('ks-ours-');
    const ks = await storeFor(trustDir);
    const root = await ks.add(generateKey('ecdsa'), { role: 'root', gun: GUN });
    const targets = await ks.add(generateKey('ecdsa'), { role: 'targets', gun: GUN });
    const releases = await ks.add(generateKey('ecdsa'), { role: 'targets/releases', gun: GUN });
    const snapshot = await ks.add(generateKey('ed25519'), { role: 'snapshot', gun: GUN });
    const rsa = await ks.add(rsaKey(), { role: 'alice' });
    const expected = [
      { role: 'root', gun: '', keyId: root.keyId },
      { role: 'targets', gun: GUN, keyId: targets.keyId },
      { role: 'targets/releases', gun: '', keyId: releases.keyId },
      { role: 'snapshot', gun: GUN, keyId: snapshot.keyId },
      { role: 'alice', gun: '', keyId: rsa.keyId },
    ].sort((a, b) => a.keyId.localeCompare(b.keyId));
    expect(await goKeyList(trustDir)).toEqual(expected);

    // `notary key export` decodes our files and writes the same bundle we do
    for (const k of expected) {
      const go = await runNotary(['key', 'export', '--key', k.keyId], { trustDir });
      expect(go.code, go.stderr).toBe(0);
      expect(go.stdout).toBe(await ks.exportKeys({ keyIds: [k.keyId] }));
    }

    // `notary key passwd` decrypts each key with our passphrase and re-encrypts it; we read the result
    for (const k of expected) {
      const r = await runNotary(['key', 'passwd', k.keyId], { trustDir });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toContain(`Successfully updated passphrase for key ID: ${k.keyId}`);
      const got = await (await storeFor(trustDir)).get(k.keyId);
      expect(got).toMatchObject({ keyId: k.keyId, role: k.role, gun: k.gun });
    }
  });

  it('the Go CLI signs with a root key we stored (notary init -p picks it up)', async () => {
    const trustDir = tempDir('ks-ours-init-');
    const ks = await storeFor(trustDir);
    const root = await ks.add(generateKey('ecdsa'), { role: 'root' });
    const r = await runNotary(['init', `${GUN}-ours`, '-p'], { trustDir, server: server.url });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`Root key found, using: ${root.keyId}`);
    const rootJson = await server.get(`/v2/${GUN}-ours/_trust/tuf/root.json`);
    expect(rootJson.status).toBe(200);
  });

  it('export bundles cross over: Go imports ours, we import Go’s', async () => {
    const ours = tempDir('ks-x-ours-');
    const ks = await storeFor(ours);
    const a = await ks.add(generateKey('ecdsa'), { role: 'targets', gun: GUN });
    const bundle = join(tempDir('ks-x-'), 'bundle.pem');
    writeFileSync(bundle, await ks.exportKeys());
    const theirs = tempDir('ks-x-theirs-');
    const imp = await runNotary(['key', 'import', bundle], { trustDir: theirs });
    expect(imp.code, imp.stdout + imp.stderr).toBe(0);
    expect(await goKeyList(theirs)).toEqual([{ role: 'targets', gun: GUN, keyId: a.keyId }]);
    expect(readFileSync(join(theirs, 'private', `${a.keyId}.key`), 'utf8')).toBe(
      readFileSync(join(ours, 'private', `${a.keyId}.key`), 'utf8'),
    );

    const gen = await runNotary(['key', 'generate', '--role', 'targets/releases'], { trustDir: theirs });
    const id = /keyID: ([0-9a-f]{64})/.exec(gen.stdout)?.[1] as string;
    const exp = await runNotary(['key', 'export', '--key', id], { trustDir: theirs });
    const fresh = await storeFor(tempDir('ks-x-fresh-'));
    expect((await fresh.importKeys(exp.stdout)).imported).toEqual([id]);
    expect((await fresh.get(id)).role).toBe('targets/releases');
  });

  it('both refuse to import a gun-less snapshot key from a bundle', async () => {
    const theirs = tempDir('ks-snap-');
    const gen = await runNotary(['key', 'generate', '--role', 'snapshot'], { trustDir: theirs });
    const id = /keyID: ([0-9a-f]{64})/.exec(gen.stdout)?.[1] as string;
    const exp = await runNotary(['key', 'export', '--key', id], { trustDir: theirs });
    const bundle = join(tempDir('ks-snap-'), 'bundle.pem');
    writeFileSync(bundle, exp.stdout);
    const other = tempDir('ks-snap-go-');
    const goImport = await runNotary(['key', 'import', bundle], { trustDir: other });
    expect(goImport.code).not.toBe(0);
    expect(await goKeyList(other)).toEqual([]);
    const fresh = await storeFor(tempDir('ks-snap-ours-'));
    await expect(fresh.importKeys(exp.stdout)).rejects.toMatchObject({ code: 'BAD_KEY_FILE' });
  });

  it('an unencrypted PEM imported by Go and by us ends up with the same headers and id', async () => {
    const key = generateKey('ecdsa');
    const pemFile = join(tempDir('ks-imp-'), 'key.pem');
    const { createPrivateKey } = await import('node:crypto');
    writeFileSync(
      pemFile,
      createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' }).export({
        type: 'pkcs8',
        format: 'pem',
      }) as string,
    );
    const theirs = tempDir('ks-imp-go-');
    const r = await runNotary(['key', 'import', pemFile, '--role', 'targets', '--gun', GUN], { trustDir: theirs });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ks = await FileKeyStore.open(tempDir('ks-imp-ours-'), { passphrases: envPassphrases(PASSPHRASE_ENV) });
    const { imported } = await ks.importKeys(readFileSync(pemFile), { role: 'targets', gun: GUN });
    expect(await goKeyList(theirs)).toEqual([{ role: 'targets', gun: GUN, keyId: imported[0] as string }]);
    const id = imported[0] as string;
    const goBlock = decodeFirstPemBlock(readFileSync(join(theirs, 'private', `${id}.key`)));
    const ourBlock = decodeFirstPemBlock(readFileSync(join(ks.privateDir, `${id}.key`)));
    expect(goBlock.type).toBe(ourBlock.type);
    expect({ ...goBlock.headers }).toEqual({ ...ourBlock.headers });
    expect({ ...ourBlock.headers }).toEqual({ gun: GUN, role: 'targets' });
    // same inner PKCS#8 bytes once decrypted (only salt and IV differ)
    expect(await decryptPrivateKeyInfo(goBlock.bytes, TEST_PASSPHRASE)).toEqual(
      await decryptPrivateKeyInfo(ourBlock.bytes, TEST_PASSPHRASE),
    );
    expect((await (await storeFor(theirs)).get(id)).key.publicKey).toEqual(key.publicKey);
  });

  for (const version of ['0.1', '0.3'] as const) {
    it(`migrates a ${version} tree exactly as \`notary key list\` does`, async () => {
      const ours = tempDir(`ks-legacy-${version}-ours-`);
      const keys = buildLegacyTree(ours, version, 'docker.com/legacy', TEST_PASSPHRASE);
      const theirs = tempDir(`ks-legacy-${version}-go-`);
      cpSync(ours, theirs, { recursive: true });
      const goKeys = await goKeyList(theirs);
      await migrateLegacyLayout(join(ours, 'private'));
      expect(snapshotTree(join(ours, 'private'))).toEqual(snapshotTree(join(theirs, 'private')));
      const ks = await storeFor(ours);
      const { keys: listed } = await ks.list();
      expect(listed.map((k) => ({ role: k.role, gun: k.gun, keyId: k.keyId }))).toEqual(goKeys);
      expect(goKeys).toHaveLength(keys.length);
      for (const k of keys) expect((await ks.get(k.keyId)).key.publicKey).toEqual(k.key.publicKey);
      // and Go can still decrypt the migrated legacy blocks: passwd rewrites them as PKCS#8
      const root = keys.find((k) => k.role === 'root');
      const r = await runNotary(['key', 'passwd', root?.keyId as string], { trustDir: theirs });
      expect(r.code, r.stdout + r.stderr).toBe(0);
    });
  }
});
