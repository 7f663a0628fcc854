// `notary list`: every target visible from the given roles, first role in walk order wins, sorted by name.
import { compareUtf8 } from '../canonical/index.js';
import { pathAllowed } from '../metadata/index.js';
import type { TrustedRepository } from './trusted-repository.js';

export interface ListOptions {
  /** Priority list of roles whose subtrees are listed (Notary `ListTargets(roles...)`); default `['targets']`. */
  readonly roles?: readonly string[] | undefined;
}

export interface ListedTarget {
  readonly name: string;
  /** Hex sha256 as `notary list` prints it (`''` when the target has none). */
  readonly digest: string;
  readonly size: number;
  readonly role: string;
}

/**
 * Notary's `ListTargets`: for each role in `roles`, a breadth-first walk of its subtree (the other listed roles'
 * subtrees skipped); a name keeps the first role that lists it and whose (intersected) paths allow it. With the
 * default `['targets']` this walks every delegation, so a tag signed into both `targets` and `targets/releases`
 * shows as `targets` (the parent is visited first). Sorted by name in byte order, like `notary list`.
 * Unlike Notary, a delegation that fails verification fails the listing (Notary drops it with a warning).
 * @throws NotaryError the verification codes of any role walked
 */
export async function listTargets(repo: TrustedRepository, opts: ListOptions = {}): Promise<ListedTarget[]> {
  const roles = opts.roles !== undefined && opts.roles.length > 0 ? opts.roles : ['targets'];
  const found = new Map<string, ListedTarget>();
  for (const role of roles) {
    await repo.walk({ rolePath: role, skip: roles.filter((r) => r !== role) }, (targets, walked) => {
      // In file order, straight from the file text: no name lookup and no FileMeta per entry.
      const allPaths = walked.paths.includes('');
      for (const t of targets.digests()) {
        const name = t.name;
        if (found.has(name) || (!allPaths && !pathAllowed(name, walked.paths))) continue;
        found.set(name, { name, digest: t.sha256 ?? '', size: t.length, role: walked.name });
      }
      return false;
    });
  }
  const out = [...found.values()];
  // One walked file is already in byte order (canonical files list keys that way): check in one pass, sort if not.
  for (let i = 1; i < out.length; i++) {
    if (compareUtf8((out[i - 1] as ListedTarget).name, (out[i] as ListedTarget).name) > 0) {
      return out.sort((a, b) => compareUtf8(a.name, b.name));
    }
  }
  return out;
}
