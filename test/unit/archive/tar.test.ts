// The tar writer/reader: round trips (pax long names), GNU tar agreement, and every bound of the reader.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTar, writeTar } from '../../../src/archive/tar.js';
import { thrownCode } from '../../helpers/error-code.js';
import { tempDir } from '../../helpers/temp-dir.js';

const LIMITS = { maxEntries: 100, maxEntryBytes: 1 << 20 };
const enc = new TextEncoder();
const longName = `example.com/${'a'.repeat(120)}/_trust/tuf/targets/${'r'.repeat(90)}.json`;

describe('tar round trip', () => {
  it('reads back what it wrote, including pax long names and empty files', () => {
    const entries = [
      { name: 'manifest.json', bytes: enc.encode('{}') },
      { name: 'a/b/empty.json', bytes: new Uint8Array(0) },
      { name: 'a/b/block.bin', bytes: new Uint8Array(512).fill(7) },
      { name: longName, bytes: enc.encode('long') },
    ];
    const tar = writeTar(entries, { mtime: 1_700_000_000 });
    expect(tar.length % 512).toBe(0);
    const back = readTar(tar, LIMITS);
    expect([...back.keys()]).toEqual(entries.map((e) => e.name));
    for (const e of entries) expect(back.get(e.name)).toEqual(e.bytes);
  });

  it('GNU tar lists and extracts the same names and bytes (pax path records included)', () => {
    const dir = tempDir('tar-unit');
    const file = join(dir, 'x.tar');
    writeFileSync(file, writeTar([{ name: longName, bytes: enc.encode('long body') }], { mtime: 0 }));
    expect(execFileSync('tar', ['-tf', file], { encoding: 'utf8' }).trim()).toBe(longName);
    const outDir = join(dir, 'out');
    mkdirSync(outDir);
    execFileSync('tar', ['-xf', file, '-C', outDir]);
    expect(readFileSync(join(outDir, longName), 'utf8')).toBe('long body');
  });

  it('reads a tar made by GNU tar', () => {
    const dir = tempDir('tar-unit');
    mkdirSync(join(dir, 'in', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'in', 'sub', 'f.json'), 'gnu');
    execFileSync('tar', ['--format=ustar', '-cf', join(dir, 'g.tar'), '-C', join(dir, 'in'), 'sub/f.json']);
    const back = readTar(readFileSync(join(dir, 'g.tar')), LIMITS);
    expect(new TextDecoder().decode(back.get('sub/f.json'))).toBe('gnu');
  });

  it('refuses unsafe and duplicate names when writing', () => {
    for (const name of ['/abs', '../up', 'a/../b', 'a//b', '']) {
      expect(() => writeTar([{ name, bytes: new Uint8Array(0) }], { mtime: 0 })).toThrow(RangeError);
    }
    const e = { name: 'x', bytes: new Uint8Array(0) };
    expect(() => writeTar([e, e], { mtime: 0 })).toThrow(RangeError);
  });
});

describe('tar reader bounds (ARCHIVE_INVALID)', () => {
  const one = () => writeTar([{ name: 'f', bytes: enc.encode('hello') }], { mtime: 0 });
  const withSize = (octal: string) => {
    const t = one();
    t.set(enc.encode(octal.padStart(11, '0')), 124);
    // Fix the header checksum so only the size is wrong.
    t.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of t.subarray(0, 512)) sum += b;
    t.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    return t;
  };

  it('a size beyond the data, beyond the entry cap, or not octal', () => {
    expect(thrownCode(() => readTar(withSize('77777777777'), LIMITS))).toBe('ARCHIVE_INVALID');
    expect(thrownCode(() => readTar(withSize('10'), { maxEntries: 10, maxEntryBytes: 4 }))).toBe('ARCHIVE_INVALID');
    expect(thrownCode(() => readTar(withSize('9'), LIMITS))).toBe('ARCHIVE_INVALID');
  });

  it('a changed header byte (checksum), truncation, too many entries, unknown entry types', () => {
    const t = one();
    t[0] = 0x67; // 'g'
    expect(thrownCode(() => readTar(t, LIMITS))).toBe('ARCHIVE_INVALID');
    expect(thrownCode(() => readTar(one().subarray(0, 600), LIMITS))).toBe('ARCHIVE_INVALID');
    expect(thrownCode(() => readTar(new Uint8Array(0), LIMITS))).toBe('ARCHIVE_INVALID');
    const two = writeTar(
      [
        { name: 'a', bytes: new Uint8Array(1) },
        { name: 'b', bytes: new Uint8Array(1) },
      ],
      { mtime: 0 },
    );
    expect(thrownCode(() => readTar(two, { maxEntries: 1, maxEntryBytes: 10 }))).toBe('ARCHIVE_INVALID');
    const link = one();
    link[156] = 0x32; // '2' symlink
    link.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of link.subarray(0, 512)) sum += b;
    link.set(enc.encode(`${sum.toString(8).padStart(6, '0')}\0 `), 148);
    expect(thrownCode(() => readTar(link, LIMITS))).toBe('ARCHIVE_INVALID');
  });
});
