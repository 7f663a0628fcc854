// Migration of notary 0.1-0.3 key directories (root_keys/, tuf_keys/) to the flat 0.4+ layout (migrateTo0Dot4).
import { promises as fsp, lstatSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { isNotaryError, notaryError } from '../errors.js';
import { decodeFirstPemBlock, encodePemBlock, pemHeaders } from './pem.js';
import { isSystemError, readBounded, writeFileAtomic } from './private-fs.js';

export const ROOT_KEYS_DIR = 'root_keys';
export const NON_ROOT_KEYS_DIR = 'tuf_keys';
export const TRUSTED_CERTIFICATES_DIR = 'trusted_certificates';

const KEY_ID = /^[0-9a-f]{64}$/;

/** What a migration did. Paths are relative to the private directory. */
export interface MigrationReport {
  /** Key IDs written to `<id>.key`. */
  readonly migrated: string[];
  /** Legacy files left alone, with the reason. */
  readonly skipped: { file: string; reason: string }[];
  /** Directories deleted. */
  readonly removed: string[];
}

async function exists(path: string): Promise<boolean> {
  try {
    // Synchronous: every key store open asks (see ensurePrivateDir).
    lstatSync(path);
    return true;
  } catch (e) {
    if (isSystemError(e) && e.code === 'ENOENT') return false;
    throw e;
  }
}

/** `*.key` regular files under `dir`, recursively, lexical order, symlinks ignored (Go's filepath.Walk). */
async function listKeyFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = await fsp.readdir(d, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile() && e.name.endsWith('.key')) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/**
 * Moves one legacy key file: the GUN comes from the directories between `root_keys/`|`tuf_keys/` and the file,
 * the role from a `_<role>` file-name suffix (0.1), the rest of the headers are kept; the first PEM block is
 * re-encoded to `<privateDir>/<keyId>.key`.
 */
async function migrateFile(
  privateDir: string,
  subdir: string,
  file: string,
  report: MigrationReport,
): Promise<boolean> {
  const rel = relative(privateDir, file);
  const parts = relative(join(privateDir, subdir), file).split(sep);
  const name = (parts.pop() as string).slice(0, -'.key'.length);
  let keyId = name;
  let role: string | undefined;
  if (name.includes('_')) {
    // Notary takes the second '_'-separated field as the role and trims "_<role>" off the end of the name.
    role = name.split('_')[1] as string;
    if (name.endsWith(`_${role}`)) keyId = name.slice(0, -(role.length + 1));
  }
  if (!KEY_ID.test(keyId)) {
    report.skipped.push({ file: rel, reason: 'file name is not a key id' });
    return false;
  }
  let text: Uint8Array;
  let block: ReturnType<typeof decodeFirstPemBlock>;
  try {
    text = await readBounded(file);
    block = decodeFirstPemBlock(text, rel);
  } catch (e) {
    if (!isNotaryError(e)) throw e;
    report.skipped.push({ file: rel, reason: 'not a valid pem key file' });
    return false;
  }
  const headers = pemHeaders(block.headers);
  if (parts.length > 0) headers['gun'] = parts.join('/');
  if (role !== undefined) headers['role'] = role;
  await writeFileAtomic(join(privateDir, `${keyId}.key`), encodePemBlock({ ...block, headers }));
  report.migrated.push(keyId);
  return true;
}

/**
 * Migrates a notary 0.1/0.3 private directory in place, as Notary's `migrateTo0Dot4` does on every open:
 * keys under `root_keys/` and `tuf_keys/<gun>/` become `<id>.key` with `gun`/`role` headers, then `root_keys/`,
 * `tuf_keys/` and `trusted_certificates/` are deleted. Unlike Notary, a legacy directory holding a key that could
 * not be migrated is kept (and reported) instead of deleted with the key in it.
 * @throws NotaryError IO when files cannot be written
 */
export async function migrateLegacyLayout(privateDir: string): Promise<MigrationReport> {
  try {
    return await migrate(privateDir);
  } catch (e) {
    if (isSystemError(e)) throw notaryError('IO', `cannot migrate legacy keys in ${privateDir}`, { cause: e });
    throw e;
  }
}

async function migrate(privateDir: string): Promise<MigrationReport> {
  const report: MigrationReport = { migrated: [], skipped: [], removed: [] };
  for (const subdir of [ROOT_KEYS_DIR, NON_ROOT_KEYS_DIR]) {
    const dir = join(privateDir, subdir);
    if (!(await exists(dir))) continue;
    let complete = true;
    for (const file of await listKeyFiles(dir)) {
      if (!(await migrateFile(privateDir, subdir, file, report))) complete = false;
    }
    if (complete) {
      await fsp.rm(dir, { recursive: true, force: true });
      report.removed.push(subdir);
    }
  }
  const certs = join(privateDir, TRUSTED_CERTIFICATES_DIR);
  if (await exists(certs)) {
    await fsp.rm(certs, { recursive: true, force: true });
    report.removed.push(TRUSTED_CERTIFICATES_DIR);
  }
  return report;
}
