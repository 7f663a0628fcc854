// `--at TIME`: the instant verify/list/inspect evaluate expiry and certificate validity at (never in the future).
import { notaryError } from '../errors.js';
import { parseExpiry } from '../metadata/index.js';
import { type ParsedArgs, stringFlag } from './args.js';

export interface AsOf {
  /** The instant, millisecond precision (what the clock of a verification carries). */
  readonly date: Date;
  /** As given on the command line. */
  readonly text: string;
}

/**
 * Parses `--at` (RFC 3339, e.g. `2026-12-01T00:00:00Z`). A time after `now` is refused: an answer "as of" the
 * future would be a prediction (the server may revoke or re-sign before then), and the only data a future instant
 * accepts that the present refuses is a certificate that is not valid yet. `doctor` answers "what expires when".
 * @throws NotaryError INVALID_ARGUMENT (not RFC 3339, or in the future)
 */
export function parseAt(args: ParsedArgs, now: Date): AsOf | undefined {
  const text = stringFlag(args, 'at');
  if (text === undefined) return undefined;
  let epochNs: bigint;
  try {
    epochNs = parseExpiry(text, '--at').epochNs;
  } catch (cause) {
    throw notaryError('INVALID_ARGUMENT', `--at needs an RFC 3339 time such as 2026-12-01T00:00:00Z`, {
      cause,
      details: { flag: 'at', value: text },
    });
  }
  const date = new Date(Number(epochNs / 1_000_000n));
  if (date.getTime() > now.getTime()) {
    throw notaryError('INVALID_ARGUMENT', `--at ${text} is in the future; use doctor to see what expires when`, {
      details: { flag: 'at', value: text, now: now.toISOString() },
    });
  }
  return { date, text };
}
