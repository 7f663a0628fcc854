// URL paths of Notary's HTTP API: GUN and role validation, per-segment encoding, metadata and key file names.
import { notaryError } from '../errors.js';

/** Longest GUN accepted: docker's reference grammar caps a full repository name at 255 characters. */
export const MAX_GUN_LENGTH = 255;

// Notary's own route accepts any GUN without `*`; we accept far less. A segment is limited to characters that need
// no escaping in a URL path and cannot change its meaning (no `%`, `?`, `#`, `\`, whitespace, controls), plus `:`
// for a registry host's port. `.`/`..` segments are refused because proxies and servers normalise them away.
const GUN_SEGMENT = /^[A-Za-z0-9._~:-]+$/;

// Notary's role grammar is `root|targets(?:/[^/\s]+)*|snapshot|timestamp`; delegation segments are narrowed here to
// the same URL-safe set as GUN segments, so a hostile delegation name cannot smuggle path syntax into a request.
const ROLE_SEGMENT = /^[A-Za-z0-9._~:@+-]+$/;

const CHECKSUM = /^(?:[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/;

/**
 * Checks a GUN before it becomes part of a URL path.
 * @throws NotaryError INVALID_GUN when it is empty, too long, has an empty, `.` or `..` segment, or a character
 *   outside `[A-Za-z0-9._~:-]` (besides the `/` separators)
 */
export function validateGun(gun: string): void {
  const bad = (why: string): never => {
    throw notaryError('INVALID_GUN', `invalid gun ${JSON.stringify(gun.slice(0, 300))}: ${why}`, {
      details: { gun: gun.slice(0, 300), reason: why },
    });
  };
  if (typeof gun !== 'string' || gun.length === 0) bad('empty');
  if (gun.length > MAX_GUN_LENGTH) bad(`longer than ${MAX_GUN_LENGTH} characters`);
  for (const seg of gun.split('/')) {
    if (seg === '') bad('empty path segment');
    if (seg === '.' || seg === '..') bad('dot segment');
    if (!GUN_SEGMENT.test(seg)) bad('character not allowed');
  }
}

/**
 * Whether `role` names a base role or a delegation that is safe to put in a URL.
 * Delegation segments must be non-empty, not `.`/`..`, and URL-safe.
 */
export function isValidRoleName(role: string): boolean {
  if (role === 'root' || role === 'targets' || role === 'snapshot' || role === 'timestamp') return true;
  if (!role.startsWith('targets/')) return false;
  for (const seg of role.slice('targets/'.length).split('/')) {
    if (seg === '' || seg === '.' || seg === '..' || !ROLE_SEGMENT.test(seg)) return false;
  }
  return true;
}

/** @throws NotaryError INVALID_ARGUMENT when the role name is not one Notary serves (see `isValidRoleName`) */
export function assertRoleName(role: string): void {
  if (typeof role !== 'string' || !isValidRoleName(role)) {
    throw notaryError('INVALID_ARGUMENT', `invalid role name ${JSON.stringify(String(role).slice(0, 200))}`, {
      details: { role: String(role).slice(0, 200) },
    });
  }
}

// encodeURIComponent escapes `:`, which Go's client sends raw; keep it raw so our paths match Go's on the wire.
function encodeSegment(seg: string): string {
  return encodeURIComponent(seg).replace(/%3A/g, ':');
}

function encodePath(slashed: string): string {
  return slashed.split('/').map(encodeSegment).join('/');
}

/** `/v2/<gun>/_trust/tuf/` with each GUN segment encoded; the GUN must already be validated. */
export function tufBasePath(gun: string): string {
  return `/v2/${encodePath(gun)}/_trust/tuf/`;
}

/** Which stored version of a role a GET asks for. */
export interface RoleSelector {
  /** Hex digest (sha256: 64 chars; Notary also routes 96/128) → `<role>.<hex>.json`. */
  checksum?: string;
  /** → `<N>.<role>.json`. */
  version?: number;
}

/**
 * The file name of a metadata GET: `root.json`, `snapshot.<hex>.json` or `2.root.json`.
 * @throws RangeError when both selectors are given, the checksum is not lowercase hex of a known length, or the
 *   version is not a positive safe integer
 */
export function metadataFileName(role: string, sel: RoleSelector = {}): string {
  if (sel.checksum !== undefined && sel.version !== undefined) {
    throw new RangeError('give either a checksum or a version, not both');
  }
  if (sel.checksum !== undefined) {
    if (!CHECKSUM.test(sel.checksum)) throw new RangeError(`checksum must be lowercase hex: ${sel.checksum}`);
    return `${encodePath(role)}.${sel.checksum}.json`;
  }
  if (sel.version !== undefined) {
    if (!Number.isSafeInteger(sel.version) || sel.version < 1) {
      throw new RangeError(`version must be a positive integer: ${sel.version}`);
    }
    return `${sel.version}.${encodePath(role)}.json`;
  }
  return `${encodePath(role)}.json`;
}
