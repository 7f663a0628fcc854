// Bundles the compiled CLI (dist/src/cli/main.js) into ONE CommonJS file, dist/cli/main.cjs: loading ~120 small ES
// modules costs Node 100+ ms at start-up; one CommonJS file compiles faster than ESM chunks (−7…−11 ms measured)
// and can be loaded through vm.Script with a V8 code cache (bin/notary-ts.js). Command groups are not split into
// lazily loaded chunks: the shared code is ~90% of the bundle, and with the code cache V8 compiles a function only
// when it first runs anyway. The library (dist/src) is not bundled. undici's Agent (from the pinned
// node_modules/undici) becomes one CommonJS file, dist/cli/undici-agent.cjs, which the launcher hands to the remote
// layer: ~50 ms less to load than its ~60 files.
import { rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { rolldown } from 'rolldown';

const external = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'undici']);
await rm('dist/cli', { recursive: true, force: true });
const bundle = await rolldown({
  input: 'dist/src/cli/main.js',
  platform: 'node',
  external: (id) => external.has(id) || id.startsWith('undici/'),
  logLevel: 'warn',
});
await bundle.write({ file: 'dist/cli/main.cjs', format: 'cjs', codeSplitting: false });
await bundle.close();

const agent = await rolldown({
  input: 'node_modules/undici/lib/dispatcher/agent.js',
  platform: 'node',
  external: (id) => external.has(id),
  logLevel: 'warn',
});
await agent.write({ file: 'dist/cli/undici-agent.cjs', format: 'cjs' });
await agent.close();

// The unbundled CLI modules were only the bundler's input: nothing loads them, and the package should not ship them.
await rm('dist/src/cli', { recursive: true, force: true });
