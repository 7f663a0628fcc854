// Test helper: re-encodes a DER tree with chosen headers in a non-minimal (BER) length form, the rest minimal.
import { children, type Der, decodeDer, tlv } from '../../src/encoding/der.js';

/** Long-form length bytes: the value big-endian (one byte for 0) behind `extraZeros` zero bytes. */
export function longLength(len: number, extraZeros = 0): number[] {
  const b: number[] = [];
  for (let n = len; n > 0; n = Math.floor(n / 256)) b.unshift(n % 256);
  if (b.length === 0) b.push(0);
  for (let i = 0; i < extraZeros; i++) b.unshift(0);
  return [0x80 | b.length, ...b];
}

/** A length form Go refuses for `len`: long form below 128 (`81 05`), else a leading zero byte (`82 00 80`). */
export function nonMinimalLength(len: number, extraZeros = 0): number[] {
  return longLength(len, len < 0x80 ? extraZeros : Math.max(1, extraZeros));
}

/** A TLV with the given raw length bytes. */
export function rawTlv(tag: number, lengthBytes: readonly number[], content: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + lengthBytes.length + content.length);
  out[0] = tag;
  out.set(lengthBytes, 1);
  out.set(content, 1 + lengthBytes.length);
  return out;
}

/**
 * Re-serialises `der` (read with the strict reader, so it must be minimal), writing the header of every node that
 * `pick` selects with `length(contentLength)`; the lengths of the nodes around it follow. Paths are child indexes
 * from the root (`[]`), descending into constructed values only.
 */
export function rewriteDer(
  der: Uint8Array,
  pick: (path: readonly number[], node: Der) => boolean,
  length: (len: number) => number[] = (len) => nonMinimalLength(len),
): Uint8Array {
  const encode = (node: Der, path: number[]): Uint8Array => {
    let content = node.value;
    if (node.tag & 0x20) {
      const parts = children(node).map((c, i) => encode(c, [...path, i]));
      content = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let o = 0;
      for (const p of parts) {
        content.set(p, o);
        o += p.length;
      }
    }
    return pick(path, node) ? rawTlv(node.tag, length(content.length), content) : tlv(node.tag, content);
  };
  return encode(decodeDer(der), []);
}

/** The node at `path`. */
export function nodeAt(der: Uint8Array, path: readonly number[]): Der {
  let node = decodeDer(der);
  for (const i of path) node = children(node)[i] as Der;
  return node;
}
