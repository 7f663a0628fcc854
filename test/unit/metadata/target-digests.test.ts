// Targets.digests (what a listing reads) and the memoised, frozen entries of getTarget, on lazy and eager files.
import { describe, expect, it } from 'vitest';
import { wireString } from '../../../src/canonical/index.js';
import { toHex } from '../../../src/encoding/hex.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { parseEnvelope, parseTargets, Targets } from '../../../src/metadata/index.js';

const H256 = 'zuGTidkqcH/H3TvIzLTB2NdZDaUsDlA62z/7SPcaWdc=';
const H512 = 'eSBbdBuh66hnY8yxAM68X3wCXbOy6UcU5owjTASmDe/IykVCk7PUDmscrGOXlecin74JCsf/7aS5kB6Q+u9X0Q==';
const HEX256 = Buffer.from(H256, 'base64').toString('hex');

function file(targets: Record<string, unknown>): Uint8Array {
  return utf8(
    `{"signed":{"_type":"Targets","delegations":{"keys":{},"roles":[]},"expires":"2030-01-01T00:00:00Z",` +
      `"targets":${wireString(targets as never)},"version":1},"signatures":[]}`,
  );
}

const entries = {
  a: { hashes: { sha256: H256 }, length: 1 },
  b: { hashes: { sha256: H256, sha512: H512 }, length: 22 },
  c: { hashes: { sha512: H512 }, length: 333 },
  d: { custom: { k: 'v' }, hashes: { sha256: H256 }, length: 4444 },
  'e\u00e9': { hashes: { sha256: H256, sha512: H512 }, length: 5 },
};
const want = [
  { name: 'a', sha256: HEX256, length: 1 },
  { name: 'b', sha256: HEX256, length: 22 },
  { name: 'c', sha256: undefined, length: 333 },
  { name: 'd', sha256: HEX256, length: 4444 },
  { name: 'e\u00e9', sha256: HEX256, length: 5 },
];

function both(): [string, Targets][] {
  const raw = file(entries);
  const e = parseEnvelope(raw, 'targets');
  return [
    ['lazy', parseTargets(raw).signed],
    ['eager', Targets.fromJson(e.signed, 'targets', e.canonical)],
  ];
}

describe('Targets.digests', () => {
  for (const [kind, t] of both()) {
    it(`${kind}: every entry's name, hex sha256 (none for sha512-only) and length, in file order`, () => {
      expect([...t.digests()]).toEqual(want);
    });
    it(`${kind}: agrees with the decoded entries`, () => {
      for (const d of t.digests()) {
        const f = t.getTarget(d.name);
        expect(f?.length).toBe(d.length);
        expect(f?.hashes.sha256 === undefined ? undefined : toHex(f.hashes.sha256)).toBe(d.sha256);
      }
    });
  }
});

describe('Targets.getTarget memo', () => {
  it('returns the same frozen entry on every call (lazy file), and undefined for a missing name', () => {
    const t = parseTargets(file(entries)).signed;
    const first = t.getTarget('b');
    expect(first).toBeDefined();
    expect(t.getTarget('b')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.hashes)).toBe(true);
    expect(() => {
      (first as { length: number }).length = 9;
    }).toThrow(TypeError);
    expect(t.getTarget('zz')).toBeUndefined();
    expect(t.getTarget('b')?.length).toBe(22);
  });
});
