// Runs the notary-ts CLI in-process (main() with captured streams), for CLI tests without a child process.
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
  json: () => unknown;
}

export async function runCli(
  argv: string[],
  opts: { env?: Record<string, string | undefined>; now?: () => Date } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  stdin.end();
  const status = await main(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin,
    env: { HOME: '/nonexistent-home', ...(opts.env ?? {}) },
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { status, stdout, stderr, json: () => JSON.parse(stdout.trim() || stderr.trim()) };
}
