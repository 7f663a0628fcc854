// Summaries of V8 .cpuprofile files (from `node --cpu-prof`): self time by function and by source area.
import { readFileSync } from 'node:fs';

/** Source area of a call frame: our layer (`src/<dir>`), a dependency, a Node internal or a V8 pseudo-frame. */
function area(url, fn) {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const ours = /\/dist\/src\/([^/]+)(?:\/|\.js)/.exec(url);
  if (ours) return `src/${ours[1].replace(/\.js$/, '')}`;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dep) return dep[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  return url.replace(/^file:\/\//, '');
}

/**
 * Self time per function and per area, in ms, from one profile.
 * @returns {{totalMs: number, functions: {name: string, ms: number}[], areas: {area: string, ms: number}[]}}
 */
export function summarizeProfile(path, top = 15) {
  const p = JSON.parse(readFileSync(path, 'utf8'));
  const self = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i];
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const byFn = new Map();
  const byArea = new Map();
  let total = 0;
  for (const n of p.nodes) {
    const us = self.get(n.id) ?? 0;
    if (us === 0) continue;
    total += us;
    const { functionName, url, lineNumber } = n.callFrame;
    const fn = functionName || '(anonymous)';
    const short = url ? url.replace(/^.*\/(dist\/src\/|node_modules\/)/, '$1').replace(/^file:\/\//, '') : '';
    const key = url ? `${fn} ${short}:${lineNumber + 1}` : fn;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const a = area(url, fn);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const sorted = (m) =>
    [...m.entries()]
      .sort((x, y) => y[1] - x[1])
      .slice(0, top)
      .map(([k, us]) => [k, Math.round(us / 100) / 10]);
  return {
    totalMs: Math.round(total / 100) / 10,
    functions: sorted(byFn).map(([name, ms]) => ({ name, ms })),
    areas: sorted(byArea).map(([a, ms]) => ({ area: a, ms })),
  };
}
