// URL paths of Notary's HTTP API: per-segment encoding, metadata and key file names (names checked by grammar/).

const CHECKSUM = /^(?:[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/;

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
