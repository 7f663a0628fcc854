// Statistics and markdown formatting for the benchmark report.

/** Median of a list of numbers (null for an empty list or one holding a null). */
export function median(xs) {
  if (xs.length === 0 || xs.some((x) => x === null || x === undefined)) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Summary of timed samples: median/min/max ms, median peak RSS (KiB), and the raw samples. */
export function summarize(samples) {
  const ms = samples.map((s) => s.ms);
  return {
    medianMs: median(ms),
    minMs: ms.length ? Math.min(...ms) : null,
    maxMs: ms.length ? Math.max(...ms) : null,
    rssKB: median(samples.map((s) => s.rssKB)),
    tailMs: median(samples.map((s) => s.tailMs)),
    runs: samples.length,
    samplesMs: ms.map((x) => Math.round(x * 100) / 100),
  };
}

export const fmtMs = (x) => (x === null || x === undefined ? 'n/a' : x < 100 ? x.toFixed(1) : x.toFixed(0));
export const fmtRatio = (x) => (x === null || x === undefined ? 'n/a' : `${x.toFixed(2)}×`);
export const fmtRss = (kb) => (kb === null || kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
export const fmtMet = (m) => (m === true ? '✅ met' : m === false ? '❌ missed' : '—');

export function ratio(ours, go) {
  return ours === null || ours === undefined || !go ? null : ours / go;
}

/** A markdown table from a header row and data rows (cells are strings). */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Renders every section of the results object as markdown. */
export function renderMarkdown(r) {
  const out = [];
  out.push(`# notary-ts benchmark (${r.meta.date})`);
  out.push('');
  out.push(
    `node ${r.meta.node}, ${r.meta.notary}, ${r.meta.cpus} CPU(s) (${r.meta.cpuModel}), load avg at start ${r.meta.loadavg}` +
      `; mode ${r.meta.quick ? 'quick' : 'full'}; total ${(r.meta.totalMs / 1000).toFixed(1)} s`,
  );
  out.push('');
  out.push('## Start-up baseline');
  out.push('');
  out.push(
    table(
      ['command', 'median ms', 'min ms', 'peak RSS', 'runs'],
      r.baseline.map((b) => [`\`${b.label}\``, fmtMs(b.medianMs), fmtMs(b.minMs), fmtRss(b.rssKB), String(b.runs)]),
    ),
  );
  if (r.repos.length) {
    out.push('');
    out.push('## Repository generation (Go CLI, for the verify benchmark)');
    out.push('');
    out.push(
      table(
        ['targets', 'notary init ms', 'staging ms (changelist files)', 'notary publish ms', 'targets.json bytes'],
        r.repos.map((g) => [
          String(g.size),
          fmtMs(g.initMs),
          fmtMs(g.stageMs),
          fmtMs(g.publishMs),
          g.targetsBytes === null ? 'n/a' : String(g.targetsBytes),
        ]),
      ),
    );
  }
  if (r.verify.length) {
    out.push('');
    out.push('## verify one tag: `notary-ts verify GUN:TAG` vs `notary lookup GUN TAG`');
    out.push('');
    out.push(
      table(
        ['targets', 'cache', 'ours ms', 'Go ms', 'ours/Go', 'ours RSS', 'Go RSS', 'runs', 'target', 'result'],
        r.verify.map((v) => [
          String(v.size),
          v.mode,
          fmtMs(v.ours?.medianMs),
          fmtMs(v.go.medianMs),
          fmtRatio(v.ratio),
          fmtRss(v.ours?.rssKB),
          fmtRss(v.go.rssKB),
          String(v.go.runs),
          v.target ?? '—',
          fmtMet(v.met),
        ]),
      ),
    );
  }
  if (r.library?.length) {
    out.push('');
    out.push('## library in process: `repo.lookup(tag)` and `repo.list()` after one `openRepository`');
    out.push('');
    out.push(
      table(
        ['targets', 'lookups/s', 'target', 'result', 'list() ms', 'target', 'result'],
        r.library.map((l) => [
          String(l.size),
          String(Math.round(l.lookupPerSec)),
          l.lookupTarget === null ? '—' : `≥ ${l.lookupTarget}/s`,
          fmtMet(l.lookupMet),
          fmtMs(l.listMs),
          l.listTarget === null ? '—' : `≤ ${l.listTarget} ms`,
          fmtMet(l.listMet),
        ]),
      ),
    );
  }
  if (r.latency?.length) {
    out.push('');
    out.push(`## verify one tag over a slow link (every request held ${r.latency[0].delayMs} ms by a proxy)`);
    out.push('');
    out.push(
      table(
        ['targets', 'cache', 'ours ms', 'Go ms', 'ours/Go', 'ours requests', 'Go requests', 'runs'],
        r.latency.map((l) => [
          String(l.size),
          l.mode,
          fmtMs(l.ours?.medianMs),
          fmtMs(l.go.medianMs),
          fmtRatio(l.ratio),
          String(l.oursRequests),
          String(l.goRequests),
          String(l.go.runs),
        ]),
      ),
    );
  }
  if (r.sign.length) {
    out.push('');
    out.push('## sign + publish N new tags: `notary-ts sign GUN --from FILE` vs `notary publish` (staging excluded)');
    out.push('');
    out.push(
      table(
        [
          'tags',
          'ours ms',
          'Go publish ms',
          'ours/Go',
          'server POST ms',
          'ours RSS',
          'Go RSS',
          'runs',
          'target',
          'result',
        ],
        r.sign.map((s) => [
          String(s.size),
          fmtMs(s.ours?.medianMs),
          fmtMs(s.go.medianMs),
          fmtRatio(s.ratio),
          fmtMs(s.serverPostMs),
          fmtRss(s.ours?.rssKB),
          fmtRss(s.go.rssKB),
          String(s.go.runs),
          s.target ?? '—',
          fmtMet(s.met),
        ]),
      ),
    );
    out.push('');
    out.push(`Repository initialisation: ${r.meta.signInit}`);
    out.push('');
    out.push(
      '`server POST ms`: time notary-server needed to validate and store our upload (one extra run through a timing ' +
        'proxy). Go uploads the same metadata, so this is a floor under both columns.',
    );
  }
  if (r.notes.length) {
    out.push('');
    out.push('## Notes');
    out.push('');
    for (const n of r.notes) out.push(`- ${n}`);
  }
  return `${out.join('\n')}\n`;
}
