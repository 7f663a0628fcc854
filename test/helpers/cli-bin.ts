// Runs the built CLI binary (bin/notary-ts.js over dist/; `npm run build` first) as a child process, output through
// pipes, so tests can run several at once and see real exit statuses.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cliTransportEnv } from './transports.js';

export const BIN = join(import.meta.dirname, '../../bin/notary-ts.js');

export interface BinResult {
  /** Exit status (null when killed by a signal). */
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The `--json` error object on stderr, or the JSON on stdout. */
  json(): Record<string, unknown>;
}

/** True once `npm run build` produced the bundle the launcher needs. */
export function binBuilt(): boolean {
  return existsSync(join(import.meta.dirname, '../../dist/cli/main.cjs'));
}

/**
 * Runs `notary-ts args…` with a minimal environment (PATH, HOME, plus `env`), stdin closed, killed after
 * `timeoutMs` (default 60 s).
 */
export function runBin(
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent-home', ...cliTransportEnv(), ...(opts.env ?? {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({
        status,
        stdout,
        stderr,
        json: () => JSON.parse(stderr.trim() || stdout.trim()) as Record<string, unknown>,
      });
    });
  });
}
