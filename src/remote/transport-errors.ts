// Transport failures as NotaryErrors: one mapping for every transport (undici and node:http), and the retry rule.
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';

/** OpenSSL and Node certificate-check codes: the connection failed in TLS, never a transient fault. */
const TLS_CODES = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_OSSL_)/;

/**
 * node:http writes the request before the TLS handshake is done, so a handshake failure can surface as the write's
 * `EPROTO` with OpenSSL's text ("SSL routines:ssl3_get_record:wrong version number"); undici, which waits for the
 * handshake, sees the same failure as `ERR_SSL_WRONG_VERSION_NUMBER`. Node derives that code from the reason the
 * same way, so both transports report one code.
 */
function opensslCode(e: unknown): string | undefined {
  if (!(e instanceof Error) || (e as { code?: unknown }).code !== 'EPROTO') return undefined;
  const reason = /SSL routines:[^:]*:([^:]+):/.exec(e.message)?.[1];
  return reason
    ? `ERR_SSL_${reason
        .trim()
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, '_')}`
    : 'ERR_SSL_EPROTO';
}

/** The phases a request can time out in; `details.phase` of a TIMEOUT. */
export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'total';

/** TIMEOUT for `url` in `phase`. */
export function timeoutError(url: string, phase: TimeoutPhase, cause?: unknown): NotaryError {
  return notaryError('TIMEOUT', `request to ${url} timed out (${phase})`, {
    ...(cause === undefined ? {} : { cause }),
    details: { url, phase },
  });
}

/** Internal: whether another attempt may help (never for TLS failures, header/body stalls or the deadline). */
export function isRetryable(e: unknown): boolean {
  if (isNotaryError(e, 'SERVER_ERROR')) return true;
  if (isNotaryError(e, 'NETWORK')) return e.details['tls'] !== true;
  return isNotaryError(e, 'TIMEOUT') && e.details['phase'] === 'connect';
}

/**
 * Maps a transport or socket error to NETWORK (`details.tls` for TLS failures), TIMEOUT (`details.phase`) or
 * BAD_RESPONSE (malformed HTTP: llhttp's `HPE_*` codes, which undici and node:http share, and undici's own header
 * errors); NotaryErrors pass through. `details.code` is the underlying code (e.g. `ECONNREFUSED`).
 */
export function mapTransportError(e: unknown, url: string): NotaryError {
  if (isNotaryError(e)) return e;
  const code =
    opensslCode(e) ?? (typeof e === 'object' && e !== null ? String((e as { code?: unknown }).code ?? '') : '');
  switch (code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return timeoutError(url, 'connect', e);
    case 'UND_ERR_HEADERS_TIMEOUT':
      return timeoutError(url, 'headers', e);
    case 'UND_ERR_BODY_TIMEOUT':
      return timeoutError(url, 'body', e);
  }
  // undici's parser errors carry no code (its llhttp build leaves it unset): they are known by their name.
  const name = e instanceof Error ? e.name : '';
  if (code.startsWith('HPE_') || code === 'UND_ERR_HEADERS_OVERFLOW' || code === 'UND_ERR_INFO') {
    return notaryError('BAD_RESPONSE', `malformed http response from ${url}`, { cause: e, details: { url, code } });
  }
  if (code === '' && name === 'HTTPParserError') {
    return notaryError('BAD_RESPONSE', `malformed http response from ${url}`, {
      cause: e,
      details: { url, code: name },
    });
  }
  const tls = TLS_CODES.test(code);
  return notaryError('NETWORK', `cannot reach ${url}${code ? ` (${code})` : ''}`, {
    cause: e,
    details: { url, code, ...(tls ? { tls: true } : {}) },
  });
}
