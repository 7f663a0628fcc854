// FileMeta edges that only mutation testing showed untested: the exact shape of sha256/sha512 base64 (length,
// padding position, the second padding character of sha512), hash values that are not strings but look like them
// to a careless check (arrays, numbers), unknown algorithms' base64, and the JSON Go writes for `custom` and for a
// zero-length target.
import { describe, expect, it } from 'vitest';
import { canonicalString } from '../../../src/canonical/index.js';
import { validateFileMeta } from '../../../src/metadata/file-meta.js';
import { type FileMeta, fileMetaFromBytes, fileMetaToJson, Targets } from '../../../src/metadata/index.js';
import { EXPIRES, expectCode, type Loose } from './fixtures.js';

const SHA256 = 'zuGTidkqcH/H3TvIzLTB2NdZDaUsDlA62z/7SPcaWdc=';
const SHA512 = 'eSBbdBuh66hnY8yxAM68X3wCXbOy6UcU5owjTASmDe/IykVCk7PUDmscrGOXlecin74JCsf/7aS5kB6Q+u9X0Q==';

/** A targets `signed` object whose only target `t` has `hashes`, validated eagerly (Targets.fromJson). */
function withHashes(hashes: Loose): () => Targets {
  const json = Targets.create({ expires: EXPIRES }).json as Loose;
  const copy = JSON.parse(JSON.stringify(json));
  copy.targets = { t: { hashes, length: 1 } };
  return () => Targets.fromJson(copy);
}

describe('sha256 / sha512 values: padded standard base64 of exactly 32 / 64 bytes', () => {
  const refused: [string, Loose][] = [
    ['sha256: 45 characters, "=" where the padding belongs but one more after it', { sha256: `${'A'.repeat(43)}=A` }],
    ['sha256: 44 characters ending "==" (31 bytes)', { sha256: `${'A'.repeat(42)}==` }],
    ['sha256: 44 characters, "=" inside, not at the end', { sha256: `${'A'.repeat(20)}=${'A'.repeat(22)}=` }],
    ['sha512: 88 characters, first "=" in place but the last is not "="', { sha512: `${'A'.repeat(86)}=A` }],
    ['sha512: 88 characters ending "A=" (65 bytes would need other padding)', { sha512: `${'A'.repeat(87)}=` }],
    ['sha256: an array of 44 one-character strings ending "="', { sha256: [...'A'.repeat(43), '='] }],
    ['sha512: an array of 88 one-character strings ending "=="', { sha512: [...'A'.repeat(86), '=', '='] }],
  ];
  for (const [name, hashes] of refused) {
    it(`refuses ${name}`, () => {
      const alg = Object.keys(hashes)[0];
      expectCode(withHashes(hashes), 'INVALID_METADATA', { role: 'targets', field: `targets.t.hashes.${alg}` });
    });
  }

  it('accepts the real thing, each alone and both together', () => {
    for (const hashes of [{ sha256: SHA256 }, { sha512: SHA512 }, { sha256: SHA256, sha512: SHA512 }]) {
      expect(withHashes(hashes)().getTarget('t')?.length).toBe(1);
    }
  });
});

describe('unknown algorithms: any padded standard base64 (Go decodes every hash value as bytes)', () => {
  it('accepts 0, 1 and 2 padding characters', () => {
    for (const v of ['', 'abcd', 'abc=', 'ab==', 'abcdabc=', '+/+/ab==']) {
      expect(withHashes({ sha256: SHA256, md5: v })().getTarget('t')?.hashes.sha256).toBeDefined();
    }
  });

  it('refuses a wrong length, misplaced padding, other characters and non-strings', () => {
    for (const v of ['abcde', 'abc', 'a===', 'ab=c', '!!!=', 'abc_', 1234, ['abcd'], null, true]) {
      expectCode(withHashes({ sha256: SHA256, md5: v }), 'INVALID_METADATA', { field: 'targets.t.hashes."md5"' });
    }
  });
});

describe('validateFileMeta', () => {
  it('a length that is not a number is refused, whatever its shape', () => {
    for (const length of ['1', [1], null, true, {}]) {
      expectCode(
        () => validateFileMeta({ hashes: { sha256: SHA256 }, length } as Loose, 'snapshot', 'meta', 'x'),
        'INVALID_METADATA',
        {
          role: 'snapshot',
          field: 'meta.x.length',
        },
      );
    }
  });
});

describe('the FileMeta read from a file', () => {
  it('has no custom field at all when the file has none', () => {
    const t = withHashes({ sha256: SHA256 })().getTarget('t');
    expect(t).toBeDefined();
    expect(Object.hasOwn(t as object, 'custom')).toBe(false);
  });
});

describe('fileMetaToJson: the JSON Go writes', () => {
  const meta = fileMetaFromBytes(new Uint8Array(0), ['sha256']);

  it('a zero-length target is fine', () => {
    expect(meta.length).toBe(0);
    expect(canonicalString(fileMetaToJson(meta))).toBe(
      '{"hashes":{"sha256":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},"length":0}',
    );
  });

  it('custom absent or null: no custom key at all', () => {
    // A JavaScript caller may still pass `custom: undefined` (the type forbids it under exactOptionalPropertyTypes).
    for (const m of [meta, { ...meta, custom: null }, { ...meta, custom: undefined } as unknown as FileMeta]) {
      const json = fileMetaToJson(m);
      expect(Object.keys(json)).toEqual(['hashes', 'length']);
    }
  });

  it('custom present (even false or 0) is kept', () => {
    for (const custom of [false, 0, '', { a: 1 }]) {
      expect(fileMetaToJson({ ...meta, custom }).custom).toEqual(custom);
    }
  });
});
