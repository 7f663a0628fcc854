// Mutation testing of the trust core: `npm run mutate` (see SPEC §7.8). Not part of `npm run check`: a full run
// takes far longer than the per-commit suite. Reports land in reports/mutation/ (gitignored); MUTATE_REPORT names
// them (default "mutation"), so runs restricted with --mutate can keep their own report and incremental file.
const report = process.env.MUTATE_REPORT ?? 'mutation';
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner', './scripts/stryker-ignore-messages.mjs'],
  ignorers: ['error-messages'],
  vitest: { configFile: 'vitest.mutate.config.ts', related: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/client/**/*.ts',
    'src/metadata/**/*.ts',
    'src/canonical/**/*.ts',
    // The verify half of crypto: parsing keys and certificates, checking signatures (not key generation/signing).
    'src/crypto/verify.ts',
    'src/crypto/public-key.ts',
    'src/crypto/spki.ts',
    'src/crypto/pem.ts',
    'src/crypto/hash.ts',
    'src/crypto/root-cert.ts',
    'src/crypto/x509.ts',
    'src/crypto/x509-parse.ts',
    'src/crypto/x509-fields.ts',
    '!src/**/index.ts',
  ],
  concurrency: 2,
  timeoutMS: 5_000,
  incremental: true,
  incrementalFile: `reports/mutation/${report}-incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  // Not copied into the sandbox: scratch space (other runs' sandboxes live in .tmp) and build output.
  ignorePatterns: ['/.tmp', '/dist', '/bench/out'],
  tempDirName: `.tmp/stryker-${report}`,
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 85, break: null },
};
