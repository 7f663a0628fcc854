// The committed key files and legacy trust dirs checked with an independent oracle, and what the real notary CLI
// does with the committed corpus (migration, re-import, status, list from the served bytes, offline cache).
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tufKeyId } from '../../src/metadata/key-id.js';
import { copyFixtureDir, fixturePath, loadManifest, readFixture, serveFixtureRepo } from '../helpers/fixtures.js';
import { describeInterop, runNotary, tempDir } from '../helpers/notary.js';
import {
  NOTARY_PBES2,
  type OraclePrivateKey,
  oracleDecryptPkcs8,
  oracleReadPkcs8,
  pemParts,
} from '../helpers/oracle.js';

const manifest = loadManifest();
const PASS = manifest.passphrase;

/** Decrypts a fixture key file with the oracle, insisting on Notary's exact PBES2 parameters. */
function decryptKeyFile(rel: string, passphrase: string): OraclePrivateKey {
  const { type, der } = pemParts(readFixture(rel).toString('utf8'));
  expect(type, rel).toBe('ENCRYPTED PRIVATE KEY');
  const { params, key } = oracleDecryptPkcs8(der, passphrase);
  expect(params, rel).toEqual(NOTARY_PBES2);
  return key;
}

describe('fixture key files (keys/)', () => {
  const k = manifest.keys;

  it('holds root, targets, snapshot and imported ecdsa/rsa/ed25519 keys, each named by its canonical ID', () => {
    expect(new Set(k.privateKeys.map((p) => p.algorithm))).toEqual(new Set(['ecdsa', 'rsa', 'ed25519']));
    expect(k.privateKeys.map((p) => p.role)).toEqual(expect.arrayContaining(['root', 'targets', 'snapshot']));
    for (const p of k.privateKeys) {
      const d = decryptKeyFile(p.path, PASS);
      expect(d.algorithm, p.path).toBe(p.algorithm);
      expect(d.canonicalId, p.path).toBe(p.keyId);
    }
    for (const i of k.imports) expect(i.stored, i.role).toBe(true);
  });

  it('imported keys decrypt to exactly the imported material', () => {
    for (const p of k.privateKeys.filter((x) => x.importedFrom !== null)) {
      const d = decryptKeyFile(p.path, PASS);
      const input = readFixture(p.importedFrom!);
      if (p.algorithm === 'ed25519') {
        const inner = oracleReadPkcs8(pemParts(input.toString('utf8')).der);
        expect(d.ed25519Blob?.equals(inner.ed25519Blob!), p.path).toBe(true);
      } else {
        const spki = createPublicKey(createPrivateKey(input)).export({ type: 'spki', format: 'der' });
        expect(d.spki?.equals(spki), p.path).toBe(true);
      }
    }
  });

  it('export bundles carry the key files’ blocks unchanged plus a path: header naming the key ID', () => {
    const all = k.exports.find((e) => e.path.endsWith('export-all.pem'))!;
    expect(all.blocks.map((b) => b.keyId).sort()).toEqual(k.privateKeys.map((p) => p.keyId).sort());
    const bundle = readFixture(all.path).toString('utf8');
    for (const p of k.privateKeys) {
      const body = pemParts(readFixture(p.path).toString('utf8')).der.toString('base64');
      expect(bundle.replace(/\n/g, '').includes(body), p.path).toBe(true);
    }
    const rootOnly = k.exports.find((e) => e.path.endsWith('export-root.pem'))!;
    expect(rootOnly.blocks.map((b) => b.role)).toEqual(['root']);
    const gunOnly = k.exports.find((e) => e.path.endsWith('export-gun.pem'))!;
    expect(new Set(gunOnly.blocks.map((b) => b.gun))).toEqual(new Set([k.gun]));
  });
});

describe.each(manifest.legacy)('legacy trust dir $name', (l) => {
  it('keys are RFC 1421-encrypted EC PRIVATE KEYs whose IDs match their file names and the 0.7 originals', () => {
    const originals = manifest.repos.find((r) => `${r.dir}/trust` === l.basedOn)!.trust.privateKeys;
    expect(l.privateKeys.length).toBeGreaterThan(2);
    for (const p of l.privateKeys) {
      const text = readFixture(p.path).toString('utf8');
      expect(text).toMatch(
        /^-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,[0-9a-f]{32}\n/,
      );
      // OpenSSL reads RFC 1421 headers but not Notary's extra role: line.
      const key = createPrivateKey({ key: text.replace(/^role: .*\n/m, ''), passphrase: PASS });
      const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
      expect(tufKeyId({ type: 'ecdsa', public: new Uint8Array(spki) }), p.path).toBe(p.keyId);
      expect(originals.find((o) => o.keyId === p.keyId)?.role, p.path).toBe(p.role);
      if (l.name === 'notary0.1') expect(p.roleFrom).toBe('filename');
      else expect(p.roleFrom).toBe('header');
    }
    expect(existsSync(fixturePath(`${l.dir}/tuf/${l.gun}/metadata/root.json`))).toBe(true);
  });

  it('the real client migrated it to private/<id>.key without losing a key', () => {
    expect(l.afterMigration.files.sort()).toEqual(l.privateKeys.map((p) => `private/${p.keyId}.key`).sort());
    const repo = manifest.repos.find((r) => `${r.dir}/trust` === l.basedOn)!;
    expect(l.afterMigration.list).toBe(repo.cli.list);
  });
});

// ---- the real CLI over the committed corpus ----------------------------------------------------------------------

describeInterop('fixtures with the real notary CLI', () => {
  it.each(manifest.legacy)('migrates a copy of $name exactly as recorded', async (l) => {
    const dir = copyFixtureDir(l.dir);
    const r = await runNotary(['key', 'list'], { trustDir: dir, env: passEnv() });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const files = readdirSync(join(dir, 'private')).map((f) => `private/${f}`);
    expect(files.sort()).toEqual([...l.afterMigration.files].sort());
    for (const p of l.privateKeys) {
      const migrated = pemParts(readFileSync(join(dir, 'private', `${p.keyId}.key`), 'utf8'));
      expect(migrated.headers.role, p.path).toBe(p.role);
      // Keys under tuf_keys/<gun>/ gain the gun from their directory; root and delegation keys do not.
      expect(migrated.headers.gun ?? null).toBe(p.path.includes(`/tuf_keys/${l.gun}/`) ? l.gun : null);
    }
    expect(existsSync(join(dir, 'private', 'root_keys'))).toBe(false);
    expect(existsSync(join(dir, 'private', 'tuf_keys'))).toBe(false);
    // Notary deletes <trust-dir>/private/trusted_certificates, but 0.1 kept them at <trust-dir>/trusted_certificates,
    // so the real client leaves them behind.
    expect(existsSync(join(dir, 'trusted_certificates'))).toBe(l.trustedCertificates.length > 0);
  });

  it('re-imports the export bundle into an empty trust dir with the same key IDs', async () => {
    const dir = tempDir('fixture-import-');
    const r = await runNotary(['key', 'import', fixturePath('keys/export-all.pem')], { trustDir: dir, env: passEnv() });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ids = readdirSync(join(dir, 'private')).map((f) => f.replace(/\.key$/, ''));
    expect(ids.sort()).toEqual(manifest.keys.privateKeys.map((p) => p.keyId).sort());
  });

  it.each(manifest.repos.filter((r) => r.cli.other.status !== undefined))(
    'notary status on a copy of $name shows the committed changelist',
    async (repo) => {
      const dir = copyFixtureDir(repo.trust.dir);
      const r = await runNotary(['status', repo.gun], { trustDir: dir, env: passEnv() });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(repo.cli.other.status);
    },
  );

  // Go ignores faked clocks: once the fixture timestamps (14 days) expire, the real client must refuse them.
  it.each(manifest.repos)('a fresh Go client reads $name from the committed server bytes', async (repo) => {
    const server = await serveFixtureRepo(repo);
    try {
      const trustDir = tempDir('fixture-fresh-');
      const r = await runNotary(['list', repo.gun], { trustDir, server: server.url, env: passEnv() });
      if (Date.now() < Date.parse(repo.current.timestamp!.expires)) {
        expect(r.code, r.stdout + r.stderr).toBe(0);
        expect(r.stdout).toBe(repo.cli.list);
        for (const l of repo.cli.lookups) {
          const lk = await runNotary(['lookup', repo.gun, l.name], { trustDir, server: server.url, env: passEnv() });
          expect(lk.stdout).toBe(l.stdout);
        }
        expect(server.requests).toContain(`/v2/${repo.gun}/_trust/tuf/root.json`);
      } else {
        expect(r.code).not.toBe(0);
      }
    } finally {
      await server.stop();
    }
  });

  it('the committed trust dir works offline from its cache (server unreachable)', async () => {
    const repo = manifest.repos.find((r) => r.name === 'delegated')!;
    const dir = copyFixtureDir(repo.trust.dir);
    const r = await runNotary(['list', repo.gun], { trustDir: dir, server: 'http://127.0.0.1:9', env: passEnv() });
    if (Date.now() < Date.parse(repo.current.timestamp!.expires)) {
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toBe(repo.cli.list);
      expect(r.stderr).toMatch(/using cached timestamp/);
    } else {
      expect(r.code).not.toBe(0);
    }
  });
});

function passEnv(): Record<string, string> {
  return {
    NOTARY_ROOT_PASSPHRASE: PASS,
    NOTARY_TARGETS_PASSPHRASE: PASS,
    NOTARY_SNAPSHOT_PASSPHRASE: PASS,
    NOTARY_DELEGATION_PASSPHRASE: PASS,
  };
}
