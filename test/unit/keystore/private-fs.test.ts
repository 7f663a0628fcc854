import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isNotaryError } from '../../../src/errors.js';
import { ensurePrivateDir, readBounded } from '../../../src/keystore/private-fs.js';
import { tempDir } from '../../helpers/temp-dir.js';

// The synchronous open/read of key files and the private directory (SPEC §7.8 "Today's changes"): every failure is
// a NotaryError with its code and the path in details; nothing leaks a file descriptor.

async function failure(p: Promise<unknown>): Promise<{ code: string; details: unknown } | 'resolved'> {
  try {
    await p;
  } catch (e) {
    if (!isNotaryError(e)) throw e;
    return { code: e.code, details: e.details };
  }
  return 'resolved';
}

const openFds = () => readdirSync('/proc/self/fd').length;

describe('readBounded', () => {
  it('reads up to exactly max bytes; one more is BAD_KEY_FILE with path and max', async () => {
    const dir = tempDir('rb-');
    const path = join(dir, 'k.key');
    writeFileSync(path, 'abcd');
    expect(Buffer.from(await readBounded(path, 4)).toString()).toBe('abcd');
    expect(await failure(readBounded(path, 3))).toEqual({ code: 'BAD_KEY_FILE', details: { path, max: 3 } });
  });

  it('absent: KEY_NOT_FOUND; a directory: BAD_KEY_FILE; below a file: IO; each with the path', async () => {
    const dir = tempDir('rb-');
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    const missing = join(dir, 'none.key');
    expect(await failure(readBounded(missing))).toEqual({ code: 'KEY_NOT_FOUND', details: { path: missing } });
    expect(await failure(readBounded(dir))).toEqual({ code: 'BAD_KEY_FILE', details: { path: dir } });
    const below = join(file, 'k.key');
    expect(await failure(readBounded(below))).toEqual({ code: 'IO', details: { path: below } });
  });

  it('closes what it opened, on success and on every failure', async () => {
    const dir = tempDir('rb-');
    const path = join(dir, 'k.key');
    writeFileSync(path, 'abcd');
    const before = openFds();
    for (let i = 0; i < 20; i++) {
      await readBounded(path);
      await readBounded(path, 1).catch(() => undefined);
      await readBounded(dir).catch(() => undefined);
    }
    expect(openFds()).toBe(before);
  });
});

describe('ensurePrivateDir', () => {
  it('creates 0700 directories and tightens an existing 0755 one', async () => {
    const dir = join(tempDir('pd-'), 'a', 'private');
    await ensurePrivateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const loose = join(tempDir('pd-'), 'loose');
    mkdirSync(loose, { mode: 0o755 });
    await ensurePrivateDir(loose);
    expect(statSync(loose).mode & 0o777).toBe(0o700);
  });

  it('a file, a symlink to a file, or a path below a file: IO with the path', async () => {
    const base = tempDir('pd-');
    const file = join(base, 'file');
    writeFileSync(file, 'x');
    const link = join(base, 'link');
    symlinkSync(file, link);
    for (const dir of [file, link, join(file, 'private')]) {
      expect(await failure(ensurePrivateDir(dir)), dir).toEqual({ code: 'IO', details: { path: dir } });
    }
  });
});
