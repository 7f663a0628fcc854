// Builds notary 0.1 / 0.3 style private-key trees from freshly generated keys (our own fixtures, made at test time).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { PrivateKey } from '../../../src/crypto/types.js';
import { encodeLegacyBlock } from '../../../src/keystore/legacy.js';
import { encodePemBlock, type PemBlock } from '../../../src/keystore/pem.js';
import { canonicalKeyId } from '../../../src/metadata/key-id.js';
import { ecdsaKey, rsaKey } from './helpers.js';

export interface LegacyKey {
  readonly keyId: string;
  readonly role: string;
  /** GUN the migrated file should carry ('' for none). */
  readonly gun: string;
  readonly key: PrivateKey;
  /** Path relative to the trust dir. */
  readonly file: string;
  /** The block as written (before migration). */
  readonly block: PemBlock;
}

function put(trustDir: string, rel: string, text: string): void {
  const p = join(trustDir, rel);
  mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
  writeFileSync(p, text, { mode: 0o600 });
}

/**
 * Writes a legacy tree into `trustDir`:
 * - 0.1: `private/root_keys/<id>_root.key`, `private/tuf_keys/<gun>/<id>_<role>.key`, role only in the file name;
 * - 0.3: the same directories with `role:` headers and no suffix, plus a delegation key (RSA) at
 *   `private/tuf_keys/<id>.key`.
 * Both encrypt with RFC 1421 AES-256-CBC (EVP_BytesToKey) and add `private/trusted_certificates/<gun>/*.crt`.
 */
export function buildLegacyTree(
  trustDir: string,
  version: '0.1' | '0.3',
  gun: string,
  passphrase: string,
): LegacyKey[] {
  const keys: LegacyKey[] = [];
  const add = (role: string, key: PrivateKey, fileGun: string, inGunDir: boolean): void => {
    const keyId = canonicalKeyId(key.publicKey);
    const headers: Record<string, string> = version === '0.3' ? { role } : {};
    const block = encodeLegacyBlock(key, passphrase, headers);
    const name = version === '0.1' ? `${keyId}_${role}.key` : `${keyId}.key`;
    const file =
      role === 'root'
        ? join('private', 'root_keys', name)
        : join('private', 'tuf_keys', ...(inGunDir ? gun.split('/') : []), name);
    put(trustDir, file, encodePemBlock(block));
    keys.push({ keyId, role, gun: fileGun, key, file, block });
  };
  add('root', ecdsaKey(), '', false);
  add('targets', ecdsaKey(), gun, true);
  add('snapshot', ecdsaKey(), gun, true);
  if (version === '0.3') add('targets/releases', rsaKey(), '', false);
  put(trustDir, join('private', 'trusted_certificates', ...gun.split('/'), `${'0'.repeat(64)}.crt`), 'not a cert\n');
  return keys;
}
