#!/usr/bin/env node
// Thin launcher for the bundled CLI (`npm run build` makes dist/cli; no TypeScript runtime is needed).
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// undici parses HTTP with a WebAssembly build of llhttp. V8 would compile it a second time in the background with
// its optimising tier, and the process cannot exit until that finishes: ~130 ms of CPU for a CLI run that makes a
// handful of requests. The baseline (Liftoff) code is plenty for that. Must be set before undici is loaded.
setFlagsFromString('--liftoff-only');

// A reader that closes early (`| head -1`) ends us as it ends any Unix tool: quietly, by SIGPIPE (status 141 in a
// shell). Node ignores SIGPIPE, so the default action is restored only now, never while sockets are in use.
function brokenPipe(err) {
  if (err?.code !== 'EPIPE') throw err;
  process.on('SIGPIPE', () => {});
  process.removeAllListeners('SIGPIPE'); // the last listener gone, libuv restores the default action
  process.kill(process.pid, 'SIGPIPE');
  process.exit(141); // only if the signal did not end us
}
process.stdout.on('error', brokenPipe);
process.stderr.on('error', brokenPipe);

/** Resolves once everything written to `stream` has reached the OS (pipe writes past its buffer are queued). */
function flushed(stream) {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableLength === 0) return resolve();
    stream.write('', () => resolve());
  });
}

const { main, useAgentModule } = await import('../dist/cli/main.js');
// A path, not URL.pathname: an install directory with spaces must not come out percent-encoded.
useAgentModule(fileURLToPath(new URL('../dist/cli/undici-agent.cjs', import.meta.url)));
const status = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
// Wait until the output is flushed, however slow the reader, then exit at once rather than waiting for idle
// keep-alive sockets and timers.
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
process.exit(status);
