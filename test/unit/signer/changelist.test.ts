// The file changelist: Notary's names and order, atomic writes, reset, status.
import { mkdirSync, readdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
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

  it('scan marks every file it cannot use CHANGELIST_CORRUPT with its name, and decodes the rest', async () => {
    const dir = tempDir('cl-');
    const good = '01795434379603687742_a.change';
    writeFileSync(join(dir, good), utf8('{"action":"delete","role":"targets","type":"target","path":"p","data":null}'));
    writeFileSync(join(dir, '01795434379603687743_b.change'), 'not json');
    mkdirSync(join(dir, '01795434379603687744_c.change'));
    symlinkSync(join(dir, 'absent'), join(dir, '01795434379603687745_d.change'));
    // Larger than any change (1 MiB): unreadable, not read whole.
    writeFileSync(join(dir, '01795434379603687746_e.change'), '');
    truncateSync(join(dir, '01795434379603687746_e.change'), 2 << 20);
    const scanned = await new FileChangelist(dir).scan();
    expect(scanned.map((s) => [s.file, s.change?.path, s.error?.code, s.error?.details])).toEqual([
      [good, 'p', undefined, undefined],
      ...['b', 'c', 'd', 'e'].map((x, i) => {
        const file = `0179543437960368774${3 + i}_${x}.change`;
        return [file, undefined, 'CHANGELIST_CORRUPT', { file }];
      }),
    ]);
    await expect(new FileChangelist(dir).list()).rejects.toMatchObject({ code: 'CHANGELIST_CORRUPT' });
  });

  it('a changelist path that is not a directory is IO, not an empty list', async () => {
    const file = join(tempDir('cl-'), 'changelist');
    writeFileSync(file, 'x');
    await expect(new FileChangelist(file).scan()).rejects.toMatchObject({ code: 'IO', details: { path: file } });
  });

  it('remove takes change file names only; a missing one is already gone; one it cannot remove is IO', async () => {
    const dir = tempDir('cl-');
    const cl = new FileChangelist(dir);
    for (const bad of ['README', '.01795434379603687742_a.change', 'x/01795434379603687742_a.change']) {
      await expect(cl.remove([bad]), bad).rejects.toBeInstanceOf(TypeError);
    }
    await cl.remove(['01795434379603687742_a.change']);
    const stuck = '01795434379603687743_b.change';
    mkdirSync(join(dir, stuck));
    await expect(cl.remove([stuck])).rejects.toMatchObject({ code: 'IO', details: { path: join(dir, stuck) } });
  });

  it('orders names by UTF-8 bytes as Go does, also where UTF-16 order differs (astral vs U+E000-U+FFFF)', async () => {
    const dir = tempDir('cl-');
    const change = utf8('{"action":"delete","role":"targets","type":"target","path":"p","data":null}');
    const names = ['1_\u{10000}.change', '1_\uffff.change', '1_\ue000.change', '1_z.change'];
    for (const n of names) writeFileSync(join(dir, n), change);
    const scanned = await new FileChangelist(dir).scan();
    expect(scanned.map((s) => s.file)).toEqual([
      '1_z.change',
      '1_\ue000.change',
      '1_\uffff.change',
      '1_\u{10000}.change',
    ]);
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
