// The GUN grammar: which repository names notary-ts accepts, the same rule for the client, the signer and the CLI.
import { notaryError } from '../errors.js';

/** Longest GUN accepted: docker's reference grammar caps a full repository name at 255 characters. */
export const MAX_GUN_LENGTH = 255;

// Notary's own route accepts any GUN without `*`; we accept far less, because a GUN becomes both a URL path and a
// directory path. A segment is limited to characters that need no escaping in a URL path and cannot change its
// meaning (no `%`, `?`, `#`, `\`, whitespace, controls, `*`), plus `:` for a registry host's port. `.`/`..`
// segments are refused because proxies and servers normalise them away and `filepath.Join` would leave the trust
// dir. Every name docker's reference grammar produces (`docker.io/library/alpine`, `localhost:5000/a`) fits.
const GUN_SEGMENT = /^[A-Za-z0-9._~:-]+$/;

/** Why `gun` is not a valid GUN, or undefined when it is. */
export function gunProblem(gun: unknown): string | undefined {
  if (typeof gun !== 'string' || gun.length === 0) return 'empty';
  if (gun.length > MAX_GUN_LENGTH) return `longer than ${MAX_GUN_LENGTH} characters`;
  for (const seg of gun.split('/')) {
    if (seg === '') return 'empty path segment';
    if (seg === '.' || seg === '..') return 'dot segment';
    if (!GUN_SEGMENT.test(seg)) return 'character not allowed';
  }
  return undefined;
}

/** Whether `gun` fits the GUN grammar (see `assertGun`). */
export function isGun(gun: unknown): gun is string {
  return gunProblem(gun) === undefined;
}

/**
 * Checks a GUN before anything uses it (URL path, cache directory, changelist).
 * @throws NotaryError INVALID_GUN when it is empty, longer than 255 characters, has an empty, `.` or `..` segment,
 *   or a character outside `[A-Za-z0-9._~:-]` (besides the `/` separators); `details: { gun, reason }`
 */
export function assertGun(gun: string): void {
  const why = gunProblem(gun);
  if (why === undefined) return;
  const shown = String(gun).slice(0, 300);
  throw notaryError('INVALID_GUN', `invalid gun ${JSON.stringify(shown)}: ${why}`, {
    details: { gun: shown, reason: why },
  });
}
