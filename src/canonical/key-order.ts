// Orders object keys by their UTF-8 bytes, as Go's string `<` does (JavaScript's default sort uses UTF-16 units).

/**
 * Compares two strings by the UTF-8 encoding of their code points. UTF-8 byte order equals code point order;
 * UTF-16 unit order differs only when a surrogate (an astral code point) meets a unit in U+E000–U+FFFF.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) return fixup(x) - fixup(y);
      return x - y;
    }
  }
  return a.length - b.length;
}

// Surrogates (D800–DFFF) stand for code points above FFFF, so they must sort after E000–FFFF.
function fixup(c: number): number {
  if (c >= 0xe000) return c - 0x800;
  if (c >= 0xd800) return c + 0x2000;
  return c;
}

/** The own keys of `o` in UTF-8 byte order. */
export function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  if (keys.length < 2) return keys;
  // The native UTF-16 sort is several times faster than a comparator and agrees with UTF-8 order unless an astral
  // character meets U+E000–U+FFFF; a linear check of neighbours (enough, as the order is total) catches that case.
  keys.sort();
  for (let i = 1; i < keys.length; i++) {
    if (compareUtf8(keys[i - 1] as string, keys[i] as string) > 0) return keys.sort(compareUtf8);
  }
  return keys;
}
