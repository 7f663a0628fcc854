// StagedWrite on its own (§7.4 "Staged writes"): the temp file's name, modes and directories, the failures `ready()`
// reports instead of throwing, commit and discard, and what each leaves on disk.
import {
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StagedWrite } from '../../../src/client/staged-write.js';
import { deadPid } from '../../helpers/dead-pid.js';
import { openFiles } from '../../helpers/open-files.js';
import { tempDir } from '../../helpers/temp-dir.js';

const BYTES = Uint8Array.from([0x7b, 0x0a, 0xff, 0x00, 0x7d]);

describe('StagedWrite', () => {
  it('writes a 0600 temp file `.NAME.<pid>.<hex>.tmp` beside the path, in new 0700 directories, invisible until commit', async () => {
    const root = tempDir('nt-stagedw-');
    const path = join(root, 'a', 'b', 'root.json');
    const s = new StagedWrite('root', path, BYTES, 0o600, 0o700);
    expect(s.role).toBe('root');
    expect(s.path).toBe(path);
    expect(s.bytes).toBe(BYTES);
    expect(s.pending).toBe(true);
    expect(s.tmp).toMatch(new RegExp(`^${join(root, 'a', 'b')}/\\.root\\.json\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    await expect(s.ready()).resolves.toBeUndefined();
    expect(openFiles()).not.toContain(s.tmp); // settled means closed
    for (const d of ['a', 'a/b']) expect(statSync(join(root, d)).mode & 0o777).toBe(0o700);
    expect(statSync(s.tmp).mode & 0o777).toBe(0o600);
    expect(new Uint8Array(readFileSync(s.tmp))).toEqual(BYTES);
    expect(existsSync(path)).toBe(false);
    s.commit();
    expect(s.pending).toBe(false);
    expect(new Uint8Array(readFileSync(path))).toEqual(BYTES);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, 'a', 'b'))).toEqual(['root.json']);
  });

  it('opens the temp file O_DSYNC (the one threadpool write is also its fsync), write-only', async () => {
    const dir = tempDir('nt-stagedw-');
    const s = new StagedWrite('root', join(dir, 'root.json'), BYTES, 0o600, 0o700);
    // Still in the constructor's tick: the write has not settled, so the descriptor is open.
    const fd = readdirSync('/proc/self/fd').find((n) => {
      try {
        return readlinkSync(`/proc/self/fd/${n}`) === s.tmp;
      } catch {
        return false;
      }
    });
    expect(fd).toBeDefined();
    const flags = Number.parseInt(
      /^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '',
      8,
    );
    expect(flags & constants.O_DSYNC).toBe(constants.O_DSYNC);
    expect(flags & 0o3).toBe(constants.O_WRONLY); // O_ACCMODE
    await s.ready();
    await s.discard();
  });

  it('uses the modes it is given (not defaults) and writes every byte of a large file', async () => {
    const root = tempDir('nt-stagedw-');
    const big = new Uint8Array(3 << 20).map((_, i) => i & 0xff);
    const s = new StagedWrite('targets', join(root, 'd', 'targets.json'), big, 0o640, 0o750);
    await expect(s.ready()).resolves.toBeUndefined();
    expect(statSync(join(root, 'd')).mode & 0o777).toBe(0o750);
    expect(statSync(s.tmp).mode & 0o777).toBe(0o640);
    s.commit();
    expect(Buffer.compare(readFileSync(join(root, 'd', 'targets.json')), big)).toBe(0);
  });

  it("sweeps a dead writer's temp files from the directory it writes to, and keeps a live one's", async () => {
    const dir = tempDir('nt-stagedw-');
    const dead = `.root.json.${deadPid()}.abcdef.tmp`;
    const live = `.root.json.${process.ppid}.abcdef.tmp`;
    writeFileSync(join(dir, dead), 'old');
    writeFileSync(join(dir, live), 'busy');
    const t = new Date();
    utimesSync(join(dir, live), t, t);
    const s = new StagedWrite('root', join(dir, 'root.json'), BYTES, 0o600, 0o700);
    await s.ready();
    s.commit();
    expect(readdirSync(dir).sort()).toEqual([live, 'root.json'].sort());
  });

  it('never throws when the temp file cannot be made: ready() reports the system error, discard leaves nothing', async () => {
    const root = tempDir('nt-stagedw-');
    writeFileSync(join(root, 'file'), 'a regular file where the directory should be');
    const s = new StagedWrite('snapshot', join(root, 'file', 'sub', 'snapshot.json'), BYTES, 0o600, 0o700);
    expect(await s.ready()).toMatchObject({ code: 'ENOTDIR' });
    expect(s.pending).toBe(true);
    expect(() => s.commit()).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    expect(s.pending).toBe(true); // a failed rename does not count as committed
    await s.discard();
    expect(s.pending).toBe(false);
    expect(readdirSync(root)).toEqual(['file']);
  });

  it('a regular file where its directory should be is EEXIST from ready(), and that file is left as it was', async () => {
    const root = tempDir('nt-stagedw-');
    writeFileSync(join(root, 'meta'), 'x');
    const s = new StagedWrite('root', join(root, 'meta', 'root.json'), BYTES, 0o600, 0o700);
    expect(await s.ready()).toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(join(root, 'meta'), 'utf8')).toBe('x');
  });

  it('a failed commit (a directory in the way) throws the system error, stays pending, and discard removes the temp', async () => {
    const dir = tempDir('nt-stagedw-');
    mkdirSync(join(dir, 'root.json', 'inside'), { recursive: true });
    const s = new StagedWrite('root', join(dir, 'root.json'), BYTES, 0o600, 0o700);
    await expect(s.ready()).resolves.toBeUndefined();
    expect(() => s.commit()).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(s.pending).toBe(true);
    expect(existsSync(s.tmp)).toBe(true);
    await s.discard();
    expect(existsSync(s.tmp)).toBe(false);
    expect(readdirSync(dir)).toEqual(['root.json']);
    expect(readdirSync(join(dir, 'root.json'))).toEqual(['inside']);
  });

  it('commit happens once: a second commit, or a commit after discard, is a TypeError and changes nothing', async () => {
    const dir = tempDir('nt-stagedw-');
    const s = new StagedWrite('root', join(dir, 'root.json'), BYTES, 0o600, 0o700);
    await s.ready();
    s.commit();
    expect(() => s.commit()).toThrow(TypeError);
    await s.discard(); // no-op after commit: the committed file stays
    expect(new Uint8Array(readFileSync(join(dir, 'root.json')))).toEqual(BYTES);
    expect(s.pending).toBe(false);

    const d = new StagedWrite('timestamp', join(dir, 'timestamp.json'), BYTES, 0o600, 0o700);
    await d.discard(); // discarded before its write settled: it waits for it, then removes the temp file
    expect(d.pending).toBe(false);
    expect(() => d.commit()).toThrow(TypeError);
    expect(existsSync(join(dir, 'timestamp.json'))).toBe(false);
    await d.discard();
    expect(readdirSync(dir)).toEqual(['root.json']);
  });

  it('an empty file is staged and committed as an empty file', async () => {
    const dir = tempDir('nt-stagedw-');
    const s = new StagedWrite('root', join(dir, 'root.json'), new Uint8Array(0), 0o600, 0o700);
    await expect(s.ready()).resolves.toBeUndefined();
    s.commit();
    expect(statSync(join(dir, 'root.json')).size).toBe(0);
  });
});
