import { describe, expect, expectTypeOf, it } from 'vitest';
import { EXIT_STATUS_BY_CATEGORY, exitStatusFor } from '../../src/cli/exit-status.js';
import { categoryOf, ERROR_CODES, isNotaryError, NotaryError, notaryError } from '../../src/errors.js';

describe('NotaryError', () => {
  it('carries code, category, details and cause', () => {
    const cause = new Error('inner');
    const e = notaryError('ROLLBACK', 'timestamp version 1 is lower than 2', { details: { role: 'timestamp' }, cause });
    expect(e).toBeInstanceOf(NotaryError);
    expect(e.code).toBe('ROLLBACK');
    expect(e.category).toBe('trust');
    expect(e.details).toEqual({ role: 'timestamp' });
    expect(e.cause).toBe(cause);
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
});

describe('categories', () => {
  it('every code has one of the six categories', () => {
    const allowed = new Set(['trust', 'usage', 'not-found', 'remote', 'key', 'internal']);
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
      expect(allowed.has(categoryOf(code))).toBe(true);
    }
    expect(categoryOf('BAD_SIGNATURE')).toBe('trust');
    expect(categoryOf('INVALID_GUN')).toBe('usage');
    expect(categoryOf('TARGET_NOT_FOUND')).toBe('not-found');
    expect(categoryOf('NETWORK')).toBe('remote');
    expect(categoryOf('WRONG_PASSPHRASE')).toBe('key');
    expect(categoryOf('IO')).toBe('internal');
  });
});

describe('CLI exit statuses (the only category → status map)', () => {
  it('keeps the documented statuses: trust 1, usage 2, not-found 3, remote 4, key 5, internal 70', () => {
    expect(EXIT_STATUS_BY_CATEGORY).toEqual({ trust: 1, usage: 2, 'not-found': 3, remote: 4, key: 5, internal: 70 });
    expect(exitStatusFor('ROLLBACK')).toBe(1);
    expect(exitStatusFor('USAGE')).toBe(2);
    expect(exitStatusFor('TARGET_NOT_FOUND')).toBe(3);
    expect(exitStatusFor('NETWORK')).toBe(4);
    expect(exitStatusFor('WRONG_PASSPHRASE')).toBe(5);
    expect(exitStatusFor('INTERNAL')).toBe(70);
  });
});

describe('details typed per code', () => {
  it("isNotaryError with a code narrows details to that code's documented fields", () => {
    const e: unknown = notaryError('ROLLBACK', 'targets version 3 is lower than 5', {
      details: { role: 'targets', version: 3, trustedVersion: 5 },
    });
    if (!isNotaryError(e, 'ROLLBACK')) throw new Error('not narrowed');
    expectTypeOf(e.details.trustedVersion).toEqualTypeOf<number | undefined>();
    expectTypeOf(e.details.role).toEqualTypeOf<string | undefined>();
    expect(e.details.trustedVersion).toBe(5);
    const m: unknown = notaryError('REGISTRY_MISMATCH', 'moved', {
      details: { signed: { digest: 'sha256:aa', size: 1 }, registry: { digest: 'sha256:bb', size: 2 } },
    });
    if (!isNotaryError(m, 'REGISTRY_MISMATCH')) throw new Error('not narrowed');
    expectTypeOf(m.details.registry).toEqualTypeOf<{ digest: string; size: number } | undefined>();
    expect(m.details.registry?.digest).toBe('sha256:bb');
    // A code without documented fields keeps free-form details.
    const x = notaryError('IO', 'disk', { details: { path: '/x' } });
    expectTypeOf(x.details).toMatchTypeOf<Record<string, unknown>>();
    expect(x.details['path']).toBe('/x');
  });
});
