// Mutation runs of the certificate half of src/crypto (SPEC §7.8, "src/crypto (certificates) survivors"): the
// project's configuration with the narrower test set of vitest.mutate-x509.config.ts, e.g.
//   MUTATE_REPORT=x509-parse npx stryker run stryker.x509.config.mjs --mutate src/crypto/x509-parse.ts --concurrency 1
import base from './stryker.config.mjs';

export default { ...base, vitest: { ...base.vitest, configFile: 'vitest.mutate-x509.config.ts' } };
