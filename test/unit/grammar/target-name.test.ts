// The one target-name rule: what the signer accepts, the verifier accepts, and the CLI lets through.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectRepository } from '../../../src/client/inspect.js';
import { lookupTarget } from '../../../src/client/lookup.js';
import type { TrustedRepository } from '../../../src/client/trusted-repository.js';
import { isNotaryError } from '../../../src/errors.js';
import { assertTargetName, isValidTargetName, targetNameProblem } from '../../../src/grammar/target-name.js';
import { targetMetaOf } from '../../../src/signer/signable-roles.js';
import { thrownCode } from '../../helpers/error-code.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('target names', () => {
  it('rejects empty names and every C0, DEL and C1 control character', () => {
    expect(targetNameProblem('')).toBeDefined();
    for (let c = 0; c <= 0x9f; c++) {
      const bad = c < 0x20 || (c >= 0x7f && c <= 0x9f);
      expect(isValidTargetName(`a${String.fromCharCode(c)}b`), `U+${c.toString(16)}`).toBe(!bad);
    }
    expect(thrownCode(() => assertTargetName('v1\n'))).toBe('INVALID_ARGUMENT');
  });

  it('accepts what a registry or Notary accepts: paths, colons, dots, Unicode', () => {
    for (const ok of ['v1', 'x/y.z', 'a:b', 'release-1.0_rc+2', 'é', '\u00a0', '日本', '😀'])
      expect(isValidTargetName(ok)).toBe(true);
  });

  it('the signer rejects exactly what the rule rejects', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (name) => {
        const signer = thrownCode(() => targetMetaOf({ tag: name, digest: DIGEST, size: 1 }));
        expect(signer === 'INVALID_ARGUMENT').toBe(!isValidTargetName(name));
      }),
    );
  });

  it('the verifier rejects the same names before reading any metadata', async () => {
    // A repository that fails the test if touched: the name check comes first.
    const untouchable = new Proxy({} as TrustedRepository, {
      get: () => {
        throw new Error('metadata was read');
      },
    });
    for (const name of ['', 'a\u0000', 'b\u007f', 'c\u0085']) {
      for (const call of [() => lookupTarget(untouchable, name), () => inspectRepository(untouchable, { tag: name })]) {
        const e = await call().catch((x: unknown) => x);
        expect(isNotaryError(e, 'INVALID_ARGUMENT'), String(e)).toBe(true);
      }
    }
  });
});
