// A small POSIX tar (ustar, with pax `path` records for long names) writer and a bounded, strict reader.
import { concatByteList } from '../encoding/bytes.js';
import { notaryError } from '../errors.js';

const BLOCK = 512;
const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

export interface TarEntry {
  /** Relative path, `/`-separated, no `..`, no leading `/`. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface TarWriteOptions {
  /** Modification time written into every header (seconds since the epoch). */
  readonly mtime: number;
}

/** Limits of `readTar`: every size read from a header is checked against them before anything is sliced. */
export interface TarReadLimits {
  /** Most regular-file entries. */
  readonly maxEntries: number;
  /** Largest single entry. */
  readonly maxEntryBytes: number;
}

function assertName(name: string): void {
  const bad =
    name === '' ||
    name.startsWith('/') ||
    name.includes('\0') ||
    name.includes('\\') ||
    name.split('/').some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw new RangeError(`unsafe tar entry name ${JSON.stringify(name)}`);
}

function putString(h: Uint8Array, offset: number, length: number, text: string): void {
  const b = enc.encode(text);
  if (b.length > length) throw new RangeError(`tar field too long: ${text}`);
  h.set(b, offset);
}

function putOctal(h: Uint8Array, offset: number, length: number, value: number): void {
  // length-1 octal digits, NUL-terminated (ustar).
  putString(h, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}

/** One ustar header block for a regular file (`typeflag` '0') or a pax extended header ('x'). */
function header(name: string, size: number, mtime: number, typeflag: '0' | 'x'): Uint8Array {
  const h = new Uint8Array(BLOCK);
  putString(h, 0, 100, name);
  putOctal(h, 100, 8, 0o644);
  putOctal(h, 108, 8, 0);
  putOctal(h, 116, 8, 0);
  putOctal(h, 124, 12, size);
  putOctal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  putString(h, 156, 1, typeflag);
  putString(h, 257, 6, 'ustar\0');
  putString(h, 263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  putString(h, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

function padded(bytes: Uint8Array): Uint8Array[] {
  const rest = bytes.length % BLOCK;
  return rest === 0 ? [bytes] : [bytes, new Uint8Array(BLOCK - rest)];
}

/** A pax record `"<len> path=<name>\n"` where `<len>` counts the whole record including itself. */
function paxPath(name: string): Uint8Array {
  const body = ` path=${name}\n`;
  const bodyLen = enc.encode(body).length;
  let len = bodyLen + 1;
  while (String(len).length + bodyLen !== len) len = String(len).length + bodyLen;
  return enc.encode(`${len}${body}`);
}

/**
 * Serialises `entries` as one POSIX tar: names up to 100 bytes go in the ustar header; longer ones get a pax
 * extended header (`path=`), which GNU tar, bsdtar and Go's archive/tar read. Two zero blocks end the archive.
 * @throws RangeError on an unsafe or duplicate name
 */
export function writeTar(entries: readonly TarEntry[], options: TarWriteOptions): Uint8Array {
  const parts: Uint8Array[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    assertName(e.name);
    if (seen.has(e.name)) throw new RangeError(`duplicate tar entry ${e.name}`);
    seen.add(e.name);
    let short = e.name;
    if (enc.encode(e.name).length > 100) {
      const pax = paxPath(e.name);
      parts.push(header('PaxHeader', pax.length, options.mtime, 'x'), ...padded(pax));
      short = `long-name-${seen.size}`;
    }
    parts.push(header(short, e.bytes.length, options.mtime, '0'), ...padded(e.bytes));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  return concatByteList(parts);
}

function invalid(message: string, details: Record<string, unknown> = {}): never {
  throw notaryError('ARCHIVE_INVALID', `archive: ${message}`, { details });
}

function field(h: Uint8Array, offset: number, length: number): string {
  const raw = h.subarray(offset, offset + length);
  const nul = raw.indexOf(0);
  try {
    return dec.decode(nul === -1 ? raw : raw.subarray(0, nul));
  } catch {
    return invalid('header field is not utf-8', { offset });
  }
}

function octal(h: Uint8Array, offset: number, length: number, what: string): number {
  const text = field(h, offset, length).trim();
  // Octal digits only (no base-256 extension: nothing we write is that large).
  if (!/^[0-7]{1,12}$/.test(text)) invalid(`bad ${what} field`, { field: what });
  const n = Number.parseInt(text, 8);
  if (!Number.isSafeInteger(n)) invalid(`bad ${what} field`, { field: what });
  return n;
}

function checksumOk(h: Uint8Array): boolean {
  const want = octal(h, 148, 8, 'checksum');
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] as number);
  return sum === want;
}

function parsePax(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = dec.decode(bytes);
  } catch {
    return invalid('pax header is not utf-8');
  }
  let path: string | undefined;
  let at = 0;
  while (at < text.length) {
    const sp = text.indexOf(' ', at);
    if (sp === -1) invalid('malformed pax record');
    const len = Number(text.slice(at, sp));
    if (!Number.isSafeInteger(len) || len <= sp - at + 1) invalid('malformed pax record');
    const rec = enc.encode(text.slice(at)).subarray(0, len);
    const recText = dec.decode(rec);
    if (!recText.endsWith('\n')) invalid('malformed pax record');
    const kv = recText.slice(sp - at + 1, -1);
    const eq = kv.indexOf('=');
    if (eq === -1) invalid('malformed pax record');
    if (kv.slice(0, eq) === 'path') path = kv.slice(eq + 1);
    at += recText.length;
  }
  return path;
}

/**
 * Reads a tar produced by `writeTar` (or any ustar/pax tar of regular files). Strict: header checksums must be
 * right, sizes must fit in what is left and under `limits`, names must be relative and clean and unique, and
 * only regular files, directories (ignored) and pax headers are accepted.
 * @throws NotaryError ARCHIVE_INVALID
 */
export function readTar(data: Uint8Array, limits: TarReadLimits): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  let at = 0;
  let paxName: string | undefined;
  for (;;) {
    if (at + BLOCK > data.length) invalid('truncated (no end-of-archive marker)', { offset: at });
    const h = data.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    if (!checksumOk(h)) invalid('header checksum mismatch', { offset: at });
    const size = octal(h, 124, 12, 'size');
    const type = String.fromCharCode(h[156] as number);
    const start = at + BLOCK;
    if (size > limits.maxEntryBytes) invalid(`entry larger than ${limits.maxEntryBytes} bytes`, { offset: at, size });
    if (size > data.length - start) invalid('entry runs past the end of the archive', { offset: at, size });
    const body = data.subarray(start, start + size);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') {
      paxName = parsePax(body);
      continue;
    }
    if (type === '5') {
      paxName = undefined;
      continue;
    }
    if (type !== '0' && type !== '\0') invalid(`unsupported entry type ${JSON.stringify(type)}`, { offset: at });
    const prefix = field(h, 345, 155);
    const name = paxName ?? (prefix === '' ? field(h, 0, 100) : `${prefix}/${field(h, 0, 100)}`);
    paxName = undefined;
    try {
      assertName(name);
    } catch {
      invalid(`unsafe entry name ${JSON.stringify(name)}`, { name });
    }
    if (out.has(name)) invalid(`duplicate entry ${name}`, { name });
    if (out.size >= limits.maxEntries) invalid(`more than ${limits.maxEntries} entries`);
    out.set(name, body);
  }
  return out;
}
