// Key management for signers: `docker trust key generate`, import/export/remove/passwd over the file key store.

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKey as newKey, publicKeyFromSpki } from '../crypto/index.js';
import type { PublicKey } from '../crypto/types.js';
import { certificatePem, parseCertificate } from '../crypto/x509.js';
import { notaryError } from '../errors.js';
import { isSignerName, SIGNER_NAME } from '../grammar/role-name.js';
import {
  decodePemBlocks,
  encodePemBlock,
  type ImportProblem,
  type KeyRecord,
  type PassphraseSource,
  pemHeaders,
  writeFileAtomic,
} from '../keystore/index.js';
import { canonicalKeyId } from '../metadata/key-id.js';
import { type CommonOptions, defaultTrustDir, openKeyStore } from './context.js';

type KeyOptions = Pick<CommonOptions, 'trustDir' | 'passphrase' | 'allowUnencryptedKeys'>;

export interface GenerateKeyOptions extends KeyOptions {
  /** Signer name: the private key's `role` header and the public file's name. */
  readonly name: string;
  /** Where `<name>.pub` is written (must exist). */
  readonly dir: string;
}

export interface GeneratedKey {
  /** Canonical key ID (the private key's file name in `<trustDir>/private/`). */
  readonly keyId: string;
  readonly publicKey: PublicKey;
  /** `<dir>/<name>.pub`. */
  readonly publicKeyPath: string;
  /** Its contents: PEM `PUBLIC KEY` with a `role: <name>` header. */
  readonly publicKeyPem: string;
}

/**
 * `docker trust key generate NAME --dir DIR`: a new ECDSA P-256 key stored encrypted with role NAME and no GUN,
 * and `DIR/NAME.pub` (mode 0600, as Docker writes it) holding the public key.
 * @throws NotaryError INVALID_ARGUMENT (bad name, missing dir, existing .pub), PASSPHRASE_REQUIRED, IO
 */
export async function generateKey(options: GenerateKeyOptions): Promise<GeneratedKey> {
  const { name, dir } = options;
  if (!isSignerName(name)) {
    throw notaryError('INVALID_ARGUMENT', `key name ${JSON.stringify(name)} must match ${SIGNER_NAME.source}`, {
      details: { name },
    });
  }
  const exists = async (p: string) =>
    stat(p).then(
      () => true,
      () => false,
    );
  if (!(await exists(dir)))
    throw notaryError('INVALID_ARGUMENT', `public key path does not exist: ${dir}`, { details: { dir } });
  const publicKeyPath = join(dir, `${name}.pub`);
  if (await exists(publicKeyPath)) {
    throw notaryError('INVALID_ARGUMENT', `public key file already exists: ${publicKeyPath}`, {
      details: { path: publicKeyPath },
    });
  }
  const store = await openKeyStore(defaultTrustDir(options), options);
  const key = newKey('ecdsa');
  const stored = await store.add(key, { role: name });
  const publicKeyPem = encodePemBlock({
    type: 'PUBLIC KEY',
    headers: pemHeaders({ role: name }),
    bytes: key.publicKey.public,
  });
  await writeFileAtomic(publicKeyPath, publicKeyPem);
  return { keyId: stored.keyId, publicKey: key.publicKey, publicKeyPath, publicKeyPem };
}

/**
 * A public key from PEM as Notary's `ParsePEMPublicKey` reads it: `PUBLIC KEY` (SPKI → `ecdsa`/`rsa`/`ed25519`) or
 * `CERTIFICATE` (→ `ecdsa-x509`/`rsa-x509`, the PEM re-encoded as Go writes it).
 * @throws NotaryError UNSUPPORTED_KEY, BAD_CERTIFICATE, BAD_KEY_FILE
 */
export function parsePublicKeyPem(pem: string | Uint8Array): PublicKey {
  const [block] = decodePemBlocks(pem);
  if (block === undefined) throw notaryError('BAD_KEY_FILE', 'no pem block holding a public key');
  if (block.type === 'PUBLIC KEY') return publicKeyFromSpki(block.bytes);
  if (block.type === 'CERTIFICATE') {
    const cert = parseCertificate(block.bytes);
    const bare = publicKeyFromSpki(cert.spki);
    if (bare.type === 'ed25519') throw notaryError('UNSUPPORTED_KEY', 'ed25519 certificates are not supported');
    return { type: bare.type === 'ecdsa' ? 'ecdsa-x509' : 'rsa-x509', public: certificatePem([block.bytes]) };
  }
  throw notaryError('UNSUPPORTED_KEY', `pem block ${block.type} is not a public key or certificate`, {
    details: { type: block.type },
  });
}

/** Every private key of the trust dir (no passphrase needed). @throws NotaryError IO */
export async function listKeys(options: KeyOptions = {}): Promise<KeyRecord[]> {
  const store = await openKeyStore(defaultTrustDir(options), options);
  return (await store.list()).keys;
}

/**
 * `docker trust key load` / `notary key import`: unencrypted PEM keys (encrypted on the way in) and export bundles.
 * @throws NotaryError BAD_KEY_FILE (nothing importable), PASSPHRASE_REQUIRED, IO
 */
export async function importKeys(
  options: KeyOptions & { readonly pem: string | Uint8Array; readonly role?: string; readonly gun?: string },
): Promise<{ imported: string[]; problems: ImportProblem[] }> {
  const store = await openKeyStore(defaultTrustDir(options), options);
  return store.importKeys(options.pem, {
    ...(options.role !== undefined ? { role: options.role } : {}),
    ...(options.gun !== undefined ? { gun: options.gun } : {}),
  });
}

/**
 * `notary key export`: the selected key files, still encrypted, with `path` headers.
 * @throws NotaryError KEY_NOT_FOUND, BAD_KEY_FILE, IO
 */
export async function exportKeys(
  options: KeyOptions & { readonly keyIds?: readonly string[]; readonly gun?: string },
): Promise<string> {
  const store = await openKeyStore(defaultTrustDir(options), options);
  return store.exportKeys({
    ...(options.keyIds ? { keyIds: options.keyIds } : {}),
    ...(options.gun !== undefined ? { gun: options.gun } : {}),
  });
}

/** `notary key remove`. @throws NotaryError KEY_NOT_FOUND, INVALID_ARGUMENT, IO */
export async function removeKey(options: KeyOptions & { readonly keyId: string }): Promise<void> {
  const store = await openKeyStore(defaultTrustDir(options), options);
  await store.remove(options.keyId);
}

/**
 * `notary key passwd`: decrypts with `passphrase` (the current one) and re-encrypts with `newPassphrase`.
 * @throws NotaryError KEY_NOT_FOUND, WRONG_PASSPHRASE, PASSPHRASE_REQUIRED, IO
 */
export async function changePassphrase(
  options: KeyOptions & { readonly keyId: string; readonly newPassphrase: PassphraseSource },
): Promise<void> {
  const store = await openKeyStore(defaultTrustDir(options), options);
  await store.changePassphrase(options.keyId, options.newPassphrase);
}

/** The canonical ID of a public key (what `key list` shows and delegation removal takes). */
export function keyIdOf(key: PublicKey): string {
  return canonicalKeyId(key);
}
