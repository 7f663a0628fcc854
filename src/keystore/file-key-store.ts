// The private key store under <trustDir>/private/: Notary's GenericKeyStore over a file store, compatible on disk.
import { promises as fsp, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { PrivateKey, PrivateKeyAlgorithm } from '../crypto/types.js';
import { isNotaryError, type NotaryErrorCode, notaryError } from '../errors.js';
import { canonicalKeyId } from '../metadata/key-id.js';
import { exportBlocks, type ImportOptions, type ImportProblem, KEY_ID_PATTERN, planImport } from './import-export.js';
import {
  decodeKeyBlock,
  encodeKeyBlock,
  isEncryptedKeyBlock,
  keyBlockAlgorithm,
  keyBlockAttributes,
  roleKeepsGun,
} from './key-file.js';
import { isLegacyBlockType } from './legacy.js';
import { type MigrationReport, migrateLegacyLayout } from './legacy-layout.js';
import { choosePassphrase, MAX_PASSPHRASE_ATTEMPTS, type PassphraseSource, withPassphrase } from './passphrase.js';
import { decodeFirstPemBlock, encodePemBlock, encodePemBlocks, type PemBlock } from './pem.js';
import { ensurePrivateDir, isSystemError, readBounded, writeFileAtomic } from './private-fs.js';

/** What `list` tells about a key without decrypting it. */
export interface KeyRecord {
  readonly keyId: string;
  /** `role` header; '' when absent. */
  readonly role: string;
  /** `gun` header; '' when absent (root, delegation and unscoped keys). */
  readonly gun: string;
  /** Known without a passphrase only for unencrypted and legacy files. */
  readonly algorithm: PrivateKeyAlgorithm | undefined;
  readonly encrypted: boolean;
  /** A pre-PKCS#8 block (`EC PRIVATE KEY` ...), as left by a migration from notary 0.1-0.3. */
  readonly legacy: boolean;
  readonly path: string;
}

/** A file `list` could not use. */
export interface KeyFileProblem {
  readonly file: string;
  readonly code: NotaryErrorCode;
  readonly reason: string;
}

export interface StoredKey {
  readonly keyId: string;
  readonly role: string;
  readonly gun: string;
  readonly key: PrivateKey;
}

export interface FileKeyStoreOptions {
  /** Where passphrases come from, for reading and for writing keys. */
  readonly passphrases: PassphraseSource;
  /** Write keys unencrypted when the chosen passphrase is empty (never otherwise). */
  readonly allowUnencrypted?: boolean;
  /** Migrate a notary 0.1-0.3 layout on open, as Notary does (default true). */
  readonly migrate?: boolean;
  /** Tries for an interactive passphrase (default 3). */
  readonly maxAttempts?: number;
}

export interface AddKeyOptions {
  readonly role: string;
  /** Kept only for targets/snapshot/timestamp keys (Notary's AddKey). */
  readonly gun?: string;
  /** Replace an existing file for the same key (default false → KEY_EXISTS). */
  readonly overwrite?: boolean;
}

export const PRIVATE_DIR = 'private';
const KEY_EXT = '.key';

function checkKeyId(keyId: string): void {
  if (!KEY_ID_PATTERN.test(keyId)) {
    throw notaryError('INVALID_ARGUMENT', `invalid key id ${JSON.stringify(keyId.slice(0, 80))}`, {
      details: { keyId },
    });
  }
}

/**
 * Private keys in `<trustDir>/private/<canonicalKeyId>.key`, readable and writable by the Go notary CLI and
 * Docker. Files are written atomically, 0600, in a 0700 directory, encrypted unless explicitly allowed.
 */
export class FileKeyStore {
  readonly privateDir: string;
  /** What opening migrated from a notary 0.1-0.3 layout, if anything was there. */
  readonly migration: MigrationReport | undefined;
  private readonly options: FileKeyStoreOptions;
  private readonly cache = new Map<string, StoredKey>();

  private constructor(privateDir: string, options: FileKeyStoreOptions, migration: MigrationReport | undefined) {
    this.privateDir = privateDir;
    this.options = options;
    this.migration = migration;
  }

  /**
   * Opens (creating if needed, 0700) the key store of a trust directory and migrates a legacy layout.
   * @throws NotaryError IO
   */
  static async open(trustDir: string, options: FileKeyStoreOptions): Promise<FileKeyStore> {
    const dir = join(trustDir, PRIVATE_DIR);
    await ensurePrivateDir(dir);
    const migration = options.migrate === false ? undefined : await migrateLegacyLayout(dir);
    const used =
      migration && (migration.migrated.length > 0 || migration.removed.length > 0 || migration.skipped.length > 0);
    return new FileKeyStore(dir, options, used ? migration : undefined);
  }

  private pathOf(keyId: string): string {
    return join(this.privateDir, keyId + KEY_EXT);
  }

  private async readBlock(keyId: string): Promise<PemBlock> {
    checkKeyId(keyId);
    const bytes = await readBounded(this.pathOf(keyId)).catch((e: unknown) => {
      if (isNotaryError(e, 'KEY_NOT_FOUND')) {
        throw notaryError('KEY_NOT_FOUND', `no private key ${keyId}`, { details: { keyId } });
      }
      throw e;
    });
    return decodeFirstPemBlock(bytes, `key file ${keyId}`);
  }

  private async record(keyId: string, block: PemBlock): Promise<KeyRecord> {
    const { role, gun } = keyBlockAttributes(block);
    const encrypted = isEncryptedKeyBlock(block);
    if (!encrypted) {
      // Cheap for unencrypted keys, so check what we can: the content must be the key the name says.
      const key = await decodeKeyBlock(block);
      if (canonicalKeyId(key.publicKey) !== keyId) {
        throw notaryError('BAD_KEY_FILE', `key file ${keyId} holds a different key`, { details: { keyId } });
      }
    }
    const legacy = isLegacyBlockType(block.type);
    return { keyId, role, gun, algorithm: keyBlockAlgorithm(block), encrypted, legacy, path: this.pathOf(keyId) };
  }

  /**
   * Every key file, without decrypting: IDs from file names, role/GUN from headers. Files that are not
   * `<keyId>.key`, do not parse, or (when unencrypted) hold another key are reported in `problems`.
   * @throws NotaryError IO
   */
  async list(): Promise<{ keys: KeyRecord[]; problems: KeyFileProblem[] }> {
    const keys: KeyRecord[] = [];
    const problems: KeyFileProblem[] = [];
    let names: string[];
    try {
      names = (await fsp.readdir(this.privateDir, { withFileTypes: true }))
        .filter((d) => d.isFile() && d.name.endsWith(KEY_EXT))
        .map((d) => d.name)
        .sort();
    } catch (e) {
      if (isSystemError(e) && e.code === 'ENOENT') return { keys, problems };
      throw notaryError('IO', `cannot list ${this.privateDir}`, { cause: e });
    }
    for (const file of names) {
      const keyId = file.slice(0, -KEY_EXT.length);
      if (!KEY_ID_PATTERN.test(keyId)) {
        problems.push({ file, code: 'BAD_KEY_FILE', reason: 'file name is not a key id' });
        continue;
      }
      try {
        keys.push(await this.record(keyId, await this.readBlock(keyId)));
      } catch (e) {
        if (!isNotaryError(e) || e.code === 'IO') throw e;
        problems.push({ file, code: e.code, reason: e.message });
      }
    }
    return { keys, problems };
  }

  /**
   * Headers and status of one key, without decrypting.
   * @throws NotaryError KEY_NOT_FOUND, BAD_KEY_FILE, INVALID_ARGUMENT
   */
  async info(keyId: string): Promise<KeyRecord> {
    return this.record(keyId, await this.readBlock(keyId));
  }

  /** Whether a file for `keyId` exists. @throws NotaryError INVALID_ARGUMENT */
  async has(keyId: string): Promise<boolean> {
    checkKeyId(keyId);
    try {
      lstatSync(this.pathOf(keyId));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The private key with canonical ID `keyId`, decrypted with the passphrase source when needed, and checked to
   * be the key its file name says. Decrypted keys are cached for the life of the store.
   * @throws NotaryError KEY_NOT_FOUND, PASSPHRASE_REQUIRED, WRONG_PASSPHRASE, PASSPHRASE_RETRIES_EXCEEDED,
   * BAD_KEY_FILE, UNSUPPORTED_KEY, INVALID_ARGUMENT
   */
  async get(keyId: string): Promise<StoredKey> {
    const cached = this.cache.get(keyId);
    if (cached) return cached;
    const block = await this.readBlock(keyId);
    const { role, gun } = keyBlockAttributes(block);
    const key = isEncryptedKeyBlock(block)
      ? await withPassphrase(
          this.options.passphrases,
          { role, keyId, ...(gun ? { gun } : {}) },
          (p) => decodeKeyBlock(block, p),
          this.options.maxAttempts ?? MAX_PASSPHRASE_ATTEMPTS,
        )
      : await decodeKeyBlock(block);
    const actual = canonicalKeyId(key.publicKey);
    if (actual !== keyId) {
      throw notaryError('BAD_KEY_FILE', `key file ${keyId} holds key ${actual}`, { details: { keyId, actual } });
    }
    const stored: StoredKey = { keyId, role, gun, key };
    this.cache.set(keyId, stored);
    return stored;
  }

  private async chooseFor(role: string, keyId: string, gun: string, source: PassphraseSource): Promise<string> {
    const passphrase = await choosePassphrase(source, { role, keyId, ...(gun ? { gun } : {}) });
    if (passphrase === '' && !this.options.allowUnencrypted) {
      throw notaryError('PASSPHRASE_REQUIRED', `an empty passphrase would leave ${role} key ${keyId} unencrypted`, {
        details: { role, keyId },
      });
    }
    return passphrase;
  }

  private async write(key: PrivateKey, role: string, gun: string, source: PassphraseSource): Promise<StoredKey> {
    const keyId = canonicalKeyId(key.publicKey);
    const passphrase = await this.chooseFor(role, keyId, gun, source);
    const block = await encodeKeyBlock(key, { role, gun, passphrase });
    await ensurePrivateDir(this.privateDir);
    await writeFileAtomic(this.pathOf(keyId), encodePemBlock(block));
    const stored: StoredKey = { keyId, role, gun, key };
    this.cache.set(keyId, stored);
    return stored;
  }

  /**
   * Stores `key` encrypted with a new passphrase from the source, with a `role` header and (targets, snapshot
   * and timestamp only) a `gun` header.
   * @throws NotaryError KEY_EXISTS, PASSPHRASE_REQUIRED, PASSPHRASE_RETRIES_EXCEEDED, UNSUPPORTED_KEY, IO;
   * RangeError on an empty role or line breaks in role/GUN
   */
  async add(key: PrivateKey, options: AddKeyOptions): Promise<StoredKey> {
    if (options.role === '') throw new RangeError('a key needs a role');
    const gun = roleKeepsGun(options.role) ? (options.gun ?? '') : '';
    const keyId = canonicalKeyId(key.publicKey);
    if (!options.overwrite && (await this.has(keyId))) {
      throw notaryError('KEY_EXISTS', `private key ${keyId} already exists`, { details: { keyId } });
    }
    return this.write(key, options.role, gun, this.options.passphrases);
  }

  /**
   * Deletes the key file.
   * @throws NotaryError KEY_NOT_FOUND, INVALID_ARGUMENT, IO
   */
  async remove(keyId: string): Promise<void> {
    checkKeyId(keyId);
    this.cache.delete(keyId);
    try {
      await fsp.unlink(this.pathOf(keyId));
    } catch (e) {
      if (isSystemError(e) && e.code === 'ENOENT') {
        throw notaryError('KEY_NOT_FOUND', `no private key ${keyId}`, { details: { keyId } });
      }
      throw notaryError('IO', `cannot remove key ${keyId}`, { details: { keyId }, cause: e });
    }
  }

  /**
   * Re-encrypts a key under a passphrase from `newPassphrases` (asked with `creating: true`), keeping its role
   * and GUN. Legacy-format files come out as PKCS#8, as with Notary's `key passwd`.
   * @throws NotaryError as `get`, plus PASSPHRASE_REQUIRED and IO
   */
  async changePassphrase(keyId: string, newPassphrases: PassphraseSource): Promise<void> {
    const { key, role, gun } = await this.get(keyId);
    await this.write(key, role, roleKeepsGun(role) ? gun : '', newPassphrases);
  }

  /**
   * An export bundle as `notary key export` writes it: each file's blocks, unchanged (still encrypted), with a
   * `path: <keyId>` header. Select by key IDs, or by exact GUN header; default all keys, sorted by ID.
   * @throws NotaryError KEY_NOT_FOUND (a requested ID), BAD_KEY_FILE, INVALID_ARGUMENT, IO
   */
  async exportKeys(select: { keyIds?: readonly string[]; gun?: string } = {}): Promise<string> {
    let ids: string[];
    if (select.keyIds) ids = [...select.keyIds];
    else
      ids = (await this.list()).keys
        .filter((k) => select.gun === undefined || k.gun === select.gun)
        .map((k) => k.keyId);
    const blocks: PemBlock[] = [];
    for (const keyId of ids) {
      checkKeyId(keyId);
      const bytes = await readBounded(this.pathOf(keyId));
      blocks.push(...exportBlocks(bytes, keyId));
    }
    return encodePemBlocks(blocks);
  }

  /**
   * Imports unencrypted PEM keys (encrypted here with a passphrase from the source) and export bundles (blocks
   * with a `path` header, written as they are). Blocks that cannot be imported are reported, not fatal, unless
   * nothing at all was imported.
   * @throws NotaryError BAD_KEY_FILE when no block could be imported (KEY_EXISTS when every key was already
   * there and `overwrite` is not set); PASSPHRASE_REQUIRED, IO
   */
  async importKeys(
    input: string | Uint8Array,
    options: ImportOptions & { readonly overwrite?: boolean } = {},
  ): Promise<{ imported: string[]; problems: ImportProblem[] }> {
    const { entries, problems, blockCount } = await planImport(input, options);
    const imported: string[] = [];
    for (const entry of entries) {
      if (!options.overwrite && (await this.has(entry.keyId))) {
        problems.push({ block: -1, code: 'KEY_EXISTS', reason: `private key ${entry.keyId} already exists` });
        continue;
      }
      if (entry.kind === 'plain') await this.write(entry.key, entry.role, entry.gun, this.options.passphrases);
      else {
        await ensurePrivateDir(this.privateDir);
        await writeFileAtomic(this.pathOf(entry.keyId), encodePemBlocks(entry.blocks));
        this.cache.delete(entry.keyId);
      }
      imported.push(entry.keyId);
    }
    if (imported.length === 0) {
      const allExist = problems.length > 0 && problems.every((p) => p.code === 'KEY_EXISTS');
      const message = blockCount === 0 ? 'no pem blocks to import' : 'no key could be imported';
      throw notaryError(allExist ? 'KEY_EXISTS' : 'BAD_KEY_FILE', message, { details: { problems } });
    }
    return { imported, problems };
  }
}
