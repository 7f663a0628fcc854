// Signs what a publish changed (root, targets roles, snapshot) and lists the files to upload (`Publish` steps 3-5).

import type { PublicKey } from '../crypto/types.js';
import { notaryError } from '../errors.js';
import { defaultExpiry, type Instant, toEpochNs } from '../metadata/expiry.js';
import { type FileMeta, fileMetaFromBytes } from '../metadata/file-meta.js';
import { editSnapshot } from '../metadata/meta-editor.js';
import { editRoot } from '../metadata/root-editor.js';
import { signMetadata } from '../metadata/sign.js';
import type { Signer } from '../metadata/signer.js';
import { Snapshot } from '../metadata/snapshot.js';
import type { PublishFile } from '../remote/index.js';
import { type SignerSource, signersForKeys } from './keystore-signer.js';
import type { RepoState } from './repo-state.js';

/** What a publish uploads. `snapshotSigned` is false when the server is left to sign the snapshot. */
export interface SignedUpdate {
  readonly files: PublishFile[];
  readonly snapshotSigned: boolean;
}

/** Notary re-signs a root that expires within 6 months (`nearExpiry`: now + 6 calendar months). */
export function rootNearExpiry(expiresNs: bigint, now: Instant): boolean {
  const d = new Date(Number(toEpochNs(now) / 1_000_000n));
  d.setUTCMonth(d.getUTCMonth() + 6);
  return expiresNs < BigInt(d.getTime()) * 1_000_000n;
}

async function signersMeeting(
  source: SignerSource,
  role: string,
  rule: { keys: ReadonlyMap<string, PublicKey>; threshold: number },
  which = role,
): Promise<Signer[]> {
  const signers = await signersForKeys(source, rule.keys);
  if (signers.length < rule.threshold) {
    throw notaryError(
      'KEY_NOT_FOUND',
      signers.length === 0
        ? `no signing key for ${which}`
        : `${which} needs ${rule.threshold} signing keys, only ${signers.length} available`,
      { details: { role, needed: rule.threshold, found: signers.length } },
    );
  }
  return signers;
}

/**
 * Signs every dirty role with version + 1 and the default expiry from `now`, the root too when it changed or
 * nears expiry (cross-signed by the previous root keys when the root role changed), and the snapshot when we hold
 * its key. Nothing is written anywhere.
 * @throws NotaryError KEY_NOT_FOUND (too few keys for a role), passphrase errors from the key store,
 *   SIGNER_MISMATCH (a signer produced a bad signature), NON_CANONICAL
 */
export async function signRepo(state: RepoState, source: SignerSource, now: Instant): Promise<SignedUpdate> {
  const files: PublishFile[] = [];
  const newBytes = new Map<string, Uint8Array>();

  // Root: resolve signers first, so a wrong root passphrase fails before anything else is signed.
  const loadedRoot = state.loadedRoot.signed;
  if (state.rootDirty || rootNearExpiry(state.root.expires.epochNs, now)) {
    const signers = await signersMeeting(source, 'root', state.signingRule('root'));
    const old = { keys: loadedRoot.keysOf('root'), threshold: loadedRoot.baseRole('root').threshold };
    const changed = !sameRule(old, state.signingRule('root'));
    if (changed) {
      for (const s of await signersMeeting(source, 'root', old, 'the previous root')) {
        if (!signers.some((x) => x.keyId === s.keyId)) signers.push(s);
      }
    }
    const root = editRoot(state.root)
      .setVersion(loadedRoot.version + 1)
      .setDefaultExpiry(now)
      .build();
    const signed = await signMetadata(root, signers);
    newBytes.set('root', signed.raw);
    files.push({ role: 'root', bytes: signed.raw });
  } else if (state.initialPublish) {
    // First publish: the root signed at init goes up unchanged (the server accepts version 1).
    newBytes.set('root', state.loadedRoot.raw);
    files.push({ role: 'root', bytes: state.loadedRoot.raw });
  }

  // Targets and delegations, parents before children (the order only matters for readability of the upload).
  const names = [...state.roles.keys()].sort();
  for (const name of names) {
    const w = state.work(name);
    if (!(w.dirty || (name === 'targets' && state.initialPublish))) continue;
    const signers = await signersMeeting(source, name, state.signingRule(name));
    const targets = state.finalTargets(w, w.loadedVersion + 1, now);
    const signed = await signMetadata(targets, signers);
    newBytes.set(name, signed.raw);
    files.push({ role: name, bytes: signed.raw });
  }

  // Snapshot: only with a key we hold; with none, the server signs it (Notary: ErrInsufficientSignatures, 0 keys).
  const rule = state.signingRule('snapshot');
  const snapshotSigners = await signersForKeys(source, rule.keys);
  if (snapshotSigners.length === 0) return { files, snapshotSigned: false };
  if (snapshotSigners.length < rule.threshold) await signersMeeting(source, 'snapshot', rule);
  // Meta of what we re-signed from the new bytes; of the rest as the current snapshot lists it (the bytes the
  // server serves), else from the loaded bytes.
  const metaOf = (role: string, raw: Uint8Array | undefined): FileMeta | undefined => {
    const fresh = newBytes.get(role);
    if (fresh !== undefined) return fileMetaFromBytes(fresh);
    return state.snapshot?.signed.getMeta(role) ?? (raw === undefined ? undefined : fileMetaFromBytes(raw));
  };
  const entries: [string, FileMeta][] = [];
  for (const [role, raw] of [
    ['root', state.loadedRoot.raw] as const,
    ...names.map((n) => [n, state.work(n).raw] as const),
  ]) {
    const m = metaOf(role, raw);
    if (m !== undefined) entries.push([role, m]);
  }
  let snap: Snapshot;
  if (state.snapshot === undefined) {
    // No snapshot to continue from (e.g. an unpublished repo whose cached snapshot is unusable): Notary's InitSnapshot.
    snap = Snapshot.create({ expires: defaultExpiry('snapshot', now), meta: entries });
  } else {
    const ed = editSnapshot(state.snapshot.signed);
    for (const [role, m] of entries) ed.setMeta(role, m);
    for (const gone of state.deleted) ed.removeMeta(gone);
    snap = ed.bumpVersion().setDefaultExpiry(now).build();
  }
  const signed = await signMetadata(snap, snapshotSigners);
  files.push({ role: 'snapshot', bytes: signed.raw });
  return { files, snapshotSigned: true };
}

function sameRule(
  a: { keys: ReadonlyMap<string, PublicKey>; threshold: number },
  b: { keys: ReadonlyMap<string, PublicKey>; threshold: number },
): boolean {
  if (a.threshold !== b.threshold || a.keys.size !== b.keys.size) return false;
  for (const id of a.keys.keys()) if (!b.keys.has(id)) return false;
  return true;
}
