// `notary init`: root key and certificate, targets/snapshot keys, server keys, and root/targets/snapshot v1 in the cache.

import { isJsonObject, parseJson } from '../canonical/index.js';
import { createRootCertificate, generateKey } from '../crypto/index.js';
import type { PrivateKey, PublicKey } from '../crypto/types.js';
import { isNotaryError, notaryError } from '../errors.js';
import { defaultExpiry } from '../metadata/expiry.js';
import { fileMetaFromBytes } from '../metadata/file-meta.js';
import { canonicalKeyId, tufKeyId } from '../metadata/key-id.js';
import { parseKey } from '../metadata/keys.js';
import { Root } from '../metadata/root.js';
import { signMetadata } from '../metadata/sign.js';
import type { SignedMetadata } from '../metadata/signed-metadata.js';
import { keySigner } from '../metadata/signer.js';
import { Snapshot } from '../metadata/snapshot.js';
import { Targets } from '../metadata/targets.js';
import { type CommonOptions, type SignerContext, withContext } from './context.js';
import type { LoadedRepo } from './repo-state.js';

export interface InitOptions {
  /** The server signs snapshots (Docker's choice); default false: a local snapshot key, as `notary init`. */
  readonly serverManagedSnapshot?: boolean;
  /** Use this root key (canonical ID, in the key store) instead of the first one found or a new one. */
  readonly rootKeyId?: string;
}

export interface InitResult {
  /** Canonical ID of the root private key (its file name). */
  readonly rootKeyId: string;
  /** TUF ID of the root certificate key that root.json lists. */
  readonly rootCertKeyId: string;
  readonly targetsKeyId: string;
  /** Canonical ID of the local snapshot key, or of the server's key when it manages the snapshot. */
  readonly snapshotKeyId: string;
  readonly serverManagedSnapshot: boolean;
  readonly timestampKeyId: string;
  /** What was written to the cache, ready to publish. */
  readonly repo: LoadedRepo;
}

/**
 * The public key in a server's `<role>.key` answer (`{"keytype":…,"keyval":{"public":…,"private":null}}`).
 * @throws NotaryError BAD_RESPONSE when it is not a key
 */
export function parseServerKey(ctx: SignerContext, role: 'timestamp' | 'snapshot', bytes: Uint8Array): PublicKey {
  try {
    const v = parseJson(bytes, { maxDepth: 8 });
    if (!isJsonObject(v)) throw new TypeError('not an object');
    return parseKey(v, role, `${role}.key`);
  } catch (cause) {
    throw notaryError('BAD_RESPONSE', `server ${role} key for ${ctx.gun} is not a public key`, {
      cause,
      details: { role, gun: ctx.gun },
    });
  }
}

/**
 * The root private key: `rootKeyId`, else the first root key in the store (by ID, as Docker picks), else a new
 * ECDSA P-256 key stored without a GUN. An existing key is decrypted here, so a wrong passphrase stops `init`
 * before any key is created.
 */
async function rootKey(ctx: SignerContext, wanted: string | undefined): Promise<PrivateKey> {
  if (wanted !== undefined) return (await ctx.store.get(wanted)).key;
  const { keys } = await ctx.store.list();
  const existing = keys.find((k) => k.role === 'root');
  if (existing !== undefined) return (await ctx.store.get(existing.keyId)).key;
  const key = generateKey('ecdsa');
  await ctx.store.add(key, { role: 'root' });
  return key;
}

/** Refuses to replace trust data this machine or the server already has for the GUN. */
async function assertNew(ctx: SignerContext): Promise<void> {
  if (ctx.cache.read('root') !== undefined) {
    throw notaryError('REPOSITORY_EXISTS', `${ctx.gun} already has trust data in ${ctx.cache.dir}`, {
      details: { gun: ctx.gun, where: 'cache' },
    });
  }
  try {
    await ctx.remote.getRole('root', { maxBytes: 100 << 20 });
  } catch (e) {
    if (isNotaryError(e, 'REPOSITORY_NOT_FOUND')) return;
    throw e;
  }
  throw notaryError('REPOSITORY_EXISTS', `${ctx.gun} is already initialized on the server`, {
    details: { gun: ctx.gun, where: 'server' },
  });
}

/**
 * Creates a repository locally as `notary init` does (nothing is published): asks the server for its timestamp
 * key (and snapshot key when it manages the snapshot), picks or creates the root key, makes the root certificate
 * for the GUN, creates the targets (and snapshot) key with a `gun` header, and writes root v1, targets v1 and
 * (with a local snapshot key) snapshot v1 to the cache.
 *
 * Stricter than Notary: an existing repository (cached root or one on the server) is never overwritten, and the
 * server keys are fetched before any key is created, so a server failure leaves no orphan keys.
 * @throws NotaryError REPOSITORY_EXISTS; NETWORK/SERVER_ERROR/UNAUTHORIZED/BAD_RESPONSE from the server;
 *   WRONG_PASSPHRASE/PASSPHRASE_REQUIRED/KEY_NOT_FOUND from the key store; IO
 */
export async function initializeRepo(ctx: SignerContext, options: InitOptions = {}): Promise<InitResult> {
  await assertNew(ctx);
  return createRepo(ctx, options);
}

/** `initializeRepo` without the existence check (callers that already know the server has nothing). */
export async function createRepo(ctx: SignerContext, options: InitOptions = {}): Promise<InitResult> {
  const serverManagedSnapshot = options.serverManagedSnapshot ?? false;
  const now = ctx.now;
  const timestampKey = parseServerKey(ctx, 'timestamp', await ctx.remote.getKey('timestamp'));
  const serverSnapshotKey = serverManagedSnapshot
    ? parseServerKey(ctx, 'snapshot', await ctx.remote.getKey('snapshot'))
    : undefined;

  const root = await rootKey(ctx, options.rootKeyId);
  const cert: PublicKey = { type: 'ecdsa-x509', public: createRootCertificate(root, ctx.gun, now) };

  const targetsKey = generateKey('ecdsa');
  await ctx.store.add(targetsKey, { role: 'targets', gun: ctx.gun });
  let snapshotPrivate: PrivateKey | undefined;
  if (serverSnapshotKey === undefined) {
    snapshotPrivate = generateKey('ecdsa');
    await ctx.store.add(snapshotPrivate, { role: 'snapshot', gun: ctx.gun });
  }
  const snapshotKey = serverSnapshotKey ?? (snapshotPrivate as PrivateKey).publicKey;

  const rootMeta = Root.create({
    roles: {
      root: { keys: [cert] },
      targets: { keys: [targetsKey.publicKey] },
      snapshot: { keys: [snapshotKey] },
      timestamp: { keys: [timestampKey] },
    },
    expires: defaultExpiry('root', now),
  });
  const rootFile = await signMetadata(rootMeta, [keySigner(root, cert)]);
  const targetsFile = await signMetadata(Targets.create({ expires: defaultExpiry('targets', now) }), [
    keySigner(targetsKey),
  ]);
  let snapshotFile: SignedMetadata<Snapshot> | undefined;
  if (snapshotPrivate !== undefined) {
    const snap = Snapshot.create({
      expires: defaultExpiry('snapshot', now),
      meta: [
        ['root', fileMetaFromBytes(rootFile.raw)],
        ['targets', fileMetaFromBytes(targetsFile.raw)],
      ],
    });
    snapshotFile = await signMetadata(snap, [keySigner(snapshotPrivate)]);
  }

  ctx.cache.writeAll([
    { role: 'root', bytes: rootFile.raw },
    { role: 'targets', bytes: targetsFile.raw },
    ...(snapshotFile ? [{ role: 'snapshot', bytes: snapshotFile.raw }] : []),
  ]);
  return {
    rootKeyId: canonicalKeyId(root.publicKey),
    rootCertKeyId: tufKeyId(cert),
    targetsKeyId: canonicalKeyId(targetsKey.publicKey),
    snapshotKeyId: canonicalKeyId(snapshotKey),
    serverManagedSnapshot,
    timestampKeyId: tufKeyId(timestampKey),
    repo: {
      gun: ctx.gun,
      root: rootFile,
      targets: new Map([['targets', targetsFile]]),
      snapshot: snapshotFile,
      initialPublish: true,
    },
  };
}

/**
 * `notary init GUN`: creates the repository locally (keys, certificate, root/targets/snapshot v1 in the cache);
 * publish to create it on the server.
 * @throws NotaryError REPOSITORY_EXISTS and the codes of `initializeRepo`
 */
export async function init(
  options: CommonOptions & InitOptions & { readonly gun: string },
): Promise<Omit<InitResult, 'repo'>> {
  return withContext(options.gun, options, async (ctx) => {
    const { repo: _repo, ...rest } = await initializeRepo(ctx, options);
    return rest;
  });
}
