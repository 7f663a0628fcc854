import { describe, expect, it } from 'vitest';
import {
  decodeFirstPemBlock,
  decodePemBlocks,
  encodePemBlock,
  encodePemBlocks,
  pemHeaders,
} from '../../../src/keystore/pem.js';
import { expectCode } from './helpers.js';

const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff);

describe('encodePemBlock (Go encoding/pem)', () => {
  it('writes sorted headers, a blank line, 64-column base64 and a trailing newline', () => {
    const text = encodePemBlock({
      type: 'ENCRYPTED PRIVATE KEY',
      headers: pemHeaders({ role: 'targets', path: 'abc', gun: 'example.com/a' }),
      bytes: bytes(100),
    });
    const b64 = Buffer.from(bytes(100)).toString('base64');
    expect(text).toBe(
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\n' +
        'gun: example.com/a\npath: abc\nrole: targets\n\n' +
        `${b64.slice(0, 64)}\n${b64.slice(64, 128)}\n${b64.slice(128)}\n` +
        '-----END ENCRYPTED PRIVATE KEY-----\n',
    );
  });

  it('puts Proc-Type first, then the rest in byte order (uppercase before lowercase)', () => {
    const text = encodePemBlock({
      type: 'EC PRIVATE KEY',
      headers: pemHeaders({ role: 'root', 'DEK-Info': 'AES-256-CBC,00', gun: 'g', 'Proc-Type': '4,ENCRYPTED' }),
      bytes: bytes(3),
    });
    expect(text.split('\n').slice(1, 6)).toEqual([
      'Proc-Type: 4,ENCRYPTED',
      'DEK-Info: AES-256-CBC,00',
      'gun: g',
      'role: root',
      '',
    ]);
  });

  it('sorts non-ASCII header names by UTF-8 bytes, not UTF-16 units', () => {
    const text = encodePemBlock({ type: 'X', headers: pemHeaders({ '😀': '1', '！': '2' }), bytes: bytes(1) });
    expect(text.indexOf('！')).toBeLessThan(text.indexOf('😀'));
  });

  it('writes no blank line without headers and no body line for an empty body', () => {
    expect(encodePemBlock({ type: 'PRIVATE KEY', headers: pemHeaders(), bytes: new Uint8Array(0) })).toBe(
      '-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n',
    );
    const exact64 = encodePemBlock({ type: 'K', headers: pemHeaders(), bytes: bytes(48) });
    expect(exact64.split('\n')).toHaveLength(4);
  });

  it('refuses header names with a colon and values with line breaks (RangeError, programmer misuse)', () => {
    expect(() => encodePemBlock({ type: 'K', headers: pemHeaders({ 'a:b': 'x' }), bytes: bytes(1) })).toThrow(
      RangeError,
    );
    expect(() => encodePemBlock({ type: 'K', headers: pemHeaders({ role: 'a\nb' }), bytes: bytes(1) })).toThrow(
      RangeError,
    );
  });
});

describe('decodePemBlocks', () => {
  it('round-trips blocks with headers, several per input (an export bundle)', () => {
    const blocks = [
      { type: 'ENCRYPTED PRIVATE KEY', headers: pemHeaders({ path: 'p1', role: 'root' }), bytes: bytes(200) },
      { type: 'PRIVATE KEY', headers: pemHeaders(), bytes: bytes(5) },
    ];
    const text = encodePemBlocks(blocks);
    const back = decodePemBlocks(text);
    expect(back).toHaveLength(2);
    expect(back[0]?.type).toBe('ENCRYPTED PRIVATE KEY');
    expect({ ...back[0]?.headers }).toEqual({ path: 'p1', role: 'root' });
    expect(back[0]?.bytes).toEqual(bytes(200));
    expect(back[1]?.bytes).toEqual(bytes(5));
    expect(encodePemBlocks(back)).toBe(text);
    expect(decodePemBlocks(new TextEncoder().encode(text))).toHaveLength(2);
  });

  it('ignores text around blocks, accepts CRLF, trims header whitespace, last repeated header wins', () => {
    const text =
      'Bag Attributes: junk\r\n-----BEGIN PRIVATE KEY-----\r\nrole :  a \r\nrole: b\r\n\r\nAAEC\r\nAw==\r\n' +
      '-----END PRIVATE KEY-----  \r\ntrailing words\n';
    const [b] = decodePemBlocks(text);
    expect(b?.headers['role']).toBe('b');
    expect(b?.bytes).toEqual(Uint8Array.of(0, 1, 2, 3));
  });

  it('keeps a "__proto__" header as plain data', () => {
    const [b] = decodePemBlocks('-----BEGIN K-----\n__proto__: x\n\nAA==\n-----END K-----\n');
    expect(Object.getPrototypeOf(b?.headers)).toBe(null);
    expect(Object.entries(b?.headers ?? {})).toEqual([['__proto__', 'x']]);
  });

  it('returns no blocks for text without any, and decodeFirstPemBlock reports BAD_KEY_FILE', () => {
    expect(decodePemBlocks('nothing here')).toEqual([]);
    expectCode(() => decodeFirstPemBlock(''), 'BAD_KEY_FILE');
  });

  it('reports truncated, mismatched and garbled blocks as BAD_KEY_FILE', () => {
    const good = encodePemBlock({ type: 'PRIVATE KEY', headers: pemHeaders({ role: 'x' }), bytes: bytes(80) });
    expectCode(() => decodePemBlocks(good.slice(0, good.length - 30)), 'BAD_KEY_FILE');
    expectCode(() => decodePemBlocks(good.replace('END PRIVATE KEY', 'END PUBLIC KEY')), 'BAD_KEY_FILE');
    expectCode(() => decodePemBlocks(good.replace(/\n([A-Za-z0-9+/]{10})/, '\n!!$1')), 'BAD_KEY_FILE');
    expectCode(() => decodePemBlocks('-----BEGIN K-----\nAAA\n-----END K-----\n'), 'BAD_KEY_FILE');
    expectCode(() => decodePemBlocks(Uint8Array.of(0x2d, 0xff, 0xfe)), 'BAD_KEY_FILE');
    expectCode(() => decodePemBlocks('-----BEGIN K-----\nAA==\n-----END K----- x\n'), 'BAD_KEY_FILE');
  });

  it('skips a BEGIN line that is not a type line, as Go does', () => {
    const [b] = decodePemBlocks('-----BEGIN broken\n-----BEGIN K-----\nAA==\n-----END K-----\n');
    expect(b?.type).toBe('K');
  });
});
