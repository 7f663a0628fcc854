// The key store's public API: Notary-compatible private key files, their formats, and passphrase sources.
export {
  type AddKeyOptions,
  FileKeyStore,
  type FileKeyStoreOptions,
  type KeyFileProblem,
  type KeyRecord,
  PRIVATE_DIR,
  type StoredKey,
} from './file-key-store.js';
export {
  DEFAULT_IMPORT_ROLE,
  exportBlocks,
  type ImportEntry,
  type ImportOptions,
  type ImportProblem,
  KEY_ID_PATTERN,
  planImport,
} from './import-export.js';
export {
  decodeKeyBlock,
  ENCRYPTED_PKCS8_BLOCK,
  type EncodeKeyOptions,
  encodeKeyBlock,
  isEncryptedKeyBlock,
  isKeyBlockType,
  keyBlockAlgorithm,
  keyBlockAttributes,
  PKCS8_BLOCK,
  roleKeepsGun,
} from './key-file.js';
export {
  decryptLegacyBlock,
  encodeLegacyBlock,
  isEncryptedLegacyBlock,
  isLegacyBlockType,
  LEGACY_BLOCK_TYPES,
  type LegacyBlockType,
  parseLegacyBlock,
} from './legacy.js';
export {
  type MigrationReport,
  migrateLegacyLayout,
  NON_ROOT_KEYS_DIR,
  ROOT_KEYS_DIR,
  TRUSTED_CERTIFICATES_DIR,
} from './legacy-layout.js';
export {
  chainPassphrases,
  choosePassphrase,
  constantPassphrase,
  envPassphrases,
  MAX_PASSPHRASE_ATTEMPTS,
  type PassphraseAnswer,
  type PassphraseRequest,
  type PassphraseSource,
  passphraseEnvNames,
  passphraseFile,
  secretsDirPassphrases,
  withPassphrase,
} from './passphrase.js';
export {
  decryptPrivateKeyInfo,
  encryptPrivateKeyInfo,
  MAX_PBKDF2_ITERATIONS,
  NOTARY_PBES2,
  type Pbes2Options,
  parseDecrypted,
  parseEncryptedPrivateKeyInfo,
} from './pbes2.js';
export {
  decodeFirstPemBlock,
  decodePemBlocks,
  encodePemBlock,
  encodePemBlocks,
  type PemBlock,
  pemHeaders,
} from './pem.js';
export { encodeNotaryPrivateKeyInfo, encodeSec1, parsePrivateKeyInfo, parseSec1 } from './pkcs8.js';
export { MAX_KEY_FILE_SIZE, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, writeFileAtomic } from './private-fs.js';
export { type TerminalStreams, type TtyPassphraseOptions, ttyPassphrases } from './tty-prompt.js';
