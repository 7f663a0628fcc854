import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalString } from '../../../src/canonical/index.js';
import { isNotaryError } from '../../../src/errors.js';
import { validateFileMeta } from '../../../src/metadata/file-meta.js';
import { fileMetaFromHex, fileMetaToJson, Targets } from '../../../src/metadata/index.js';
import { EXPIRES } from './fixtures.js';

const sha256 = createHash('sha256').update('manifest').digest();
const sha512 = createHash('sha512').update('manifest').digest();

describe('fileMetaFromHex (a tag digest converted once)', () => {
  it('decodes the digest and writes the same JSON as a FileMeta built from bytes', () => {
    const m = fileMetaFromHex('sha256', sha256.toString('hex'), 527);
    expect(m.length).toBe(527);
    expect(m.hashes.sha256).toEqual(new Uint8Array(sha256));
    expect(m.hashes.sha512).toBeUndefined();
    const plain = { length: 527, hashes: { sha256: new Uint8Array(sha256) } };
    expect(canonicalString(fileMetaToJson(m))).toBe(canonicalString(fileMetaToJson(plain)));
    expect(canonicalString(fileMetaToJson(m))).toBe(
      `{"hashes":{"sha256":"${sha256.toString('base64')}"},"length":527}`,
    );
    const m512 = fileMetaFromHex('sha512', sha512.toString('hex'), 0);
    expect(m512.hashes.sha512).toEqual(new Uint8Array(sha512));
    expect(fileMetaToJson(m512).hashes).toEqual({ sha512: sha512.toString('base64') });
  });

  it('a copy of the meta (spread) is converted from its bytes, with the same result', () => {
    const m = fileMetaFromHex('sha256', sha256.toString('hex'), 3);
    const copy = { ...m };
    expect(canonicalString(fileMetaToJson(copy))).toBe(canonicalString(fileMetaToJson(m)));
  });

  it('refuses upper-case or non-hex digits, wrong lengths and bad sizes', () => {
    const hex = sha256.toString('hex');
    for (const bad of [
      hex.toUpperCase(),
      `${hex.slice(0, 63)}g`,
      hex.slice(2),
      `${hex}00`,
      '',
      `${hex.slice(0, 63)}é`,
    ]) {
      expect(() => fileMetaFromHex('sha256', bad, 1)).toThrow(RangeError);
    }
    expect(() => fileMetaFromHex('sha512', hex, 1)).toThrow(RangeError);
    for (const size of [-1, 1.5, Number.NaN, 2 ** 53]) {
      expect(() => fileMetaFromHex('sha256', hex, size)).toThrow(RangeError);
    }
  });

  it('builds valid targets that read back the same meta', () => {
    const m = fileMetaFromHex('sha256', sha256.toString('hex'), 42);
    const t = Targets.create({ expires: EXPIRES, targets: [['latest', m]] });
    expect(t.getTarget('latest')).toEqual({ name: 'latest', length: 42, hashes: { sha256: new Uint8Array(sha256) } });
  });

  it('made entries are frozen (so they need no re-validation); look-alike objects are still checked', () => {
    const entry = fileMetaToJson(fileMetaFromHex('sha256', sha256.toString('hex'), 1));
    expect(Object.isFrozen(entry)).toBe(true);
    expect(Object.isFrozen(entry.hashes)).toBe(true);
    expect(() => {
      (entry as Record<string, unknown>).length = -1;
    }).toThrow(TypeError);
    expect(() => validateFileMeta(entry, 'targets', 'targets', 'x')).not.toThrow();
    const copy = JSON.parse(JSON.stringify(entry));
    copy.length = -1;
    let err: unknown;
    try {
      validateFileMeta(copy, 'targets', 'targets', 'x');
    } catch (e) {
      err = e;
    }
    expect(isNotaryError(err, 'INVALID_METADATA')).toBe(true);
  });
});
