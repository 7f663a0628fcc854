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
  // The entries each walked file contributes, in walk order. Names are unique within a file (its keys are in strict
  // byte order), so a listing of one file (most repositories) needs no name set at all.
  const perFile: ListedTarget[][] = [];
  for (const role of roles) {
    await repo.walk({ rolePath: role, skip: roles.filter((r) => r !== role) }, (targets, walked) => {
      // In file order, straight from the file text: no name lookup and no FileMeta per entry.
      const allPaths = walked.paths.includes('');
      const entries: ListedTarget[] = [];
      for (const t of targets.digests()) {
        if (allPaths || pathAllowed(t.name, walked.paths)) {
          entries.push({ name: t.name, digest: t.sha256 ?? '', size: t.length, role: walked.name });
        }
      }
      if (entries.length > 0) perFile.push(entries);
      return false;
    });
  }
  let out: ListedTarget[];
  if (perFile.length <= 1) out = perFile[0] ?? [];
  else {
    // A name keeps the first walked role that lists it.
    const seen = new Set<string>();
    out = [];
    for (const entries of perFile) {
      for (const e of entries) {
        if (seen.has(e.name)) continue;
        seen.add(e.name);
        out.push(e);
      }
    }
  }
  // One walked file is already in byte order (canonical files list keys that way): check in one pass, sort if not.
  for (let i = 1; i < out.length; i++) {
    if (compareUtf8((out[i - 1] as ListedTarget).name, (out[i] as ListedTarget).name) > 0) {
      return out.sort((a, b) => compareUtf8(a.name, b.name));
    }
  }
  return out;
}
