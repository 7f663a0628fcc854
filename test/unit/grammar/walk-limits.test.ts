// The delegation-walk limits (src/grammar/walk-limits.ts), shared by the verifier's walk and the signer.
import { describe, expect, it } from 'vitest';
import {
  delegationDepth,
  MAX_DELEGATION_DEPTH,
  MAX_DELEGATION_FANOUT,
  MAX_DELEGATIONS_LOADED,
  withinDepthLimit,
} from '../../../src/grammar/walk-limits.js';

const nested = (depth: number): string => ['targets', ...Array.from({ length: depth }, (_, i) => `d${i}`)].join('/');

describe('walk limits', () => {
  it('has the documented values', () => {
    expect([MAX_DELEGATION_DEPTH, MAX_DELEGATION_FANOUT, MAX_DELEGATIONS_LOADED]).toEqual([16, 1024, 4096]);
  });
  it('counts depth below targets', () => {
    expect(delegationDepth('targets')).toBe(0);
    expect(delegationDepth('targets/a')).toBe(1);
    expect(delegationDepth(nested(5))).toBe(5);
  });
  it('accepts depth 16, refuses 17', () => {
    expect(withinDepthLimit(nested(MAX_DELEGATION_DEPTH))).toBe(true);
    expect(withinDepthLimit(nested(MAX_DELEGATION_DEPTH + 1))).toBe(false);
  });
});
