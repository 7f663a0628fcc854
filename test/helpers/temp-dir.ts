// Temporary directories for tests, removed when the test file finishes (or, failing that, when the process exits).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const created = new Set<string>();

/** Removes every directory made by `tempDir` so far (idempotent; errors ignored: it is cleanup). */
export function removeTempDirs(): void {
  for (const dir of created) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Best effort: a still-running child may hold files open; the OS temp cleaner gets the rest.
    }
    created.delete(dir);
  }
}

/**
 * Makes a fresh directory under the OS temp dir, e.g. `tempDir('trust-')`. It is removed after the test file
 * that imported this helper has run (a file-level `afterAll`), and on process exit as a fallback, so it may be
 * called at collection time, in hooks or inside tests.
 */
export function tempDir(prefix = 'notary-ts-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.add(dir);
  return dir;
}

// Registered while the importing test file is being collected, so it attaches to that file's root suite.
// Outside vitest (or if collection already finished) this throws; the exit handler still cleans up.
try {
  afterAll(removeTempDirs);
} catch {
  // not collecting a test file
}
process.once('exit', removeTempDirs);
