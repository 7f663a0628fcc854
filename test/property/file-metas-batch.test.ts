// Many tags' FileMetas made together (`sha256FileMetasFromHex`, `targetMetasOf`) equal one call per tag: the same
// bytes, the same JSON entry and canonical text, and the same refusal of the same tag.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalString } from '../../src/canonical/index.js';
import { isNotaryError } from '../../src/errors.js';
import {
  type FileMeta,
  fileMetaFromHex,
  fileMetaToJson,
  sha256FileMetasFromHex,
} from '../../src/metadata/file-meta.js';
import { type TagInput, targetMetaOf, targetMetasOf } from '../../src/signer/signable-roles.js';

const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const length = fc.oneof(fc.constantFrom(0, 1, Number.MAX_SAFE_INTEGER), fc.nat());

function same(a: FileMeta, b: FileMeta): void {
  expect(a.length).toBe(b.length);
  expect(Buffer.from(a.hashes.sha256 as Uint8Array).equals(Buffer.from(b.hashes.sha256 as Uint8Array))).toBe(true);
  expect(a.hashes.sha256?.length).toBe(32);
  expect(a.hashes.sha512).toBeUndefined();
  expect(fileMetaToJson(a)).toEqual(fileMetaToJson(b));
  expect(canonicalString(fileMetaToJson(a))).toBe(canonicalString(fileMetaToJson(b)));
}

/** What a call throws: its class and message (RangeError) or its code and details (NotaryError), or 'ok'. */
function outcome(f: () => unknown): unknown {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (isNotaryError(e)) return { code: e.code, details: e.details };
    if (e instanceof RangeError) return { range: e.message };
    throw e;
  }
}

describe('FileMetas of many sha256 digests at once', () => {
  it('equal fileMetaFromHex digest by digest (edge bytes and lengths included)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(hex64, length), { maxLength: 40 }), (items) => {
        const edge: [string, number][] = [
          ['00'.repeat(32), 0],
          ['ff'.repeat(32), 7],
        ];
        const all = [...edge, ...items];
        const batch = sha256FileMetasFromHex(
          all.map(([h]) => h),
          all.map(([, l]) => l),
        );
        expect(batch).toHaveLength(all.length);
        for (const [i, [h, l]] of all.entries()) same(batch[i] as FileMeta, fileMetaFromHex('sha256', h, l));
      }),
    );
  });

  it('refuses what fileMetaFromHex refuses, with its message', () => {
    const good = 'ab'.repeat(32);
    const bad: [string, number][] = [
      ['AB'.repeat(32), 1],
      ['ab'.repeat(31), 1],
      [`${'ab'.repeat(31)}ag`, 1],
      [good, -1],
      [good, 1.5],
      [good, Number.MAX_SAFE_INTEGER + 1],
    ];
    for (const [h, l] of bad) {
      const want = outcome(() => fileMetaFromHex('sha256', h, l));
      expect(want).not.toBe('ok');
      expect(outcome(() => sha256FileMetasFromHex([good, h], [2, l]))).toEqual(want);
    }
    expect(outcome(() => sha256FileMetasFromHex([good], []))).toEqual({ range: 'one length per digest' });
    expect(sha256FileMetasFromHex([], [])).toEqual([]);
  });
});

describe('targetMetasOf', () => {
  const tag = (i: number, digest = `sha256:${i.toString(16).padStart(64, '0')}`, size = i): TagInput => ({
    tag: `t${i}`,
    digest,
    size,
  });
  const spoilers: [string, (t: TagInput) => TagInput][] = [
    ['empty tag', (t) => ({ ...t, tag: '' })],
    ['control character', (t) => ({ ...t, tag: 'a\nb' })],
    ['sha512 digest', (t) => ({ ...t, digest: `sha512:${'ab'.repeat(64)}` })],
    ['no algorithm', (t) => ({ ...t, digest: 'ab'.repeat(32) })],
    ['upper-case hex', (t) => ({ ...t, digest: `sha256:${'AB'.repeat(32)}` })],
    ['short hex', (t) => ({ ...t, digest: 'sha256:abcd' })],
    ['negative size', (t) => ({ ...t, size: -1 })],
    ['fractional size', (t) => ({ ...t, size: 0.5 })],
    ['non-canonical custom', (t) => ({ ...t, custom: 1.5 as unknown as number })],
  ];

  it('equals targetMetaOf tag by tag, custom values included', () => {
    const tags = [...Array.from({ length: 50 }, (_, i) => tag(i)), { ...tag(50), custom: { note: 'x' } }];
    const batch = targetMetasOf(tags);
    tags.forEach((t, i) => {
      const one = targetMetaOf(t);
      expect(batch[i]?.custom).toEqual(one.custom);
      same(batch[i] as FileMeta, one);
    });
  });

  for (const [name, spoil] of spoilers) {
    it(`a ${name} at any place fails as the first failing targetMetaOf would`, () => {
      fc.assert(
        fc.property(fc.nat({ max: 19 }), fc.option(fc.nat({ max: 19 })), (at, other) => {
          const tags = Array.from({ length: 20 }, (_, i) => tag(i));
          tags[at] = spoil(tags[at] as TagInput);
          // Sometimes a second, different problem elsewhere: the first in list order must win.
          if (other !== null && other !== at) tags[other] = { ...(tags[other] as TagInput), size: -2 };
          const want = outcome(() => tags.map(targetMetaOf));
          expect(want).not.toBe('ok');
          expect(outcome(() => targetMetasOf(tags))).toEqual(want);
        }),
        { numRuns: 30 },
      );
    });
  }
});
