#!/usr/bin/env node
// Thin launcher for the bundled CLI (`npm run build` makes dist/cli; no TypeScript runtime is needed).
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with a WebAssembly build of llhttp. V8 would compile it a second time in the background with
// its optimising tier, and the process cannot exit until that finishes: ~130 ms of CPU for a CLI run that makes a
// handful of requests. The baseline (Liftoff) code is plenty for that. Must be set before undici is loaded.
setFlagsFromString('--liftoff-only');

const { main, useAgentModule } = await import('../dist/cli/main.js');
// A path, not URL.pathname: an install directory with spaces must not come out percent-encoded.
useAgentModule(fileURLToPath(new URL('../dist/cli/undici-agent.cjs', import.meta.url)));
const status = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
// Exit at once rather than waiting for idle keep-alive sockets and timers. Writes to files and pipes are
// synchronous on POSIX, so no output is lost.
process.exit(status);
