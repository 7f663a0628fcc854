// A verified view of one repository after an update: top-level roles plus delegations loaded on demand, and walks.
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';
import {
  MAX_DELEGATION_DEPTH,
  MAX_DELEGATION_FANOUT,
  MAX_DELEGATIONS_LOADED,
  withinDepthLimit,
} from '../grammar/walk-limits.js';
import {
  pathAllowed,
  type Root,
  restrictPaths,
  type SignedMetadata,
  type Snapshot,
  type Targets,
  type Timestamp,
} from '../metadata/index.js';
import type { TrustedSet } from './trusted-set.js';

/**
 * Loads one delegation into the set (fetch or cache, verify, persist). Returns undefined when the role has no
 * metadata and that is acceptable (see `Updater`'s missing-delegation policy).
 */
export type DelegationLoader = (set: TrustedSet, name: string) => Promise<SignedMetadata<Targets> | undefined>;

/** A role as a walk sees it: its name and the path prefixes it may sign after intersecting with its ancestors'. */
export interface WalkRole {
  readonly name: string;
  readonly paths: readonly string[];
}

export interface WalkOptions {
  /** Visit only roles whose paths allow this target name (`''`: any). */
  readonly targetPath?: string;
  /** Visit only this role and its subtree (`''`: everything), walking through its ancestors. */
  readonly rolePath?: string;
  /** Roles (and their subtrees) not to visit. */
  readonly skip?: readonly string[];
}

/** What a visitor returns: `true` stops the walk. */
export type WalkVisitor = (targets: Targets, role: WalkRole) => boolean | undefined;

/** Hooks of `loadAll`. */
export interface LoadAllVisitor {
  /** Each delegation that verified, in download order. */
  loaded?(name: string, targets: Targets): void;
  /** A delegation that failed with `error`: resolve true to skip it and its subtree (as Notary's update does), false to fail. */
  failed?(name: string, error: NotaryError): Promise<boolean> | boolean;
}

/** A targets file and the paths it may sign (see `TrustedRepository.resolve`). */
export interface Resolved {
  readonly targets: Targets;
  readonly role: WalkRole;
}

const TOP: WalkRole = Object.freeze({ name: 'targets', paths: Object.freeze(['']) });

/**
 * The verified metadata of one repository. Top-level roles are loaded by the updater; delegations load on first
 * use through the injected loader and then stay in the set, so only the roles a question needs are fetched.
 */
export class TrustedRepository {
  readonly gun: string;
  /** True when built from the cache alone (`offline` option): nothing was fetched. */
  readonly offline: boolean;
  readonly #set: TrustedSet;
  readonly #load: DelegationLoader;
  readonly #pending = new Map<string, Promise<SignedMetadata<Targets> | undefined>>();
  /** Successful `resolve` answers: the set only grows, so an answer once given stays true (lookups repeat them). */
  readonly #resolved = new Map<string, Resolved | undefined>();

  constructor(set: TrustedSet, load: DelegationLoader, offline: boolean) {
    if (set.targets === undefined) throw new TypeError('the trusted set must have targets loaded');
    this.gun = set.gun;
    this.#set = set;
    this.#load = load;
    this.offline = offline;
  }

  get root(): Root {
    return this.#set.root.signed;
  }
  get timestamp(): Timestamp {
    return (this.#set.timestamp as SignedMetadata<Timestamp>).signed;
  }
  get snapshot(): Snapshot {
    return (this.#set.snapshot as SignedMetadata<Snapshot>).signed;
  }
  get targets(): Targets {
    return (this.#set.targets as SignedMetadata<Targets>).signed;
  }
  /** The verified files (signatures and exact bytes), e.g. for `docker trust inspect`. */
  file(role: 'root' | 'timestamp' | 'snapshot' | 'targets'): SignedMetadata {
    return this.#set[role] as SignedMetadata;
  }
  /** Delegations verified so far, by name. */
  get delegations(): ReadonlyMap<string, Targets> {
    const out = new Map<string, Targets>();
    for (const [k, v] of this.#set.delegations) out.set(k, v.signed);
    return out;
  }
  /** The verified file of a delegation loaded so far (signatures and exact bytes). */
  delegationFile(name: string): SignedMetadata<Targets> | undefined {
    return this.#set.delegations.get(name);
  }
  /** The clock the view was verified at. */
  get verifiedAt(): Date {
    return this.#set.now;
  }

  /**
   * The targets file of `name` (`targets` or a delegation), loading it and its ancestors as needed, with the
   * path prefixes it may sign after intersection with its ancestors'. `undefined` when no ancestor chain delegates
   * to it, or it is delegated but has no metadata (and the loader accepts that).
   * @throws NotaryError DELEGATION_INVALID (too deep), and anything the loader throws (DELEGATION_MISSING,
   *   EXPIRED, THRESHOLD_NOT_MET, HASH_MISMATCH, network codes…)
   */
  async resolve(name: string): Promise<Resolved | undefined> {
    if (this.#resolved.has(name)) return this.#resolved.get(name);
    const r = await this.#resolve(name);
    this.#resolved.set(name, r);
    return r;
  }

  async #resolve(name: string): Promise<Resolved | undefined> {
    if (name === 'targets') return { targets: this.targets, role: TOP };
    if (!name.startsWith('targets/')) return undefined;
    if (!withinDepthLimit(name)) {
      throw notaryError('DELEGATION_INVALID', `${name} is nested deeper than ${MAX_DELEGATION_DEPTH} levels`, {
        details: { role: name, limit: MAX_DELEGATION_DEPTH, reason: 'too-deep' },
      });
    }
    const parent = await this.resolve(name.slice(0, name.lastIndexOf('/')));
    if (parent === undefined) return undefined;
    const entry = parent.targets.delegation(name);
    if (entry === undefined) return undefined;
    const loaded = await this.#loadOnce(name);
    if (loaded === undefined) return undefined;
    return { targets: loaded.signed, role: { name, paths: restrictPaths(parent.role.paths, entry.paths) } };
  }

  /**
   * Notary's `WalkTargets`: breadth-first from `targets`, children in the order their parent lists them, paths
   * intersected with the parent's. A role is loaded only when the walk would visit it or pass through it, so a
   * broken delegation fails the walk only when the answer depends on it (fail closed; Notary skips it silently).
   * @throws NotaryError DELEGATION_INVALID (limits) and anything `resolve` throws
   */
  async walk(options: WalkOptions, visit: WalkVisitor): Promise<void> {
    const targetPath = options.targetPath ?? '';
    const rolePath = options.rolePath ?? '';
    const skip = new Set(options.skip ?? []);
    const queue: WalkRole[] = [TOP];
    const seen = new Set<string>(['targets']);
    let loaded = 0;
    while (queue.length > 0) {
      const role = queue.shift() as WalkRole;
      const through = rolePath.startsWith(`${role.name}/`);
      const visitable =
        (targetPath === '' || pathAllowed(targetPath, role.paths)) &&
        isAncestorOrSelf(rolePath, role.name) &&
        !skip.has(role.name);
      if (!through && !visitable) continue;
      let targets: Targets | undefined;
      if (role.name === 'targets') targets = this.targets;
      else {
        if (++loaded > MAX_DELEGATIONS_LOADED) {
          throw notaryError('DELEGATION_INVALID', `walk would load more than ${MAX_DELEGATIONS_LOADED} delegations`, {
            details: { role: role.name, limit: MAX_DELEGATIONS_LOADED, reason: 'too-many' },
          });
        }
        targets = (await this.#loadOnce(role.name))?.signed;
      }
      if (targets === undefined) continue;
      if (!through && visit(targets, role) === true) return;
      const children = targets.delegations.roles;
      if (children.length > MAX_DELEGATION_FANOUT) {
        throw notaryError('DELEGATION_INVALID', `${role.name} delegates to ${children.length} roles`, {
          details: { role: role.name, limit: MAX_DELEGATION_FANOUT, reason: 'fan-out' },
        });
      }
      for (const child of children) {
        if (seen.has(child.name)) continue;
        if (!withinDepthLimit(child.name)) {
          throw notaryError(
            'DELEGATION_INVALID',
            `${child.name} is nested deeper than ${MAX_DELEGATION_DEPTH} levels`,
            {
              details: { role: child.name, limit: MAX_DELEGATION_DEPTH, reason: 'too-deep' },
            },
          );
        }
        seen.add(child.name);
        queue.push({ name: child.name, paths: restrictPaths(role.paths, child.paths) });
      }
    }
  }

  /**
   * Loads every delegation reachable from `targets` in Notary's download order (pre-order depth-first), e.g. to
   * warm the cache the way the Go client leaves it, or (the signer) to have every role it may re-sign.
   * @throws NotaryError as `walk`, unless `visitor.failed` accepts the failure
   */
  async loadAll(visitor: LoadAllVisitor = {}): Promise<void> {
    const stack: string[] = this.targets.delegations.roles.map((r) => r.name).reverse();
    let loaded = 0;
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (++loaded > MAX_DELEGATIONS_LOADED) {
        throw notaryError('DELEGATION_INVALID', `repository has more than ${MAX_DELEGATIONS_LOADED} delegations`, {
          details: { role: name, limit: MAX_DELEGATIONS_LOADED, reason: 'too-many' },
        });
      }
      let r: Awaited<ReturnType<TrustedRepository['resolve']>>;
      try {
        r = await this.resolve(name);
      } catch (e) {
        if (isNotaryError(e) && visitor.failed && (await visitor.failed(name, e))) continue;
        throw e;
      }
      if (r === undefined) continue;
      visitor.loaded?.(name, r.targets);
      const children = r.targets.delegations.roles;
      if (children.length > MAX_DELEGATION_FANOUT) {
        throw notaryError('DELEGATION_INVALID', `${name} delegates to ${children.length} roles`, {
          details: { role: name, limit: MAX_DELEGATION_FANOUT, reason: 'fan-out' },
        });
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push((children[i] as { name: string }).name);
    }
  }

  #loadOnce(name: string): Promise<SignedMetadata<Targets> | undefined> {
    const have = this.#set.delegations.get(name);
    if (have !== undefined) return Promise.resolve(have);
    let p = this.#pending.get(name);
    if (p === undefined) {
      p = this.#load(this.#set, name);
      this.#pending.set(name, p);
      // A failed load stays failed for this view: asking again must not re-download or flip the answer.
    }
    return p;
  }
}

/** Notary's `isAncestorRole(candidateChild=role, candidateAncestor=rolePath)`: `role` is rolePath or below it. */
function isAncestorOrSelf(rolePath: string, role: string): boolean {
  return rolePath === '' || rolePath === role || role.startsWith(`${rolePath}/`);
}
