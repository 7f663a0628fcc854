// The metadata cache: Notary's layout, exact bytes, modes, atomic replacement, unsafe names refused.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MetadataCache } from '../../../src/client/index.js';
import { isNotaryError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/temp-dir.js';

describe('MetadataCache', () => {
  it('uses <trustDir>/tuf/<gun>/metadata/<role>.json, delegations nested', () => {
    const dir = tempDir('nt-cache-');
    const c = new MetadataCache(dir, 'example.com/a/b');
    expect(c.pathOf('root')).toBe(join(dir, 'tuf/example.com/a/b/metadata/root.json'));
    expect(c.pathOf('targets/releases/x')).toBe(join(dir, 'tuf/example.com/a/b/metadata/targets/releases/x.json'));
    expect(() => c.pathOf('../root')).toThrow(RangeError);
    expect(() => c.pathOf('targets/../../x')).toThrow(RangeError);
  });

  it('stores exact bytes with mode 0600 in 0700 directories and leaves no temp files', () => {
    const dir = tempDir('nt-cache-');
    const c = new MetadataCache(dir, 'example.com/a');
    const bytes = Uint8Array.from([0x7b, 0x0a, 0xff, 0x00, 0x7d]);
    c.write('targets/releases', bytes);
    c.write('targets/releases', bytes);
    expect(c.read('targets/releases')).toEqual(bytes);
    expect(statSync(c.pathOf('targets/releases')).mode & 0o777).toBe(0o600);
    for (const d of ['tuf', 'tuf/example.com', 'tuf/example.com/a/metadata', 'tuf/example.com/a/metadata/targets']) {
      expect(statSync(join(dir, d)).mode & 0o777).toBe(0o700);
    }
    expect(readdirSync(join(c.dir, 'targets'))).toEqual(['releases.json']);
    expect(c.read('snapshot')).toBeUndefined();
  });

  it('refuses to read a file larger than the cap', () => {
    const c = new MetadataCache(tempDir('nt-cache-'), 'example.com/a');
    c.write('timestamp', new Uint8Array(100));
    expect(() => c.read('timestamp', 99)).toThrow(expect.objectContaining({ code: 'CACHE_CORRUPT' }));
  });

  it('§7.4 treats a directory, FIFO or symlink as absent, without blocking or following it', () => {
    const c = new MetadataCache(tempDir('nt-cache-'), 'example.com/a');
    mkdirSync(c.pathOf('snapshot'), { recursive: true });
    expect(c.read('snapshot')).toBeUndefined();
    execFileSync('mkfifo', [c.pathOf('timestamp')]);
    expect(c.read('timestamp')).toBeUndefined(); // a blocking open would hang here
    const real = join(tempDir('nt-elsewhere-'), 'root.json');
    writeFileSync(real, '{}');
    symlinkSync(real, c.pathOf('root'));
    expect(c.read('root')).toBeUndefined();
    c.write('timestamp', new Uint8Array([1, 2]));
    expect(c.read('timestamp')).toEqual(new Uint8Array([1, 2]));
  });

  it('a failed write keeps the previous file', () => {
    const c = new MetadataCache(tempDir('nt-cache-'), 'example.com/a');
    c.write('targets', Uint8Array.of(1));
    // A directory where the delegation dir should be makes the write fail.
    writeFileSync(join(c.dir, 'targets'), 'not a dir');
    expect(() => c.write('targets/x', Uint8Array.of(2))).toThrow(expect.objectContaining({ code: 'IO' }));
    expect(c.read('targets')).toEqual(Uint8Array.of(1));
  });

  it('refuses GUNs that escape the trust dir', () => {
    for (const gun of ['', '../x', 'a/../../b', '/abs', 'a//b', 'a/./b', 'a\\b', 'a*', 'example.com/My App']) {
      let ok = false;
      try {
        new MetadataCache(tempDir('nt-cache-'), gun);
      } catch (e) {
        ok = isNotaryError(e, 'INVALID_GUN');
      }
      expect(ok, gun).toBe(true);
    }
    expect(() => new MetadataCache(tempDir('nt-cache-'), 'docker.io/library/alpine')).not.toThrow();
  });
});
