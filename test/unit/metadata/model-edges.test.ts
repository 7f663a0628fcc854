// Metadata-model edges that only mutation testing showed untested: default roles in error details, extra root
// roles and keysOf, root edits that must not touch the edited root, signer matching, null where Go writes null
// (delegation paths, delegations), the calendar's last day of a 400-year era, and the expiry rule of the models.
import { describe, expect, it } from 'vitest';
import { canonicalString } from '../../../src/canonical/index.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import {
  checkHashes,
  checkLength,
  cloneJson,
  editRoot,
  editTargets,
  expiryAfter,
  fileMetaFromBytes,
  formatRfc3339Nano,
  KEY_TYPES,
  keySigner,
  METADATA_TYPES,
  metadataTypeOf,
  parseEnvelope,
  parseExpiry,
  parseKey,
  parseMetadata,
  parseRoot,
  parseSnapshot,
  parseTimestamp,
  Root,
  type Signer,
  signersFor,
  signMetadata,
  Targets,
  tufKeyId,
} from '../../../src/metadata/index.js';
import { buildRepo, EXPIRES, expectCode, keys, type Loose, signedCopy } from './fixtures.js';

const k = keys();

describe('default role names in error details', () => {
  it('checkHashes and checkLength without a role say "unknown"', () => {
    const meta = fileMetaFromBytes(utf8('a'));
    expectCode(() => checkHashes(utf8('b'), meta), 'HASH_MISMATCH', { role: 'unknown', algorithm: 'sha256' });
    expectCode(() => checkHashes(utf8('b'), { hashes: {} }), 'HASH_MISMATCH', { role: 'unknown', algorithm: null });
    expectCode(() => checkLength(utf8('bb'), meta), 'LENGTH_MISMATCH', { role: 'unknown', expected: 1, actual: 2 });
  });

  it('parseExpiry without a role says "unknown"', () => {
    expectCode(() => parseExpiry('tomorrow'), 'INVALID_METADATA', { role: 'unknown', field: 'expires' });
  });

  it('a broken root, snapshot or timestamp file names its role', () => {
    expectCode(() => parseRoot(utf8('{')), 'INVALID_JSON', { role: 'root' });
    expectCode(() => parseSnapshot(utf8('{')), 'INVALID_JSON', { role: 'snapshot' });
    expectCode(() => parseTimestamp(utf8('{')), 'INVALID_JSON', { role: 'timestamp' });
  });

  it('Targets.fromEnvelope defaults to the targets role', () => {
    const raw = buildRepo().targets.raw;
    expect(Targets.fromEnvelope(parseEnvelope(raw, 'targets')).role).toBe('targets');
  });

  it('parseMetadata refuses a name that is no role before reading the bytes', () => {
    expect(() => parseMetadata('releases', utf8('not json'))).toThrow(RangeError);
    expect(() => parseMetadata('targets/releases', utf8('not json'))).toThrow(/json/);
  });
});

describe('_type of each role', () => {
  it('base roles and delegations', () => {
    expect(METADATA_TYPES).toEqual({ root: 'Root', targets: 'Targets', snapshot: 'Snapshot', timestamp: 'Timestamp' });
    expect(['root', 'targets', 'snapshot', 'timestamp', 'targets/a', 'x'].map(metadataTypeOf)).toEqual([
      'Root',
      'Targets',
      'Snapshot',
      'Timestamp',
      'Targets',
      undefined,
    ]);
  });
});

describe('keys', () => {
  it('every key type Notary writes is accepted, rsa included', () => {
    expect(KEY_TYPES).toEqual(['ecdsa', 'ecdsa-x509', 'rsa', 'rsa-x509', 'ed25519']);
    for (const keytype of KEY_TYPES) {
      const key = parseKey({ keytype, keyval: { private: null, public: `${'A'.repeat(43)}=` } }, 'root', 'keys.x');
      expect(key.type).toBe(keytype);
    }
  });
});

describe('root: extra roles and keysOf', () => {
  function rootWith(mut: (s: Loose) => void): Root {
    const s = signedCopy(buildRepo().root) as Loose;
    mut(s);
    return Root.fromJson(JSON.parse(JSON.stringify(s)));
  }

  it('an extra role that is null is tolerated (and not a role)', () => {
    const root = rootWith((s) => (s.roles.mirror = null));
    expect(root.roles.has('mirror')).toBe(false);
    expect(root.keysOf('mirror').size).toBe(0);
  });

  it('keysOf leaves out IDs missing from keys (an extra role is not checked against keys)', () => {
    const id = tufKeyId(k.targets.publicKey);
    const root = rootWith((s) => (s.roles.mirror = { keyids: ['ab', id], threshold: 1 }));
    expect([...root.keysOf('mirror').keys()]).toEqual([id]);
    expect(root.keysOf('nonexistent').size).toBe(0);
  });
});

describe('root editor', () => {
  const root = buildRepo().root.signed;
  const targetsId = tufKeyId(k.targets.publicKey);
  const extraId = tufKeyId(k.extra.publicKey);

  it('removing one key of a role keeps the others', () => {
    const two = editRoot(root).addRoleKeys('targets', [k.extra.publicKey]).build();
    expect(two.baseRole('targets').keyIds).toEqual([targetsId, extraId]);
    const one = editRoot(two).removeRoleKeys('targets', [targetsId]).build();
    expect(one.baseRole('targets').keyIds).toEqual([extraId]);
    expect(one.keys.has(targetsId)).toBe(false);
    expect(one.keys.has(extraId)).toBe(true);
  });

  it('a threshold of 1 is allowed, 0 is not', () => {
    const two = editRoot(root).addRoleKeys('targets', [k.extra.publicKey]).setThreshold('targets', 2).build();
    expect(editRoot(two).setThreshold('targets', 1).build().baseRole('targets').threshold).toBe(1);
    expect(() => editRoot(two).setThreshold('targets', 0)).toThrow(RangeError);
  });

  it('edits never reach the root being edited (its keys, roles and key ID lists are copied)', () => {
    const before = canonicalString(root.json);
    editRoot(root).addRoleKeys('targets', [k.extra.publicKey]).setThreshold('snapshot', 3).build();
    expect(canonicalString(root.json)).toBe(before);
  });

  it('cloneJson copies every object and array, deeply, inheriting nothing', () => {
    const v = JSON.parse('{"a":[{"b":[1,"x",null,true]}],"c":{"d":{}}}');
    const c = cloneJson(v) as Loose;
    expect(c).toEqual(v);
    expect(c).not.toBe(v);
    expect(c.a).not.toBe(v.a);
    expect(c.a[0]).not.toBe(v.a[0]);
    expect(c.a[0].b).not.toBe(v.a[0].b);
    expect(c.c.d).not.toBe(v.c.d);
    // Objects inherit nothing (no Object.prototype), as the parser's do.
    expect('toString' in c).toBe(false);
    expect('hasOwnProperty' in c.c.d).toBe(false);
  });
});

describe('signers', () => {
  it('a private key that does not match the listed key: SIGNER_MISMATCH naming the listed key', () => {
    expectCode(() => keySigner(k.targets, k.extra.publicKey), 'SIGNER_MISMATCH', {
      keyId: tufKeyId(k.extra.publicKey),
    });
  });

  it('signersFor skips a key listed under an ID that is not its own', () => {
    const right = tufKeyId(k.targets.publicKey);
    const lookup = () => k.targets;
    expect(signersFor(new Map([[right, k.targets.publicKey]]), lookup).map((s) => s.keyId)).toEqual([right]);
    expect(signersFor(new Map([['f'.repeat(64), k.targets.publicKey]]), lookup)).toEqual([]);
  });

  it('signMetadata asks a signer listed twice once', async () => {
    const inner = keySigner(k.targets);
    let calls = 0;
    const counting: Signer = {
      keyId: inner.keyId,
      publicKey: inner.publicKey,
      sign: (data) => {
        calls++;
        return inner.sign(data);
      },
    };
    const file = await signMetadata(Targets.create({ expires: EXPIRES }), [counting, counting]);
    expect(calls).toBe(1);
    expect(file.signatures.length).toBe(1);
  });
});

describe('null where Go writes null', () => {
  function targetsJson(mut: (s: Loose) => void): Loose {
    const s = signedCopy(buildRepo().targets) as Loose;
    mut(s);
    return JSON.parse(JSON.stringify(s));
  }

  it('a delegation with "paths": null has no paths', () => {
    const id = tufKeyId(k.extra.publicKey);
    const json = targetsJson((s) => {
      s.delegations = {
        keys: { [id]: { keytype: 'ecdsa', keyval: { private: null, public: 'AAAA' } } },
        roles: [{ name: 'targets/releases', keyids: [id], threshold: 1, paths: null }],
      };
    });
    expect(Targets.fromJson(json).delegation('targets/releases')?.paths).toEqual([]);
  });

  it('"delegations": null is written back as the empty delegations Go writes', () => {
    const t = Targets.fromJson(targetsJson((s) => (s.delegations = null)));
    const edited = editTargets(t)
      .setTarget('new', fileMetaFromBytes(utf8('n')))
      .build();
    expect(canonicalString(edited.json.delegations as Loose)).toBe('{"keys":{},"roles":[]}');
  });
});

describe('dates', () => {
  it('era and century boundaries (Feb 29 of 2000 and 2400, March 1 of 2100 and 0100) are formatted right', () => {
    for (const text of [
      '2100-03-01T00:00:00Z',
      '2101-03-02T00:00:00Z',
      '0100-03-01T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '2000-02-29T23:59:59.5Z',
      '2400-02-29T12:00:00Z',
      '2000-03-01T00:00:00Z',
    ]) {
      expect(formatRfc3339Nano(parseExpiry(text).epochNs)).toBe(text);
    }
  });

  it('expiryAfter refuses seconds that are not an integer, whatever a JavaScript caller passes', () => {
    for (const seconds of [1.5, Number.NaN, undefined, '5', 2 ** 53]) {
      expect(() => expiryAfter(EXPIRES.epochNs, seconds as unknown as number)).toThrow(RangeError);
    }
  });

  it('a model is expired at its expiry instant, not a nanosecond before', () => {
    const t = Targets.create({ expires: EXPIRES });
    expect(t.isExpired(EXPIRES.epochNs)).toBe(true);
    expect(t.isExpired(EXPIRES.epochNs - 1n)).toBe(false);
    expect(t.isExpired(new Date('2031-01-01T00:00:00Z'))).toBe(true);
  });
});
