// Shared helpers for the key store tests: fresh keys of each algorithm and error-code matchers.
import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'vitest';
import { generateKey, privateKeyFromPkcs8 } from '../../../src/crypto/sign.js';
import type { PrivateKey } from '../../../src/crypto/types.js';
import { isNotaryError, type NotaryErrorCode } from '../../../src/errors.js';

export function ecdsaKey(): PrivateKey {
  return generateKey('ecdsa');
}

export function ed25519Key(): PrivateKey {
  return generateKey('ed25519');
}

let rsa: PrivateKey | undefined;
/** One 2048-bit RSA key per test file (generation is slow). */
export function rsaKey(): PrivateKey {
  rsa ??= privateKeyFromPkcs8(
    new Uint8Array(
      generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'der' }),
    ),
  );
  return rsa;
}

/** Asserts that `fn` throws a NotaryError with `code`. */
export function expectCode(fn: () => unknown, code: NotaryErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(isNotaryError(thrown, code), `expected ${code}, got ${String(thrown)}`).toBe(true);
}

/** Asserts that `p` rejects with a NotaryError with `code`. */
export async function expectRejectCode(p: Promise<unknown>, code: NotaryErrorCode): Promise<void> {
  let thrown: unknown;
  try {
    await p;
  } catch (e) {
    thrown = e;
  }
  expect(isNotaryError(thrown, code), `expected ${code}, got ${String(thrown)}`).toBe(true);
}
