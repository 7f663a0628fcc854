// Leftover temp files of killed writers (SPEC §7.4): which ones the sweep removes, which it keeps, and the atomic
// writer that names them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeFileAtomicSync } from '../../../src/client/atomic-file.js';
import { STALE_TEMP_AGE_MS, sweepStaleTemps } from '../../../src/client/stale-temp.js';
import { tempDir } from '../../helpers/temp-dir.js';

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

/** A pid that is alive and not ours: the test runner's parent. */
const livePid = process.ppid;

/** Creates `name` in `dir` with its mtime at `mtimeMs` (whole seconds). */
function plant(dir: string, name: string, mtimeMs: number): void {
  writeFileSync(join(dir, name), 'partial');
  utimesSync(join(dir, name), mtimeMs / 1000, mtimeMs / 1000);
}

describe('sweepStaleTemps', () => {
  it('removes temp files of dead writers and old ones; keeps live writers, our own, and other files', () => {
    const dir = tempDir('nt-sweep-');
    const t = 1_900_000_000_000; // whole seconds
    const dead = deadPid();
    plant(dir, `.root.json.${dead}.0a1b.tmp`, t); // dead writer, cache style
    plant(dir, `.x.change.${dead}.tmp`, t); // dead writer, changelist style
    plant(dir, `.targets.json.${livePid}.beef.tmp`, t); // live writer, recent
    plant(dir, `.snapshot.json.${livePid}.beef.tmp`, t - 1); // live writer, older than the limit by 1 ms
    plant(dir, `.timestamp.json.${process.pid}.cafe.tmp`, t - 10 * STALE_TEMP_AGE_MS); // ours, however old
    plant(dir, `.root.json.${dead}.XYZ.tmp`, t); // not a hex suffix: not our name
    plant(dir, `root.json.${dead}.0a1b.tmp`, t); // no leading dot: not our name
    plant(dir, `.root.json.${dead}.0a1b.tmpx`, t); // not ending in .tmp
    plant(dir, 'root.json', t);
    mkdirSync(join(dir, `.dir.${dead}.tmp`)); // named like one, but a directory
    const removed = sweepStaleTemps(dir, t + STALE_TEMP_AGE_MS);
    expect(removed.sort()).toEqual([
      `.root.json.${dead}.0a1b.tmp`,
      `.snapshot.json.${livePid}.beef.tmp`,
      `.x.change.${dead}.tmp`,
    ]);
    expect(readdirSync(dir).sort()).toEqual(
      [
        `.dir.${dead}.tmp`,
        `.root.json.${dead}.0a1b.tmpx`,
        `.root.json.${dead}.XYZ.tmp`,
        `.targets.json.${livePid}.beef.tmp`,
        `.timestamp.json.${process.pid}.cafe.tmp`,
        `root.json.${dead}.0a1b.tmp`,
        'root.json',
      ].sort(),
    );
  });

  it('sweeps a directory once per process; a missing directory is no error', () => {
    const dir = tempDir('nt-sweep-once-');
    expect(sweepStaleTemps(dir)).toEqual([]);
    plant(dir, `.root.json.${deadPid()}.00.tmp`, Date.now());
    expect(sweepStaleTemps(dir)).toEqual([]);
    expect(readdirSync(dir)).toHaveLength(1);
    expect(sweepStaleTemps(join(dir, 'absent'))).toEqual([]);
  });
});

describe('writeFileAtomicSync', () => {
  it('writes the bytes with the mode, leaving no temp file', () => {
    const dir = tempDir('nt-atomic-');
    const path = join(dir, 'root.json');
    const bytes = new Uint8Array(200_000).map((_, i) => i % 251);
    writeFileAtomicSync(path, bytes, 0o600);
    expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['root.json']);
  });

  it('a failed rename rethrows the system error and removes the temp file', () => {
    const dir = tempDir('nt-atomic-fail-');
    const path = join(dir, 'root.json');
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'x'); // a non-empty directory cannot be renamed over
    expect(() => writeFileAtomicSync(path, Uint8Array.of(1), 0o600)).toThrow(
      expect.objectContaining({ code: expect.stringMatching(/^E/) }),
    );
    expect(readdirSync(dir)).toEqual(['root.json']);
    expect(existsSync(join(path, 'inside'))).toBe(true);
  });
});
