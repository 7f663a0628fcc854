// Key bundles: `notary key export` blocks with a `path` header, and the import rules of Notary's ImportKeys.
import type { PrivateKey } from '../crypto/types.js';
import { isNotaryError, type NotaryErrorCode } from '../errors.js';
import { canonicalKeyId } from '../metadata/key-id.js';
import { decodeKeyBlock, isEncryptedKeyBlock, isKeyBlockType, roleKeepsGun } from './key-file.js';
import { decodePemBlocks, type PemBlock, pemHeaders } from './pem.js';

export const KEY_ID_PATTERN = /^[0-9a-f]{64}$/;

/** Role given to imported keys that name none (Notary's `DefaultImportRole`). */
export const DEFAULT_IMPORT_ROLE = 'delegation';

/** The blocks of one key file with `path: <keyId>` added, as `notary key export` writes them. */
export function exportBlocks(fileBytes: Uint8Array, keyId: string): PemBlock[] {
  return decodePemBlocks(fileBytes).map((b) => {
    const headers = pemHeaders(b.headers);
    headers['path'] = keyId;
    return { ...b, headers };
  });
}

/** One key file an import will write. */
export type ImportEntry =
  | { readonly keyId: string; readonly kind: 'encrypted'; readonly blocks: PemBlock[] }
  | {
      readonly keyId: string;
      readonly kind: 'plain';
      readonly key: PrivateKey;
      readonly role: string;
      readonly gun: string;
    };

export interface ImportProblem {
  /** Index of the PEM block in the input. */
  readonly block: number;
  readonly code: NotaryErrorCode;
  readonly reason: string;
}

export interface ImportOptions {
  /** Role for blocks without a `role` header (default `delegation`). */
  readonly role?: string;
  /** GUN for blocks without a `gun` header. */
  readonly gun?: string;
}

function basename(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? p : p.slice(i + 1);
}

/** Exports by notary < 0.4 carry `path: tuf_keys/<gun>/<id>`; the GUN comes from that path. */
function legacyPath(headers: Record<string, string>): void {
  const raw = headers['path'];
  if (!raw || raw === basename(raw)) return;
  const dir = raw.slice(0, raw.lastIndexOf('/'));
  if (dir.startsWith('tuf_keys')) {
    const gun = dir.slice('tuf_keys'.length).replace(/^\/+|\/+$/g, '');
    if (gun !== '') headers['gun'] = gun;
  }
  headers['path'] = basename(raw);
}

/**
 * Works out what importing `input` means, block by block, following Notary's ImportKeys: legacy paths give the
 * GUN, missing `gun`/`role` headers take the fallbacks, targets/snapshot/timestamp keys need a GUN, every other
 * role loses it, encrypted blocks need a `path` header, unencrypted ones are decoded (to be re-encrypted).
 * Adjacent blocks for the same key are grouped. Stricter than Notary: `path` must be a key ID, and an
 * unencrypted key's ID must equal its `path`.
 */
export async function planImport(
  input: string | Uint8Array,
  options: ImportOptions = {},
): Promise<{ entries: ImportEntry[]; problems: ImportProblem[]; blockCount: number }> {
  const blocks = decodePemBlocks(input);
  const entries: ImportEntry[] = [];
  const problems: ImportProblem[] = [];
  for (const [index, block] of blocks.entries()) {
    const skip = (code: NotaryErrorCode, reason: string): void => {
      problems.push({ block: index, code, reason });
    };
    if (!isKeyBlockType(block.type)) {
      skip('BAD_KEY_FILE', `pem block ${JSON.stringify(block.type)} is not a private key`);
      continue;
    }
    const headers = pemHeaders(block.headers);
    legacyPath(headers);
    if (!headers['gun'] && options.gun) headers['gun'] = options.gun;
    if (!headers['role']) headers['role'] = options.role || DEFAULT_IMPORT_ROLE;
    const role = headers['role'] as string;
    if (roleKeepsGun(role)) {
      if (!headers['gun']) {
        skip('INVALID_ARGUMENT', `a ${role} key needs a gun`);
        continue;
      }
    } else delete headers['gun'];
    const path = headers['path'] ?? '';
    delete headers['path'];
    if (path !== '' && !KEY_ID_PATTERN.test(path)) {
      skip('BAD_KEY_FILE', 'path header is not a key id');
      continue;
    }
    let entry: ImportEntry;
    if (isEncryptedKeyBlock(block)) {
      if (path === '') {
        skip('BAD_KEY_FILE', 'encrypted key has no path header, so its id is unknown');
        continue;
      }
      entry = { keyId: path, kind: 'encrypted', blocks: [{ ...block, headers }] };
    } else {
      let key: PrivateKey;
      try {
        key = await decodeKeyBlock(block);
      } catch (e) {
        if (!isNotaryError(e)) throw e;
        skip(e.code, e.message);
        continue;
      }
      const keyId = canonicalKeyId(key.publicKey);
      if (path !== '' && path !== keyId) {
        skip('BAD_KEY_FILE', 'path header does not match the key id');
        continue;
      }
      entry = { keyId, kind: 'plain', key, role, gun: headers['gun'] ?? '' };
    }
    const last = entries[entries.length - 1];
    if (last && last.keyId === entry.keyId && last.kind === 'encrypted' && entry.kind === 'encrypted') {
      last.blocks.push(...entry.blocks);
    } else entries.push(entry);
  }
  return { entries, problems, blockCount: blocks.length };
}
