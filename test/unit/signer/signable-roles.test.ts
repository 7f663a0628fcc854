import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalString } from '../../../src/canonical/index.js';
import { isNotaryError } from '../../../src/errors.js';
import { fileMetaToJson } from '../../../src/metadata/file-meta.js';
import { targetMetaOf } from '../../../src/signer/signable-roles.js';

const hex256 = createHash('sha256').update('m').digest('hex');
const hex512 = createHash('sha512').update('m').digest('hex');

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isNotaryError(e) ? e.code : 'not a NotaryError';
  }
  return undefined;
}

describe('targetMetaOf (tag → target meta)', () => {
  it('takes the digest as the only hash and the size as length', () => {
    const m = targetMetaOf({ tag: 'v1', digest: `sha256:${hex256}`, size: 1234 });
    expect(m.length).toBe(1234);
    expect(m.hashes.sha256).toEqual(new Uint8Array(Buffer.from(hex256, 'hex')));
    expect(canonicalString(fileMetaToJson(m))).toBe(
      `{"hashes":{"sha256":"${Buffer.from(hex256, 'hex').toString('base64')}"},"length":1234}`,
    );
    // sha512 is refused up front: verify answers with the sha256, so such a target could never be verified.
    expect(code(() => targetMetaOf({ tag: 'v1', digest: `sha512:${hex512}`, size: 0 }))).toBe('INVALID_ARGUMENT');
  });

  it('keeps custom and writes it', () => {
    const m = targetMetaOf({ tag: 'v1', digest: `sha256:${hex256}`, size: 1, custom: { b: 1, a: ['x'] } });
    expect(canonicalString(fileMetaToJson(m))).toContain('"custom":{"a":["x"],"b":1}');
  });

  it('refuses bad tags, digests, sizes and custom values with INVALID_ARGUMENT', () => {
    const bad = [
      { tag: '', digest: `sha256:${hex256}`, size: 1 },
      { tag: 'v1', digest: `sha256:${hex256.toUpperCase()}`, size: 1 },
      { tag: 'v1', digest: `sha256:${hex256.slice(1)}`, size: 1 },
      { tag: 'v1', digest: `sha256:${hex512}`, size: 1 },
      { tag: 'v1', digest: `sha512:${hex256}`, size: 1 },
      { tag: 'v1', digest: `md5:${hex256.slice(32)}`, size: 1 },
      { tag: 'v1', digest: hex256, size: 1 },
      { tag: 'v1', digest: `sha256:${hex256}`, size: -1 },
      { tag: 'v1', digest: `sha256:${hex256}`, size: 1.5 },
      { tag: 'v1', digest: `sha256:${hex256}`, size: 1, custom: { f: 0.5 } },
      { tag: 'v1', digest: 42 as unknown as string, size: 1 },
    ];
    for (const t of bad) expect(code(() => targetMetaOf(t))).toBe('INVALID_ARGUMENT');
  });
});
