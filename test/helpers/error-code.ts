// The NotaryError code a synchronous call throws ('NOT_NOTARY' for any other error, undefined when it returns).
import { isNotaryError } from '../../src/errors.js';

export function thrownCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isNotaryError(e) ? e.code : 'NOT_NOTARY';
  }
  return undefined;
}
