import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileKeyStore } from '../../../src/keystore/file-key-store.js';
import { migrateLegacyLayout } from '../../../src/keystore/legacy-layout.js';
import { constantPassphrase } from '../../../src/keystore/passphrase.js';
import { encodePemBlock, pemHeaders } from '../../../src/keystore/pem.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { buildLegacyTree } from './legacy-tree.js';

const PASS = 'legacy-pass';
const GUN = 'docker.com/notary/legacy';

describe('migrateLegacyLayout (migrateTo0Dot4)', () => {
  for (const version of ['0.1', '0.3'] as const) {
    it(`moves a ${version} tree to <id>.key with gun/role headers and deletes the old directories`, async () => {
      const trust = tempDir('legacy-');
      const keys = buildLegacyTree(trust, version, GUN, PASS);
      const priv = join(trust, 'private');
      const report = await migrateLegacyLayout(priv);
      expect(report.skipped).toEqual([]);
      expect(report.migrated.sort()).toEqual(keys.map((k) => k.keyId).sort());
      expect(report.removed).toEqual(['root_keys', 'tuf_keys', 'trusted_certificates']);
      expect(readdirSync(priv).sort()).toEqual(keys.map((k) => `${k.keyId}.key`).sort());
      for (const k of keys) {
        const headers = pemHeaders({ ...k.block.headers, role: k.role, ...(k.gun ? { gun: k.gun } : {}) });
        const expected = encodePemBlock({ ...k.block, headers });
        expect(readFileSync(join(priv, `${k.keyId}.key`), 'utf8')).toBe(expected);
      }
      // the file store opens it and decrypts every key with the legacy scheme
      const ks = await FileKeyStore.open(trust, { passphrases: constantPassphrase(PASS) });
      const { keys: listed } = await ks.list();
      expect(listed.every((r) => r.legacy && r.encrypted)).toBe(true);
      for (const k of keys) {
        const got = await ks.get(k.keyId);
        expect(got).toMatchObject({ role: k.role, gun: k.gun });
        expect(got.key.publicKey).toEqual(k.key.publicKey);
      }
      expect(await migrateLegacyLayout(priv)).toEqual({ migrated: [], skipped: [], removed: [] });
    });
  }

  it('FileKeyStore.open migrates and reports it', async () => {
    const trust = tempDir('legacy-');
    buildLegacyTree(trust, '0.1', GUN, PASS);
    const ks = await FileKeyStore.open(trust, { passphrases: constantPassphrase(PASS) });
    expect(ks.migration?.migrated).toHaveLength(3);
    const untouched = tempDir('legacy-');
    buildLegacyTree(untouched, '0.1', GUN, PASS);
    const off = await FileKeyStore.open(untouched, { passphrases: constantPassphrase(PASS), migrate: false });
    expect(off.migration).toBeUndefined();
    expect(existsSync(join(untouched, 'private', 'root_keys'))).toBe(true);
  });

  it('keeps a legacy directory holding a key it could not migrate (Notary would delete it)', async () => {
    const trust = tempDir('legacy-');
    const keys = buildLegacyTree(trust, '0.3', GUN, PASS);
    const priv = join(trust, 'private');
    writeFileSync(join(priv, 'root_keys', `${'a'.repeat(64)}.key`), 'not pem');
    mkdirSync(join(priv, 'tuf_keys', 'x'), { recursive: true });
    writeFileSync(join(priv, 'tuf_keys', 'x', 'weird-name_targets.key'), 'x');
    const report = await migrateLegacyLayout(priv);
    expect(report.skipped.map((s) => s.reason).sort()).toEqual([
      'file name is not a key id',
      'not a valid pem key file',
    ]);
    expect(report.removed).toEqual(['trusted_certificates']);
    expect(existsSync(join(priv, 'root_keys'))).toBe(true);
    for (const k of keys) expect(existsSync(join(priv, `${k.keyId}.key`))).toBe(true);
  });

  it('a private dir that is not a directory is IO, never an empty report', async () => {
    const file = join(tempDir('legacy-'), 'private');
    writeFileSync(file, 'x');
    await expect(migrateLegacyLayout(file)).rejects.toMatchObject({ code: 'IO' });
  });
});
