// The NotaryError code a synchronous call throws ('NOT_NOTARY' for any other error, undefined when it returns).
import { isNotaryError } from '../../src/errors.js';

/** What a synchronous call ends in: `{ code: 'ok' }`, or the NotaryError's code and details (other errors rethrown). */
export function outcome(fn: () => unknown): { code: string; details?: Record<string, unknown> } {
  try {
    fn();
    return { code: 'ok' };
  } catch (e) {
    if (isNotaryError(e)) return { code: e.code, details: e.details };
    throw e;
  }
}

export function thrownCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isNotaryError(e) ? e.code : 'NOT_NOTARY';
  }
  return undefined;
}

/** The NotaryError code a promise rejects with ('NOT_NOTARY' for any other error, undefined when it resolves). */
export async function rejectedCode(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isNotaryError(e) ? e.code : 'NOT_NOTARY';
  }
  return undefined;
}

/** The error a synchronous call throws (fails the test when it returns). */
export function thrownError(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('did not throw');
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectedError(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('did not reject');
}
