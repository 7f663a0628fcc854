// `expires` timestamps: RFC 3339 with any offset and up to nanosecond fractions, kept exact as epoch nanoseconds.
import { notaryError } from '../errors.js';

/**
 * An expiry instant. `text` is the string as read (or as we write it); `epochNs` the exact instant in
 * nanoseconds since 1970-01-01T00:00:00Z (JavaScript's `Date` would drop the nanoseconds Go writes).
 */
export interface Expiry {
  readonly text: string;
  readonly epochNs: bigint;
}

/** A point in time given to the checks: a `Date` (millisecond precision) or epoch nanoseconds. */
export type Instant = Date | bigint;

const NS_PER_S = 1_000_000_000n;
const NS_PER_DAY = 86_400n * NS_PER_S;

// Go's time.Parse(RFC3339): `T` and `Z` upper case, fraction only after a `.`, offset `Z` or ±hh:mm.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an RFC 3339 timestamp as Notary writes it: any fraction length up to 9 digits (kept exactly), any UTC
 * offset (`Z`, `+05:30`, `-08:00`). Calendar-invalid values (Feb 30, hour 24, second 60, offset hour 24) are refused.
 * @throws NotaryError INVALID_METADATA (details: role, field `expires`)
 */
export function parseExpiry(text: string, role = 'unknown'): Expiry {
  const m = RFC3339.exec(text);
  const bad = (why: string) =>
    notaryError('INVALID_METADATA', `${role} expires ${JSON.stringify(text.slice(0, 64))} is ${why}`, {
      details: { role, field: 'expires' },
    });
  if (m === null) throw bad('not an RFC 3339 timestamp');
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (
    month === undefined ||
    month < 1 ||
    month > 12 ||
    day === undefined ||
    day < 1 ||
    day > daysInMonth(year ?? 0, month) ||
    (hour ?? 0) > 23 ||
    (minute ?? 0) > 59 ||
    (second ?? 0) > 59
  ) {
    throw bad('not a valid date and time');
  }
  let offsetMinutes = 0;
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (oh > 23 || om > 59) throw bad('not a valid utc offset');
    offsetMinutes = (m[8] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fraction = m[7] === undefined ? 0n : BigInt(m[7].padEnd(9, '0'));
  const seconds =
    daysFromCivil(year as number, month, day) * 86_400 +
    (hour as number) * 3600 +
    (minute as number) * 60 +
    (second as number) -
    offsetMinutes * 60;
  return { text, epochNs: BigInt(seconds) * NS_PER_S + fraction };
}

/**
 * Go's RFC3339Nano in UTC: `2029-11-22T07:06:38.33786244Z` (fraction trailing zeros trimmed, omitted when zero).
 * @throws RangeError outside years 0000–9999 (Go's MarshalJSON refuses those too)
 */
export function formatRfc3339Nano(epochNs: bigint): string {
  let days = epochNs / NS_PER_DAY;
  let rest = epochNs % NS_PER_DAY;
  if (rest < 0n) {
    rest += NS_PER_DAY;
    days -= 1n;
  }
  const [y, mo, d] = civilFromDays(Number(days));
  if (y < 0 || y > 9999) throw new RangeError(`year ${y} is outside 0000-9999`);
  const secs = Number(rest / NS_PER_S);
  const ns = rest % NS_PER_S;
  const frac = ns === 0n ? '' : `.${ns.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return (
    `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(Math.floor(secs / 3600), 2)}:` +
    `${pad(Math.floor(secs / 60) % 60, 2)}:${pad(secs % 60, 2)}${frac}Z`
  );
}

/** An expiry at `epochNs`, with its text in Go's RFC3339Nano UTC form. @throws RangeError as `formatRfc3339Nano` */
export function expiryFromEpochNs(epochNs: bigint): Expiry {
  return { text: formatRfc3339Nano(epochNs), epochNs };
}

/** Exact epoch nanoseconds of an instant. */
export function toEpochNs(t: Instant): bigint {
  if (typeof t === 'bigint') return t;
  const ms = t.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  return BigInt(ms) * 1_000_000n;
}

/** An expiry `seconds` after `now` (Notary: expires = now + default lifetime). */
export function expiryAfter(now: Instant, seconds: number): Expiry {
  if (!Number.isSafeInteger(seconds)) throw new RangeError('seconds must be an integer');
  return expiryFromEpochNs(toEpochNs(now) + BigInt(seconds) * NS_PER_S);
}

/**
 * The verifier's rule (client/trusted-set): metadata whose `expires` is at or before `now` is expired, to the
 * nanosecond. Go's `signed.IsExpired` (`expires.Before(now)`) is one instant laxer: an expiry equal to now is
 * still valid there. Every public and internal check uses this one rule.
 */
export function isExpired(expiry: Expiry, now: Instant): boolean {
  return expiry.epochNs <= toEpochNs(now);
}

const DAY_S = 86_400;
const YEAR_S = 365 * DAY_S;

/** Notary's default lifetimes in seconds (`const.go`; a "year" is 365 days). */
export const DEFAULT_EXPIRY_SECONDS = Object.freeze({
  root: 10 * YEAR_S,
  targets: 3 * YEAR_S,
  snapshot: 3 * YEAR_S,
  timestamp: 14 * DAY_S,
});

/** The default expiry of a role signed at `now`; delegations (`targets/...`) use the targets lifetime. */
export function defaultExpiry(role: string, now: Instant): Expiry {
  const base = role.startsWith('targets/') ? 'targets' : role;
  const seconds = DEFAULT_EXPIRY_SECONDS[base as keyof typeof DEFAULT_EXPIRY_SECONDS];
  if (seconds === undefined) throw new RangeError(`no default expiry for role ${role}`);
  return expiryAfter(now, seconds);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeap(y) ? 29 : 28) : ([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0);
}

// Howard Hinnant's days_from_civil / civil_from_days: exact proleptic Gregorian arithmetic on integers.
function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}
