// One HTTP exchange as every transport reads it: a bounded, decoded body, phase timeouts and a call deadline.

import type { Transform } from 'node:stream';
import { notaryError } from '../errors.js';
import { monotonicMs } from './clock.js';
import { mapTransportError, type TimeoutPhase, timeoutError } from './transport-errors.js';

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
  /** `monotonicMs()` value after which the exchange fails with TIMEOUT. */
  deadline: number;
}

export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface ExchangeResponse {
  status: number;
  headers: ResponseHeaders;
  body: Uint8Array;
  /** The (error) body was longer than the cap and was cut. */
  truncated: boolean;
}

function header(h: ResponseHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/**
 * The transport-independent half of one exchange: a transport feeds it events (connecting, request sent, response
 * start, body chunks, end, error) and gives it a way to abort; it owns the timers, the caps, gzip decoding and the
 * error mapping, and settles `done` exactly once. The body is counted after content decoding (only gzip is accepted
 * besides identity) and reading stops the moment the count passes the cap: the connection is destroyed, not drained.
 * Events after settling are ignored.
 */
export class ExchangeReader {
  readonly url: string;
  /** @throws NotaryError TIMEOUT, NETWORK, BAD_RESPONSE, RESPONSE_TOO_LARGE */
  readonly done: Promise<ExchangeResponse>;
  private settledFlag = false;
  private resolveDone!: (r: ExchangeResponse) => void;
  private rejectDone!: (e: unknown) => void;
  private abortHook: ((reason: Error) => void) | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private phaseTimer: NodeJS.Timeout | undefined;
  private status = 0;
  private headers: ResponseHeaders = {};
  private limit = ERROR_BODY_CAP;
  private strict = false;
  private count = 0;
  private encodedCount = 0;
  private encodedLimit = 0;
  private truncated = false;
  private gunzip: Transform | undefined;
  private readonly chunks: Uint8Array[] = [];

  constructor(private readonly req: ExchangeRequest) {
    this.url = `${req.origin}${req.path}`;
    this.done = new Promise<ExchangeResponse>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    const remaining = req.deadline - monotonicMs();
    if (remaining <= 0) {
      this.fail(timeoutError(this.url, 'total'));
      return;
    }
    this.timer = setTimeout(() => this.fail(timeoutError(this.url, 'total')), remaining);
  }

  /**
   * A transport's first step for `req`: the reader, already failed when the transport is closed (or settled by its
   * deadline, which has passed). The transport returns `done` at once when `settled`.
   */
  static open(req: ExchangeRequest, closed: boolean): ExchangeReader {
    const reader = new ExchangeReader(req);
    if (closed) reader.fail(new TypeError('transport is closed'));
    return reader;
  }

  get settled(): boolean {
    return this.settledFlag;
  }

  /** How to stop the underlying request (destroying its connection); run at once if already settled. */
  onAbort(hook: (reason: Error) => void): void {
    this.abortHook = hook;
    if (this.settledFlag) hook(new Error('request no longer wanted'));
  }

  /** A new connection is being set up: the connect phase, bounded by `ms`. */
  connecting(ms: number): void {
    this.phase('connect', ms);
  }

  /** The request is on a connected socket: the wait for the response headers starts. */
  requestSent(): void {
    if (!this.settledFlag) this.phase('headers', this.req.headersTimeoutMs);
  }

  /** The final (non-1xx) response's status and headers (lower-case names). */
  responseStart(status: number, h: ResponseHeaders): void {
    if (this.settledFlag || status < 200) return;
    this.status = status;
    this.headers = h;
    this.phase('body', this.req.bodyIdleTimeoutMs);
    this.strict = this.req.okStatuses.includes(status);
    this.limit = this.strict ? this.req.maxBytes : ERROR_BODY_CAP;
    const enc = (header(h, 'content-encoding') ?? '').trim().toLowerCase();
    if (enc === 'gzip' || enc === 'x-gzip') {
      // Compressed data is at most slightly larger than its plain form; anything beyond is a decompression
      // trick (empty deflate blocks), refused without inflating. zlib is loaded only when gzip arrives.
      this.encodedLimit = this.limit + (this.limit >> 10) + 1024;
      const z = process.getBuiltinModule('node:zlib').createGunzip();
      this.gunzip = z;
      z.on('data', (d: Buffer) => {
        if (!this.settledFlag) this.take(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
      });
      z.on('error', (e) =>
        this.fail(
          notaryError('BAD_RESPONSE', `invalid gzip body from ${this.url}`, { cause: e, details: { url: this.url } }),
        ),
      );
      z.on('end', () => this.succeed());
      return;
    }
    if (enc !== '' && enc !== 'identity') {
      this.fail(
        notaryError('BAD_RESPONSE', `unsupported content-encoding ${enc} from ${this.url}`, {
          details: { url: this.url },
        }),
      );
      return;
    }
    const cl = header(h, 'content-length');
    if (this.strict && cl !== undefined && /^\d+$/.test(cl.trim()) && Number(cl.trim()) > this.limit) this.tooLarge();
  }

  /** A chunk of the (encoded) body. */
  data(chunk: Uint8Array): void {
    if (this.settledFlag) return;
    this.phaseTimer?.refresh();
    if (this.gunzip) {
      this.encodedCount += chunk.length;
      if (this.encodedCount > this.encodedLimit) {
        if (this.strict) this.tooLarge();
        else {
          this.truncated = true;
          this.succeed();
        }
        return;
      }
      this.gunzip.write(chunk);
      return;
    }
    this.take(chunk);
  }

  /** The body is complete (as the framing says). */
  end(): void {
    if (this.settledFlag) return;
    this.phase(undefined);
    if (this.gunzip) this.gunzip.end();
    else this.succeed();
  }

  /** Fails the exchange with `e`, mapped to a NotaryError (see `mapTransportError`), and aborts the request. */
  fail(e: unknown): void {
    if (this.settledFlag) return;
    this.settledFlag = true;
    this.clearTimers();
    const err = mapTransportError(e, this.url);
    this.stop(err);
    this.rejectDone(err);
  }

  private phase(name: TimeoutPhase | undefined, ms = 0): void {
    clearTimeout(this.phaseTimer);
    this.phaseTimer = undefined;
    if (name === undefined) return;
    this.phaseTimer = setTimeout(() => this.fail(timeoutError(this.url, name)), ms);
  }

  private clearTimers(): void {
    clearTimeout(this.timer);
    this.phase(undefined);
  }

  private stop(reason: Error): void {
    this.abortHook?.(reason);
    this.gunzip?.destroy();
  }

  private succeed(): void {
    if (this.settledFlag) return;
    this.settledFlag = true;
    this.clearTimers();
    // One exact-size copy: the caller gets a Uint8Array that owns its whole ArrayBuffer (no pooled neighbours).
    const body = new Uint8Array(this.count);
    let at = 0;
    for (const c of this.chunks) {
      body.set(c, at);
      at += c.length;
    }
    if (this.truncated) this.stop(new Error('response body cut at the error-body cap'));
    this.resolveDone({ status: this.status, headers: this.headers, body, truncated: this.truncated });
  }

  private tooLarge(): void {
    this.fail(
      notaryError('RESPONSE_TOO_LARGE', `response from ${this.url} is larger than ${this.req.maxBytes} bytes`, {
        details: { ...this.req.tooLarge, url: this.url },
      }),
    );
  }

  // Adds decoded bytes; once the cap is passed, a strict body fails and an error body is cut.
  private take(chunk: Uint8Array): void {
    if (this.count + chunk.length > this.limit) {
      if (this.strict) {
        this.tooLarge();
        return;
      }
      const room = this.limit - this.count;
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.count = this.limit;
      this.truncated = true;
      this.succeed();
      return;
    }
    this.chunks.push(chunk);
    this.count += chunk.length;
  }
}
