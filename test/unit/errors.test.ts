import { describe, expect, it } from 'vitest';
import { ERROR_CODES, exitStatusFor, isNotaryError, NotaryError, notaryError } from '../../src/errors.js';

describe('NotaryError', () => {
  it('carries code, details, cause and maps to an exit status', () => {
    const cause = new Error('inner');
    const e = notaryError('ROLLBACK', 'timestamp version 1 is lower than 2', { details: { role: 'timestamp' }, cause });
    expect(e).toBeInstanceOf(NotaryError);
    expect(e.code).toBe('ROLLBACK');
    expect(e.details).toEqual({ role: 'timestamp' });
    expect(e.cause).toBe(cause);
    expect(e.exitStatus).toBe(1);
    expect(e.toJSON()).toMatchObject({ ok: false, code: 'ROLLBACK' });
  });

  it('brand check works across copies and filters by code', () => {
    const e = notaryError('TIMEOUT', 'x');
    const foreign = Object.assign(Object.create(null), {
      [Symbol.for('notary-ts.NotaryError')]: true,
      code: 'TIMEOUT',
    });
    expect(isNotaryError(e)).toBe(true);
    expect(isNotaryError(e, 'TIMEOUT')).toBe(true);
    expect(isNotaryError(e, 'NETWORK')).toBe(false);
    expect(isNotaryError(foreign, 'TIMEOUT')).toBe(true);
    expect(isNotaryError(new Error('x'))).toBe(false);
    expect(isNotaryError(null)).toBe(false);
  });

  it('every code maps to a documented exit status', () => {
    const allowed = new Set([1, 2, 3, 4, 5, 70]);
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
      expect(allowed.has(exitStatusFor(code))).toBe(true);
    }
    expect(exitStatusFor('USAGE')).toBe(2);
    expect(exitStatusFor('TARGET_NOT_FOUND')).toBe(3);
    expect(exitStatusFor('NETWORK')).toBe(4);
    expect(exitStatusFor('WRONG_PASSPHRASE')).toBe(5);
    expect(exitStatusFor('INTERNAL')).toBe(70);
  });
});
