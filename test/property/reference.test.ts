// Properties of image-reference parsing: normalisation is idempotent, and every name it yields is a GUN the
// remote layer's normaliser leaves unchanged (one grammar for the name a registry and a notary server see).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isGun } from '../../src/grammar/gun.js';
import { formatReference, parseImageReference } from '../../src/grammar/reference.js';
import { normalizeGun } from '../../src/remote/server-url.js';

const alnum = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const sep = fc.constantFrom('.', '_', '__', '-', '--');
const component = fc
  .tuple(alnum, fc.array(fc.tuple(sep, alnum), { maxLength: 2 }))
  .map(([a, rest]) => a + rest.map(([s, b]) => s + b).join(''));
// A first component with a `.` would be taken for a registry host (docker's rule), so it has none.
const first = fc
  .tuple(alnum, fc.array(fc.tuple(fc.constantFrom('_', '__', '-'), alnum), { maxLength: 2 }))
  .map(([a, rest]) => a + rest.map(([s, b]) => s + b).join(''));
const path = fc.tuple(first, fc.array(component, { maxLength: 2 })).map(([f, rest]) => [f, ...rest].join('/'));
const registry = fc.oneof(
  fc.constant(''),
  fc.constantFrom('docker.io/', 'index.docker.io/', 'localhost/', 'localhost:5000/', '127.0.0.1:5000/'),
  fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9-]{0,5}[a-z0-9]$/), fc.integer({ min: 1, max: 65535 }))
    .map(([h, p]) => `${h}.example:${p}/`),
);
const tag = fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined });
const digest = fc.option(
  fc.stringMatching(/^[a-f0-9]{64}$/).map((h) => `sha256:${h}`),
  { nil: undefined },
);
const reference = fc
  .tuple(registry, path, tag, digest)
  .map(([r, p, t, d]) => `${r}${p}${t !== undefined ? `:${t}` : ''}${d !== undefined ? `@${d}` : ''}`);

describe('image references (property)', () => {
  it('normalising twice changes nothing', () => {
    fc.assert(
      fc.property(reference, (s) => {
        const once = parseImageReference(s);
        expect(parseImageReference(formatReference(once))).toEqual(once);
      }),
    );
  });

  it('the name is a GUN the signer and verifier accept, and a fixed point of the GUN normaliser', () => {
    fc.assert(
      fc.property(reference, (s) => {
        const name = parseImageReference(s).name;
        expect(normalizeGun(name)).toBe(name);
        expect(isGun(name)).toBe(true);
      }),
    );
  });

  it('a Docker Hub name without a slash lands in library/', () => {
    fc.assert(
      fc.property(component, tag, (c, t) => {
        const r = parseImageReference(`${c}${t !== undefined ? `:${t}` : ''}`);
        expect(r.name).toBe(`docker.io/library/${c}`);
        expect(r.tag).toBe(t);
      }),
    );
  });
});
