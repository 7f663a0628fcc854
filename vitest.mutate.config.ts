// The vitest configuration `npm run mutate` (StrykerJS) runs: the unit and property suites only. Interop tests
// start real servers per file and would make every mutant cost seconds; the trust core is covered by unit tests.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
