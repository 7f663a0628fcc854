// Printing results and errors: plain text for people, one JSON document with --json.
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';
import type { WritableLike } from './context.js';

export function printJson(out: WritableLike, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
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

/** Pads columns for the table outputs (`notary list` style). */
export function table(rows: string[][], header: string[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  const sep = widths.map((w) => '-'.repeat(w));
  return `${[line(header), line(sep), ...rows.map(line)].join('\n')}\n`;
}
