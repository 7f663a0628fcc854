// `notary key rotate`: a new key for a base role, published at once in a root signed by the old and new root keys.

import { createRootCertificate, generateKey } from '../crypto/index.js';
import type { PublicKey } from '../crypto/types.js';
import { notaryError } from '../errors.js';
import { canonicalKeyId, tufKeyId } from '../metadata/key-id.js';
import { type CommonOptions, type SignerContext, withContext } from './context.js';
import { parseServerKey } from './init.js';
import { signersForKeys } from './keystore-signer.js';
import { type PublishResult, publishIn } from './publish.js';

export type RotatableRole = 'root' | 'targets' | 'snapshot' | 'timestamp';

export interface RotateOptions extends CommonOptions {
  readonly gun: string;
  readonly role: RotatableRole;
  /** Let the server hold the new key (snapshot, timestamp); default false (a local key). */
  readonly serverManaged?: boolean;
}

export interface RotateResult extends PublishResult {
  /** TUF ID of the new key as root.json lists it (for root: the certificate's ID). */
  readonly newKeyId: string;
  /** Canonical ID (the private key file's name) of a local new key. */
  readonly newPrivateKeyId?: string;
}

/** Notary `checkRotationInput`: server keys for timestamp/snapshot, local keys for root/targets/snapshot. */
function checkInput(role: string, serverManaged: boolean): void {
  const ok = serverManaged
    ? role === 'timestamp' || role === 'snapshot'
    : role === 'root' || role === 'targets' || role === 'snapshot';
  if (!ok) {
    throw notaryError(
      'INVALID_ARGUMENT',
      `a ${serverManaged ? 'server-managed' : 'local'} ${role} key cannot be rotated to`,
      {
        details: { role, serverManaged },
      },
    );
  }
}

/**
 * Rotates the key of a base role and publishes the new root right away (only this change; staged changes stay
 * staged), as `notary key rotate` does. The root is signed by the current root keys and, for a root rotation, by
 * the new one too, so clients holding the old root follow the rotation. The root keys are unlocked before any new
 * key is made, so a wrong passphrase changes nothing. Old private keys are kept (Notary deletes an old targets or
 * snapshot key while applying the change, before it knows whether the publish succeeds).
 * @throws NotaryError INVALID_ARGUMENT, REPOSITORY_NOT_FOUND, KEY_NOT_FOUND (no root key), WRONG_PASSPHRASE, and
 *   everything `publish` throws
 */
export async function rotate(options: RotateOptions): Promise<RotateResult> {
  const serverManaged = options.serverManaged ?? false;
  checkInput(options.role, serverManaged);
  return withContext(options.gun, options, async (ctx) => {
    let made: { keys: PublicKey[]; privateId?: string } | undefined;
    const result = await publishIn(ctx, {
      action: 'rotate',
      staged: false,
      init: false,
      ops: async (state) => {
        const rootRule = state.signingRule('root');
        const signers = await signersForKeys(ctx.source, rootRule.keys);
        if (signers.length < rootRule.threshold) {
          throw notaryError('KEY_NOT_FOUND', `no root key of ${ctx.gun} to sign the rotation`, {
            details: { role: 'root' },
          });
        }
        made ??= await newKey(ctx, options.role, serverManaged);
        return [{ kind: 'base-role-keys', role: options.role, keys: made.keys }];
      },
    });
    const m = made as unknown as { keys: PublicKey[]; privateId?: string };
    return {
      ...result,
      newKeyId: tufKeyId(m.keys[0] as PublicKey),
      ...(m.privateId !== undefined ? { newPrivateKeyId: m.privateId } : {}),
    };
  });
}

async function newKey(
  ctx: SignerContext,
  role: RotatableRole,
  serverManaged: boolean,
): Promise<{ keys: PublicKey[]; privateId?: string }> {
  if (serverManaged) {
    const r = role as 'timestamp' | 'snapshot';
    return { keys: [parseServerKey(ctx, r, await ctx.remote.rotateKey(r))] };
  }
  const key = generateKey('ecdsa');
  await ctx.store.add(key, role === 'root' ? { role } : { role, gun: ctx.gun });
  const privateId = canonicalKeyId(key.publicKey);
  if (role !== 'root') return { keys: [key.publicKey], privateId };
  return { keys: [{ type: 'ecdsa-x509', public: createRootCertificate(key, ctx.gun, ctx.now) }], privateId };
}
