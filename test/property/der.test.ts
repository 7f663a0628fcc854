// Property tests of the DER reader: what the writer writes reads back as the same tree, whatever the lengths;
// the same tree with any one header's length in a non-minimal form is refused, as Go refuses it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { children, type Der, decodeDerTree, readTlv, TAG, tlv } from '../../src/encoding/der.js';
import { isNotaryError } from '../../src/errors.js';
import { nonMinimalLength, rawTlv, rewriteDer } from '../helpers/der-rewrite.js';

type Tree = { tag: number; bytes: Uint8Array } | { tag: number; kids: Tree[] };

const primitiveTag = fc.constantFrom(TAG.INTEGER, TAG.OCTET_STRING, TAG.NULL, TAG.OID, TAG.UTF8_STRING, 0x80, 0x81);
const constructedTag = fc.constantFrom(TAG.SEQUENCE, TAG.SET, 0xa0, 0xa3);
const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ tag: primitiveTag, bytes: fc.uint8Array({ maxLength: 300 }) }),
    fc.record({ tag: constructedTag, kids: fc.array(tie('tree'), { maxLength: 4 }) }),
  ),
}));

const encode = (t: Tree): Uint8Array => ('kids' in t ? tlv(t.tag, ...t.kids.map(encode)) : tlv(t.tag, t.bytes));
const read = (d: Der): Tree =>
  d.tag & 0x20 ? { tag: d.tag, kids: children(d).map(read) } : { tag: d.tag, bytes: new Uint8Array(d.value) };

/** Every node's path (child indexes from the root), constructed values descended into. */
function paths(t: Tree, at: number[] = [], out: number[][] = []): number[][] {
  out.push(at);
  if ('kids' in t) for (const [i, k] of t.kids.entries()) paths(k, [...at, i], out);
  return out;
}

const refused = (fn: () => unknown): boolean => {
  try {
    fn();
    return false;
  } catch (e) {
    return isNotaryError(e, 'BAD_KEY_FILE');
  }
};

describe('DER reader properties', () => {
  it('encode → decode round-trips any tree, and re-encoding yields the same bytes', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const der = encode(t);
        const back = read(decodeDerTree(der));
        expect(back).toEqual(t);
        expect(encode(back)).toEqual(der);
        expect(rewriteDer(der, () => false)).toEqual(der);
      }),
      { numRuns: 300 },
    );
  });

  it('any length from 0 to 70000 reads back from its minimal encoding', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70_000 }), (len) => {
        const der = tlv(TAG.OCTET_STRING, new Uint8Array(len));
        const { node, next } = readTlv(der);
        expect(node.value.length).toBe(len);
        expect(next).toBe(der.length);
        expect(der.length - len).toBe(len < 0x80 ? 2 : len < 0x100 ? 3 : len < 0x10000 ? 4 : 5);
      }),
      { numRuns: 200 },
    );
  });

  it('one header with a non-minimal length anywhere in the tree is refused (BAD_KEY_FILE)', () => {
    fc.assert(
      fc.property(tree, fc.nat(), fc.integer({ min: 0, max: 2 }), (t, pick, extraZeros) => {
        const der = encode(t);
        const all = paths(t);
        const target = (all[pick % all.length] as number[]).join('.');
        const bad = rewriteDer(
          der,
          (p) => p.join('.') === target,
          (len) => nonMinimalLength(len, extraZeros),
        );
        expect(bad.length).toBeGreaterThan(der.length);
        expect(refused(() => decodeDerTree(bad))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a non-minimal length is refused whatever the length: long form below 128, leading zero bytes above', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70_000 }), fc.integer({ min: 0, max: 2 }), (len, extraZeros) => {
        const bad = rawTlv(TAG.OCTET_STRING, nonMinimalLength(len, extraZeros), new Uint8Array(len));
        expect(refused(() => readTlv(bad))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
