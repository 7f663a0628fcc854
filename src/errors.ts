// The single error type of notary-ts: a stable string code, a lowercase message, structured details and a cause.

/**
 * Every code notary-ts raises, with its category. Append-only: a code, once published, keeps its meaning and category.
 * To add one, append `NEW_CODE: '<category>',` (with a one-line TSDoc) at the end.
 */
export const ERROR_CODES = {
  // trust: a verification failure, a possible attack
  BAD_SIGNATURE: 'trust',
  THRESHOLD_NOT_MET: 'trust',
  INVALID_KEY_ID: 'trust',
  HASH_MISMATCH: 'trust',
  LENGTH_MISMATCH: 'trust',
  RESPONSE_TOO_LARGE: 'trust',
  ROLLBACK: 'trust',
  FORK: 'trust',
  EXPIRED: 'trust',
  PINNING_FAILED: 'trust',
  BAD_CERTIFICATE: 'trust',
  ROOT_ROTATION_FAILED: 'trust',
  INVALID_METADATA: 'trust',
  INVALID_JSON: 'trust',
  NON_CANONICAL: 'trust',
  DELEGATION_MISSING: 'trust',
  DELEGATION_INVALID: 'trust',
  SIGNER_MISMATCH: 'trust',
  CACHE_CORRUPT: 'trust',
  // usage: usage error
  USAGE: 'usage',
  INVALID_GUN: 'usage',
  INVALID_ARGUMENT: 'usage',
  INVALID_CONFIG: 'usage',
  // not-found: not found
  REPOSITORY_NOT_FOUND: 'not-found',
  METADATA_NOT_FOUND: 'not-found',
  TARGET_NOT_FOUND: 'not-found',
  ROLE_NOT_FOUND: 'not-found',
  OFFLINE_NO_CACHE: 'not-found',
  // remote: remote unavailable
  NETWORK: 'remote',
  TIMEOUT: 'remote',
  SERVER_ERROR: 'remote',
  UNAUTHORIZED: 'remote',
  BAD_RESPONSE: 'remote',
  SERVER_REJECTED: 'remote',
  VERSION_CONFLICT: 'remote',
  // key: key or passphrase problem
  KEY_NOT_FOUND: 'key',
  WRONG_PASSPHRASE: 'key',
  PASSPHRASE_REQUIRED: 'key',
  PASSPHRASE_RETRIES_EXCEEDED: 'key',
  BAD_KEY_FILE: 'key',
  UNSUPPORTED_KEY: 'key',
  KEY_EXISTS: 'key',
  // internal: a bug or a local I/O failure
  INTERNAL: 'internal',
  IO: 'internal',
  // appended
  /** `init` of a GUN that already has trust data (cached root or on the server): nothing is overwritten. */
  REPOSITORY_EXISTS: 'usage',
  /** Another live process held the GUN's lock in the trust dir (an update or publish) for longer than the wait. */
  LOCKED: 'internal',
  /** An archive file (`archive -o`, `--archive`) that is not a well-formed notary-ts archive, or lacks files it names. */
  ARCHIVE_INVALID: 'trust',
  /** A docker image reference that does not fit docker's grammar (`[REGISTRY[:PORT]/]NAME[:TAG][@DIGEST]`). */
  INVALID_REFERENCE: 'usage',
  /** The registry has no manifest for the tag or digest (404). */
  IMAGE_NOT_FOUND: 'not-found',
  /** `verify --registry`: the registry's current digest of the tag differs from the signed one (tag drift). */
  REGISTRY_MISMATCH: 'trust',
  /** A plain `http://` URL names a server that speaks only HTTPS: use `https://`. */
  HTTPS_REQUIRED: 'usage',
  /**
   * A publish refused before anything was uploaded: the metadata it would publish fails our own verifier (as a
   * first-use client or as a client holding the previous state). `details.reason` says why (`last-signer`,
   * `unverifiable`, `shadowed`), `details.client` which client, `details.cause` the verifier's code, `details.role`.
   */
  PUBLISH_WOULD_FAIL_VERIFY: 'usage',
  /**
   * `revoke`: after removing the tag from every role we can sign, a role we cannot sign still resolves it
   * (`details.role`); nothing was published.
   */
  REVOKE_INCOMPLETE: 'key',
  /** A staged change file cannot be read or decoded (`details.file`): local state, fixed with `reset`. */
  CHANGELIST_CORRUPT: 'internal',
} as const satisfies Record<string, ErrorCategory>;

export type NotaryErrorCode = keyof typeof ERROR_CODES;

/**
 * What kind of failure a code is, for programs that branch on it (the CLI maps categories to exit statuses):
 * `trust` a verification failure, possibly an attack; `usage` bad input from the caller; `not-found` absent
 * repository, role, target or cache; `remote` the server or network failed; `key` a key or passphrase problem;
 * `internal` a bug or a local I/O failure.
 */
export type ErrorCategory = 'trust' | 'usage' | 'not-found' | 'remote' | 'key' | 'internal';

/** The category of a code. */
export function categoryOf(code: NotaryErrorCode): ErrorCategory {
  return ERROR_CODES[code];
}

const BRAND = Symbol.for('notary-ts.NotaryError');

/**
 * The documented `details` fields of the codes programs most often branch on. Each field is optional because a
 * code can be raised in more than one place, but where present it has this type (the throw sites are checked
 * against it by the compiler); any other field may appear too. Codes not listed carry free-form details.
 */
export interface ErrorDetailsByCode {
  TARGET_NOT_FOUND: { gun?: string; tag?: string; roles?: string[] };
  ROLLBACK: { role?: string; version?: number; trustedVersion?: number };
  FORK: { gun?: string; role?: string; version?: number };
  EXPIRED: { role?: string; version?: number; expires?: string; now?: string };
  THRESHOLD_NOT_MET: { role?: string; needed?: number; got?: number };
  HASH_MISMATCH: { role?: string; path?: string; gun?: string };
  LENGTH_MISMATCH: { role?: string; path?: string; gun?: string; expected?: number; actual?: number };
  SIGNER_MISMATCH: { gun?: string; tag?: string; signer?: string; reason?: string; keyId?: string };
  DELEGATION_MISSING: { gun?: string; role?: string; parent?: string };
  LOCKED: { gun?: string; path?: string; waitedMs?: number };
  PUBLISH_WOULD_FAIL_VERIFY: { gun?: string; client?: string; cause?: string; reason?: string; role?: string };
  REVOKE_INCOMPLETE: { gun?: string; tag?: string; role?: string };
  CHANGELIST_CORRUPT: { file?: string | null };
  IMAGE_NOT_FOUND: { registry?: string; repository?: string; reference?: string };
  REGISTRY_MISMATCH: {
    reference?: string;
    signed?: { digest: string; size: number };
    registry?: { digest: string; size: number };
  };
}

/** The `details` of an error with code `C`: its documented fields (see `ErrorDetailsByCode`), and any others. */
export type ErrorDetails<C extends NotaryErrorCode = NotaryErrorCode> = (C extends keyof ErrorDetailsByCode
  ? ErrorDetailsByCode[C]
  : unknown) &
  Record<string, unknown>;

export interface NotaryErrorOptions {
  details?: Record<string, unknown>;
  cause?: unknown;
}

/** The one error class: `code` is stable, `message` is for people, `details` for programs. */
export class NotaryError<C extends NotaryErrorCode = NotaryErrorCode> extends Error {
  readonly code: C;
  readonly details: ErrorDetails<C>;
  readonly [BRAND] = true;

  constructor(code: C, message: string, options: NotaryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NotaryError';
    this.code = code;
    this.details = (options.details ?? {}) as ErrorDetails<C>;
  }

  /** The code's category (see `ErrorCategory`). */
  get category(): ErrorCategory {
    return categoryOf(this.code);
  }

  toJSON(): { ok: false; code: NotaryErrorCode; message: string; details: Record<string, unknown> } {
    return { ok: false, code: this.code, message: this.message, details: this.details };
  }
}

/**
 * Brand check that survives duplicate installs of the package. With a code, it narrows `details` to that code's
 * documented fields: `if (isNotaryError(e, 'ROLLBACK')) e.details.trustedVersion` is `number | undefined`.
 */
export function isNotaryError<C extends NotaryErrorCode = NotaryErrorCode>(e: unknown, code?: C): e is NotaryError<C> {
  const ok = typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  return ok && (code === undefined || (e as NotaryError).code === code);
}

/**
 * Shorthand used throughout: `throw notaryError('ROLLBACK', '...', { details })`. The details of a code listed in
 * `ErrorDetailsByCode` are checked against it.
 */
export function notaryError<C extends NotaryErrorCode>(
  code: C,
  message: string,
  options?: { details?: ErrorDetails<C>; cause?: unknown },
): NotaryError<C> {
  return new NotaryError(code, message, options);
}
