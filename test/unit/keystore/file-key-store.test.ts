import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notaryError } from '../../../src/errors.js';
import { FileKeyStore } from '../../../src/keystore/file-key-store.js';
import { constantPassphrase, envPassphrases, type PassphraseSource } from '../../../src/keystore/passphrase.js';
import { decodePemBlocks, encodePemBlock, pemHeaders } from '../../../src/keystore/pem.js';
import { canonicalKeyId } from '../../../src/metadata/key-id.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { ecdsaKey, ed25519Key, expectRejectCode, rsaKey } from './helpers.js';

const PASS = 'correct horse';
const never: PassphraseSource = {
  get: async () => {
    throw new Error('the passphrase source must not be asked');
  },
};

async function store(opts: { passphrases?: PassphraseSource; allowUnencrypted?: boolean; dir?: string } = {}) {
  const dir = opts.dir ?? tempDir('ks-');
  const ks = await FileKeyStore.open(dir, {
    passphrases: opts.passphrases ?? constantPassphrase(PASS),
    ...(opts.allowUnencrypted ? { allowUnencrypted: true } : {}),
  });
  return { dir, ks };
}

const mode = (p: string): number => statSync(p).mode & 0o777;

describe('FileKeyStore: add and get', () => {
  it('stores keys as <canonicalKeyId>.key, 0600 in a 0700 private dir, encrypted, and reads them back', async () => {
    const { dir, ks } = await store();
    for (const key of [ecdsaKey(), ed25519Key(), rsaKey()]) {
      const stored = await ks.add(key, { role: 'targets', gun: 'example.com/a' });
      const id = canonicalKeyId(key.publicKey);
      expect(stored.keyId).toBe(id);
      const file = join(dir, 'private', `${id}.key`);
      expect(mode(file)).toBe(0o600);
      const [block] = decodePemBlocks(readFileSync(file));
      expect(block?.type).toBe('ENCRYPTED PRIVATE KEY');
      expect({ ...block?.headers }).toEqual({ gun: 'example.com/a', role: 'targets' });
      const fresh = await FileKeyStore.open(dir, { passphrases: constantPassphrase(PASS) });
      const got = await fresh.get(id);
      expect(got).toMatchObject({ keyId: id, role: 'targets', gun: 'example.com/a' });
      expect(got.key.publicKey).toEqual(key.publicKey);
      expect(got.key.pkcs8).toEqual(key.pkcs8);
    }
    expect(mode(join(dir, 'private'))).toBe(0o700);
    expect(readdirSync(join(dir, 'private')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('writes gun only for targets/snapshot/timestamp (stripped for root and delegations)', async () => {
    const { dir, ks } = await store();
    const cases: [string, string][] = [
      ['root', ''],
      ['targets/releases', ''],
      ['alice', ''],
      ['snapshot', 'g'],
      ['timestamp', 'g'],
    ];
    for (const [role, gun] of cases) {
      const { keyId } = await ks.add(ecdsaKey(), { role, gun: 'g' });
      const [block] = decodePemBlocks(readFileSync(join(dir, 'private', `${keyId}.key`)));
      expect(block?.headers['gun'] ?? '').toBe(gun);
      expect(block?.headers['role']).toBe(role);
    }
  });

  it('tightens a too-open existing private dir to 0700', async () => {
    const dir = tempDir('ks-');
    mkdirSync(join(dir, 'private'), { mode: 0o755 });
    chmodSync(join(dir, 'private'), 0o755);
    await store({ dir });
    expect(mode(join(dir, 'private'))).toBe(0o700);
  });

  it('refuses to overwrite unless asked (KEY_EXISTS), and rejects an empty role (RangeError)', async () => {
    const { ks } = await store();
    const key = ecdsaKey();
    await ks.add(key, { role: 'root' });
    await expectRejectCode(ks.add(key, { role: 'root' }), 'KEY_EXISTS');
    await expect(ks.add(key, { role: 'root', overwrite: true })).resolves.toMatchObject({ role: 'root' });
    await expect(ks.add(key, { role: '' })).rejects.toThrow(RangeError);
  });

  it('never writes unencrypted unless allowed: empty passphrase → PASSPHRASE_REQUIRED', async () => {
    const { ks } = await store({ passphrases: constantPassphrase('') });
    await expectRejectCode(ks.add(ecdsaKey(), { role: 'root' }), 'PASSPHRASE_REQUIRED');
    const { dir, ks: open } = await store({ passphrases: constantPassphrase(''), allowUnencrypted: true });
    const { keyId } = await open.add(ecdsaKey(), { role: 'root' });
    const [block] = decodePemBlocks(readFileSync(join(dir, 'private', `${keyId}.key`)));
    expect(block?.type).toBe('PRIVATE KEY');
    const reader = await FileKeyStore.open(dir, { passphrases: never });
    expect((await reader.get(keyId)).keyId).toBe(keyId);
  });

  it('passphrase errors: none, wrong (non-interactive), retries exceeded (interactive)', async () => {
    const { dir, ks } = await store();
    const { keyId } = await ks.add(ecdsaKey(), { role: 'targets', gun: 'g' });
    const open = (p: PassphraseSource) => FileKeyStore.open(dir, { passphrases: p });
    await expectRejectCode((await open(envPassphrases({}))).get(keyId), 'PASSPHRASE_REQUIRED');
    await expectRejectCode((await open(constantPassphrase('nope'))).get(keyId), 'WRONG_PASSPHRASE');
    await expectRejectCode(
      (await open(envPassphrases({ NOTARY_TARGETS_PASSPHRASE: 'nope' }))).get(keyId),
      'WRONG_PASSPHRASE',
    );
    const asked: number[] = [];
    const person = (answers: string[]): PassphraseSource => ({
      get: async (r) => {
        asked.push(r.attempt);
        return { passphrase: answers[r.attempt] ?? 'x', interactive: true };
      },
    });
    await expectRejectCode((await open(person(['a', 'b', 'c', PASS]))).get(keyId), 'PASSPHRASE_RETRIES_EXCEEDED');
    expect((await (await open(person(['a', 'b', PASS]))).get(keyId)).keyId).toBe(keyId);
  });

  it('asks the source with role, key id and gun', async () => {
    const { dir, ks } = await store();
    const { keyId } = await ks.add(ecdsaKey(), { role: 'snapshot', gun: 'example.com/x' });
    const seen: unknown[] = [];
    const reader = await FileKeyStore.open(dir, {
      passphrases: {
        get: async (r) => {
          seen.push(r);
          return { passphrase: PASS, interactive: false };
        },
      },
    });
    await reader.get(keyId);
    await reader.get(keyId); // cached: not asked again
    expect(seen).toEqual([{ role: 'snapshot', keyId, gun: 'example.com/x', attempt: 0, creating: false }]);
  });
});

describe('FileKeyStore: list, files and errors', () => {
  it('lists keys without decrypting, with roles, guns and what is known of the algorithm', async () => {
    const { dir, ks } = await store();
    const a = await ks.add(ecdsaKey(), { role: 'root' });
    const b = await ks.add(ed25519Key(), { role: 'targets', gun: 'example.com/a' });
    const { keys, problems } = await (await FileKeyStore.open(dir, { passphrases: never })).list();
    expect(problems).toEqual([]);
    expect(keys.map((k) => [k.keyId, k.role, k.gun, k.encrypted, k.algorithm]).sort()).toEqual(
      [
        [a.keyId, 'root', '', true, undefined],
        [b.keyId, 'targets', 'example.com/a', true, undefined],
      ].sort(),
    );
  });

  it('reports bad files in list and fails get with BAD_KEY_FILE / KEY_NOT_FOUND / INVALID_ARGUMENT', async () => {
    const { dir, ks } = await store({ passphrases: constantPassphrase(''), allowUnencrypted: true });
    const good = await ks.add(ecdsaKey(), { role: 'root' });
    const priv = join(dir, 'private');
    const text = readFileSync(join(priv, `${good.keyId}.key`), 'utf8');
    const fake = 'f'.repeat(64);
    writeFileSync(join(priv, `${fake}.key`), text); // unencrypted key under another id
    writeFileSync(join(priv, `${'e'.repeat(64)}.key`), text.slice(0, 80)); // truncated PEM
    writeFileSync(join(priv, `${'d'.repeat(64)}.key`), 'garbage');
    writeFileSync(
      join(priv, `${'c'.repeat(64)}.key`),
      encodePemBlock({ type: 'CERTIFICATE', headers: pemHeaders(), bytes: Uint8Array.of(1) }),
    );
    writeFileSync(join(priv, 'notes.key'), text);
    writeFileSync(join(priv, `${'b'.repeat(64)}.key`), Buffer.alloc(2 * 1024 * 1024, 0x41));
    const { keys, problems } = await ks.list();
    expect(keys.map((k) => k.keyId)).toEqual([good.keyId]);
    expect(keys[0]).toMatchObject({ encrypted: false, algorithm: 'ecdsa', legacy: false });
    expect(problems.map((p) => [p.file.slice(0, 4), p.code]).sort()).toEqual(
      [
        ['bbbb', 'BAD_KEY_FILE'],
        ['cccc', 'BAD_KEY_FILE'],
        ['dddd', 'BAD_KEY_FILE'],
        ['eeee', 'BAD_KEY_FILE'],
        ['ffff', 'BAD_KEY_FILE'],
        ['note', 'BAD_KEY_FILE'],
      ].sort(),
    );
    for (const id of ['f', 'e', 'd', 'c', 'b']) await expectRejectCode(ks.get(id.repeat(64)), 'BAD_KEY_FILE');
    await expectRejectCode(ks.get('a'.repeat(64)), 'KEY_NOT_FOUND');
    // Not regular files: a directory, and a FIFO (opened without blocking, so no writer is waited for).
    mkdirSync(join(priv, `${'9'.repeat(64)}.key`));
    execFileSync('mkfifo', [join(priv, `${'8'.repeat(64)}.key`)]);
    for (const id of ['9', '8']) await expectRejectCode(ks.get(id.repeat(64)), 'BAD_KEY_FILE');
    await expectRejectCode(ks.get('../../etc/passwd'), 'INVALID_ARGUMENT');
    await expectRejectCode(ks.get('A'.repeat(64)), 'INVALID_ARGUMENT');
  });

  it('detects an encrypted key stored under the wrong id when decrypting (BAD_KEY_FILE)', async () => {
    const { dir, ks } = await store();
    const { keyId } = await ks.add(ecdsaKey(), { role: 'root' });
    const other = '0'.repeat(64);
    writeFileSync(join(dir, 'private', `${other}.key`), readFileSync(join(dir, 'private', `${keyId}.key`)));
    expect((await ks.list()).keys.map((k) => k.keyId).sort()).toEqual([other, keyId].sort());
    await expectRejectCode(ks.get(other), 'BAD_KEY_FILE');
  });

  it('removes keys (KEY_NOT_FOUND the second time)', async () => {
    const { dir, ks } = await store();
    const { keyId } = await ks.add(ecdsaKey(), { role: 'root' });
    await ks.get(keyId);
    expect(await ks.has(keyId)).toBe(true);
    await ks.remove(keyId);
    expect(readdirSync(join(dir, 'private'))).toEqual([]);
    expect(await ks.has(keyId)).toBe(false);
    await expectRejectCode(ks.get(keyId), 'KEY_NOT_FOUND');
    await expectRejectCode(ks.remove(keyId), 'KEY_NOT_FOUND');
  });

  it('a failed write leaves the old file and no temp file (atomic)', async () => {
    const { dir, ks } = await store();
    const key = ecdsaKey();
    const id = canonicalKeyId(key.publicKey);
    mkdirSync(join(dir, 'private', `${id}.key`)); // rename onto a directory fails
    await expectRejectCode(ks.add(key, { role: 'root', overwrite: true }), 'IO');
    expect(readdirSync(join(dir, 'private'))).toEqual([`${id}.key`]);
    expect(statSync(join(dir, 'private', `${id}.key`)).isDirectory()).toBe(true);
  });

  it('changes a passphrase, keeping role and gun', async () => {
    const { dir, ks } = await store();
    const { keyId } = await ks.add(ecdsaKey(), { role: 'targets', gun: 'example.com/a' });
    await ks.changePassphrase(keyId, constantPassphrase('new passphrase'));
    await expectRejectCode(
      (await FileKeyStore.open(dir, { passphrases: constantPassphrase(PASS) })).get(keyId),
      'WRONG_PASSPHRASE',
    );
    const got = await (await FileKeyStore.open(dir, { passphrases: constantPassphrase('new passphrase') })).get(keyId);
    expect(got).toMatchObject({ role: 'targets', gun: 'example.com/a' });
  });
});

describe('FileKeyStore: export and import', () => {
  it('exports blocks unchanged with a path header, and imports such a bundle elsewhere', async () => {
    const { ks } = await store();
    const a = await ks.add(ecdsaKey(), { role: 'root' });
    const b = await ks.add(ecdsaKey(), { role: 'targets', gun: 'example.com/a' });
    const bundle = await ks.exportKeys();
    const blocks = decodePemBlocks(bundle);
    expect(blocks.map((x) => x.headers['path']).sort()).toEqual([a.keyId, b.keyId].sort());
    expect(decodePemBlocks(await ks.exportKeys({ gun: 'example.com/a' })).map((x) => x.headers['path'])).toEqual([
      b.keyId,
    ]);
    expect(decodePemBlocks(await ks.exportKeys({ keyIds: [a.keyId] }))).toHaveLength(1);
    await expectRejectCode(ks.exportKeys({ keyIds: ['9'.repeat(64)] }), 'KEY_NOT_FOUND');

    const { dir: dir2, ks: other } = await store({ passphrases: never });
    const result = await other.importKeys(bundle);
    expect(result.imported.sort()).toEqual([a.keyId, b.keyId].sort());
    const file = readFileSync(join(dir2, 'private', `${b.keyId}.key`), 'utf8');
    expect(file).not.toContain('path:');
    expect(file).toContain('gun: example.com/a');
    const reader = await FileKeyStore.open(dir2, { passphrases: constantPassphrase(PASS) });
    expect((await reader.get(b.keyId)).gun).toBe('example.com/a');
    await expectRejectCode(other.importKeys(bundle), 'KEY_EXISTS');
    expect((await other.importKeys(bundle, { overwrite: true })).imported).toHaveLength(2);
  });

  it('imports unencrypted PEM keys, encrypting them, with role/gun fallbacks', async () => {
    const { dir, ks } = await store();
    const key = ecdsaKey();
    const pem = createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' }).export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const { imported } = await ks.importKeys(pem, { role: 'snapshot', gun: 'example.com/z' });
    expect(imported).toEqual([canonicalKeyId(key.publicKey)]);
    const [block] = decodePemBlocks(readFileSync(join(dir, 'private', `${imported[0]}.key`)));
    expect(block?.type).toBe('ENCRYPTED PRIVATE KEY');
    expect({ ...block?.headers }).toEqual({ gun: 'example.com/z', role: 'snapshot' });
    // default role "delegation", no gun
    const k2 = ecdsaKey();
    const pem2 = createPrivateKey({ key: Buffer.from(k2.pkcs8), format: 'der', type: 'pkcs8' }).export({
      type: 'sec1',
      format: 'pem',
    }) as string;
    const r2 = await ks.importKeys(pem2, { gun: 'ignored' });
    expect((await ks.info(r2.imported[0]!)).role).toBe('delegation');
    expect((await ks.info(r2.imported[0]!)).gun).toBe('');
  });

  it('skips blocks it cannot import, and fails when nothing is imported (BAD_KEY_FILE)', async () => {
    const { ks } = await store();
    const src = (await store()).ks;
    const { keyId } = await src.add(ecdsaKey(), { role: 'root' });
    const encrypted = (await src.exportKeys()).replace(/path: .*\n/, '');
    const plainTargets = createPrivateKey({ key: Buffer.from(ecdsaKey().pkcs8), format: 'der', type: 'pkcs8' }).export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    await expectRejectCode(ks.importKeys(encrypted), 'BAD_KEY_FILE'); // encrypted without path
    await expectRejectCode(ks.importKeys(plainTargets, { role: 'targets' }), 'BAD_KEY_FILE'); // targets without gun
    await expectRejectCode(ks.importKeys('no pem here'), 'BAD_KEY_FILE');
    const badPath = (await src.exportKeys()).replace(keyId, '../../x');
    await expectRejectCode(ks.importKeys(badPath), 'BAD_KEY_FILE');
    const mixed = `${plainTargets}${await src.exportKeys()}`;
    const r = await ks.importKeys(mixed, { role: 'targets' });
    expect(r.imported).toEqual([keyId]);
    expect(r.problems.map((p) => p.code)).toEqual(['INVALID_ARGUMENT']);
  });

  it('rejects an unencrypted block whose path header names another key', async () => {
    const { ks } = await store();
    const k = ecdsaKey();
    const pem = createPrivateKey({ key: Buffer.from(k.pkcs8), format: 'der', type: 'pkcs8' }).export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    const withPath = pem.replace('-----\n', `-----\npath: ${'1'.repeat(64)}\n\n`);
    await expectRejectCode(ks.importKeys(withPath), 'BAD_KEY_FILE');
  });

  it('propagates passphrase failures while importing', async () => {
    const { ks } = await store({ passphrases: envPassphrases({}) });
    const pem = createPrivateKey({ key: Buffer.from(ecdsaKey().pkcs8), format: 'der', type: 'pkcs8' }).export({
      type: 'pkcs8',
      format: 'pem',
    }) as string;
    await expectRejectCode(ks.importKeys(pem, { role: 'root' }), 'PASSPHRASE_REQUIRED');
  });

  it('does not swallow source errors', async () => {
    const failing: PassphraseSource = {
      get: async () => {
        throw notaryError('IO', 'boom');
      },
    };
    const { ks } = await store({ passphrases: failing });
    await expectRejectCode(ks.add(ecdsaKey(), { role: 'root' }), 'IO');
  });
});
