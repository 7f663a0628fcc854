// MetadataCache.read when a read comes back short or ends early: what a file shrinking between fstat and read gives
// (our writers replace files by rename, never truncate them, but another tool may). A real file system cannot be
// made to do that on demand in a test, so `readSync` alone is replaced here; every other call is the real one.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MetadataCache } from '../../../src/client/cache.js';
import { openFiles } from '../../helpers/open-files.js';
import { tempDir } from '../../helpers/temp-dir.js';

const fault = vi.hoisted(() => ({ mode: 'none' as 'none' | 'short' | 'shrunk', calls: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const readSync = (fd: number, buf: Uint8Array, off: number, len: number, pos: number): number => {
    fault.calls++;
    if (fault.mode === 'none') return real.readSync(fd, buf, off, len, pos);
    if (fault.calls === 1) return real.readSync(fd, buf, off, Math.min(len, 3), pos); // 3 bytes at first
    return fault.mode === 'shrunk' ? 0 : real.readSync(fd, buf, off, len, pos); // then end of file, or the rest
  };
  return { ...real, default: { ...real, readSync }, readSync };
});

const BYTES = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

beforeEach(() => {
  fault.mode = 'none';
  fault.calls = 0;
});

describe('MetadataCache read faults', () => {
  it('a short read is continued at its offset until the whole file is read', () => {
    const c = new MetadataCache(tempDir('nt-cachef-'), 'example.com/faults');
    c.write('snapshot', BYTES);
    fault.mode = 'short';
    expect(c.read('snapshot')).toEqual(BYTES);
    expect(fault.calls).toBe(2);
  });

  it('a file that ends before its fstat size gives the bytes that were there (not zeros), and is closed', () => {
    const c = new MetadataCache(tempDir('nt-cachef-'), 'example.com/faults');
    c.write('snapshot', BYTES);
    fault.mode = 'shrunk';
    expect(c.read('snapshot')).toEqual(BYTES.subarray(0, 3));
    expect(fault.calls).toBe(2);
    expect(openFiles()).not.toContain(c.pathOf('snapshot'));
  });
});
