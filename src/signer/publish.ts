// Publish: load for write, apply staged + in-memory changes, sign, ONE multipart POST, retry on a version conflict.

import type { PublicKey } from '../crypto/types.js';
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';
import { canonicalKeyId } from '../metadata/key-id.js';
import { applyOps, type HoldsKey } from './apply.js';
import type { StagedChange } from './changelist.js';
import { type CommonOptions, type SignerContext, withContext } from './context.js';
import { DeferredCache } from './deferred-cache.js';
import type { InitOptions } from './init.js';
import { loadForWrite } from './load.js';
import { type Op, opFromChange } from './ops.js';
import { type PreflightCheck, preflight } from './preflight.js';
import { RepoState } from './repo-state.js';
import { signRepo } from './sign-repo.js';

/** Attempts in all when the server answers VERSION (someone published in between). */
export const MAX_PUBLISH_ATTEMPTS = 3;

/** What one publish did. */
export interface PublishResult {
  readonly gun: string;
  /** Roles uploaded, in upload order (empty when there was nothing to publish). */
  readonly roles: readonly string[];
  /** False when the server was left to sign the snapshot. */
  readonly snapshotSigned: boolean;
  /** Staged change files applied and then cleared. */
  readonly appliedChanges: number;
  /** True when this publish created the repository on the server. */
  readonly initialPublish: boolean;
  /** 1 unless a version conflict made us refresh and try again. */
  readonly attempts: number;
}

/** How a publish is made: which changes, and how to create a repository the server does not have. */
export interface PublishPlan {
  /** Apply the file changelist first (default true). */
  readonly staged?: boolean;
  /** Changes computed against the freshly loaded state (re-run on every attempt). */
  readonly ops?: (state: RepoState, holds: HoldsKey) => Promise<Iterable<Op>> | Iterable<Op>;
  /** Creating the repository when nobody has it; `false`: REPOSITORY_NOT_FOUND. Default a local snapshot key. */
  readonly init?: InitOptions | false;
  /**
   * Asked of the verified result before the POST (after the verifier accepted it, see `preflight`), e.g. "does
   * `verify TAG` now give the signed digest?"; throwing aborts with nothing uploaded.
   */
  readonly verify?: PreflightCheck;
  /** Called before the POST with the files (tests, dry runs); throwing aborts with nothing uploaded. */
  readonly beforeUpload?: (roles: readonly string[]) => void | Promise<void>;
  /** What the user ran, named in error messages (default `publish`): a failed `sign` is not a failed `publish`. */
  readonly action?: string;
}

/** `HoldsKey` over the context's signer sources (no passphrase needed). */
export function holdsKeyOf(ctx: SignerContext): HoldsKey {
  return async (keys: ReadonlyMap<string, PublicKey>) => {
    for (const k of keys.values()) {
      let id: string;
      try {
        id = canonicalKeyId(k);
      } catch {
        continue;
      }
      if (await ctx.source.has(id)) return true;
    }
    return false;
  };
}

function rewrap(e: unknown, ctx: SignerContext, attempt: number, action: string): unknown {
  if (!isNotaryError(e)) return e;
  const err = e as NotaryError;
  return notaryError(err.code, `${action} of ${ctx.gun} failed: ${err.message}`, {
    cause: err,
    details: { ...err.details, gun: ctx.gun, attempt },
  });
}

/**
 * Runs a publish in an open context. Staged change files are removed only after the server accepted the upload
 * (and only those that were applied, so a change staged meanwhile survives); on any failure the changelist and
 * the cache are left byte for byte as they were (what the refresh verified is only written after the server
 * accepted the upload, and a failure to write it then does not fail the publish). The cache is not written with what we uploaded (as Notary): it only ever holds data
 * verified through a server timestamp, and the next read downloads the new files.
 * Before the POST, `preflight` runs the client's verifier over the exact files (PUBLISH_WOULD_FAIL_VERIFY).
 * @throws NotaryError PUBLISH_WOULD_FAIL_VERIFY, VERSION_CONFLICT (still conflicting after MAX_PUBLISH_ATTEMPTS), SERVER_REJECTED,
 *   UNAUTHORIZED, NETWORK, TIMEOUT, SERVER_ERROR, KEY_NOT_FOUND, WRONG_PASSPHRASE, PASSPHRASE_REQUIRED,
 *   ROLE_NOT_FOUND, INVALID_ARGUMENT, CACHE_CORRUPT, REPOSITORY_NOT_FOUND and the trust codes of an update
 */
export async function publishIn(ctx: SignerContext, plan: PublishPlan = {}): Promise<PublishResult> {
  const holds = holdsKeyOf(ctx);
  for (let attempt = 1; ; attempt++) {
    try {
      const staged: StagedChange[] = plan.staged === false ? [] : await ctx.changelist.list();
      const stagedOps = staged.map((s) => opFromChange(s.change, s.file));
      // The refresh's cache writes wait for the server's answer: a failed publish leaves the trust dir as it was.
      const cache = new DeferredCache(ctx.trustDir, ctx.gun);
      const loaded = await loadForWrite(ctx, { init: plan.init ?? {}, cache });
      const state = new RepoState(loaded, ctx.now);
      await applyOps(state, stagedOps, holds);
      if (plan.ops) await applyOps(state, await plan.ops(state, holds), holds);
      const update = await signRepo(state, ctx.source, ctx.now);
      const roles = update.files.map((f) => f.role);
      // Never publish what our own verifier would reject (first-use and previous-state clients).
      if (update.files.length > 0) await preflight(ctx, loaded, state, update, plan.verify ? [plan.verify] : []);
      await plan.beforeUpload?.(roles);
      if (update.files.length > 0) await ctx.remote.publish(update.files);
      // The server has the changes now: they leave the changelist first, so nothing below can apply them twice.
      await ctx.changelist.remove(staged.map((s) => s.file));
      // Caching what the refresh verified only advances the next run's rollback floor; the publish has happened
      // either way, so a cache that cannot be written (IO) does not turn it into a failure: the next update
      // verifies and caches those files again.
      await cache.commit().catch((e: unknown) => {
        if (!isNotaryError(e, 'IO')) throw e;
      });
      return {
        gun: ctx.gun,
        roles,
        snapshotSigned: update.snapshotSigned,
        appliedChanges: staged.length,
        initialPublish: loaded.initialPublish,
        attempts: attempt,
      };
    } catch (e) {
      if (isNotaryError(e, 'VERSION_CONFLICT') && attempt < MAX_PUBLISH_ATTEMPTS) continue;
      throw rewrap(e, ctx, attempt, plan.action ?? 'publish');
    }
  }
}

/** Options of `publish`. */
export interface PublishOptions extends CommonOptions {
  readonly gun: string;
}

/**
 * Publishes the staged changes of `gun` (`notary publish`). A repository nobody has yet is created first, with a
 * local snapshot key, as Notary's publish does.
 * @throws NotaryError as `publishIn`
 */
export async function publish(options: PublishOptions): Promise<PublishResult> {
  return withContext(options.gun, options, (ctx) => publishIn(ctx));
}
