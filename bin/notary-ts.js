#!/usr/bin/env node
// Thin launcher: loads the compiled CLI (run `npm run build` first; no TypeScript runtime is needed).
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
