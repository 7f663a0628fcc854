// One HTTP request over an undici Dispatcher with a bounded, decoded body, phase timeouts and a call deadline.
import type { Transform } from 'node:stream';
import type { Dispatcher } from 'undici';
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';

/** Bodies of error responses are read up to this many bytes and then cut (never an error in itself). */
export const ERROR_BODY_CAP = 64 * 1024;

export interface ExchangeRequest {
  origin: string;
  /** Path and query, already encoded. */
  path: string;
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  body?: Uint8Array;
  /** Statuses whose body is wanted in full: capped by `maxBytes`, over it → RESPONSE_TOO_LARGE. Others: cut at 64 KiB. */
  okStatuses: readonly number[];
  maxBytes: number;
  /** Details of a RESPONSE_TOO_LARGE error (e.g. `{ role, maxBytes }`). */
  tooLarge: Record<string, unknown>;
  headersTimeoutMs: number;
  bodyIdleTimeoutMs: number;
  /** `performance.now()` value after which the exchange fails with TIMEOUT. */
  deadline: number;
}

export interface ExchangeResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array;
  /** The (error) body was longer than the cap and was cut. */
  truncated: boolean;
}

const TLS_CODES = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

/** Internal: whether another attempt may help (never for TLS failures, header/body stalls or the deadline). */
export function isRetryable(e: unknown): boolean {
  if (isNotaryError(e, 'SERVER_ERROR')) return true;
  if (isNotaryError(e, 'NETWORK')) return e.details['tls'] !== true;
  return isNotaryError(e, 'TIMEOUT') && e.details['phase'] === 'connect';
}

/** Maps an undici/socket error to NETWORK, TIMEOUT or BAD_RESPONSE; NotaryErrors pass through. */
export function mapTransportError(e: unknown, url: string): NotaryError {
  if (isNotaryError(e)) return e;
  const code = typeof e === 'object' && e !== null ? String((e as { code?: unknown }).code ?? '') : '';
  const timeout = (phase: string) =>
    notaryError('TIMEOUT', `request to ${url} timed out (${phase})`, { cause: e, details: { url, phase } });
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return timeout('connect');
    case 'UND_ERR_HEADERS_TIMEOUT':
      return timeout('headers');
    case 'UND_ERR_BODY_TIMEOUT':
      return timeout('body');
  }
  if (code.startsWith('HPE_') || code === 'UND_ERR_HEADERS_OVERFLOW' || code === 'UND_ERR_INFO') {
    return notaryError('BAD_RESPONSE', `malformed http response from ${url}`, { cause: e, details: { url, code } });
  }
  const tls = TLS_CODES.test(code);
  return notaryError('NETWORK', `cannot reach ${url}${code ? ` (${code})` : ''}`, {
    cause: e,
    details: { url, code, ...(tls ? { tls: true } : {}) },
  });
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * Performs one request. The body is counted after content decoding (only gzip is accepted besides identity) and
 * reading stops the moment the count passes the cap: the connection is destroyed, not drained.
 * @throws NotaryError TIMEOUT, NETWORK, BAD_RESPONSE, RESPONSE_TOO_LARGE
 */
export function exchange(dispatcher: Dispatcher, req: ExchangeRequest): Promise<ExchangeResponse> {
  const url = `${req.origin}${req.path}`;
  return new Promise<ExchangeResponse>((resolve, reject) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let status = 0;
    let headers: Record<string, string | string[] | undefined> = {};
    let limit = ERROR_BODY_CAP;
    let strict = false;
    let count = 0;
    let encodedCount = 0;
    let encodedLimit = 0;
    let truncated = false;
    let gunzip: Transform | undefined;
    const chunks: Uint8Array[] = [];

    const remaining = req.deadline - performance.now();
    // Our own phase timers: undici's are coarse (a 300 ms headers timeout fires after ~1 s) and absent on injected
    // dispatchers; undici's own headersTimeout/bodyTimeout stay on as a backstop.
    let phaseTimer: NodeJS.Timeout | undefined;
    const phase = (name: 'headers' | 'body' | undefined) => {
      clearTimeout(phaseTimer);
      phaseTimer = undefined;
      if (name === undefined) return;
      const ms = name === 'headers' ? req.headersTimeoutMs : req.bodyIdleTimeoutMs;
      phaseTimer = setTimeout(
        () => fail(notaryError('TIMEOUT', `request to ${url} timed out (${name})`, { details: { url, phase: name } })),
        ms,
      );
    };
    const stop = (reason: Error) => {
      if (controller && !controller.aborted) controller.abort(reason);
      gunzip?.destroy();
    };
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      phase(undefined);
      const err = mapTransportError(e, url);
      stop(err);
      reject(err);
    };
    const succeed = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      phase(undefined);
      // One exact-size copy: the caller gets a Uint8Array that owns its whole ArrayBuffer (no pooled neighbours).
      const body = new Uint8Array(count);
      let at = 0;
      for (const c of chunks) {
        body.set(c, at);
        at += c.length;
      }
      if (truncated) stop(new Error('response body cut at the error-body cap'));
      resolve({ status, headers, body, truncated });
    };
    const tooLarge = () =>
      fail(
        notaryError('RESPONSE_TOO_LARGE', `response from ${url} is larger than ${req.maxBytes} bytes`, {
          details: { ...req.tooLarge, url },
        }),
      );
    const timer = setTimeout(
      () => fail(notaryError('TIMEOUT', `request to ${url} timed out (total)`, { details: { url, phase: 'total' } })),
      Math.max(0, remaining),
    );

    // Adds decoded bytes; returns false once the body is complete for our purposes (cap reached).
    const take = (chunk: Uint8Array): boolean => {
      if (count + chunk.length > limit) {
        if (strict) {
          tooLarge();
          return false;
        }
        const room = limit - count;
        if (room > 0) chunks.push(chunk.subarray(0, room));
        count = limit;
        truncated = true;
        succeed();
        return false;
      }
      chunks.push(chunk);
      count += chunk.length;
      return true;
    };

    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (settled) c.abort(new Error('request no longer wanted'));
        else phase('headers');
      },
      onResponseStart(_c, statusCode, h) {
        if (settled || statusCode < 200) return;
        status = statusCode;
        headers = h;
        phase('body');
        strict = req.okStatuses.includes(statusCode);
        limit = strict ? req.maxBytes : ERROR_BODY_CAP;
        const enc = (header(h, 'content-encoding') ?? '').trim().toLowerCase();
        if (enc === 'gzip' || enc === 'x-gzip') {
          // Compressed data is at most slightly larger than its plain form; anything beyond is a decompression
          // trick (empty deflate blocks), refused without inflating.
          encodedLimit = limit + (limit >> 10) + 1024;
          const zlib = process.getBuiltinModule('node:zlib');
          const z = zlib.createGunzip();
          gunzip = z;
          z.on('data', (d: Buffer) => {
            if (!settled) take(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
          });
          z.on('error', (e) =>
            fail(notaryError('BAD_RESPONSE', `invalid gzip body from ${url}`, { cause: e, details: { url } })),
          );
          z.on('end', succeed);
          return;
        }
        if (enc !== '' && enc !== 'identity') {
          fail(notaryError('BAD_RESPONSE', `unsupported content-encoding ${enc} from ${url}`, { details: { url } }));
          return;
        }
        const cl = header(h, 'content-length');
        if (strict && cl !== undefined && /^\d+$/.test(cl.trim()) && Number(cl.trim()) > limit) tooLarge();
      },
      onResponseData(_c, chunk) {
        if (settled) return;
        phaseTimer?.refresh();
        const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        if (gunzip) {
          encodedCount += bytes.length;
          if (encodedCount > encodedLimit) {
            if (strict) tooLarge();
            else {
              truncated = true;
              succeed();
            }
            return;
          }
          gunzip.write(bytes);
          return;
        }
        take(bytes);
      },
      onResponseEnd() {
        phase(undefined);
        if (gunzip) gunzip.end();
        else succeed();
      },
      onResponseError(_c, e) {
        fail(e);
      },
    };

    if (remaining <= 0) {
      fail(notaryError('TIMEOUT', `request to ${url} timed out (total)`, { details: { url, phase: 'total' } }));
      return;
    }
    try {
      dispatcher.dispatch(
        {
          origin: req.origin,
          path: req.path,
          method: req.method,
          headers: req.headers,
          body: req.body === undefined ? null : req.body,
          headersTimeout: req.headersTimeoutMs,
          bodyTimeout: req.bodyIdleTimeoutMs,
        },
        handler,
      );
    } catch (e) {
      fail(e);
    }
  });
}
