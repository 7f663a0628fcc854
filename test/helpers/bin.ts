// Runs the shipped CLI (bin/notary-ts.js over dist/, so `npm run build` first) as a child process, with a watchdog.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export const BIN = resolve('bin/notary-ts.js');

export interface BinResult {
  /** Exit status; null when killed (see `timedOut`). */
  status: number | null;
  stdout: string;
  stderr: string;
  /** The signal that ended the process, if any. */
  signal: NodeJS.Signals | null;
  /** True when the watchdog killed the process: the command hung. */
  timedOut: boolean;
  /** `--json` output: stdout, else stderr (errors), parsed. */
  json: () => unknown;
}

export interface BinOptions {
  /** The whole environment besides PATH and HOME (default none: no passphrases, no DOCKER_* variables). */
  env?: Record<string, string>;
  /** Written to stdin, then closed (stdin is never a TTY). */
  input?: string;
  /** Watchdog: SIGKILL after this many ms (default 60000). */
  timeoutMs?: number;
  home?: string;
}

/** `node bin/notary-ts.js ...args`; never rejects on a non-zero exit or a timeout. */
export function runBin(args: readonly string[], opts: BinOptions = {}): Promise<BinResult> {
  return runArgv(process.execPath, [BIN, ...args], opts);
}

/**
 * `bin/notary-ts.js ...args` executed as a command, as an installed `notary-ts` is: through its `#!/bin/sh` line,
 * which starts node on the same file (with `node` from PATH).
 */
export function runBinCommand(args: readonly string[], opts: BinOptions = {}): Promise<BinResult> {
  return runArgv(BIN, args, opts);
}

/** A shell command line (for `<(…)` process substitution and FIFOs); `"$NODE" "$NOTARY_TS"` runs the CLI. */
export function runBash(script: string, opts: BinOptions = {}): Promise<BinResult> {
  return runArgv('bash', ['-c', script], {
    ...opts,
    env: { NODE: process.execPath, NOTARY_TS: BIN, ...(opts.env ?? {}) },
  });
}

function runArgv(cmd: string, argv: readonly string[], opts: BinOptions): Promise<BinResult> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, argv, {
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: opts.home ?? '/nonexistent-home',
        ...(opts.env ?? {}),
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      done({ status, signal, stdout, stderr, timedOut, json: () => JSON.parse(stdout.trim() || stderr.trim()) });
    });
    child.stdin.end(opts.input ?? '');
  });
}
