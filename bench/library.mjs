// In-process library benchmark, run by bench/run.mjs in a child process: opens GUN once (verifying it against the
// server into a fresh trust dir), then times `repo.lookup(tag)` over every tag (lookups per second, median of 3
// one-second rounds) and `repo.list()` (median of 5). Prints one JSON line.
// Usage: node bench/library.mjs SERVER_URL GUN N TRUST_DIR
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [url, gun, nText, trustDir] = process.argv.slice(2);
const n = Number(nText);
const lib = await import(join(fileURLToPath(new URL('..', import.meta.url)), 'dist', 'src', 'index.js'));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const repo = await lib.openRepository({ gun, server: url, trustDir });
try {
  const tags = Array.from({ length: n }, (_, i) => `t${i}`);
  await repo.lookup(tags[n - 1]);
  const rates = [];
  for (let round = 0; round < 3; round++) {
    let k = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 1000) {
      for (let i = 0; i < 1000; i++) await repo.lookup(tags[(k++ * 7919) % n]);
    }
    rates.push(k / ((performance.now() - t0) / 1000));
  }
  const lists = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    const all = await repo.list();
    lists.push(performance.now() - t0);
    if (all.length !== n) throw new Error(`list returned ${all.length} targets, expected ${n}`);
  }
  process.stdout.write(`${JSON.stringify({ size: n, lookupPerSec: median(rates), listMs: median(lists) })}\n`);
} finally {
  await repo.close();
}
