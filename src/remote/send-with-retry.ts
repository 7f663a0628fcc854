// One exchange with the retry policy: GETs only, on network errors, connect timeouts and 5xx, within the deadline.
import type { Dispatcher } from 'undici';
import { type ExchangeRequest, type ExchangeResponse, exchange, isRetryable } from './http-exchange.js';
import { backoffDelay, type RemoteTimeouts, type RetryPolicy } from './options.js';

/** An exchange before the per-call limits are filled in. */
export type SendRequest = Omit<ExchangeRequest, 'deadline' | 'headersTimeoutMs' | 'bodyIdleTimeoutMs'>;

/**
 * Sends `req`, retrying idempotent GETs with exponential backoff and jitter. A last 5xx is returned (the caller maps
 * it to SERVER_ERROR); a last error is thrown. No retry starts when its backoff would cross the deadline. POST and
 * DELETE are sent once: a publish the server may already have applied must not be repeated blindly. A POST waits for
 * headers up to the whole deadline, since the server validates the upload before it answers.
 * @throws NotaryError NETWORK, TIMEOUT, BAD_RESPONSE, RESPONSE_TOO_LARGE (from `exchange`)
 */
export async function sendWithRetry(
  dispatcher: () => Dispatcher,
  req: SendRequest,
  deadline: number,
  timeouts: RemoteTimeouts,
  retry: RetryPolicy,
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
    try {
      res = await exchange(dispatcher(), full);
      if (!(idempotent && res.status >= 500 && res.status < 600)) return res;
    } catch (e) {
      if (!idempotent || !isRetryable(e)) throw e;
      error = e;
    }
    const delay = backoffDelay(retry, attempt);
    if (attempt >= retry.retries || performance.now() + delay >= deadline) {
      if (res) return res;
      throw error;
    }
    await retry.sleep(delay);
  }
}
