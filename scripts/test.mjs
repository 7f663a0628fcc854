// Runs the vitest suite, then prints a plain "tests: N passed, N failed, N skipped" closing line. Under CI a
// skipped or todo test fails the run: interop tests must execute against the real notary-server there.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const out = join('.tmp', 'vitest-results.json');
mkdirSync('.tmp', { recursive: true });
const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...process.argv.slice(2),
];
const r = spawnSync('npx', args, { stdio: 'inherit' });

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const res = JSON.parse(readFileSync(out, 'utf8'));
  passed = res.numPassedTests;
  failed = res.numFailedTests;
  skipped = res.numPendingTests + res.numTodoTests;
  if (res.numFailedTestSuites > 0 && failed === 0) failed = res.numFailedTestSuites;
} catch {
  console.error('no vitest results were written');
  process.exit(r.status || 1);
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (process.env.CI && skipped > 0) {
  console.error(`CI: ${skipped} test(s) skipped; interop and all other tests must run in CI`);
  process.exit(1);
}
process.exit(r.status ?? 1);
