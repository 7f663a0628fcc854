// `docker trust sign` / signed push for pipelines: many tags, one publish, each role signed once; and revoke.

import { lookupTarget } from '../client/lookup.js';
import type { TrustedRepository } from '../client/trusted-repository.js';
import { isNotaryError, notaryError } from '../errors.js';
import { isTargetsRole } from '../grammar/role-name.js';
import { assertTargetName } from '../grammar/target-name.js';
import { withinDepthLimit } from '../grammar/walk-limits.js';
import type { FileMeta } from '../metadata/file-meta.js';
import { canonicalKeyId } from '../metadata/key-id.js';
import type { ResolveImageOptions } from '../remote/resolve-image.js';
import type { CommonOptions } from './context.js';
import { withContext } from './context.js';
import type { Op } from './ops.js';
import { type PublishResult, publishIn } from './publish.js';
import { gunAndTags } from './sign-images.js';
import { RELEASES_ROLE, signableRoles, type TagInput, targetMetasOf } from './signable-roles.js';
import { assertVerify } from './verify-tags.js';

export interface SignOptions extends CommonOptions {
  /** The repository; may be left out when `images` names it. */
  readonly gun?: string;
  readonly tags?: readonly TagInput[];
  /**
   * Image references (`registry.example.com/app:v1`) signed beside `tags`: digest and size are read from the
   * registry (see `resolveImage`); all must be in one repository, which is the GUN.
   */
  readonly images?: readonly string[];
  /** Registry access for `images` (insecure hosts, credentials, TLS); env and timeout default to this call's. */
  readonly registry?: ResolveImageOptions;
  /** Sign into this role only (`targets` or a delegation) instead of Docker's choice. */
  readonly role?: string;
  /** Never create a repository: one the server does not have fails with REPOSITORY_NOT_FOUND, no key made. */
  readonly noInit?: boolean;
}

export interface SignResult extends PublishResult {
  /** Tag → roles it was signed into. */
  readonly signed: ReadonlyMap<string, readonly string[]>;
  /** When this sign created the repository: the (canonical) ID of its root key. */
  readonly createdRootKeyId?: string;
}

/**
 * Signs tags as `docker trust sign` does, all in ONE publish. A repository the server does not know is created
 * first (server-managed snapshot, Docker's `Initialize(root, snapshot)`) and the tags go to `targets`; otherwise
 * each tag goes to every direct child of `targets` whose paths allow it and whose key we hold, else to `targets`.
 * Tags are applied in memory (no change file per tag) and staged changes of the GUN are published with them.
 * @throws NotaryError INVALID_ARGUMENT (bad tag/digest/size/role), KEY_NOT_FOUND (no role we can sign), and
 *   everything `publish` throws; with `images`, also INVALID_REFERENCE and what `resolveImage` throws
 *   (IMAGE_NOT_FOUND, UNAUTHORIZED, NETWORK, …)
 */
export async function sign(options: SignOptions): Promise<SignResult> {
  // Images are resolved before anything is opened or created: a missing image publishes nothing.
  const { gun, tags } = await gunAndTags(options);
  const metas = targetMetasOf(tags);
  if (metas.length === 0) throw new RangeError('sign needs at least one tag');
  const forced = options.role;
  if (forced !== undefined && !(isTargetsRole(forced) && withinDepthLimit(forced))) {
    throw notaryError('INVALID_ARGUMENT', `cannot sign into role ${forced}`, { details: { role: forced } });
  }
  let signed = new Map<string, readonly string[]>();
  let createdRootKeyId: string | undefined;
  return withContext(gun, options, async (ctx) => {
    const result = await publishIn(ctx, {
      action: 'sign',
      init: options.noInit === true ? false : { serverManagedSnapshot: true },
      ops: async (state, holds) => {
        signed = new Map();
        createdRootKeyId = undefined;
        if (state.initialPublish) {
          // Initialised locally but never published: with noInit that, too, would create it on the server.
          if (options.noInit === true) {
            throw notaryError('REPOSITORY_NOT_FOUND', `${ctx.gun} does not exist on the server (--no-init)`, {
              details: { gun: ctx.gun },
            });
          }
          const rootKey = state.loadedRoot.signed.keysOf('root').values().next().value;
          if (rootKey !== undefined) createdRootKeyId = canonicalKeyId(rootKey);
        }
        const forcedRoles = forced === undefined ? undefined : [forced];
        const chooser = forcedRoles !== undefined ? { rolesFor: () => forcedRoles } : await signableRoles(state, holds);
        // Generated while they are applied, so 50k ops never live at once.
        return (function* (): Generator<Op> {
          for (let i = 0; i < metas.length; i++) {
            const tag = (tags[i] as TagInput).tag;
            const meta = metas[i] as FileMeta;
            const roles = chooser.rolesFor(tag);
            signed.set(tag, roles);
            for (const role of roles) yield { kind: 'add-target', role, name: tag, meta };
          }
        })();
      },
      verify: async (repo) => {
        // What `verify` (docker pull's rule) answers for a tag signed where it looks must be what we signed.
        const checked: number[] = [];
        for (let i = 0; i < metas.length; i++) {
          const roles = signed.get((tags[i] as TagInput).tag) ?? [];
          if (roles.includes(RELEASES_ROLE) || roles.includes('targets')) checked.push(i);
        }
        await assertVerify(
          repo,
          ctx.gun,
          checked.map((i) => [(tags[i] as TagInput).tag, metas[i] as FileMeta]),
        );
      },
    });
    return { ...result, signed, ...(createdRootKeyId !== undefined ? { createdRootKeyId } : {}) };
  });
}

export interface RevokeOptions extends CommonOptions {
  readonly gun: string;
  /** Tags to revoke; all signed tags when absent (`docker trust revoke IMAGE`). */
  readonly tags?: readonly string[];
}

export interface RevokeResult extends PublishResult {
  /** Tag → roles it was removed from. */
  readonly revoked: ReadonlyMap<string, readonly string[]>;
}

/**
 * Revokes tags: each tag is removed from every role that lists it and that we can sign (`targets` when we hold its
 * key, every loaded delegation we hold a key of), in one publish. Before the POST, `verify` of each tag must find
 * nothing (docker pull's rule: `targets/releases`, then `targets`); if a role we cannot sign still answers, the
 * revoke is refused with nothing published (Docker removes from the roles it signs into and reports success even
 * when `targets` still answers with an older digest). Without `tags`, every tag in `targets/releases` and
 * `targets` is revoked.
 * @throws NotaryError TARGET_NOT_FOUND (a tag not signed in any role, or nothing to revoke), REVOKE_INCOMPLETE
 *   (details: tag, role: the role that would still answer), REPOSITORY_NOT_FOUND, and everything `publish` throws
 */
export async function revoke(options: RevokeOptions): Promise<RevokeResult> {
  for (const t of options.tags ?? []) assertTargetName(t);
  let revoked = new Map<string, readonly string[]>();
  return withContext(options.gun, options, async (ctx) => {
    const result = await publishIn(ctx, {
      action: 'revoke',
      init: false,
      ops: async (state, holds) => {
        revoked = new Map();
        const listing = (tag: string) => [...state.roles.keys()].filter((r) => state.target(r, tag) !== undefined);
        let tags: string[];
        if (options.tags !== undefined) {
          tags = [...new Set(options.tags)];
          for (const t of tags) {
            if (listing(t).length === 0) {
              throw notaryError('TARGET_NOT_FOUND', `${t} is not signed in ${ctx.gun}`, {
                details: { gun: ctx.gun, tag: t },
              });
            }
          }
        } else {
          const names = new Set(state.work('targets').view.targetNames());
          if (state.roles.has(RELEASES_ROLE))
            for (const n of state.work(RELEASES_ROLE).view.targetNames()) names.add(n);
          if (names.size === 0) {
            throw notaryError('TARGET_NOT_FOUND', `no signed tags to remove in ${ctx.gun}`, {
              details: { gun: ctx.gun },
            });
          }
          tags = [...names];
        }
        const signable = new Map<string, boolean>();
        for (const role of state.roles.keys()) signable.set(role, await holds(state.signingRule(role).keys));
        const ops: Op[] = [];
        for (const tag of tags) {
          const roles = listing(tag).filter((r) => signable.get(r) === true);
          revoked.set(tag, roles);
          for (const role of roles) ops.push({ kind: 'remove-target', role, name: tag });
        }
        return ops;
      },
      verify: async (repo) => {
        for (const tag of revoked.keys()) await assertRevoked(repo, ctx.gun, tag);
      },
    });
    return { ...result, revoked };
  });
}

/** `verify GUN:TAG` on the result must find nothing. @throws NotaryError REVOKE_INCOMPLETE */
async function assertRevoked(repo: TrustedRepository, gun: string, tag: string): Promise<void> {
  let role: string;
  try {
    role = (await lookupTarget(repo, tag)).role;
  } catch (e) {
    if (isNotaryError(e, 'TARGET_NOT_FOUND')) return;
    throw e;
  }
  throw notaryError(
    'REVOKE_INCOMPLETE',
    `${tag} would still verify from ${role} after the revoke, and no key to sign ${role} is here: nothing published`,
    { details: { gun, tag, role } },
  );
}
