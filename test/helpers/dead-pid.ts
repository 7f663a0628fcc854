// A pid that is certainly not running: that of a child that has already exited (for stale-lock and temp-file tests).
import { spawnSync } from 'node:child_process';

export function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}
