// Turns a notary-server error response (status + errcode JSON body) into a NotaryError with structured details.
import { isJsonObject, type JsonValue, parseJson } from '../canonical/index.js';
import { type NotaryError, type NotaryErrorCode, notaryError } from '../errors.js';
import type { ExchangeResponse } from './http-exchange.js';
import { parseWwwAuthenticate } from './www-authenticate.js';

/** What the server said in `{"errors":[{code,message,detail}]}` (docker/distribution errcode), when parseable. */
export interface ServerErrorBody {
  serverCode?: string;
  serverMessage?: string;
  /** INVALID_UPDATE: `detail.Name`, e.g. `ErrBadTargets`. */
  name?: string;
  /** INVALID_UPDATE: `detail.Error.Msg`. */
  reason?: string;
  /** A string `detail` (INVALID_ROLE, INVALID_PARAMETERS). */
  detail?: string;
}

function str(v: JsonValue | undefined, max = 500): string | undefined {
  return typeof v === 'string' ? v.slice(0, max) : undefined;
}

/** Reads the first entry of an errcode body; anything unparseable yields `{}` (the status still decides). */
export function parseServerErrorBody(body: Uint8Array): ServerErrorBody {
  let doc: JsonValue;
  try {
    doc = parseJson(body, { maxDepth: 16 });
  } catch {
    return {};
  }
  if (!isJsonObject(doc)) return {};
  const errors = doc['errors'];
  if (!Array.isArray(errors) || errors.length === 0) return {};
  const first = errors[0];
  if (!isJsonObject(first)) return {};
  const out: ServerErrorBody = {};
  const code = str(first['code'], 100);
  if (code !== undefined) out.serverCode = code;
  const message = str(first['message']);
  if (message !== undefined) out.serverMessage = message;
  const detail = first['detail'];
  if (typeof detail === 'string') out.detail = detail.slice(0, 500);
  else if (isJsonObject(detail)) {
    const name = str(detail['Name'], 100);
    if (name !== undefined) out.name = name;
    const inner = detail['Error'];
    if (isJsonObject(inner)) {
      const msg = str(inner['Msg']);
      if (msg !== undefined) out.reason = msg;
    }
  }
  return out;
}

/** Which request failed, for messages and for the 404 mapping. */
export interface StatusContext {
  /** e.g. `get root`, `publish`, `get timestamp key`. */
  what: string;
  gun: string;
  url: string;
  /** Code for a 404 (default METADATA_NOT_FOUND). */
  notFound?: NotaryErrorCode;
  /** Merged into every error's details (e.g. `{ role }`). */
  details?: Record<string, unknown>;
}

function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/**
 * Maps a response that is not the expected success. Notary's own client (`translateStatusToError`) only knows
 * 404, 400 and "unavailable"; we keep the distinctions a caller can act on.
 * - 3xx → BAD_RESPONSE (redirects are never followed: one to another host would carry our Authorization header)
 * - 400 "Client sent an HTTP request to an HTTPS server" → HTTPS_REQUIRED; 400 `VERSION` → VERSION_CONFLICT; other 400s and other 4xx → SERVER_REJECTED (`serverCode`, `name`, `reason`)
 * - 401/403 → UNAUTHORIZED (with the challenge's `error=` parameter as `authError`)
 * - 404 → `ctx.notFound` (METADATA_NOT_FOUND unless told otherwise)
 * - 5xx → SERVER_ERROR; any other status → BAD_RESPONSE
 */
export function statusError(res: ExchangeResponse, ctx: StatusContext): NotaryError {
  const { status } = res;
  const server = status >= 400 ? parseServerErrorBody(res.body) : {};
  const base = { ...(ctx.details ?? {}), gun: ctx.gun, url: ctx.url, status };
  const said = server.reason ?? server.serverMessage;
  const suffix = said ? `: ${said}` : '';
  if (status >= 300 && status < 400) {
    const location = res.headers['location'];
    return notaryError('BAD_RESPONSE', `${ctx.what} for ${ctx.gun}: server answered with a redirect (${status})`, {
      details: clean({ ...base, location: typeof location === 'string' ? location.slice(0, 500) : undefined }),
    });
  }
  // Go's TLS server answers a plain-HTTP request with this exact 400 text (net/http server.go).
  if (
    status === 400 &&
    /client sent an http request to an https server/i.test(Buffer.from(res.body).toString('latin1'))
  ) {
    return notaryError('HTTPS_REQUIRED', `${ctx.url} speaks https: use an https:// server url`, {
      details: clean({ ...base }),
    });
  }
  if (status === 400 && server.serverCode === 'VERSION') {
    return notaryError('VERSION_CONFLICT', `${ctx.what} for ${ctx.gun}: server holds a newer version${suffix}`, {
      details: clean({ ...base, serverCode: server.serverCode, reason: said }),
    });
  }
  if (status === 401 || status === 403) {
    const challenge = parseWwwAuthenticate(res.headers['www-authenticate']).find((c) => c.params['error']);
    return notaryError('UNAUTHORIZED', `${ctx.what} for ${ctx.gun}: not authorized (${status})`, {
      details: clean({ ...base, serverCode: server.serverCode, authError: challenge?.params['error'] }),
    });
  }
  if (status === 404) {
    const code = ctx.notFound ?? 'METADATA_NOT_FOUND';
    const msg =
      code === 'REPOSITORY_NOT_FOUND'
        ? `server has no trust data for ${ctx.gun}`
        : `${ctx.what} for ${ctx.gun}: not found on the server`;
    return notaryError(code, msg, { details: clean({ ...base, serverCode: server.serverCode }) });
  }
  if (status >= 400 && status < 500) {
    const name = server.name ? ` ${server.name}` : '';
    return notaryError('SERVER_REJECTED', `${ctx.what} for ${ctx.gun}: server rejected it${name}${suffix}`, {
      details: clean({
        ...base,
        serverCode: server.serverCode,
        name: server.name,
        reason: said,
        detail: server.detail,
      }),
    });
  }
  if (status >= 500 && status < 600) {
    return notaryError('SERVER_ERROR', `${ctx.what} for ${ctx.gun}: server error ${status}`, {
      details: clean({ ...base, serverCode: server.serverCode }),
    });
  }
  return notaryError('BAD_RESPONSE', `${ctx.what} for ${ctx.gun}: unexpected status ${status}`, { details: base });
}
