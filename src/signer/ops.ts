// Decoded changes ("ops"): what publish applies. File changes decode into ops; in-memory signing skips the files.

import type { PublicKey } from '../crypto/types.js';
import { notaryError } from '../errors.js';
import type { FileMeta } from '../metadata/file-meta.js';
import {
  type Change,
  type DelegationEdit,
  decodeDelegationEdit,
  decodeRootRoleEdit,
  decodeTargetMeta,
  encodeDelegationEdit,
  encodeRootRoleEdit,
  encodeTargetMeta,
} from './change.js';

/** One edit of the repository, as Notary's `applyChangelist` interprets a change. */
export type Op =
  | { readonly kind: 'add-target'; readonly role: string; readonly name: string; readonly meta: FileMeta }
  | { readonly kind: 'remove-target'; readonly role: string; readonly name: string }
  | {
      readonly kind: 'delegation';
      readonly action: 'create' | 'update' | 'delete';
      readonly role: string;
      readonly edit: DelegationEdit;
    }
  | { readonly kind: 'base-role-keys'; readonly role: string; readonly keys: readonly PublicKey[] }
  | { readonly kind: 'witness'; readonly role: string };

/**
 * The op a change stands for. Hash algorithms other than sha256/sha512 are dropped (Notary ignores them too).
 * @throws NotaryError CACHE_CORRUPT when the payload does not decode or the combination is not one Notary applies
 */
export function opFromChange(c: Change, file?: string): Op {
  switch (c.type) {
    case 'target': {
      if (c.action === 'delete') return { kind: 'remove-target', role: c.role, name: c.path };
      if (c.action !== 'create') break;
      const m = decodeTargetMeta(c, file);
      const hashes: { sha256?: Uint8Array; sha512?: Uint8Array } = {};
      if (m.hashes['sha256']) hashes.sha256 = m.hashes['sha256'];
      if (m.hashes['sha512']) hashes.sha512 = m.hashes['sha512'];
      const meta: FileMeta = m.custom === undefined ? { length: m.length, hashes } : { ...m, hashes };
      return { kind: 'add-target', role: c.role, name: c.path, meta };
    }
    case 'delegation':
      return {
        kind: 'delegation',
        action: c.action,
        role: c.role,
        edit: c.action === 'delete' ? {} : decodeDelegationEdit(c, file),
      };
    case 'role':
      if (c.action !== 'create' || c.role !== 'root') break;
      return { kind: 'base-role-keys', ...decodeRootRoleEdit(c, file) };
    case 'witness':
      return { kind: 'witness', role: c.role };
  }
  throw notaryError('CACHE_CORRUPT', `change ${file ?? '(memory)'}: notary cannot apply ${c.action} of a ${c.type}`, {
    details: { file: file ?? null, action: c.action, type: c.type, role: c.role },
  });
}

/** The change file Notary would write for an op (`notary add`, `delegation add`, `witness`, `key rotate`). */
export function changeFromOp(op: Op): Change {
  switch (op.kind) {
    case 'add-target': {
      const hashes: Record<string, Uint8Array> = {};
      if (op.meta.hashes.sha256) hashes['sha256'] = op.meta.hashes.sha256;
      if (op.meta.hashes.sha512) hashes['sha512'] = op.meta.hashes.sha512;
      const meta = op.meta.custom === undefined ? { length: op.meta.length, hashes } : { ...op.meta, hashes };
      return { action: 'create', role: op.role, type: 'target', path: op.name, data: encodeTargetMeta(meta) };
    }
    case 'remove-target':
      return { action: 'delete', role: op.role, type: 'target', path: op.name, data: null };
    case 'delegation':
      return {
        action: op.action,
        role: op.role,
        type: 'delegation',
        path: '',
        data: op.action === 'delete' ? null : encodeDelegationEdit(op.edit),
      };
    case 'base-role-keys':
      return {
        action: 'create',
        role: 'root',
        type: 'role',
        path: op.role,
        data: encodeRootRoleEdit({ role: op.role, keys: op.keys }),
      };
    case 'witness':
      return { action: 'update', role: op.role, type: 'witness', path: '', data: null };
  }
}
