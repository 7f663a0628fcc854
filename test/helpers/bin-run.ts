// Runs the shipped launcher (bin/notary-ts.js over dist/cli) as a child process, output through real pipes.
// Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { tempDir } from './temp-dir.js';

export const BIN = resolve('bin/notary-ts.js');

export interface BinResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface BinOptions {
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
  /** Working directory (default the repository root). */
  cwd?: string;
}

/** A minimal environment (PATH, a fresh HOME) plus `opts.env`; never the test runner's own NOTARY_* variables. */
export function binEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '', HOME: tempDir('bin-home'), ...extra };
}

/** Runs `notary-ts ARGS`; resolves with status, signal and both outputs (killed after `timeoutMs`, default 60 s). */
export function runBin(args: string[], opts: BinOptions = {}): Promise<BinResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: binEnv(opts.env),
      stdio: 'pipe',
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', fail);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ status, signal, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
