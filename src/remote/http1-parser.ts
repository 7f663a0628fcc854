// A strict HTTP/1.1 response parser for the wire transport (SPEC §9 "Transport"): pure (bytes in, events out, no
// I/O), fed in chunks of any size. It accepts the framing RFC 9112 defines and refuses everything ambiguous, with
// the llhttp error codes node:http and undici report for the same faults, so every transport maps them alike.

import type { ResponseHeaders } from './http-exchange.js';

/** A response head section (status line and header fields) over this many bytes is refused, as Node's default. */
export const MAX_HEAD_BYTES = 16 * 1024;
/** A chunk-size line (size and extensions) over this many bytes is refused. */
const MAX_CHUNK_LINE = 1024;

/** A malformed response; `code` is llhttp's name for the fault (`HPE_*`), which the error mapping reads. */
export class HttpParseError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpParseError';
  }
}

export interface ResponseHead {
  status: number;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  minor: 0 | 1;
  /** Lower-case names; a repeated field as an array of its values, in order. */
  headers: ResponseHeaders;
}

export interface ResponseSink {
  /** The final (non-1xx) response's head. Interim 1xx responses are read and dropped. */
  head(h: ResponseHead): void;
  body(chunk: Uint8Array): void;
  /** The body is complete as its framing says. */
  end(): void;
}

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'close' | 'done';

const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [\t\x20-\x7e\x80-\xff]*)?$/;
const FIELD = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[\t ]*([\t\x20-\x7e\x80-\xff]*?)[\t ]*$/;
// Chunk extensions as tokens with an optional token or quoted-string value, no whitespace (llhttp refuses it).
const TCHAR = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";
const QUOTED = '"(?:[\\t\\x20\\x21\\x23-\\x5b\\x5d-\\x7e\\x80-\\xff]|\\\\[\\t\\x20-\\x7e\\x80-\\xff])*"';
const CHUNK_SIZE = new RegExp(`^([0-9A-Fa-f]{1,12})(?:;${TCHAR}+(?:=(?:${TCHAR}+|${QUOTED}))?)*$`);

const CR = 13;
const LF = 10;

/** Index just past the first CRLFCRLF at or after `from`, or -1. @throws HttpParseError on a bare LF */
function headEnd(buf: Uint8Array, from: number): number {
  for (let i = buf.indexOf(LF, from); i >= 0; i = buf.indexOf(LF, i + 1)) {
    if (i === 0 || buf[i - 1] !== CR) throw new HttpParseError('HPE_LF_EXPECTED', 'bare LF in the response head');
    if (i >= 3 && buf[i - 2] === LF && buf[i - 3] === CR) return i + 1;
  }
  return -1;
}

/** Index of the LF of the first CRLF at or after `from`, or -1 (a bare LF is an error). */
function lineEnd(buf: Uint8Array, from: number): number {
  const i = buf.indexOf(LF, from);
  if (i < 0) return -1;
  if (i === 0 || buf[i - 1] !== CR) throw new HttpParseError('HPE_LF_EXPECTED', 'bare LF in a chunk line');
  return i;
}

function latin1(buf: Uint8Array, start: number, end: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function listValues(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim().toLowerCase());
}

/**
 * Reads one response from a connection. Framing: no body for 1xx/204/304; `Transfer-Encoding: chunked` (the only
 * coding accepted, never together with Content-Length); Content-Length (one field, digits only); otherwise
 * the body runs to the end of the connection. Refused: bare LF line ends, obs-folded or malformed fields, a head
 * section over `MAX_HEAD_BYTES`, any other transfer coding, conflicting lengths, bad chunk framing.
 */
export class ResponseParser {
  private state: State = 'head';
  private buf: Uint8Array = new Uint8Array(0);
  private remaining = 0;
  private trailerBytes = 0;
  private minor: 0 | 1 = 1;
  private closeAsked = false;
  /** Bytes that arrived after the response was complete (the connection cannot be reused). */
  extra = false;

  constructor(private readonly sink: ResponseSink) {}

  /** The response is complete. */
  get complete(): boolean {
    return this.state === 'done';
  }

  /** The connection may carry another request: HTTP/1.1, no `Connection: close`, self-delimited, nothing extra. */
  get reusable(): boolean {
    return this.state === 'done' && this.minor === 1 && !this.closeAsked && !this.extra;
  }

  /** Feeds bytes read from the connection. @throws HttpParseError */
  push(chunk: Uint8Array): void {
    let data = chunk;
    while (data.length > 0) {
      switch (this.state) {
        case 'done':
          this.extra = true;
          return;
        case 'close':
          this.sink.body(data);
          return;
        case 'length':
        case 'chunk-data': {
          // `remaining` bytes of a Content-Length body or of the current chunk.
          const n = Math.min(this.remaining, data.length);
          this.remaining -= n;
          this.sink.body(data.subarray(0, n));
          data = data.subarray(n);
          if (this.remaining > 0) break;
          if (this.state === 'length') this.finish();
          else this.state = 'chunk-crlf';
          break;
        }
        default:
          data = this.line(data);
      }
    }
  }

  /** The connection ended. A body that runs to the end is complete now; anything else unfinished is an error. */
  eof(): void {
    if (this.state === 'close') {
      this.finish();
      return;
    }
    if (this.state !== 'done') {
      throw Object.assign(new Error('connection closed before the response was complete'), { code: 'ECONNRESET' });
    }
  }

  // The line-oriented states: buffers until the unit is whole, then returns what follows it.
  private line(data: Uint8Array): Uint8Array {
    const scanFrom = Math.max(0, this.buf.length - 3);
    const buf = concat(this.buf, data);
    switch (this.state) {
      case 'head': {
        const end = headEnd(buf, scanFrom);
        if (end < 0) {
          if (buf.length > MAX_HEAD_BYTES) throw new HttpParseError('HPE_HEADER_OVERFLOW', 'response head too large');
          this.buf = buf;
          return new Uint8Array(0);
        }
        if (end > MAX_HEAD_BYTES) throw new HttpParseError('HPE_HEADER_OVERFLOW', 'response head too large');
        this.buf = new Uint8Array(0);
        this.onHead(latin1(buf, 0, end - 4));
        return buf.subarray(end);
      }
      case 'chunk-crlf': {
        if (buf.length < 2) {
          this.buf = buf;
          return new Uint8Array(0);
        }
        if (buf[0] !== CR || buf[1] !== LF) throw new HttpParseError('HPE_STRICT', 'chunk data not followed by CRLF');
        this.buf = new Uint8Array(0);
        this.state = 'chunk-size';
        return buf.subarray(2);
      }
      case 'chunk-size': {
        const lf = lineEnd(buf, scanFrom);
        if (lf < 0) {
          if (buf.length > MAX_CHUNK_LINE)
            throw new HttpParseError('HPE_INVALID_CHUNK_SIZE', 'chunk-size line too long');
          this.buf = buf;
          return new Uint8Array(0);
        }
        if (lf > MAX_CHUNK_LINE) throw new HttpParseError('HPE_INVALID_CHUNK_SIZE', 'chunk-size line too long');
        const m = CHUNK_SIZE.exec(latin1(buf, 0, lf - 1));
        if (m === null) throw new HttpParseError('HPE_INVALID_CHUNK_SIZE', 'invalid chunk size');
        this.buf = new Uint8Array(0);
        this.remaining = Number.parseInt(m[1] as string, 16);
        this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
        return buf.subarray(lf + 1);
      }
      default: {
        // 'trailers': field lines until an empty line; their content is not used, only checked and bounded.
        const lf = lineEnd(buf, scanFrom);
        if (lf < 0) {
          if (this.trailerBytes + buf.length > MAX_HEAD_BYTES) {
            throw new HttpParseError('HPE_HEADER_OVERFLOW', 'trailer section too large');
          }
          this.buf = buf;
          return new Uint8Array(0);
        }
        this.trailerBytes += lf + 1;
        if (this.trailerBytes > MAX_HEAD_BYTES)
          throw new HttpParseError('HPE_HEADER_OVERFLOW', 'trailer section too large');
        this.buf = new Uint8Array(0);
        if (lf === 1) {
          this.finish();
        } else if (!FIELD.test(latin1(buf, 0, lf - 1))) {
          throw new HttpParseError('HPE_INVALID_HEADER_TOKEN', 'invalid trailer field');
        }
        return buf.subarray(lf + 1);
      }
    }
  }

  private onHead(text: string): void {
    const lines = text.split('\r\n');
    const status = STATUS_LINE.exec(lines[0] as string);
    if (status === null) throw new HttpParseError('HPE_INVALID_CONSTANT', 'invalid status line');
    const headers: ResponseHeaders = {};
    for (let i = 1; i < lines.length; i++) {
      const f = FIELD.exec(lines[i] as string);
      if (f === null) {
        throw new HttpParseError(
          (lines[i] as string).includes('\n') ? 'HPE_LF_EXPECTED' : 'HPE_INVALID_HEADER_TOKEN',
          'invalid header field',
        );
      }
      const name = (f[1] as string).toLowerCase();
      const value = f[2] as string;
      const prev = headers[name];
      headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    const code = Number(status[2]);
    if (code < 200) {
      // Interim (100 Continue, 103 Early Hints): dropped, the final response follows. 101 would switch protocols.
      if (code === 101) throw new HttpParseError('HPE_INVALID_STATUS', 'unexpected protocol switch');
      return;
    }
    this.minor = status[1] === '0' ? 0 : 1;
    this.closeAsked = listValues(headers['connection']).includes('close');
    const te = listValues(headers['transfer-encoding']);
    const cl = headers['content-length'];
    if (te.length > 0 && cl !== undefined) {
      throw new HttpParseError('HPE_UNEXPECTED_CONTENT_LENGTH', 'both Transfer-Encoding and Content-Length');
    }
    let length: number | undefined;
    if (cl !== undefined) {
      // One field with one decimal value: repeats (even equal ones) and lists are refused, as llhttp does.
      if (typeof cl !== 'string' || !/^\d{1,15}$/.test(cl)) {
        throw new HttpParseError('HPE_INVALID_CONTENT_LENGTH', 'invalid or repeated Content-Length');
      }
      length = Number(cl);
    }
    if (te.length > 0 && !(te.length === 1 && te[0] === 'chunked')) {
      throw new HttpParseError('HPE_INVALID_TRANSFER_ENCODING', 'unsupported Transfer-Encoding');
    }
    this.sink.head({ status: code, minor: this.minor, headers });
    if (code === 204 || code === 304) this.finish();
    else if (te.length > 0) this.state = 'chunk-size';
    else if (length !== undefined) {
      this.remaining = length;
      if (length === 0) this.finish();
      else this.state = 'length';
    } else {
      this.state = 'close';
      this.closeAsked = true;
    }
  }

  private finish(): void {
    this.state = 'done';
    this.sink.end();
  }
}
