// Runs the notary-ts CLI in-process (main() with captured streams), for CLI tests without a child process.
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { cliTransportEnv } from './transports.js';

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
    env: { HOME: '/nonexistent-home', ...cliTransportEnv(), ...(opts.env ?? {}) },
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { status, stdout, stderr, json: () => JSON.parse(stdout.trim() || stderr.trim()) };
}

/**
 * Runs the built launcher (`bin/notary-ts.js`, needs `npm run build`) as a child process, output through pipes;
 * `faketime` (e.g. `'+60d'`, `'-1093d'`) runs it under libfaketime so Node's clock moves (Go binaries ignore it).
 * Asynchronous, so an in-process server (the mutating proxy) keeps answering while it runs.
 */
export function runBin(
  args: string[],
  opts: { env?: Record<string, string>; faketime?: string; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const bin = fileURLToPath(new URL('../../bin/notary-ts.js', import.meta.url));
  const [cmd, argv] =
    opts.faketime === undefined
      ? [process.execPath, [bin, ...args]]
      : ['faketime', ['-f', opts.faketime, process.execPath, bin, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent-home', ...cliTransportEnv(), ...(opts.env ?? {}) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      // With --json an error is the last line of stderr (warnings may precede it).
      const json = () => JSON.parse(stdout.trim() || (stderr.trim().split('\n').pop() ?? ''));
      resolve({ status: code ?? -1, stdout, stderr, json });
    });
    child.stdin.end(opts.input ?? '');
  });
}
