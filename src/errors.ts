// The single error type of notary-ts: a stable string code, a lowercase message, structured details and a cause.

/**
 * Every code notary-ts raises. Append-only: a code, once published, keeps its meaning.
 * Grouped by the CLI exit status they map to (see `exitStatusFor`).
 */
export const ERROR_CODES = {
  // 1: trust failure, a possible attack
  BAD_SIGNATURE: 1,
  THRESHOLD_NOT_MET: 1,
  INVALID_KEY_ID: 1,
  HASH_MISMATCH: 1,
  LENGTH_MISMATCH: 1,
  RESPONSE_TOO_LARGE: 1,
  ROLLBACK: 1,
  FORK: 1,
  EXPIRED: 1,
  PINNING_FAILED: 1,
  BAD_CERTIFICATE: 1,
  ROOT_ROTATION_FAILED: 1,
  INVALID_METADATA: 1,
  INVALID_JSON: 1,
  NON_CANONICAL: 1,
  DELEGATION_MISSING: 1,
  DELEGATION_INVALID: 1,
  SIGNER_MISMATCH: 1,
  CACHE_CORRUPT: 1,
  // 2: usage error
  USAGE: 2,
  INVALID_GUN: 2,
  INVALID_ARGUMENT: 2,
  INVALID_CONFIG: 2,
  // 3: not found
  REPOSITORY_NOT_FOUND: 3,
  METADATA_NOT_FOUND: 3,
  TARGET_NOT_FOUND: 3,
  ROLE_NOT_FOUND: 3,
  OFFLINE_NO_CACHE: 3,
  // 4: remote unavailable
  NETWORK: 4,
  TIMEOUT: 4,
  SERVER_ERROR: 4,
  UNAUTHORIZED: 4,
  BAD_RESPONSE: 4,
  SERVER_REJECTED: 4,
  VERSION_CONFLICT: 4,
  // 5: key or passphrase problem
  KEY_NOT_FOUND: 5,
  WRONG_PASSPHRASE: 5,
  PASSPHRASE_REQUIRED: 5,
  PASSPHRASE_RETRIES_EXCEEDED: 5,
  BAD_KEY_FILE: 5,
  UNSUPPORTED_KEY: 5,
  KEY_EXISTS: 5,
  // 70: internal
  INTERNAL: 70,
  IO: 70,
  // appended
  /** `init` of a GUN that already has trust data (cached root or on the server): nothing is overwritten. */
  REPOSITORY_EXISTS: 2,
} as const;

export type NotaryErrorCode = keyof typeof ERROR_CODES;

/** Exit statuses of the CLI (documented in README and SPEC.md). */
export type ExitStatus = 0 | 1 | 2 | 3 | 4 | 5 | 70;

const BRAND = Symbol.for('notary-ts.NotaryError');

export interface NotaryErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error class: `code` is stable, `message` is for people, `details` for programs. */
export class NotaryError extends Error {
  readonly code: NotaryErrorCode;
  readonly details: Record<string, unknown>;
  readonly [BRAND] = true;

  constructor(code: NotaryErrorCode, message: string, options: NotaryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NotaryError';
    this.code = code;
    this.details = options.details ?? {};
  }

  get exitStatus(): ExitStatus {
    return exitStatusFor(this.code);
  }

  toJSON(): { ok: false; code: NotaryErrorCode; message: string; details: Record<string, unknown> } {
    return { ok: false, code: this.code, message: this.message, details: this.details };
  }
}

/** Brand check that survives duplicate installs of the package. */
export function isNotaryError(e: unknown, code?: NotaryErrorCode): e is NotaryError {
  const ok = typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  return ok && (code === undefined || (e as NotaryError).code === code);
}

export function exitStatusFor(code: NotaryErrorCode): ExitStatus {
  return ERROR_CODES[code];
}

/** Shorthand used throughout: `throw notaryError('ROLLBACK', '...', { details })`. */
export function notaryError(code: NotaryErrorCode, message: string, options?: NotaryErrorOptions): NotaryError {
  return new NotaryError(code, message, options);
}
