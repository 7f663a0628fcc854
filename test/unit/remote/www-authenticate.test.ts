// WWW-Authenticate parsing: real notary/registry headers, edge cases, and a round-trip property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Challenge, parseWwwAuthenticate } from '../../../src/remote/index.js';

const plain = (c: Challenge[]) => c.map((x) => ({ ...x, params: { ...x.params } }));

describe('parseWwwAuthenticate', () => {
  it('parses notary-server bearer challenges, with and without error=', () => {
    const h =
      'Bearer realm="https://auth.example.com/token",service="notary.example.com",scope="repository:docker.io/library/alpine:pull"';
    expect(plain(parseWwwAuthenticate(h))).toEqual([
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example.com/token',
          service: 'notary.example.com',
          scope: 'repository:docker.io/library/alpine:pull',
        },
      },
    ]);
    const e = parseWwwAuthenticate(`${h},error="insufficient_scope"`);
    expect(e[0]?.params['error']).toBe('insufficient_scope');
  });

  it('handles case, whitespace, tokens, escapes, empty list elements and several challenges', () => {
    const h = ' , BASIC  Realm = "a \\"q\\" \\\\ b" ,, charset=UTF-8, Bearer realm=x,scope="a b"';
    expect(plain(parseWwwAuthenticate(h))).toEqual([
      { scheme: 'basic', params: { realm: 'a "q" \\ b', charset: 'UTF-8' } },
      { scheme: 'bearer', params: { realm: 'x', scope: 'a b' } },
    ]);
  });

  it('reads several header values and token68 challenges', () => {
    expect(plain(parseWwwAuthenticate(['Negotiate abc+/def==', 'Basic realm="r"', 'Digest']))).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'abc+/def==' },
      { scheme: 'basic', params: { realm: 'r' } },
      { scheme: 'digest', params: {} },
    ]);
  });

  it('drops malformed challenges without throwing', () => {
    expect(parseWwwAuthenticate('Bearer realm="unterminated')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="a",realm="b"')).toEqual([]); // ambiguous duplicate
    expect(parseWwwAuthenticate('Bearer realm="a\u0001"')).toEqual([]);
    expect(parseWwwAuthenticate('"quoted"')).toEqual([]);
    expect(plain(parseWwwAuthenticate('Basic realm="r", Bearer realm="x" junk'))).toEqual([
      { scheme: 'basic', params: { realm: 'r' } },
    ]);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
  });

  it('treats __proto__ as an ordinary parameter', () => {
    const [c] = parseWwwAuthenticate('Bearer __proto__="x",realm="r"');
    expect(Object.entries(c?.params ?? {})).toContainEqual(['__proto__', 'x']);
    expect(Object.getPrototypeOf(c?.params)).toBeNull();
  });
});

// ---- property: serialise arbitrary challenges (quoted or token values, random OWS) and parse them back ----
const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 12 });
const qdtext = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.constant('\t'),
  ),
  maxLength: 24,
});
const ows = fc.constantFrom('', ' ', '  ', '\t');
const challengeArb = fc.record({
  scheme: token,
  params: fc.uniqueArray(fc.tuple(token, fc.oneof(qdtext, token), fc.boolean(), ows, ows), {
    selector: ([k]) => k.toLowerCase(),
    minLength: 1,
    maxLength: 5,
  }),
});

function quote(v: string): string {
  return `"${v.replace(/[\\"]/g, (m) => `\\${m}`)}"`;
}

describe('parseWwwAuthenticate property', () => {
  it('round-trips any list of challenges', () => {
    fc.assert(
      fc.property(fc.array(challengeArb, { minLength: 1, maxLength: 4 }), ows, (list, sep) => {
        const text = list
          .map(
            (c) =>
              `${c.scheme} ${c.params
                .map(([k, v, forceQuote, a, b]) => {
                  const useToken = !forceQuote && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(v);
                  return `${k}${a}=${b}${useToken ? v : quote(v)}`;
                })
                .join(`${sep},${sep}`)}`,
          )
          .join(`${sep},${sep}`);
        const parsed = parseWwwAuthenticate(text);
        expect(plain(parsed)).toEqual(
          list.map((c) => ({
            scheme: c.scheme.toLowerCase(),
            params: Object.fromEntries(c.params.map(([k, v]) => [k.toLowerCase(), v])),
          })),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        expect(Array.isArray(parseWwwAuthenticate(s))).toBe(true);
      }),
    );
  });
});
