// A long-running test server process (notary-signer, postgres): output captured, a watchdog that kills it when the
// test process dies abruptly, and a stop() that waits for it to exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';

export interface ManagedProcess {
  readonly child: ChildProcess;
  /** stdout + stderr so far (capped at 256 KiB). */
  logs(): string;
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs` (default 3000); resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Spawns `bin args` with a watchdog shell that SIGKILLs it once the test process's pipe closes. */
export function spawnManaged(
  bin: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): ManagedProcess {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
  live.add(child);
  let log = '';
  const append = (c: Buffer) => {
    if (log.length < 256 * 1024) log += c.toString('utf8');
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let gone = false;
  const exit = new Promise<void>((resolve) => {
    const done = () => {
      gone = true;
      live.delete(child);
      resolve();
    };
    child.once('exit', done);
    child.once('error', (e) => {
      append(Buffer.from(String(e)));
      done();
    });
  });
  const watchdog = spawn('sh', ['-c', 'read -r _ignored; kill -9 "$1" 2>/dev/null', 'watchdog', String(child.pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  let stopping: Promise<void> | undefined;
  return {
    child,
    logs: () => log,
    exited: () => gone,
    stop(graceMs = 3000) {
      stopping ??= (async () => {
        watchdog.kill('SIGKILL');
        if (!gone) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exit;
          clearTimeout(t);
        }
      })();
      return stopping;
    },
  };
}

/** Resolves once 127.0.0.1:`port` accepts a TCP connection; rejects if `proc` exits or `timeoutMs` passes. */
export async function waitForPort(proc: ManagedProcess, port: number, name: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exited()) throw new Error(`${name} exited during start-up (port ${port}):\n${proc.logs()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`${name} did not listen on ${port} within ${timeoutMs} ms:\n${proc.logs()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
