// The DER reader's length rules (Go's encoding/asn1 parseTagAndLength and cryptobyte readASN1): every length in
// its shortest form, no indefinite length; the boundaries of each form still read.
import { describe, expect, it } from 'vitest';
import { children, decodeDer, decodeDerTree, readTlv, seq, TAG, tlv } from '../../../src/encoding/der.js';
import { longLength, nonMinimalLength, rawTlv, rewriteDer } from '../../helpers/der-rewrite.js';
import { expectCode } from '../keystore/helpers.js';

const octetString = (lengthBytes: number[], len: number): Uint8Array =>
  rawTlv(TAG.OCTET_STRING, lengthBytes, new Uint8Array(len).fill(0x5a));

describe('DER lengths', () => {
  it('reads the shortest form at every boundary, and writes exactly that form', () => {
    const cases: [number, number[]][] = [
      [0, [0x00]],
      [1, [0x01]],
      [127, [0x7f]],
      [128, [0x81, 0x80]],
      [255, [0x81, 0xff]],
      [256, [0x82, 0x01, 0x00]],
      [65535, [0x82, 0xff, 0xff]],
      [65536, [0x83, 0x01, 0x00, 0x00]],
    ];
    for (const [len, header] of cases) {
      const written = tlv(TAG.OCTET_STRING, new Uint8Array(len).fill(0x5a));
      expect([...written.subarray(1, 1 + header.length)], `length ${len}`).toEqual(header);
      expect(written).toEqual(octetString(header, len));
      const { node, next } = readTlv(written);
      expect(node.tag).toBe(TAG.OCTET_STRING);
      expect(node.value.length, `length ${len}`).toBe(len);
      expect(next).toBe(written.length);
      expect(decodeDerTree(written).value.length).toBe(len);
    }
  });

  it('refuses every non-minimal form with BAD_KEY_FILE (Go: "non-minimal length", "superfluous leading zeros")', () => {
    const cases: [number, number[]][] = [
      [5, [0x81, 0x05]], // long form for a short length
      [127, [0x81, 0x7f]],
      [0, [0x81, 0x00]],
      [5, [0x82, 0x00, 0x05]],
      [128, [0x82, 0x00, 0x80]], // leading zero byte
      [255, [0x82, 0x00, 0xff]],
      [256, [0x83, 0x00, 0x01, 0x00]],
      [5, [0x84, 0x00, 0x00, 0x00, 0x05]],
      [65536, [0x84, 0x00, 0x01, 0x00, 0x00]],
    ];
    for (const [len, header] of cases) {
      const der = octetString(header, len);
      expectCode(() => readTlv(der), 'BAD_KEY_FILE');
      expectCode(() => decodeDer(der), 'BAD_KEY_FILE');
    }
    // the helper's forms are the same ones
    expect(nonMinimalLength(5)).toEqual([0x81, 0x05]);
    expect(nonMinimalLength(128)).toEqual([0x82, 0x00, 0x80]);
    expect(longLength(128)).toEqual([0x81, 0x80]);
  });

  it('refuses indefinite lengths, more than four length bytes and truncated length bytes', () => {
    // 30 80 … 00 00: BER's indefinite form (Go: "indefinite length found (not DER)")
    expectCode(() => decodeDer(Uint8Array.of(0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00)), 'BAD_KEY_FILE');
    expectCode(() => readTlv(Uint8Array.of(0x04, 0x80)), 'BAD_KEY_FILE');
    expectCode(() => readTlv(Uint8Array.of(0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00)), 'BAD_KEY_FILE');
    expectCode(() => readTlv(Uint8Array.of(0x04, 0x82, 0x01)), 'BAD_KEY_FILE');
    expectCode(() => readTlv(Uint8Array.of(0x04, 0x81)), 'BAD_KEY_FILE');
  });

  it('checks the header of every child read, and decodeDerTree checks the whole constructed tree', () => {
    const inner = seq(tlv(TAG.INTEGER, Uint8Array.of(7)), seq(tlv(TAG.OCTET_STRING, Uint8Array.of(1, 2, 3))));
    const der = seq(inner, tlv(TAG.NULL));
    expect(decodeDerTree(der).bytes).toEqual(der);
    // the deepest OCTET STRING's length as 81 03
    const deep = rewriteDer(der, (path) => path.join('.') === '0.1.0');
    expect(deep.length).toBe(der.length + 1);
    expect(decodeDer(deep).tag).toBe(TAG.SEQUENCE); // the outer header alone is fine
    expect(children(decodeDer(deep))).toHaveLength(2);
    expectCode(() => decodeDerTree(deep), 'BAD_KEY_FILE');
    // a direct child with 82 00 07 is refused as soon as children() reads it
    const direct = rewriteDer(
      der,
      (path) => path.join('.') === '1',
      () => [0x82, 0x00, 0x00],
    );
    expectCode(() => children(decodeDer(direct)), 'BAD_KEY_FILE');
    // primitive contents are not DER to the reader: an OCTET STRING may hold bytes that look like a bad header
    const opaque = seq(tlv(TAG.OCTET_STRING, Uint8Array.of(0x30, 0x81, 0x01, 0x00)));
    expect(decodeDerTree(opaque).bytes).toEqual(opaque);
  });
});
