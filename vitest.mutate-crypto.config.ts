// The vitest configuration for mutation runs of the verify half of src/crypto (stryker.crypto.config.mjs, SPEC §7.8
// "src/crypto (verify half) survivors"): only the crypto unit tests. Every metadata and client test also verifies
// signatures, so with the full unit suite each mutant of these files costs minutes on a loaded machine; scored
// against these tests alone, a score is a lower bound of the full suite's.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/crypto/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
