// Mutation runs of the verify half of src/crypto (SPEC §7.8, "src/crypto (verify half) survivors"): the project's
// configuration with the narrower test set of vitest.mutate-crypto.config.ts, e.g.
//   MUTATE_REPORT=crypto-verify npx stryker run stryker.crypto.config.mjs \
//     --mutate src/crypto/verify.ts,src/crypto/public-key.ts,src/crypto/spki.ts,src/crypto/pem.ts,src/crypto/hash.ts \
//     --concurrency 1
import base from './stryker.config.mjs';

export default { ...base, vitest: { ...base.vitest, configFile: 'vitest.mutate-crypto.config.ts' } };
