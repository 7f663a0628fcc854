// Delegations as `notary delegation add/remove/list` and signers as `docker trust signer add/remove`.

import type { PublicKey } from '../crypto/types.js';
import { notaryError } from '../errors.js';
import { isDelegationName, isSignerName } from '../grammar/role-name.js';
import { MAX_DELEGATION_DEPTH, withinDepthLimit } from '../grammar/walk-limits.js';
import { canonicalKeyId } from '../metadata/key-id.js';
import { type CommonOptions, withContext } from './context.js';
import { parsePublicKeyPem } from './keys.js';
import { loadForWrite } from './load.js';
import type { Op } from './ops.js';
import { wouldFailVerify } from './preflight.js';
import { type PublishResult, publishIn } from './publish.js';
import { RELEASES_ROLE } from './signable-roles.js';
import { stageOps } from './stage.js';

/** A key given as a parsed public key or as PEM text (`PUBLIC KEY` or `CERTIFICATE`). */
export type KeyInput = PublicKey | string;

function toKey(k: KeyInput): PublicKey {
  return typeof k === 'string' ? parsePublicKeyPem(k) : k;
}

function checkRole(role: string): void {
  if (!isDelegationName(role)) {
    throw notaryError('INVALID_ARGUMENT', `invalid delegation name ${JSON.stringify(role)}`, { details: { role } });
  }
  if (!withinDepthLimit(role)) {
    throw notaryError('INVALID_ARGUMENT', `${role} is nested deeper than ${MAX_DELEGATION_DEPTH} levels`, {
      details: { role, limit: MAX_DELEGATION_DEPTH },
    });
  }
}

export interface DelegationAddOptions extends CommonOptions {
  readonly gun: string;
  readonly role: string;
  readonly keys?: readonly KeyInput[];
  /** Path prefixes the role may sign (`""`: all). */
  readonly paths?: readonly string[];
  readonly allPaths?: boolean;
  /** Signatures required (default 1 for a new role). On an existing role it sets a new threshold. */
  readonly threshold?: number;
  /** Publish right away (`-p`): all staged changes of the GUN go up. Default: stage only. */
  readonly publish?: boolean;
}

/** The ops `notary delegation add` stages, plus a threshold update (which the Go CLI cannot express). */
export function delegationAddOps(o: Omit<DelegationAddOptions, keyof CommonOptions | 'gun' | 'publish'>): Op[] {
  checkRole(o.role);
  const keys = (o.keys ?? []).map(toKey);
  const paths = o.allPaths || o.paths?.includes('') ? [''] : [...(o.paths ?? [])];
  if (o.threshold !== undefined && (!Number.isSafeInteger(o.threshold) || o.threshold < 1)) {
    throw notaryError('INVALID_ARGUMENT', 'threshold must be an integer ≥ 1', { details: { threshold: o.threshold } });
  }
  if (keys.length === 0 && paths.length === 0 && o.threshold === undefined) {
    throw notaryError('INVALID_ARGUMENT', 'give keys, paths or a threshold to add', { details: { role: o.role } });
  }
  const ops: Op[] = [];
  if (keys.length > 0) {
    ops.push({
      kind: 'delegation',
      action: 'create',
      role: o.role,
      edit: { threshold: o.threshold ?? 1, addKeys: keys },
    });
  }
  if (paths.length > 0) ops.push({ kind: 'delegation', action: 'create', role: o.role, edit: { addPaths: paths } });
  if (o.threshold !== undefined)
    ops.push({ kind: 'delegation', action: 'update', role: o.role, edit: { threshold: o.threshold } });
  return ops;
}

export interface DelegationRemoveOptions extends CommonOptions {
  readonly gun: string;
  readonly role: string;
  /** Canonical key IDs to remove. */
  readonly keyIds?: readonly string[];
  readonly paths?: readonly string[];
  readonly allPaths?: boolean;
  readonly publish?: boolean;
}

/** The ops of `notary delegation remove`: with nothing to remove, the whole role goes. */
export function delegationRemoveOps(o: Omit<DelegationRemoveOptions, keyof CommonOptions | 'gun' | 'publish'>): Op[] {
  checkRole(o.role);
  const keyIds = o.keyIds ?? [];
  if (keyIds.length === 0 && !o.paths?.length && !o.allPaths) {
    return [{ kind: 'delegation', action: 'delete', role: o.role, edit: {} }];
  }
  const ops: Op[] = [];
  if (o.allPaths) ops.push({ kind: 'delegation', action: 'update', role: o.role, edit: { clearPaths: true } });
  else if (o.paths?.length)
    ops.push({ kind: 'delegation', action: 'update', role: o.role, edit: { removePaths: o.paths } });
  if (keyIds.length) ops.push({ kind: 'delegation', action: 'update', role: o.role, edit: { removeKeys: keyIds } });
  return ops;
}

async function stageOrPublish(
  o: CommonOptions & { gun: string; publish?: boolean },
  ops: Op[],
): Promise<PublishResult | undefined> {
  await stageOps(o.gun, o.trustDir, ops);
  if (!o.publish) return undefined;
  return withContext(o.gun, o, (ctx) => publishIn(ctx));
}

/**
 * `notary delegation add GUN ROLE [keys] [--paths|--all-paths] [-p]`, with `threshold` as an extension.
 * @throws NotaryError INVALID_ARGUMENT, UNSUPPORTED_KEY/BAD_CERTIFICATE (bad PEM), IO; with `publish`, as `publish`
 */
export async function addDelegation(options: DelegationAddOptions): Promise<PublishResult | undefined> {
  return stageOrPublish(options, delegationAddOps(options));
}

/**
 * `notary delegation remove GUN ROLE [keyIDs] [--paths|--all-paths] [-p]`.
 * @throws NotaryError INVALID_ARGUMENT, IO; with `publish`, as `publish`
 */
export async function removeDelegation(options: DelegationRemoveOptions): Promise<PublishResult | undefined> {
  return stageOrPublish(options, delegationRemoveOps(options));
}

/** A delegation as `notary delegation list` shows it: key IDs are canonical (what `key list` shows). */
export interface DelegationInfo {
  readonly name: string;
  readonly threshold: number;
  readonly paths: readonly string[];
  readonly keyIds: readonly string[];
}

/**
 * Every delegation of the repository (server state, verified; an unpublished repo's from the cache).
 * @throws NotaryError REPOSITORY_NOT_FOUND and the codes of an update
 */
export async function listDelegations(options: CommonOptions & { readonly gun: string }): Promise<DelegationInfo[]> {
  return withContext(options.gun, options, async (ctx) => {
    const repo = await loadForWrite(ctx, { init: false });
    const out: DelegationInfo[] = [];
    for (const [, file] of [...repo.targets].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const { keys, roles } = file.signed.delegations;
      for (const r of roles) {
        const keyIds = r.keyIds.flatMap((id) => {
          const k = keys.get(id);
          return k === undefined ? [] : [canonicalKeyId(k)];
        });
        out.push({ name: r.name, threshold: r.threshold, paths: [...r.paths], keyIds });
      }
    }
    return out;
  });
}

export interface SignerAddOptions extends CommonOptions {
  readonly gun: string;
  /** Signer name (`targets/<name>`); Docker's name rule, `releases` reserved. */
  readonly name: string;
  readonly publicKeys: readonly KeyInput[];
}

function checkSignerName(name: string): void {
  if (!isSignerName(name) || name === 'releases') {
    throw notaryError('INVALID_ARGUMENT', `invalid signer name ${JSON.stringify(name)}`, { details: { name } });
  }
}

/**
 * `docker trust signer add NAME REPO --key PUB`: the keys go to `targets/<name>` and `targets/releases`, paths
 * `[""]`, in one publish; a repository the server does not know is created first (server-managed snapshot).
 * @throws NotaryError INVALID_ARGUMENT, KEY_NOT_FOUND (no targets key), and everything `publish` throws
 */
export async function addSigner(options: SignerAddOptions): Promise<PublishResult> {
  checkSignerName(options.name);
  const keys = options.publicKeys.map(toKey);
  if (keys.length === 0) throw notaryError('INVALID_ARGUMENT', 'a signer needs at least one public key');
  const ops: Op[] = [];
  for (const role of [`targets/${options.name}`, RELEASES_ROLE]) {
    ops.push({ kind: 'delegation', action: 'create', role, edit: { threshold: 1, addKeys: keys } });
    ops.push({ kind: 'delegation', action: 'create', role, edit: { addPaths: [''] } });
  }
  return withContext(options.gun, options, (ctx) =>
    publishIn(ctx, { init: { serverManagedSnapshot: true }, ops: () => ops }),
  );
}

/** Options of `removeSigner`. */
export interface SignerRemoveOptions extends CommonOptions {
  readonly gun: string;
  readonly name: string;
  /**
   * Removing the last key of `targets/releases` would leave a role nobody can sign and every `verify` failing:
   * refused (PUBLISH_WOULD_FAIL_VERIFY, reason `last-signer`) unless `force`, which removes `targets/releases`
   * altogether (tags signed only there are then no longer found: `verify` exits 3, not 1).
   */
  readonly force?: boolean;
}

/**
 * `docker trust signer remove NAME REPO`: the signer's keys leave `targets/releases` and `targets/<name>` is
 * deleted, in one publish. The last releases signer needs `force` (Docker asks for a confirmation).
 * @throws NotaryError INVALID_ARGUMENT, ROLE_NOT_FOUND (no such signer), PUBLISH_WOULD_FAIL_VERIFY (last signer
 *   without `force`), and everything `publish` throws
 */
export async function removeSigner(options: SignerRemoveOptions): Promise<PublishResult> {
  checkSignerName(options.name);
  const role = `targets/${options.name}`;
  return withContext(options.gun, options, (ctx) =>
    publishIn(ctx, {
      init: false,
      ops: (state) => {
        const signer = state.delegation(role);
        const ops: Op[] = [];
        if (state.work('targets').view.delegation(RELEASES_ROLE) !== undefined) {
          const removeKeys = [...signer.keys.values()].map((k) => canonicalKeyId(k));
          const gone = new Set(removeKeys);
          const left = [...state.delegation(RELEASES_ROLE).keys.values()].filter((k) => !gone.has(canonicalKeyId(k)));
          if (left.length > 0) {
            ops.push({ kind: 'delegation', action: 'update', role: RELEASES_ROLE, edit: { removeKeys } });
          } else if (options.force) {
            ops.push({ kind: 'delegation', action: 'delete', role: RELEASES_ROLE, edit: {} });
          } else {
            wouldFailVerify(ctx.gun, `${options.name} is the last signer of ${RELEASES_ROLE} (use force)`, {
              reason: 'last-signer',
              role: RELEASES_ROLE,
              signer: options.name,
            });
          }
        }
        ops.push({ kind: 'delegation', action: 'delete', role, edit: {} });
        return ops;
      },
    }),
  );
}
