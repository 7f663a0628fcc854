// "Did you mean": the closest known word to a mistyped flag or command (edit distance, small typos only).

/** Levenshtein distance between two short strings. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min(sub, (prev[j] as number) + 1, (row[j - 1] as number) + 1));
    }
    prev = row;
  }
  return prev[b.length] as number;
}

/**
 * The candidate closest to `word`, if close enough to be a typo: at most 2 edits and fewer than half the word, or
 * `word` a prefix of exactly one candidate. Undefined when nothing is close.
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= 2 && bestDistance * 2 < word.length) return best;
  const prefixed = candidates.filter((c) => c.startsWith(word) && word.length >= 3);
  return prefixed.length === 1 ? prefixed[0] : undefined;
}
