// The file changelist: Notary's names and order, atomic writes, reset, status.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/encoding/utf8.js';
import { changeFileName, changelistDir, FileChangelist } from '../../../src/signer/changelist.js';
import { reset, stage, status } from '../../../src/signer/stage.js';
import { tempDir } from '../../helpers/temp-dir.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('change file names (`%020d_<uuid>.change`)', () => {
  it('are 20-digit nanoseconds, an underscore, a v4 uuid, and strictly increase', () => {
    const names = Array.from({ length: 50 }, () => changeFileName());
    for (const n of names)
      expect(n).toMatch(/^\d{20}_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.change$/);
    expect([...names].sort()).toEqual(names);
    expect(new Set(names.map((n) => n.slice(0, 20))).size).toBe(names.length);
  });

  it('live under tuf/<gun>/changelist like notary', () => {
    expect(changelistDir('/t', 'example.com/a/b')).toBe(join('/t', 'tuf', 'example.com', 'a', 'b', 'changelist'));
  });
});

describe('FileChangelist', () => {
  it('lists in lexical file name order, whatever order the files were written in', async () => {
    const dir = tempDir('cl-');
    mkdirSync(dir, { recursive: true });
    const mk = (name: string, path: string) =>
      writeFileSync(
        join(dir, name),
        utf8(`{"action":"delete","role":"targets","type":"target","path":"${path}","data":null}`),
      );
    mk('01795434379612275290_b.change', 'second');
    mk('01795434379603687742_a.change', 'first');
    mk('01795434379647074631_c.change', 'third');
    writeFileSync(join(dir, '.01795434379647074631_x.change.1.tmp'), 'garbage');
    writeFileSync(join(dir, 'README'), 'not a change');
    const list = await new FileChangelist(dir).list();
    expect(list.map((s) => s.change.path)).toEqual(['first', 'second', 'third']);
  });

  it('is empty when the directory does not exist', async () => {
    expect(await new FileChangelist(join(tempDir('cl-'), 'nope')).list()).toEqual([]);
  });

  it('writes files 0600 in a 0700 directory and leaves no temp files', async () => {
    const trustDir = tempDir('trust-');
    await stage({
      gun: 'example.com/x',
      trustDir,
      add: [{ tag: 'v1', digest: DIGEST, size: 3 }],
      roles: ['targets', 'targets/releases'],
    });
    const dir = changelistDir(trustDir, 'example.com/x');
    const files = readdirSync(dir);
    expect(files).toHaveLength(2);
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const st = await status({ gun: 'example.com/x', trustDir });
    expect(st.map((s) => [s.index, s.action, s.role, s.type, s.path])).toEqual([
      [0, 'create', 'targets', 'target', 'v1'],
      [1, 'create', 'targets/releases', 'target', 'v1'],
    ]);
  });

  it('reset drops chosen indices or everything', async () => {
    const trustDir = tempDir('trust-');
    const gun = 'example.com/r';
    await stage({ gun, trustDir, remove: ['a', 'b', 'c'] });
    expect((await reset({ gun, trustDir, indices: [1] })).removed).toBe(1);
    expect((await status({ gun, trustDir })).map((s) => s.path)).toEqual(['a', 'c']);
    await expect(reset({ gun, trustDir, indices: [5] })).rejects.toBeInstanceOf(RangeError);
    expect((await reset({ gun, trustDir })).removed).toBe(2);
    expect(await status({ gun, trustDir })).toEqual([]);
  });

  it('refuses roles notary cannot stage targets into, and bad digests', async () => {
    const trustDir = tempDir('trust-');
    await expect(stage({ gun: 'g/x', trustDir, remove: ['a'], roles: ['snapshot'] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      stage({ gun: 'g/x', trustDir, add: [{ tag: 'a', digest: 'sha256:zz', size: 1 }] }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      stage({ gun: 'g/x', trustDir, add: [{ tag: 'a', digest: DIGEST, size: 1, custom: { f: 1.5 } }] }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(stage({ gun: '../x', trustDir, remove: ['a'] })).rejects.toMatchObject({ code: 'INVALID_GUN' });
  });
});
