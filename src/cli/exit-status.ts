// The CLI's exit statuses: the only place an error category becomes a process status (documented in SPEC.md).
import { categoryOf, type ErrorCategory, type NotaryErrorCode } from '../errors.js';

/** Exit statuses of the CLI: 0 success, then one per error category. */
export type ExitStatus = 0 | 1 | 2 | 3 | 4 | 5 | typeof EXIT_EXPIRING_SOON | 70;

/** `doctor` only: nothing is invalid yet, but something the user must renew expires within the warning window. */
export const EXIT_EXPIRING_SOON = 6;

/** Category → exit status; unchanged since the first release. */
export const EXIT_STATUS_BY_CATEGORY = {
  trust: 1,
  usage: 2,
  'not-found': 3,
  remote: 4,
  key: 5,
  internal: 70,
} as const satisfies Record<ErrorCategory, ExitStatus>;

/** The exit status the CLI returns for an error code. */
export function exitStatusFor(code: NotaryErrorCode): ExitStatus {
  return EXIT_STATUS_BY_CATEGORY[categoryOf(code)];
}
