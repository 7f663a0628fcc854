// What a publish starts from: the server's verified state (root.json always fetched), or the local cache of a repo
// the server does not know yet, or a fresh `init`.

import type { MetadataCache } from '../client/cache.js';
import type { TrustedRepository } from '../client/trusted-repository.js';
import { TrustedSet } from '../client/trusted-set.js';
import { ROOT_MAX_BYTES, type RoleFetcher, Updater } from '../client/updater.js';
import { toHex } from '../encoding/hex.js';
import { isNotaryError, notaryError } from '../errors.js';
import { checkHashes } from '../metadata/check-hashes.js';
import { parseSnapshot, parseTargets, type SignedMetadata } from '../metadata/signed-metadata.js';
import type { Snapshot } from '../metadata/snapshot.js';
import type { Targets } from '../metadata/targets.js';
import { verifyRole } from '../metadata/verify-role.js';
import type { SignerContext } from './context.js';
import { createRepo, type InitOptions } from './init.js';
import type { LoadedRepo, LoadedTargets } from './repo-state.js';

export interface LoadForWriteOptions {
  /** How to create the repository when neither the server nor the cache has it; `false`: REPOSITORY_NOT_FOUND. */
  readonly init: InitOptions | false;
  /** Where the refresh stores what it verified (default the context's cache; publish defers these writes). */
  readonly cache?: MetadataCache;
}

/** Serves the `root.json` we already fetched, so the updater does not download it twice. */
function prefetched(remote: RoleFetcher, root: Uint8Array): RoleFetcher {
  return {
    getRole: (role, opts) =>
      role === 'root' && opts.checksum === undefined && opts.version === undefined
        ? Promise.resolve(root)
        : remote.getRole(role, opts),
  };
}

/**
 * Loads the repository for writing (Notary `updateTUF(forWrite=true)`): `root.json` is always fetched, so a
 * repository the server does not know is detected even when this machine has a cached root (an unpublished
 * `init`). Known to the server: a full verified update, with every reachable delegation loaded. Unknown: the
 * cached root/targets/snapshot (checked, expiry allowed, as Notary's `bootstrapRepo`), or a new repository.
 * @throws NotaryError REPOSITORY_NOT_FOUND (`init: false`, nothing anywhere), CACHE_CORRUPT (unusable cache of an
 *   unpublished repo), DELEGATION_INVALID (limits), every code of `Updater.update` and of `initializeRepo`
 */
export async function loadForWrite(ctx: SignerContext, options: LoadForWriteOptions): Promise<LoadedRepo> {
  let root: Uint8Array;
  try {
    root = await ctx.remote.getRole('root', { maxBytes: ROOT_MAX_BYTES });
  } catch (e) {
    if (!isNotaryError(e, 'REPOSITORY_NOT_FOUND')) throw e;
    const local = loadUnpublished(ctx);
    if (local !== undefined) return local;
    if (options.init === false) throw e;
    return (await createRepo(ctx, options.init)).repo;
  }
  const updater = new Updater({
    gun: ctx.gun,
    cache: options.cache ?? ctx.cache,
    remote: prefetched(ctx.remote, root),
    now: () => ctx.now,
    trustPinning: ctx.trustPinning,
    ...(ctx.options.onFirstUse ? { onFirstUse: ctx.options.onFirstUse } : {}),
    holding: ctx.lock.current,
  });
  const repo = await updater.update();
  const targets = new Map<string, LoadedTargets>();
  targets.set('targets', repo.file('targets') as SignedMetadata<Targets>);
  const invalid = await loadDelegations(ctx, repo, targets);
  return {
    gun: ctx.gun,
    root: repo.file('root') as LoadedRepo['root'],
    targets,
    snapshot: repo.file('snapshot') as SignedMetadata<Snapshot>,
    initialPublish: false,
    invalid,
    stale: await staleDelegations(ctx, repo, targets, invalid),
  };
}

/**
 * Delegation files the snapshot still lists although nothing delegates to them any more (notary-server keeps the
 * meta of a deleted delegation in the snapshots it makes), with their versions: re-creating such a role must
 * publish a newer file, or every client would fetch the old one and check it against the new keys.
 */
async function staleDelegations(
  ctx: SignerContext,
  repo: TrustedRepository,
  loaded: ReadonlyMap<string, LoadedTargets>,
  invalid: ReadonlyMap<string, number>,
): Promise<Map<string, number>> {
  const stale = new Map<string, number>();
  for (const name of repo.snapshot.meta.keys()) {
    if (!name.startsWith('targets/') || loaded.has(name) || invalid.has(name)) continue;
    stale.set(name, await unverifiedVersion(ctx, repo, name));
  }
  return stale;
}

/**
 * Loads every delegation reachable from `targets` (pre-order, as Notary downloads them). A delegation that fails
 * verification (expired, below threshold after its keys were removed, ...) is skipped with its subtree, as
 * Notary's update does; we only keep the version it had, so that re-creating it (e.g. a signer added again)
 * publishes a higher version than the server holds instead of a rejected version 1.
 * @throws NotaryError for anything but a trust failure of a delegation (network, limits)
 */
async function loadDelegations(
  ctx: SignerContext,
  repo: TrustedRepository,
  into: Map<string, LoadedTargets>,
): Promise<Map<string, number>> {
  const invalid = new Map<string, number>();
  await repo.loadAll({
    loaded: (name, targets) => into.set(name, { signed: targets, raw: repo.delegationFile(name)?.raw }),
    failed: async (name, e) => {
      if (e.category !== 'trust') return false;
      invalid.set(name, await unverifiedVersion(ctx, repo, name));
      return true;
    },
  });
  return invalid;
}

/** The version of a delegation file that did not verify (hash-checked against the snapshot), or 0. */
async function unverifiedVersion(ctx: SignerContext, repo: TrustedRepository, role: string): Promise<number> {
  const meta = repo.snapshot.getMeta(role);
  const sha = meta?.hashes.sha256;
  if (meta === undefined || sha === undefined) return 0;
  try {
    const bytes = await ctx.remote.getRole(role, { checksum: toHex(sha), maxBytes: meta.length });
    checkHashes(bytes, meta, role);
    return parseTargets(bytes, role).signed.version;
  } catch {
    return 0;
  }
}

function corrupt(ctx: SignerContext, role: string, cause: unknown): never {
  throw notaryError('CACHE_CORRUPT', `cached ${role} of unpublished ${ctx.gun} cannot be used`, {
    cause,
    details: { gun: ctx.gun, role, path: ctx.cache.pathOf(role) },
  });
}

/**
 * The cache of a repository that was initialised here but never published, or undefined when there is no
 * cached root. Root (certificates, self-signature), targets and snapshot are checked against the cached root;
 * expiry is not checked (Notary loads these with `allowExpired`).
 * @throws NotaryError CACHE_CORRUPT
 */
export function loadUnpublished(ctx: SignerContext): LoadedRepo | undefined {
  const rootRaw = ctx.cache.read('root', ROOT_MAX_BYTES);
  if (rootRaw === undefined) return undefined;
  let set: TrustedSet;
  try {
    set = TrustedSet.bootstrap(rootRaw, { gun: ctx.gun, now: ctx.now, allowExpired: true });
  } catch (e) {
    corrupt(ctx, 'root', e);
  }
  const root = set.root;
  const targetsRaw = ctx.cache.read('targets');
  if (targetsRaw === undefined) corrupt(ctx, 'targets', new Error('missing'));
  let targets: LoadedTargets;
  try {
    const t = parseTargets(targetsRaw);
    verifyRole(root.signed.baseRole('targets'), root.signed.keys, t);
    targets = t;
  } catch (e) {
    corrupt(ctx, 'targets', e);
  }
  let snapshot: SignedMetadata<Snapshot> | undefined;
  const snapRaw = ctx.cache.read('snapshot');
  if (snapRaw !== undefined) {
    try {
      snapshot = parseSnapshot(snapRaw);
      verifyRole(root.signed.baseRole('snapshot'), root.signed.keys, snapshot);
    } catch {
      // A stale snapshot from a server-managed setup is not needed to publish; Notary ignores it too.
      snapshot = undefined;
    }
  }
  return { gun: ctx.gun, root, targets: new Map([['targets', targets]]), snapshot, initialPublish: true };
}
