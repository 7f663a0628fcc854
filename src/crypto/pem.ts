// The small slice of PEM that certificates need: find blocks (type + DER) and encode CERTIFICATE blocks as Go does.
// Key files with headers are read by the keystore's own PEM module; crypto sits below keystore and cannot use it.
import { fromBase64Loose, toBase64 } from '../encoding/base64.js';
import { notaryError } from '../errors.js';

/** A PEM block as certificate code needs it: type and body. Headers are reported only by count. */
export interface CertPemBlock {
  readonly type: string;
  readonly headerCount: number;
  readonly bytes: Uint8Array;
}

const BEGIN = '-----BEGIN ';

function bad(message: string): never {
  throw notaryError('BAD_CERTIFICATE', message, { details: { reason: 'malformed' } });
}

/**
 * Every PEM block in `input`, in order, like repeated Go `pem.Decode`: a block starts at a line beginning with
 * `-----BEGIN <type>-----`; text outside blocks is ignored. A block that never ends, or whose body is not
 * base64, is an error (Go would skip it silently; a damaged certificate must not vanish unnoticed).
 * @throws NotaryError BAD_CERTIFICATE on a malformed block
 */
export function pemBlocks(input: Uint8Array): CertPemBlock[] {
  // latin1 maps bytes 1:1, so offsets are byte offsets and non-UTF-8 junk outside blocks cannot throw.
  const text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  const out: CertPemBlock[] = [];
  let pos = 0;
  while (pos < text.length) {
    const start = text.startsWith(BEGIN, pos) ? pos : text.indexOf(`\n${BEGIN}`, pos);
    if (start < 0) break;
    const lineStart = text[start] === '\n' ? start + 1 : start;
    const eol = lineEnd(text, lineStart);
    const typeLine = text.slice(lineStart + BEGIN.length, eol.end).replace(/[ \t]+$/, '');
    if (!typeLine.endsWith('-----')) {
      pos = eol.next;
      continue;
    }
    const type = typeLine.slice(0, -5);
    const endMarker = `-----END ${type}-----`;
    const endAt = text.indexOf(endMarker, eol.next);
    if (endAt < 0 || (endAt > 0 && text[endAt - 1] !== '\n')) bad(`pem block ${JSON.stringify(type)} has no end line`);
    const body = text.slice(eol.next, endAt);
    let headerCount = 0;
    const lines = body.split('\n');
    let i = 0;
    // RFC 1421 headers ("Key: value") precede a blank line; certificates normally have none.
    while (i < lines.length && (lines[i] as string).includes(':')) {
      headerCount++;
      i++;
    }
    const b64 = lines
      .slice(i)
      .join('')
      .replace(/[\r\t ]/g, '');
    out.push({ type, headerCount, bytes: b64 === '' ? new Uint8Array(0) : decodeBody(b64, type) });
    const after = lineEnd(text, endAt);
    pos = after.next;
  }
  return out;
}

function decodeBody(b64: string, type: string): Uint8Array {
  try {
    return fromBase64Loose(b64);
  } catch (cause) {
    throw notaryError('BAD_CERTIFICATE', `pem block ${JSON.stringify(type)} is not valid base64`, {
      details: { reason: 'malformed' },
      cause,
    });
  }
}

function lineEnd(text: string, from: number): { end: number; next: number } {
  const nl = text.indexOf('\n', from);
  if (nl < 0) return { end: text.length, next: text.length };
  return { end: nl > from && text[nl - 1] === '\r' ? nl - 1 : nl, next: nl + 1 };
}

/**
 * One block exactly as Go's `pem.Encode` writes it without headers: BEGIN line, 64-column base64 lines, END line,
 * each ending in LF.
 */
export function encodePem(type: string, der: Uint8Array): string {
  const b64 = toBase64(der);
  let out = `${BEGIN}${type}-----\n`;
  for (let i = 0; i < b64.length; i += 64) out += `${b64.slice(i, i + 64)}\n`;
  return `${out}-----END ${type}-----\n`;
}
