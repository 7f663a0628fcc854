// Listing a directory tree's files, for tests that check what a command left on disk.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir` (relative paths, `/`-separated, sorted; directories themselves are not listed); [] when there is no such directory. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p, `${prefix}${n}/`);
      else out.push(`${prefix}${n}`);
    }
  };
  walk(dir, '');
  return out.sort();
}
