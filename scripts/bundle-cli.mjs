// Bundles the compiled CLI (dist/src/cli/main.js) into ONE CommonJS file, dist/cli/main.cjs: loading ~120 small ES
// modules costs Node 100+ ms at start-up; one CommonJS file compiles faster than ESM chunks (−7…−11 ms measured)
// and can be loaded through vm.Script with a V8 code cache (bin/notary-ts.js). Command groups are not split into
// lazily loaded chunks: the shared code is ~90% of the bundle, and with the code cache V8 compiles a function only
// when it first runs anyway. The library (dist/src) is not bundled. undici's Agent (from the pinned
// node_modules/undici) becomes one CommonJS file, dist/cli/undici-agent.cjs, which the launcher hands to the remote
// layer: ~50 ms less to load than its ~60 files.
import { rm } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { rolldown } from 'rolldown';

const external = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'undici']);

// Built-ins that only some commands use, but that a bundle would require at the top for every run: a cold verify
// does not need `node:fs/promises` (its load pulls in streams, readline and fs watchers: ~7 ms of compiling) or
// `node:zlib` (archives only; gzip bodies load it on their own). Their imports become a module of function
// wrappers that load the real module on first call. Only functions can be imported from them: a bundle that imports
// anything else fails to build (missing export), never silently.
const LAZY_BUILTINS = ['node:fs/promises', 'node:zlib'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  resolveId(id) {
    return LAZY_BUILTINS.includes(id) ? `\0lazy:${id}` : null;
  },
  load(id) {
    if (!id.startsWith('\0lazy:')) return null;
    const name = id.slice(6);
    const real = createRequire(import.meta.url)(name);
    const fns = Object.keys(real).filter((k) => typeof real[k] === 'function' && /^[a-z]/.test(k));
    return [
      `let m;`,
      `const load = () => (m ??= process.getBuiltinModule(${JSON.stringify(name)}));`,
      ...fns.map((k) => `export function ${k}(...a) { return load().${k}(...a); }`),
    ].join('\n');
  },
};

await rm('dist/cli', { recursive: true, force: true });
/** Bundles the CLI entry point into ONE CommonJS file at `file`, with `plugins` after the lazy built-ins. */
async function bundleCli(file, plugins = []) {
  const bundle = await rolldown({
    input: 'dist/src/cli/main.js',
    platform: 'node',
    external: (id) => (external.has(id) && !LAZY_BUILTINS.includes(id)) || id.startsWith('undici/'),
    plugins: [lazyBuiltins, ...plugins],
    logLevel: 'warn',
  });
  // No comments (a fifth of the text) and ASCII only (non-ASCII characters as \u escapes): every run reads, hashes
  // and decodes the whole file, and an ASCII text becomes a one-byte string for V8 where a single `≥` in a message
  // made all of it two-byte (SPEC §9 "Start-up": −2 CPU ms for `version`).
  await bundle.write({ file, format: 'cjs', codeSplitting: false, comments: false, charset: 'ascii' });
  await bundle.close();
}

await bundleCli('dist/cli/main.cjs');

// A second CLI bundle for `verify` (and its alias `lookup`), the command most runs are: the same entry point, with
// every other command module left out (283 KB instead of 462). The launcher runs it when the command word is
// `verify`/`lookup` (its cacheProfile), so the other commands' loaders are unreachable there; each is replaced by one
// that fails with INTERNAL, never silently. Fewer functions in the script make its code cache smaller and quicker to
// deserialise: ~2 ms off every verify (SPEC §9 "Verify bundle").
const VERIFY_COMMANDS = new Set(['verify']);
const verifyOnly = {
  name: 'verify-only',
  transform(code, id) {
    if (!id.replaceAll('\\', '/').endsWith('/dist/src/cli/registry.js')) return null;
    let kept = 0;
    let dropped = 0;
    const out = code.replace(/import\('\.\/commands\/([a-z-]+)\.js'\)/g, (whole, name) => {
      if (VERIFY_COMMANDS.has(name)) {
        kept++;
        return whole;
      }
      dropped++;
      return `Promise.reject(Object.assign(new Error(${JSON.stringify(`the verify bundle has no ${name} command`)}), { code: 'INTERNAL' }))`;
    });
    if (kept !== VERIFY_COMMANDS.size || dropped === 0) {
      throw new Error(`verify bundle: expected the registry to import ${[...VERIFY_COMMANDS]} and others lazily`);
    }
    return { code: out, map: null };
  },
};
await bundleCli('dist/cli/verify.cjs', [verifyOnly]);

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
