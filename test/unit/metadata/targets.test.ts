import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../../../src/encoding/base64.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { fileMetaFromBytes, parseTargets, Targets, tufKeyId } from '../../../src/metadata/index.js';
import { buildRepo, EXPIRES, envelope, expectCode, keys, type Loose, signedCopy } from './fixtures.js';

type Mut = (s: Loose) => void;

const SHA256 = 'zuGTidkqcH/H3TvIzLTB2NdZDaUsDlA62z/7SPcaWdc=';
const SHA512 = 'eSBbdBuh66hnY8yxAM68X3wCXbOy6UcU5owjTASmDe/IykVCk7PUDmscrGOXlecin74JCsf/7aS5kB6Q+u9X0Q==';

function delegatedSigned(): Loose {
  const id = tufKeyId(keys().extra.publicKey);
  const s = signedCopy(buildRepo().targets) as Loose;
  s.delegations = {
    keys: { [id]: { keytype: 'ecdsa', keyval: { private: null, public: 'AAAA' } } },
    roles: [{ keyids: [id], name: 'targets/releases', paths: [''], threshold: 1 }],
  };
  return s;
}

function targetsWith(mut: Mut, role = 'targets'): () => unknown {
  const s = delegatedSigned();
  mut(s);
  const bytes = envelope(s);
  return () => parseTargets(bytes, role);
}

describe('targets parse', () => {
  it('looks targets up by name, decoding on demand', () => {
    const t = parseTargets(buildRepo().targets.raw).signed;
    expect(t.targetCount).toBe(2);
    expect(t.hasTarget('v1')).toBe(true);
    expect(t.getTarget('v1')).toEqual({ name: 'v1', ...fileMetaFromBytes(utf8('hello\n')) });
    expect(t.getTarget('a&b<c>')?.hashes.sha512).toBeUndefined();
    expect(t.getTarget('nope')).toBeUndefined();
    expect(t.targetNames().sort()).toEqual(['a&b<c>', 'v1']);
    expect([...t.targets()].map((x) => x.name).sort()).toEqual(['a&b<c>', 'v1']);
  });

  it('inherited names are not targets (constructor, __proto__, toString)', () => {
    const t = parseTargets(buildRepo().targets.raw).signed;
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(t.getTarget(name)).toBeUndefined();
      expect(t.hasTarget(name)).toBe(false);
    }
  });

  it('a target named __proto__ is an ordinary entry', () => {
    const s = delegatedSigned();
    const bytes = utf8(
      JSON.stringify({ signed: s, signatures: [] }).replace(
        '"targets":{',
        `"targets":{"__proto__":{"hashes":{"sha256":"${SHA256}"},"length":3},`,
      ),
    );
    const t = parseTargets(bytes).signed;
    expect(t.getTarget('__proto__')?.length).toBe(3);
    expect(Object.getPrototypeOf(t.json.targets)).not.toBe(Object.prototype);
  });

  it('keeps custom (any JSON, null included), ignores unknown hash algorithms', () => {
    const t = parseTargets(
      envelope({
        ...delegatedSigned(),
        targets: {
          c: { custom: { z: [1, 'x'], a: null }, hashes: { sha256: SHA256, md5: 'AAAA' }, length: 0 },
          n: { custom: null, hashes: { sha512: SHA512 }, length: 5 },
        },
      }),
    ).signed;
    expect(t.getTarget('c')).toEqual({
      name: 'c',
      length: 0,
      hashes: { sha256: fromBase64(SHA256) },
      custom: { z: [1, 'x'], a: null },
    });
    expect(t.getTarget('n')?.custom).toBeNull();
  });

  it('reads delegations', () => {
    const t = parseTargets(envelope(delegatedSigned())).signed;
    expect(t.delegations.roles).toEqual([
      { name: 'targets/releases', keyIds: [tufKeyId(keys().extra.publicKey)], threshold: 1, paths: [''] },
    ]);
    expect(t.delegation('targets/releases')?.paths).toEqual(['']);
    expect(t.delegation('targets/qa')).toBeUndefined();
    expect(t.delegations.keys.size).toBe(1);
  });

  it('delegations may be missing or null; keys/roles inside may be missing or null; paths may be missing', () => {
    for (const d of [undefined, null, {}, { keys: null, roles: null }]) {
      const s = delegatedSigned();
      if (d === undefined) delete s.delegations;
      else s.delegations = d;
      expect(parseTargets(envelope(s)).signed.delegations.roles).toEqual([]);
    }
    const t = parseTargets(envelope(delegatedSigned()), 'targets').signed;
    expect(t.delegations.roles.length).toBe(1);
    const noPaths = delegatedSigned();
    delete noPaths.delegations.roles[0].paths;
    expect(parseTargets(envelope(noPaths)).signed.delegations.roles[0]?.paths).toEqual([]);
  });

  it("keyids: null (Go's nil slice after the last key is removed) reads as a role without keys", () => {
    const s = delegatedSigned();
    s.delegations.roles[0].keyids = null;
    const role = parseTargets(envelope(s)).signed.delegation('targets/releases');
    expect(role?.keyIds).toEqual([]);
    s.delegations.roles[0].keyids = 'abc';
    expectCode(() => parseTargets(envelope(s)), 'INVALID_METADATA');
  });

  it('a delegated file lists its own children', () => {
    const s = delegatedSigned();
    s.delegations.roles[0].name = 'targets/releases/sub';
    expect(parseTargets(envelope(s), 'targets/releases').signed.role).toBe('targets/releases');
  });

  it('the role argument must be a targets role (programmer error)', () => {
    expect(() => parseTargets(buildRepo().targets.raw, 'snapshot')).toThrow(RangeError);
    expect(() => parseTargets(buildRepo().targets.raw, 'targets/')).toThrow(RangeError);
  });
});

describe('targets parse errors: INVALID_METADATA naming the field', () => {
  const cases: [string, Mut, string][] = [
    ['_type lower case', (s) => (s._type = 'targets'), '_type'],
    ['_type Root', (s) => (s._type = 'Root'), '_type'],
    ['version 0', (s) => (s.version = 0), 'version'],
    ['expires hour 24', (s) => (s.expires = '2030-01-01T24:00:00Z'), 'expires'],
    ['targets missing', (s) => delete s.targets, 'targets'],
    ['targets null', (s) => (s.targets = null), 'targets'],
    ['targets an array', (s) => (s.targets = []), 'targets'],
    ['target not an object', (s) => (s.targets.v1 = 'x'), 'targets.v1'],
    ['length missing', (s) => delete s.targets.v1.length, 'targets.v1.length'],
    ['length negative', (s) => (s.targets.v1.length = -1), 'targets.v1.length'],
    ['length fractional', (s) => (s.targets.v1.length = 1.5), 'targets.v1.length'],
    ['length a string', (s) => (s.targets.v1.length = '6'), 'targets.v1.length'],
    ['hashes missing', (s) => delete s.targets.v1.hashes, 'targets.v1.hashes'],
    ['hashes an array', (s) => (s.targets.v1.hashes = []), 'targets.v1.hashes'],
    ['no known hash', (s) => (s.targets.v1.hashes = { md5: 'AAAA' }), 'targets.v1.hashes'],
    ['empty hashes', (s) => (s.targets.v1.hashes = {}), 'targets.v1.hashes'],
    ['sha256 too short', (s) => (s.targets.v1.hashes.sha256 = 'AAAA'), 'targets.v1.hashes.sha256'],
    ['sha256 of 64 bytes', (s) => (s.targets.v1.hashes.sha256 = SHA512), 'targets.v1.hashes.sha256'],
    ['sha256 url alphabet', (s) => (s.targets.v1.hashes.sha256 = SHA256.replace('/', '_')), 'targets.v1.hashes.sha256'],
    ['sha256 unpadded', (s) => (s.targets.v1.hashes.sha256 = SHA256.slice(0, 43)), 'targets.v1.hashes.sha256'],
    ['sha256 hex', (s) => (s.targets.v1.hashes.sha256 = 'ab'.repeat(32)), 'targets.v1.hashes.sha256'],
    ['sha256 a number', (s) => (s.targets.v1.hashes.sha256 = 1), 'targets.v1.hashes.sha256'],
    ['sha512 of 32 bytes', (s) => (s.targets.v1.hashes.sha512 = SHA256), 'targets.v1.hashes.sha512'],
    ['sha512 non-ascii', (s) => (s.targets.v1.hashes.sha512 = `é${SHA512.slice(1)}`), 'targets.v1.hashes.sha512'],
    ['unknown hash not base64', (s) => (s.targets.v1.hashes.md5 = '***'), 'targets.v1.hashes."md5"'],
    ['quoted target name in field path', (s) => (s.targets['a&b<c>'].length = -2), 'targets."a&b<c>".length'],
    ['delegations an array', (s) => (s.delegations = []), 'delegations'],
    ['delegations.keys an array', (s) => (s.delegations.keys = []), 'delegations.keys'],
    ['delegations.roles an object', (s) => (s.delegations.roles = {}), 'delegations.roles'],
    ['delegation role not an object', (s) => (s.delegations.roles = [1]), 'delegations.roles[0]'],
    ['delegation name missing', (s) => delete s.delegations.roles[0].name, 'delegations.roles[0].name'],
    ['delegation name upper case', (s) => (s.delegations.roles[0].name = 'targets/Rel'), 'delegations.roles[0].name'],
    ['delegation name with dot', (s) => (s.delegations.roles[0].name = 'targets/a.b'), 'delegations.roles[0].name'],
    ['delegation name not clean', (s) => (s.delegations.roles[0].name = 'targets//a'), 'delegations.roles[0].name'],
    [
      'delegation name trailing slash',
      (s) => (s.delegations.roles[0].name = 'targets/a/'),
      'delegations.roles[0].name',
    ],
    ['delegation name base role', (s) => (s.delegations.roles[0].name = 'targets'), 'delegations.roles[0].name'],
    ['delegation name wrong prefix', (s) => (s.delegations.roles[0].name = 'releases/a'), 'delegations.roles[0].name'],
    [
      'delegation name 256 chars',
      (s) => (s.delegations.roles[0].name = `targets/${'a'.repeat(248)}`),
      'delegations.roles[0].name',
    ],
    ['delegation grandchild', (s) => (s.delegations.roles[0].name = 'targets/a/b'), 'delegations.roles[0].name'],
    [
      'delegation listed twice',
      (s) => s.delegations.roles.push({ ...s.delegations.roles[0] }),
      'delegations.roles[1].name',
    ],
    ['delegation threshold 0', (s) => (s.delegations.roles[0].threshold = 0), 'delegations.roles[0].threshold'],
    ['delegation keyids missing', (s) => delete s.delegations.roles[0].keyids, 'delegations.roles[0].keyids'],
    ['delegation keyid unknown', (s) => (s.delegations.roles[0].keyids = ['ab']), 'delegations.roles[0].keyids[0]'],
    ['delegation paths a string', (s) => (s.delegations.roles[0].paths = ''), 'delegations.roles[0].paths'],
    ['delegation path a number', (s) => (s.delegations.roles[0].paths = [1]), 'delegations.roles[0].paths[0]'],
    ['delegation key bad type', (s) => ((Object.values(s.delegations.keys)[0] as Loose).keytype = 'x'), ''],
  ];
  for (const [name, mut, field] of cases) {
    it(name, () => {
      const details: Record<string, unknown> = { role: 'targets' };
      if (field !== '') details.field = field;
      expectCode(targetsWith(mut), 'INVALID_METADATA', details);
    });
  }

  it('a name of exactly 255 characters is fine', () => {
    expect(targetsWith((s) => (s.delegations.roles[0].name = `targets/${'a'.repeat(247)}`))).not.toThrow();
  });

  it('a delegated file may not list siblings or its parent', () => {
    expectCode(
      targetsWith(() => {}, 'targets/qa'),
      'INVALID_METADATA',
      {
        role: 'targets/qa',
        field: 'delegations.roles[0].name',
      },
    );
  });
});

describe('targets builder', () => {
  it('writes Go fields, always with delegations', () => {
    const t = Targets.create({ expires: EXPIRES, role: 'targets/releases' });
    expect(new TextDecoder().decode(t.canonicalBytes())).toBe(
      '{"_type":"Targets","delegations":{"keys":{},"roles":[]},"expires":"2030-01-02T03:04:05.123456789Z","targets":{},"version":1}',
    );
    expect(t.role).toBe('targets/releases');
  });

  it('refuses bad target meta', () => {
    const bad = [
      { length: -1, hashes: { sha256: new Uint8Array(32) } },
      { length: 1, hashes: {} },
      { length: 1, hashes: { sha256: new Uint8Array(31) } },
      { length: 1, hashes: { sha512: new Uint8Array(32) } },
    ];
    for (const meta of bad)
      expect(() => Targets.create({ expires: EXPIRES, targets: [['x', meta]] })).toThrow(RangeError);
    expectCode(
      () =>
        Targets.create({
          expires: EXPIRES,
          targets: [['x', { length: 1, hashes: { sha256: new Uint8Array(32) }, custom: 1.5 }]],
        }),
      'NON_CANONICAL',
    );
    expect(() => Targets.create({ expires: EXPIRES, role: 'nope' })).toThrow(RangeError);
  });
});
