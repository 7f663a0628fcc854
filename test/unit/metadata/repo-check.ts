// Full offline check of one repository's metadata files with our models: signatures against the root, the
// timestamp → snapshot → targets → delegations hash chain, and byte-exact re-serialisation. Shared with interop.
import { expect } from 'vitest';
import { canonicalBytes } from '../../../src/canonical/index.js';
import {
  checkHashes,
  checkLength,
  parseMetadata,
  parseRoot,
  parseSnapshot,
  parseTargets,
  parseTimestamp,
  type SignedMetadata,
  serializeMetadata,
  type Targets,
  verifyRole,
} from '../../../src/metadata/index.js';

export interface RepoCheckResult {
  /** Roles whose signatures met their threshold. */
  verified: string[];
  /** Number of signatures that verified. */
  signatures: number;
}

/** Re-serialising must give the file's exact bytes, and the model's canonical bytes those of its JSON. */
export function expectRoundTrip(role: string, raw: Uint8Array): SignedMetadata {
  const file = parseMetadata(role, raw);
  expect(Buffer.from(serializeMetadata(file.signed, file.signatures)).equals(Buffer.from(raw))).toBe(true);
  expect(Buffer.from(file.signed.canonicalBytes()).equals(Buffer.from(canonicalBytes(file.signed.json)))).toBe(true);
  return file;
}

/**
 * Checks a consistent set of current files (`files` maps role → bytes; must contain root, timestamp, snapshot and
 * targets unless `partial`). Delegations present in `files` are verified with their parent's delegation keys.
 */
export function checkRepo(files: ReadonlyMap<string, Uint8Array>, partial = false): RepoCheckResult {
  const out: RepoCheckResult = { verified: [], signatures: 0 };
  const get = (role: string) => files.get(role);
  const rootRaw = get('root');
  if (rootRaw === undefined) throw new Error('no root.json');
  const root = parseRoot(rootRaw);
  const note = (role: string, ids: Set<string>) => {
    out.verified.push(role);
    out.signatures += ids.size;
  };
  note('root', verifyRole(root.signed.baseRole('root'), root.signed.keys, root));

  const tsRaw = get('timestamp');
  const snRaw = get('snapshot');
  if (tsRaw !== undefined) {
    const ts = parseTimestamp(tsRaw);
    note('timestamp', verifyRole(root.signed.baseRole('timestamp'), root.signed.keys, ts));
    if (snRaw !== undefined) {
      checkHashes(snRaw, ts.signed.snapshot, 'snapshot');
      checkLength(snRaw, ts.signed.snapshot, 'snapshot');
    }
  } else if (!partial) {
    throw new Error('no timestamp.json');
  }
  if (snRaw !== undefined) {
    const sn = parseSnapshot(snRaw);
    note('snapshot', verifyRole(root.signed.baseRole('snapshot'), root.signed.keys, sn));
    for (const [role, meta] of sn.signed.meta) {
      const raw = get(role);
      if (raw === undefined) continue;
      checkHashes(raw, meta, role);
      checkLength(raw, meta, role);
    }
  } else if (!partial) {
    throw new Error('no snapshot.json');
  }

  const targetsRaw = get('targets');
  if (targetsRaw === undefined) {
    if (!partial) throw new Error('no targets.json');
    return out;
  }
  const top = parseTargets(targetsRaw);
  note('targets', verifyRole(root.signed.baseRole('targets'), root.signed.keys, top));
  // Pre-order walk: a delegation is verified with the role and keys its parent lists.
  const queue: SignedMetadata<Targets>[] = [top];
  while (queue.length > 0) {
    const parent = queue.shift() as SignedMetadata<Targets>;
    for (const d of parent.signed.delegations.roles) {
      const raw = get(d.name);
      if (raw === undefined) continue;
      const child = parseTargets(raw, d.name);
      note(d.name, verifyRole(d, parent.signed.delegations.keys, child));
      queue.push(child);
    }
  }
  return out;
}
