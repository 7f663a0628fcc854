// The vitest configuration `npm run mutate` (StrykerJS) runs: the unit and property suites only. Interop tests
// start real servers per file and would make every mutant cost seconds; the trust core is covered by unit tests.
// MUTATE_TESTS (comma-separated globs) narrows the run to a module's own tests: mutants of a module that many test
// files load at collection time are "static" and re-run every selected test, so the whole suite would take hours.
import { defineConfig } from 'vitest/config';

const only = process.env.MUTATE_TESTS?.split(',').filter((g) => g !== '');

export default defineConfig({
  test: {
    include: only !== undefined && only.length > 0 ? only : ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
