// PEM blocks with RFC 1421 headers, read and written exactly as Go's encoding/pem does (Notary key files).
import { compareUtf8 } from '../canonical/key-order.js';
import { fromBase64Loose, toBase64 } from '../encoding/base64.js';
import { notaryError } from '../errors.js';

/** One PEM block. `headers` is a null-prototype record; Go keeps the last value of a repeated key. */
export interface PemBlock {
  readonly type: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bytes: Uint8Array;
}

const BEGIN = '-----BEGIN ';
const END = '\n-----END ';
const DASHES = '-----';
const PROC_TYPE = 'Proc-Type';
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A null-prototype copy of `headers`, so keys like `__proto__` are plain data. */
export function pemHeaders(headers: Readonly<Record<string, string>> = {}): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(headers)) out[k] = v;
  return out;
}

function bad(message: string, details: Record<string, unknown> = {}): never {
  throw notaryError('BAD_KEY_FILE', message, { details });
}

/** Go's getLine: up to `\n` (a preceding `\r` dropped), trailing spaces/tabs trimmed. */
function getLine(text: string, from: number): { line: string; next: number } {
  const nl = text.indexOf('\n', from);
  let end = nl < 0 ? text.length : nl;
  const next = nl < 0 ? text.length : nl + 1;
  if (nl > from && text[nl - 1] === '\r') end--;
  return { line: text.slice(from, end).replace(/[ \t]+$/, ''), next };
}

function toText(input: string | Uint8Array): string {
  if (typeof input === 'string') return input;
  try {
    return decoder.decode(input);
  } catch (cause) {
    throw notaryError('BAD_KEY_FILE', 'pem data is not valid utf-8', { cause });
  }
}

/**
 * Decodes every PEM block in `input`, in order. Text outside blocks is ignored (as Go does), but unlike Go a
 * block that starts and never ends properly, or carries bad base64, is an error rather than silently skipped:
 * a truncated key file must not read as "no key".
 * @throws NotaryError BAD_KEY_FILE on a malformed block
 */
export function decodePemBlocks(input: string | Uint8Array): PemBlock[] {
  const text = toText(input);
  const blocks: PemBlock[] = [];
  let pos = 0;
  for (;;) {
    let start: number;
    if (text.startsWith(BEGIN, pos)) start = pos;
    else {
      const i = text.indexOf(`\n${BEGIN}`, pos);
      if (i < 0) return blocks;
      start = i + 1;
    }
    const typeLine = getLine(text, start + BEGIN.length);
    if (!typeLine.line.endsWith(DASHES)) {
      // Go skips a BEGIN line that is not a real type line and keeps searching.
      pos = typeLine.next;
      continue;
    }
    const type = typeLine.line.slice(0, -DASHES.length);
    const { block, next } = decodeBody(text, type, typeLine.next);
    blocks.push(block);
    pos = next;
  }
}

function decodeBody(text: string, type: string, from: number): { block: PemBlock; next: number } {
  const headers = pemHeaders();
  let rest = from;
  let headerCount = 0;
  while (rest < text.length) {
    const { line, next } = getLine(text, rest);
    const colon = line.indexOf(':');
    if (colon < 0) break;
    headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
    headerCount++;
    rest = next;
  }
  let endIndex: number;
  let trailer: number;
  if (headerCount === 0 && text.startsWith(END.slice(1), rest)) {
    endIndex = rest;
    trailer = rest + END.length - 1;
  } else {
    endIndex = text.indexOf(END, rest);
    trailer = endIndex + END.length;
  }
  if (endIndex < 0) bad(`pem block ${JSON.stringify(type)} has no end line`, { type });
  const endLine = getLine(text, trailer);
  if (endLine.line !== type + DASHES) bad(`pem block ${JSON.stringify(type)} has a mismatched end line`, { type });
  const body = text.slice(rest, endIndex).replace(/[ \t]/g, '');
  const bytes = fromBase64Loose(body);
  return { block: { type, headers, bytes }, next: endLine.next };
}

/**
 * The first PEM block, or a BAD_KEY_FILE error when there is none.
 * @throws NotaryError BAD_KEY_FILE
 */
export function decodeFirstPemBlock(input: string | Uint8Array, what = 'pem data'): PemBlock {
  const [first] = decodePemBlocks(input);
  if (!first) bad(`${what} contains no pem block`);
  return first;
}

/**
 * Encodes one block byte-for-byte as Go's `pem.Encode`: `Proc-Type` first, the other headers sorted by key
 * (byte order), a blank line after headers, 64-column base64, LF line ends and a trailing newline.
 * @throws RangeError when a header key contains ':' or a key/value contains a line break
 */
export function encodePemBlock(block: PemBlock): string {
  const keys = Object.keys(block.headers);
  for (const k of keys) {
    const v = block.headers[k] as string;
    if (k.includes(':') || /[\r\n]/.test(k) || /[\r\n]/.test(v)) {
      throw new RangeError(`pem header ${JSON.stringify(k)} cannot be encoded`);
    }
  }
  if (/[\r\n]/.test(block.type)) throw new RangeError('pem type cannot contain a line break');
  let out = `${BEGIN}${block.type}${DASHES}\n`;
  if (keys.length > 0) {
    if (keys.includes(PROC_TYPE)) out += `${PROC_TYPE}: ${block.headers[PROC_TYPE]}\n`;
    // Go's sort.Strings compares bytes, so UTF-8 order rather than JavaScript's UTF-16 order.
    const rest = keys.filter((k) => k !== PROC_TYPE).sort(compareUtf8);
    for (const k of rest) out += `${k}: ${block.headers[k]}\n`;
    out += '\n';
  }
  const b64 = toBase64(block.bytes);
  for (let i = 0; i < b64.length; i += 64) out += `${b64.slice(i, i + 64)}\n`;
  return `${out}-----END ${block.type}${DASHES}\n`;
}

/** Concatenation of `encodePemBlock` for each block (an export bundle). */
export function encodePemBlocks(blocks: readonly PemBlock[]): string {
  return blocks.map(encodePemBlock).join('');
}
