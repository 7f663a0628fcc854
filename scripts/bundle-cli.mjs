// Bundles the compiled CLI (dist/src/cli/main.js) into a few files under dist/cli/: loading ~120 small ES modules
// costs Node 100+ ms at start-up, one bundle with lazily loaded command chunks a fraction of that. The library
// (dist/src) is not bundled. undici's Agent (from the pinned node_modules/undici) becomes one CommonJS file,
// dist/cli/undici-agent.cjs, which the launcher hands to the remote layer: ~50 ms less to load than its ~60 files.
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
await bundle.write({ dir: 'dist/cli', format: 'esm', entryFileNames: 'main.js', chunkFileNames: '[name]-[hash].js' });
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
