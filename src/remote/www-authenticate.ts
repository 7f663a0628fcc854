// Parser for `WWW-Authenticate` challenges (RFC 7235 §4.1, RFC 9110 §11.6.1): schemes, token68 and auth-params.

/** One challenge. `scheme` and parameter names are lowercased (both are case-insensitive); values are unescaped. */
export interface Challenge {
  scheme: string;
  /** Null-prototype map, so a `__proto__` parameter is an ordinary key. */
  params: Record<string, string>;
  token68?: string;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[-._~+/0-9A-Za-z]/;

class Scanner {
  i = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.i >= this.s.length;
  }

  peek(): string {
    return this.s[this.i] ?? '';
  }

  /** Optional whitespace (SP / HTAB). */
  ows(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }

  token(): string {
    const start = this.i;
    while (!this.done && TCHAR.test(this.peek())) this.i++;
    return this.s.slice(start, this.i);
  }

  /** A quoted-string starting at `"`; returns undefined when unterminated or holding a control character. */
  quoted(): string | undefined {
    this.i++; // opening quote
    let out = '';
    while (!this.done) {
      const c = this.peek();
      const code = c.charCodeAt(0);
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c === '\\') {
        this.i++;
        if (this.done) return undefined;
        const e = this.peek();
        const ec = e.charCodeAt(0);
        if ((ec < 0x20 && ec !== 0x09) || ec === 0x7f) return undefined;
        out += e;
        this.i++;
        continue;
      }
      if ((code < 0x20 && code !== 0x09) || code === 0x7f) return undefined;
      out += c;
      this.i++;
    }
    return undefined;
  }

  /** Skips list separators: OWS and commas (RFC 9110 §5.6.1 allows empty list elements). */
  commas(): void {
    for (;;) {
      this.ows();
      if (this.peek() !== ',') return;
      this.i++;
    }
  }
}

/** Looks ahead from the scanner position: is the next thing `token BWS "="` followed by a value (not token68)? */
function atAuthParam(sc: Scanner): boolean {
  const save = sc.i;
  const name = sc.token();
  sc.ows();
  let result = false;
  if (name !== '' && sc.peek() === '=') {
    sc.i++;
    sc.ows();
    const c = sc.peek();
    // `a=` followed by end/comma is a token68 (`abc=`), not a parameter with an empty value.
    result = c === '"' || (c !== '' && TCHAR.test(c));
  }
  sc.i = save;
  return result;
}

function readToken68(sc: Scanner): string | undefined {
  const start = sc.i;
  while (!sc.done && TOKEN68_CHAR.test(sc.peek())) sc.i++;
  if (sc.i === start) return undefined;
  while (sc.peek() === '=') sc.i++;
  const t = sc.s.slice(start, sc.i);
  sc.ows();
  return sc.done || sc.peek() === ',' ? t : undefined;
}

/** Parses one challenge's parameters; returns false when it is malformed (the rest of the header is dropped). */
function readParams(sc: Scanner, ch: Challenge): boolean {
  for (;;) {
    sc.commas();
    if (sc.done || !atAuthParam(sc)) return true; // next challenge (or end)
    const name = sc.token().toLowerCase();
    sc.ows();
    sc.i++; // '='
    sc.ows();
    let value: string | undefined;
    if (sc.peek() === '"') value = sc.quoted();
    else value = sc.token();
    if (value === undefined) return false;
    // A repeated parameter is ambiguous (which realm?), so the whole challenge is refused (RFC 9110 §11.2).
    if (Object.hasOwn(ch.params, name)) return false;
    ch.params[name] = value;
    sc.ows();
    if (!sc.done && sc.peek() !== ',') return false;
  }
}

/**
 * Parses one or more `WWW-Authenticate` header values into challenges, in order. Malformed input never throws:
 * parsing of that header value stops at the first malformed challenge, which is dropped.
 */
export function parseWwwAuthenticate(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  const values = typeof header === 'string' ? [header] : header;
  const out: Challenge[] = [];
  for (const value of values) {
    const sc = new Scanner(value);
    for (;;) {
      sc.commas();
      if (sc.done) break;
      const scheme = sc.token();
      if (scheme === '') break;
      const ch: Challenge = { scheme: scheme.toLowerCase(), params: Object.create(null) as Record<string, string> };
      const afterScheme = sc.i;
      sc.ows();
      if (sc.done || sc.peek() === ',') {
        out.push(ch);
        continue;
      }
      if (sc.i === afterScheme) break; // scheme must be followed by a space
      if (!atAuthParam(sc)) {
        const t68 = readToken68(sc);
        if (t68 === undefined) break;
        ch.token68 = t68;
        out.push(ch);
        continue;
      }
      if (!readParams(sc, ch)) break;
      out.push(ch);
    }
  }
  return out;
}
