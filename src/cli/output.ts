// Printing results and errors: plain text for people, one JSON document with --json.
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';
import type { WritableLike } from './context.js';

export function printJson(out: WritableLike, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * JSON as docker's inspect prints it (`json.Indent` with four spaces over `json.Marshal`): Go escapes `<`, `>`, `&`,
 * U+2028 and U+2029 in strings; outside strings none of them can occur, so replacing them everywhere is exact.
 */
export function printDockerJson(out: WritableLike, value: unknown): void {
  const text = JSON.stringify(value, null, 4).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, '0')}`,
  );
  out.write(`${text}\n`);
}

/** Byte order of the UTF-8 encodings (Go's string comparison). */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Any thrown value as a NotaryError: unknown failures become INTERNAL (exit 70). */
export function asNotaryError(e: unknown): NotaryError {
  if (isNotaryError(e)) return e;
  const err = e instanceof Error ? e : new Error(String(e));
  return notaryError('INTERNAL', `internal error: ${err.message}`, { cause: err });
}

export function printError(err: NotaryError, json: boolean, out: WritableLike, debug: boolean): void {
  if (json) {
    out.write(`${JSON.stringify(err.toJSON())}\n`);
    return;
  }
  out.write(`notary-ts: ${err.code}: ${err.message}\n`);
  if (debug && err.cause instanceof Error && err.cause.stack) out.write(`${err.cause.stack}\n`);
}

/**
 * A table as Go's tabwriter prints it for `notary list` (padding 4, minimum width 4): the header underlined with
 * dashes of the header's own length, the last column unpadded. Docker's formatter tables use padding 3, minimum 10.
 */
export function goTable(header: string[], rows: string[][], padding = 4, minWidth = 4): string {
  const all = [header, header.map((h) => '-'.repeat(h.length)), ...rows];
  const len = (c: string) => [...c].length;
  // A loop, not Math.max(...rows): a list may have 50k rows, too many for spread arguments.
  const widths = header.map(() => 0);
  for (const r of all) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i] ?? 0, len(r[i] ?? ''));
  const cols = widths.map((w) => Math.max(minWidth, w + padding));
  const line = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((cols[i] ?? 0) - len(c)))).join('');
  return `${all.map(line).join('\n')}\n`;
}
