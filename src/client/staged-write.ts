// A cache file write started early: its temp file is written (and made durable) off the main thread while the
// caller is still verifying; it becomes the real file only when committed.
import { randomBytes } from 'node:crypto';
import { close, constants, fsync, mkdirSync, openSync, renameSync, unlinkSync, write } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sweepStaleTemps } from './stale-temp.js';

/**
 * One staged file: `.NAME.<pid>.<hex>.tmp` beside `path` (the name `sweepStaleTemps` recognises), created with
 * `O_EXCL` and `O_DSYNC`, so the single threadpool write that fills it also makes its bytes durable (write + fsync
 * in one job, which keeps running while the main thread parses and verifies). Staging never throws: a failure is
 * kept and reported by `ready()`, so a trust failure found meanwhile still wins.
 */
export class StagedWrite {
  readonly role: string;
  readonly bytes: Uint8Array;
  readonly path: string;
  readonly tmp: string;
  /** Settles (never rejects) once the temp file is written and closed: undefined, or the error. */
  readonly #done: Promise<unknown>;
  #state: 'staged' | 'committed' | 'discarded' = 'staged';

  constructor(role: string, path: string, bytes: Uint8Array, mode: number, dirMode: number) {
    this.role = role;
    this.bytes = bytes;
    this.path = path;
    this.tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let fd: number;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: dirMode });
      sweepStaleTemps(dirname(path)); // a killed writer's temp files (possibly megabytes each) go with the next write
      fd = openSync(this.tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (DSYNC ?? 0), mode);
    } catch (e) {
      this.#done = Promise.resolve(e);
      return;
    }
    this.#done = writeAll(fd, bytes)
      .then(() => (DSYNC === undefined ? fsyncAsync(fd) : undefined))
      .then(
        () => closeAsync(fd),
        (e: unknown) => closeAsync(fd).then(() => e),
      );
  }

  /** True until committed or discarded. */
  get pending(): boolean {
    return this.#state === 'staged';
  }

  /** Waits for the temp file. @returns the system error that prevented it, or undefined */
  ready(): Promise<unknown> {
    return this.#done;
  }

  /** Renames the (ready) temp file over `path`. @throws the system error */
  commit(): void {
    if (this.#state !== 'staged') throw new TypeError(`${this.role} is already ${this.#state}`);
    renameSync(this.tmp, this.path);
    this.#state = 'committed';
  }

  /** Removes the temp file once its write settled (no-op after commit). Never throws. */
  async discard(): Promise<void> {
    if (this.#state !== 'staged') return;
    this.#state = 'discarded';
    await this.#done;
    try {
      unlinkSync(this.tmp);
    } catch {
      // never created
    }
  }
}

/** `O_DSYNC` where the platform has it (not Windows: there the temp file is fsynced after the write instead). */
const DSYNC: number | undefined = constants.O_DSYNC;

function fsyncAsync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fsync(fd, (err) => (err ? reject(err) : resolve()));
  });
}

function writeAll(fd: number, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (off: number): void => {
      if (off >= bytes.length) {
        resolve();
        return;
      }
      write(fd, bytes, off, bytes.length - off, null, (err, n) => {
        if (err) reject(err);
        else if (n === 0) reject(new Error('write made no progress'));
        else step(off + n);
      });
    };
    step(0);
  });
}

function closeAsync(fd: number): Promise<undefined> {
  return new Promise((resolve) => {
    close(fd, () => resolve(undefined));
  });
}
