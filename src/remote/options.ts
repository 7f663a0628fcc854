// Timeout and retry settings of the remote layer: defaults, validation and the backoff schedule.

/** Per-phase limits in milliseconds. A stalled server costs at most `totalMs` per call. */
export interface RemoteTimeouts {
  /** TCP (+TLS) connection set-up. */
  connectMs: number;
  /** From sending the request until the response headers are complete. */
  headersMs: number;
  /** Longest pause between two body chunks (a stalled body). */
  bodyIdleMs: number;
  /** Whole call: every attempt, backoff sleep and token fetch of one public method. */
  totalMs: number;
}

/**
 * Defaults: connect 10 s, headers 15 s, body idle 10 s, total 30 s. Go's notary has only a 30 s dial and 10 s TLS
 * handshake timeout, so a stalled body hangs it forever; we bound every phase and the call as a whole.
 */
export const DEFAULT_TIMEOUTS: Readonly<RemoteTimeouts> = Object.freeze({
  connectMs: 10_000,
  headersMs: 15_000,
  bodyIdleMs: 10_000,
  totalMs: 30_000,
});

/** Retry policy for idempotent GETs (network errors, connect timeouts and 5xx only). */
export interface RetryPolicy {
  /** Extra attempts after the first (default 2). */
  retries: number;
  /** First backoff (default 200 ms); doubled each attempt. */
  baseDelayMs: number;
  /** Backoff ceiling (default 2000 ms). */
  maxDelayMs: number;
  /** Injectable for tests. */
  sleep: (ms: number) => Promise<void>;
  /** Uniform [0, 1); injectable for tests. */
  random: () => number;
}

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  retries: 2,
  baseDelayMs: 200,
  maxDelayMs: 2_000,
  sleep: (ms: number) =>
    new Promise<void>((resolve) => {
      setTimeout(resolve, ms);
    }),
  random: Math.random,
});

function positive(name: string, v: number): number {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive number of milliseconds`);
  return v;
}

/**
 * Fills in defaults. Each phase limit is capped by `totalMs`, so `--timeout 2s` also shortens connect/headers/idle.
 * @throws RangeError on a non-positive or non-finite value
 */
export function resolveTimeouts(t: Partial<RemoteTimeouts> = {}): RemoteTimeouts {
  const totalMs = positive('totalMs', t.totalMs ?? DEFAULT_TIMEOUTS.totalMs);
  const cap = (name: keyof RemoteTimeouts): number =>
    Math.min(totalMs, positive(name, t[name] ?? DEFAULT_TIMEOUTS[name]));
  return { connectMs: cap('connectMs'), headersMs: cap('headersMs'), bodyIdleMs: cap('bodyIdleMs'), totalMs };
}

/** @throws RangeError on a negative retry count or delay */
export function resolveRetry(r: Partial<RetryPolicy> = {}): RetryPolicy {
  const out: RetryPolicy = { ...DEFAULT_RETRY, ...r };
  if (!Number.isSafeInteger(out.retries) || out.retries < 0) throw new RangeError('retries must be an integer >= 0');
  if (!(out.baseDelayMs >= 0) || !(out.maxDelayMs >= 0)) throw new RangeError('retry delays must be >= 0');
  return out;
}

/** Exponential backoff with jitter in [50 %, 100 %] of the step: `min(max, base·2^attempt)`, attempt from 0. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(step * (0.5 + policy.random() / 2));
}
