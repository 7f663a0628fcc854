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

export function sortedKeys(o: object): string[] {
  return Object.keys(o).sort(compareUtf8);
}
