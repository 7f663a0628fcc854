// StagedWrite when the threadpool write itself fails or comes back short: faults a real file system cannot be made
// to produce on demand in a test (ENOSPC/EIO on a fresh file, partial writes), so `write` alone is replaced here;
// every other call still reaches the real file system.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MetadataCache } from '../../../src/client/cache.js';
import { StagedWrite } from '../../../src/client/staged-write.js';
import { openFiles } from '../../helpers/open-files.js';
import { tempDir } from '../../helpers/temp-dir.js';

type WriteCb = (err: NodeJS.ErrnoException | null, n: number) => void;

const fault = vi.hoisted(() => ({ mode: 'none' as 'none' | 'enospc' | 'short' | 'zero', calls: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const write = (fd: number, buf: Uint8Array, off: number, len: number, pos: null, cb: WriteCb): void => {
    fault.calls++;
    if (fault.mode === 'enospc') {
      const e = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      process.nextTick(cb, e, 0);
    } else if (fault.mode === 'zero') {
      process.nextTick(cb, null, 0);
    } else if (fault.mode === 'short' && fault.calls === 1) {
      real.write(fd, buf, off, Math.min(len, 3), pos, cb); // the first write takes only 3 bytes
    } else {
      real.write(fd, buf, off, len, pos, cb);
    }
  };
  return { ...real, default: { ...real, write }, write };
});

const BYTES = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

beforeEach(() => {
  fault.mode = 'none';
  fault.calls = 0;
});

describe('StagedWrite faults', () => {
  it('a short write is continued where it stopped until every byte is written', async () => {
    fault.mode = 'short';
    const dir = tempDir('nt-stagedf-');
    const s = new StagedWrite('root', join(dir, 'root.json'), BYTES, 0o600, 0o700);
    await expect(s.ready()).resolves.toBeUndefined();
    expect(fault.calls).toBe(2);
    s.commit();
    expect(new Uint8Array(readFileSync(join(dir, 'root.json')))).toEqual(BYTES);
  });

  it('a failed write (ENOSPC) is what ready() reports; the temp file is closed, and discard removes it', async () => {
    fault.mode = 'enospc';
    const dir = tempDir('nt-stagedf-');
    const s = new StagedWrite('root', join(dir, 'root.json'), BYTES, 0o600, 0o700);
    expect(await s.ready()).toMatchObject({ code: 'ENOSPC' });
    expect(openFiles()).not.toContain(s.tmp);
    expect(existsSync(s.tmp)).toBe(true);
    await s.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a write that makes no progress is an error, not an endless loop', async () => {
    fault.mode = 'zero';
    const dir = tempDir('nt-stagedf-');
    const s = new StagedWrite('root', join(dir, 'root.json'), BYTES, 0o600, 0o700);
    expect(await s.ready()).toBeInstanceOf(Error);
    expect(fault.calls).toBe(1);
    expect(openFiles()).not.toContain(s.tmp);
    await s.discard();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('commitAll reports a failed staged write as IO (role, path, cause) and leaves neither the file nor a temp file', async () => {
    const c = new MetadataCache(tempDir('nt-stagedf-'), 'example.com/faults');
    c.write('timestamp', Uint8Array.of(1));
    fault.mode = 'enospc';
    let err: unknown;
    try {
      await c.commitAll([
        { role: 'snapshot', bytes: BYTES },
        { role: 'timestamp', bytes: BYTES },
      ]);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'IO', details: { role: 'snapshot', path: c.pathOf('snapshot') } });
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('ENOSPC');
    expect(readdirSync(c.dir)).toEqual(['timestamp.json']);
    expect(c.read('timestamp')).toEqual(Uint8Array.of(1));
  });
});
