// The vitest configuration for mutation runs of the certificate half of src/crypto (SPEC §7.8, "src/crypto
// (certificates) survivors"): the tests that exercise certificates directly. The whole unit suite also covers these
// files (every root is a certificate), which makes each mutant cost a minute on two shared cores; survivors of this
// narrower set were each checked against the whole suite by hand.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/unit/crypto/**/*.test.ts',
      'test/unit/client/root-validation*.test.ts',
      'test/unit/client/trust-pinning.test.ts',
      'test/unit/remote/tls.test.ts',
      'test/property/crypto.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
