// Removes the temp files that a killed process left behind in a directory we write to (`.NAME.<pid>.<hex>.tmp`).
import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from './process-alive.js';

/** A temp file older than this is stale even if its pid is alive again (pids are reused). */
export const STALE_TEMP_AGE_MS = 24 * 60 * 60 * 1000;

/** `.<name>.<pid>.<hex>.tmp` (the cache's temp files) and `.<name>.<pid>.tmp` (the changelist's). */
const TEMP_NAME = /^\..+\.(\d+)(?:\.[0-9a-f]+)?\.tmp$/;

const swept = new Set<string>();

/**
 * Deletes stale temp files in `dir`: named as our writers name them, regular files, and either their process is
 * gone or they are older than `STALE_TEMP_AGE_MS`. A live writer's temp file (another process mid-write) is kept.
 * Best effort, once per directory per process; returns the names removed.
 */
export function sweepStaleTemps(dir: string, nowMs = Date.now()): string[] {
  if (swept.has(dir)) return [];
  swept.add(dir);
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMP_NAME.exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    const path = join(dir, name);
    try {
      const st = lstatSync(path);
      if (!st.isFile()) continue;
      const stale = pid !== process.pid && (!processAlive(pid) || nowMs - st.mtimeMs > STALE_TEMP_AGE_MS);
      if (!stale) continue;
      unlinkSync(path);
      removed.push(name);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}
