// One exchange with the retry policy: GETs only, on network errors, connect timeouts and 5xx, within the deadline.
import { monotonicMs } from './clock.js';
import type { ExchangeRequest, ExchangeResponse } from './http-exchange.js';
import { backoffDelay, type RemoteTimeouts, type RetryPolicy } from './options.js';
import type { Transport } from './transport.js';
import { isRetryable } from './transport-errors.js';

/** An exchange before the per-call limits are filled in. */
export type SendRequest = Omit<ExchangeRequest, 'deadline' | 'headersTimeoutMs' | 'bodyIdleTimeoutMs'>;

/** One finished attempt, for `-D/--debug` logs: never headers or bodies (they may carry credentials). */
export interface ExchangeEvent {
  method: string;
  /** Origin and path, without the query string. */
  url: string;
  /** HTTP status, or 0 when the attempt failed without one. */
  status: number;
  /** The error code of a failed attempt. */
  error?: string;
  ms: number;
}

export type ExchangeObserver = (event: ExchangeEvent) => void;

/**
 * Sends `req`, retrying idempotent GETs with exponential backoff and jitter. A last 5xx is returned (the caller maps
 * it to SERVER_ERROR); a last error is thrown. No retry starts when its backoff would cross the deadline. POST and
 * DELETE are sent once: a publish the server may already have applied must not be repeated blindly. A POST waits for
 * headers up to the whole deadline, since the server validates the upload before it answers.
 * @throws NotaryError NETWORK, TIMEOUT, BAD_RESPONSE, RESPONSE_TOO_LARGE (from the transport)
 */
export async function sendWithRetry(
  transport: () => Transport,
  req: SendRequest,
  deadline: number,
  timeouts: RemoteTimeouts,
  retry: RetryPolicy,
  observe?: ExchangeObserver,
): Promise<ExchangeResponse> {
  const idempotent = req.method === 'GET';
  const full: ExchangeRequest = {
    ...req,
    deadline,
    headersTimeoutMs: idempotent ? timeouts.headersMs : timeouts.totalMs,
    bodyIdleTimeoutMs: timeouts.bodyIdleMs,
  };
  for (let attempt = 0; ; attempt++) {
    let res: ExchangeResponse | undefined;
    let error: unknown;
    const started = monotonicMs();
    try {
      res = await transport().request(full);
      observe?.(event(req, res.status, undefined, started));
      if (!(idempotent && res.status >= 500 && res.status < 600)) return res;
    } catch (e) {
      if (observe) observe(event(req, 0, errorCode(e), started));
      if (!idempotent || !isRetryable(e)) throw e;
      error = e;
    }
    const delay = backoffDelay(retry, attempt);
    if (attempt >= retry.retries || monotonicMs() + delay >= deadline) {
      if (res) return res;
      throw error;
    }
    await retry.sleep(delay);
  }
}

function event(req: SendRequest, status: number, error: string | undefined, started: number): ExchangeEvent {
  const path = req.path.split('?')[0] ?? '';
  return {
    method: req.method,
    url: `${req.origin}${path}`,
    status,
    ...(error !== undefined ? { error } : {}),
    ms: Math.round(monotonicMs() - started),
  };
}

function errorCode(e: unknown): string {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : 'ERROR';
}
