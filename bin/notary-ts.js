#!/usr/bin/env node
// Thin launcher: loads the compiled CLI (run `npm run build` first; no TypeScript runtime is needed).
import { main } from '../dist/src/cli/main.js';

const status = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
// Exit at once: undici's WebAssembly HTTP parser otherwise keeps V8 busy (tier-up compilation) for 150-250 ms
// after the last request. stdout/stderr writes to files and pipes are synchronous on POSIX, so nothing is lost.
process.exit(status);
