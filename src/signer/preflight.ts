// Before every POST: the client's own verifier runs over the exact files a publish is about to upload.

import { createPinChecker } from '../client/trust-pinning.js';
import { TrustedRepository } from '../client/trusted-repository.js';
import { TrustedSet } from '../client/trusted-set.js';
import { emptyTrustPinning } from '../connection/config.js';
import { toHex } from '../encoding/hex.js';
import { isNotaryError, notaryError } from '../errors.js';
import { defaultExpiry } from '../metadata/expiry.js';
import { type FileMeta, fileMetaFromBytes } from '../metadata/file-meta.js';
import { withSignatures } from '../metadata/sign.js';
import { Snapshot } from '../metadata/snapshot.js';
import { Timestamp } from '../metadata/timestamp.js';
import type { SignerContext } from './context.js';
import type { LoadedRepo, RepoState } from './repo-state.js';
import type { SignedUpdate } from './sign-repo.js';

/** Extra questions asked of the verified result (e.g. "does `verify` now give this digest?"). */
export type PreflightCheck = (repo: TrustedRepository) => Promise<void> | void;

/** Which client a preflight plays. */
export type PreflightClient = 'first-use' | 'previous-state';

/** The repository as it will be once the server accepted the upload: role → exact bytes. */
interface Candidate {
  readonly root: Uint8Array;
  readonly snapshot: Uint8Array | undefined;
  readonly targets: ReadonlyMap<string, Uint8Array>;
}

function candidateOf(loaded: LoadedRepo, state: RepoState, update: SignedUpdate): Candidate {
  const uploaded = new Map(update.files.map((f) => [f.role, f.bytes]));
  const targets = new Map<string, Uint8Array>();
  for (const [name, w] of state.roles) {
    const bytes = uploaded.get(name) ?? w.raw;
    // A loaded role always has its bytes, a new one is always uploaded; anything else is a signer bug.
    if (bytes === undefined) throw new TypeError(`no bytes for ${name} in the publish candidate`);
    targets.set(name, bytes);
  }
  return { root: uploaded.get('root') ?? loaded.root.raw, snapshot: uploaded.get('snapshot'), targets };
}

/** The previously trusted bytes of each role (rollback and fork floors of a client that holds them). */
function priorsOf(loaded: LoadedRepo): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [name, t] of loaded.targets) if (t.raw !== undefined) out.set(name, t.raw);
  if (loaded.snapshot !== undefined) out.set('snapshot', loaded.snapshot.raw);
  return out;
}

/**
 * Runs the client's verifier (`TrustedSet`, a `TrustedRepository` walk of every role, then `checks`) over what a publish would
 * leave on the server, as a first-use client (root from the candidate, trust pinning applied) and, when the server
 * already has the repository, as a client holding the previous state (root chained from the trusted one, every
 * previous file a rollback/fork floor). The server signs the timestamp (and, without our key, the snapshot): those
 * two are assumed as the server will make them (the meta of the exact bytes); everything we sign or leave in place
 * is checked: root (certificates, pinning, self-signature, cross-signature after a change, expiry), snapshot
 * (signature, root and rollback), targets and every delegation (threshold of the keys the final parents give,
 * delegation certificates, rollback, expiry), the walk limits, and `checks`.
 *
 * A delegation that already failed verification on the server and that this publish does not re-sign is not held
 * against it (the publish neither causes nor repairs that; `verify` reports it as before).
 * @throws NotaryError PUBLISH_WOULD_FAIL_VERIFY (details: client, cause, role, reason 'unverifiable'), or whatever
 *   a check throws as it is
 */
export async function preflight(
  ctx: SignerContext,
  loaded: LoadedRepo,
  state: RepoState,
  update: SignedUpdate,
  checks: readonly PreflightCheck[] = [],
): Promise<void> {
  const cand = candidateOf(loaded, state, update);
  // Both clients see the same files, so `checks` (per-tag lookups, the costly part for many tags) run once, on the
  // last client.
  const previous = !loaded.initialPublish;
  await asClient(ctx, 'first-use', cand, loaded, undefined, previous ? [] : checks);
  if (previous) await asClient(ctx, 'previous-state', cand, loaded, priorsOf(loaded), checks);
}

async function asClient(
  ctx: SignerContext,
  client: PreflightClient,
  cand: Candidate,
  loaded: LoadedRepo,
  priors: ReadonlyMap<string, Uint8Array> | undefined,
  checks: readonly PreflightCheck[],
): Promise<void> {
  let repo: TrustedRepository;
  try {
    repo = await verifyCandidate(ctx, client, cand, loaded, priors);
    // Every role, with the walk limits (depth, fan-out, count) `list`/`inspect` apply.
    await repo.walk({}, () => undefined);
  } catch (e) {
    if (!isNotaryError(e)) throw e;
    throw notaryError(
      'PUBLISH_WOULD_FAIL_VERIFY',
      `refusing to publish ${ctx.gun}: a ${client} client would reject it (${e.code}: ${e.message})`,
      {
        cause: e,
        details: { gun: ctx.gun, client, cause: e.code, reason: 'unverifiable', ...pickRole(e.details) },
      },
    );
  }
  for (const check of checks) await check(repo);
}

function pickRole(details: Record<string, unknown>): Record<string, unknown> {
  return details['role'] === undefined ? {} : { role: details['role'] };
}

async function verifyCandidate(
  ctx: SignerContext,
  client: PreflightClient,
  cand: Candidate,
  loaded: LoadedRepo,
  priors: ReadonlyMap<string, Uint8Array> | undefined,
): Promise<TrustedRepository> {
  const { gun, now } = ctx;
  let set: TrustedSet;
  if (client === 'first-use') {
    const pin = createPinChecker(ctx.options.trustPinning ?? emptyTrustPinning(), gun, { firstBootstrap: true, now });
    set = TrustedSet.bootstrap(cand.root, { gun, now, pin, allowExpired: false });
  } else {
    // §5.3: the trusted root, then the new one (exactly +1, cross-signed) when the publish changes it.
    set = TrustedSet.bootstrap(loaded.root.raw, { gun, now, allowExpired: true });
    if (set.root.raw !== cand.root) set.updateRoot(cand.root);
    set.checkRootFresh();
  }
  const tsExpires = defaultExpiry('timestamp', now);
  if (cand.snapshot !== undefined) {
    const ts = Timestamp.create({ expires: tsExpires, snapshot: fileMetaFromBytes(cand.snapshot) });
    set.assumeServerSigned(withSignatures(ts, []));
    set.updateSnapshot(cand.snapshot, priors?.get('snapshot'));
  } else {
    // The server signs a snapshot over what it holds: the previous meta with the uploaded files' meta replaced.
    const meta = new Map<string, FileMeta>(loaded.snapshot?.signed.meta ?? []);
    meta.set('root', fileMetaFromBytes(cand.root));
    for (const [name, bytes] of cand.targets) meta.set(name, fileMetaFromBytes(bytes));
    // The server keeps the meta of deleted delegations in the snapshots it makes (observed with 0.7.0).
    const snap = Snapshot.create({
      expires: defaultExpiry('snapshot', now),
      version: (loaded.snapshot?.signed.version ?? 0) + 1,
      meta,
    });
    const signedSnap = withSignatures(snap, []);
    const ts = Timestamp.create({ expires: tsExpires, snapshot: fileMetaFromBytes(signedSnap.raw) });
    set.assumeServerSigned(
      withSignatures(ts, []),
      signedSnap,
      priors === undefined ? undefined : loaded.snapshot?.signed,
    );
  }
  const targets = cand.targets.get('targets');
  if (targets === undefined) throw new TypeError('the publish candidate has no targets');
  set.updateTargets(targets, priors?.get('targets'));
  const load = async (s: TrustedSet, name: string) => {
    let bytes = cand.targets.get(name);
    if (bytes === undefined) {
      const meta = s.snapshot?.signed.getMeta(name);
      // As the updater: a delegation without a file is an empty role (one whose file vanished while still
      // delegated was already refused when its parent loaded, 5.5.5).
      if (meta === undefined) return undefined;
      if (loaded.invalid?.has(name)) return undefined;
      // Not loaded for this publish, yet the snapshot lists a file (the server keeps the meta of a removed
      // delegation): a client will fetch that old file, so it must verify under the keys this publish gives.
      const sha256 = meta.hashes.sha256;
      bytes = await ctx.remote.getRole(name, {
        maxBytes: meta.length,
        ...(sha256 !== undefined ? { checksum: toHex(sha256) } : {}),
      });
    }
    s.updateDelegation(name, bytes, priors?.get(name));
    return s.delegations.get(name);
  };
  return new TrustedRepository(set, load, false);
}

/** Thrown by callers (e.g. `signer remove` without force) for a change they know would not verify. */
export function wouldFailVerify(gun: string, message: string, details: Record<string, unknown>): never {
  throw notaryError('PUBLISH_WOULD_FAIL_VERIFY', `refusing to publish ${gun}: ${message}`, {
    details: { gun, ...details },
  });
}
