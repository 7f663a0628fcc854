import { describe, expect, it } from 'vitest';
import { canonicalBytes, type JsonObject } from '../../../src/canonical/index.js';
import { toBase64 } from '../../../src/encoding/base64.js';
import { parseRoot, Root, tufKeyId } from '../../../src/metadata/index.js';
import { buildRepo, EXPIRES, envelope, expectCode, keys, type Loose, signedCopy } from './fixtures.js';

type Mut = (s: Loose) => void;

function rootWith(mut: Mut): Uint8Array {
  const s = signedCopy(buildRepo().root);
  mut(s as Loose);
  return envelope(s);
}

function firstKeyId(s: Loose): string {
  return Object.keys(s.keys)[0] as string;
}

describe('root parse', () => {
  it('accepts what the builder makes and exposes keys and roles', () => {
    const { root } = buildRepo();
    const parsed = parseRoot(root.raw);
    const k = keys();
    expect(parsed.signed.version).toBe(1);
    expect(parsed.signed.expires).toEqual(EXPIRES);
    expect(parsed.signed.consistentSnapshot).toBe(false);
    expect(parsed.signed.baseRole('root')).toEqual({
      name: 'root',
      keyIds: [tufKeyId(k.root.publicKey)],
      threshold: 1,
    });
    expect([...parsed.signed.keysOf('timestamp').keys()]).toEqual([tufKeyId(k.timestamp.publicKey)]);
    expect(parsed.signed.keys.size).toBe(4);
    expect(parsed.raw).toBe(root.raw);
  });

  it('keeps unknown fields, and canonical bytes cover them', () => {
    const bytes = rootWith((s) => {
      s.zz_extra = { b: 1, a: [true, null] };
    });
    const parsed = parseRoot(bytes);
    expect(parsed.signed.json.zz_extra).toEqual({ b: 1, a: [true, null] });
    expect(new TextDecoder().decode(parsed.signed.canonicalBytes())).toContain('"zz_extra":{"a":[true,null],"b":1}');
  });

  it('tolerates extra roles, even with keys not in `keys`, and a null extra role', () => {
    const parsed = parseRoot(
      rootWith((s) => {
        s.roles.mirror = { keyids: ['nope'], threshold: 0 };
        s.roles.other = null;
      }),
    );
    expect(parsed.signed.roles.get('mirror')).toEqual({ name: 'mirror', keyIds: ['nope'], threshold: 0 });
    expect(parsed.signed.roles.has('other')).toBe(false);
  });

  it('consistent_snapshot may be missing (false) or true', () => {
    expect(parseRoot(rootWith((s) => delete s.consistent_snapshot)).signed.consistentSnapshot).toBe(false);
    expect(parseRoot(rootWith((s) => (s.consistent_snapshot = true))).signed.consistentSnapshot).toBe(true);
  });

  it('accepts a private field that is absent', () => {
    const parsed = parseRoot(rootWith((s) => delete s.keys[firstKeyId(s)].keyval.private));
    expect(parsed.signed.keys.size).toBe(4);
  });
});

describe('root parse errors: INVALID_METADATA naming the field', () => {
  const cases: [string, Mut, string][] = [
    ['_type lower case', (s) => (s._type = 'root'), '_type'],
    ['_type Targets', (s) => (s._type = 'Targets'), '_type'],
    ['_type missing', (s) => delete s._type, '_type'],
    ['_type not a string', (s) => (s._type = 1), '_type'],
    ['version 0', (s) => (s.version = 0), 'version'],
    ['version -1', (s) => (s.version = -1), 'version'],
    ['version 1.5', (s) => (s.version = 1.5), 'version'],
    ['version a string', (s) => (s.version = '1'), 'version'],
    ['version missing', (s) => delete s.version, 'version'],
    ['expires missing', (s) => delete s.expires, 'expires'],
    ['expires a number', (s) => (s.expires = 1), 'expires'],
    ['expires Feb 30', (s) => (s.expires = '2030-02-30T00:00:00Z'), 'expires'],
    ['expires without zone', (s) => (s.expires = '2030-01-01T00:00:00'), 'expires'],
    ['keys missing', (s) => delete s.keys, 'keys'],
    ['keys an array', (s) => (s.keys = []), 'keys'],
    ['roles missing', (s) => delete s.roles, 'roles'],
    ['roles an array', (s) => (s.roles = []), 'roles'],
    ['consistent_snapshot a string', (s) => (s.consistent_snapshot = 'false'), 'consistent_snapshot'],
  ];
  for (const [name, mut, field] of cases) {
    it(name, () => {
      expectCode(() => parseRoot(rootWith(mut)), 'INVALID_METADATA', { role: 'root', field });
    });
  }

  const keyCases: [string, (k: Loose) => void, string][] = [
    ['key not an object', (k) => (k.self = 5), ''],
    ['keytype missing', (k) => delete k.self.keytype, '.keytype'],
    ['keytype unsupported', (k) => (k.self.keytype = 'ecdsa-sha2-nistp256'), '.keytype'],
    ['keytype upper case', (k) => (k.self.keytype = 'ECDSA'), '.keytype'],
    ['keyval missing', (k) => delete k.self.keyval, '.keyval'],
    ['keyval.private set', (k) => (k.self.keyval.private = 'AAAA'), '.keyval.private'],
    ['keyval.private empty string', (k) => (k.self.keyval.private = ''), '.keyval.private'],
    ['keyval.public missing', (k) => delete k.self.keyval.public, '.keyval.public'],
    ['keyval.public not base64', (k) => (k.self.keyval.public = 'not base64!'), '.keyval.public'],
    [
      'keyval.public unpadded',
      (k) => (k.self.keyval.public = k.self.keyval.public.replace(/=+$/, '')),
      '.keyval.public',
    ],
    ['keyval.public url alphabet', (k) => (k.self.keyval.public = '-_-_'), '.keyval.public'],
    ['keyval.public empty', (k) => (k.self.keyval.public = ''), '.keyval.public'],
  ];
  for (const [name, mut, suffix] of keyCases) {
    it(name, () => {
      const bytes = rootWith((s) => {
        const id = firstKeyId(s);
        const holder = { self: s.keys[id] };
        mut(holder);
        s.keys[id] = holder.self;
      });
      const err = expectCode(() => parseRoot(bytes), 'INVALID_METADATA', { role: 'root' });
      expect((err as Loose).details.field).toMatch(new RegExp(`^keys\\.[0-9a-f]{64}${suffix.replace(/\./g, '\\.')}$`));
    });
  }

  it('ed25519 keys must be 32 bytes', () => {
    const bytes = rootWith((s) => {
      s.keys.abc = { keytype: 'ed25519', keyval: { private: null, public: toBase64(new Uint8Array(33)) } };
    });
    expectCode(() => parseRoot(bytes), 'INVALID_METADATA', { field: 'keys.abc.keyval.public' });
  });

  for (const role of ['root', 'targets', 'snapshot', 'timestamp']) {
    it(`missing ${role} role`, () => {
      expectCode(() => parseRoot(rootWith((s) => delete s.roles[role])), 'INVALID_METADATA', {
        field: `roles.${role}`,
      });
    });
    it(`null ${role} role`, () => {
      expectCode(() => parseRoot(rootWith((s) => (s.roles[role] = null))), 'INVALID_METADATA', {
        field: `roles.${role}`,
      });
    });
  }

  const roleCases: [string, (r: Loose) => void, string][] = [
    ['threshold 0', (r) => (r.threshold = 0), 'roles.snapshot.threshold'],
    ['threshold missing', (r) => delete r.threshold, 'roles.snapshot.threshold'],
    ['threshold a string', (r) => (r.threshold = '1'), 'roles.snapshot.threshold'],
    ['keyids missing', (r) => delete r.keyids, 'roles.snapshot.keyids'],
    ['keyids null', (r) => (r.keyids = null), 'roles.snapshot.keyids'],
    ['keyids with a number', (r) => (r.keyids = [1]), 'roles.snapshot.keyids[0]'],
    ['keyid without key', (r) => r.keyids.push('f'.repeat(64)), 'roles.snapshot.keyids[1]'],
  ];
  for (const [name, mut, field] of roleCases) {
    it(`snapshot role: ${name}`, () => {
      expectCode(() => parseRoot(rootWith((s) => mut(s.roles.snapshot))), 'INVALID_METADATA', { field });
    });
  }

  it('an extra role with a bad shape', () => {
    expectCode(() => parseRoot(rootWith((s) => (s.roles['a b'] = { keyids: 'x', threshold: 1 }))), 'INVALID_METADATA', {
      field: 'roles."a b".keyids',
    });
  });
});

describe('root builder', () => {
  it('names keys by TUF id, dedupes repeated keys and writes Go fields', () => {
    const k = keys();
    const root = Root.create({
      expires: EXPIRES,
      version: 3,
      roles: {
        root: { keys: [k.root.publicKey, k.root.publicKey] },
        targets: { keys: [k.targets.publicKey, k.extra.publicKey], threshold: 2 },
        snapshot: { keys: [k.snapshot.publicKey] },
        timestamp: { keys: [k.timestamp.publicKey] },
      },
    });
    expect(root.version).toBe(3);
    expect(root.baseRole('root').keyIds).toEqual([tufKeyId(k.root.publicKey)]);
    expect(root.baseRole('targets').threshold).toBe(2);
    const text = new TextDecoder().decode(root.canonicalBytes());
    expect(
      text.startsWith('{"_type":"Root","consistent_snapshot":false,"expires":"2030-01-02T03:04:05.123456789Z"'),
    ).toBe(true);
    expect(text).toContain('"keyval":{"private":null,"public":"');
    expect(text.endsWith(',"version":3}')).toBe(true);
    expect(canonicalBytes(root.json as JsonObject)).toEqual(root.canonicalBytes());
  });

  it('refuses roles without keys and bad thresholds (programmer errors)', () => {
    const k = keys();
    const roles = {
      root: { keys: [k.root.publicKey] },
      targets: { keys: [k.targets.publicKey] },
      snapshot: { keys: [k.snapshot.publicKey] },
      timestamp: { keys: [k.timestamp.publicKey] },
    };
    expect(() => Root.create({ expires: EXPIRES, roles: { ...roles, root: { keys: [] } } })).toThrow(RangeError);
    expect(() =>
      Root.create({ expires: EXPIRES, roles: { ...roles, root: { keys: [k.root.publicKey], threshold: 0 } } }),
    ).toThrow(RangeError);
    expect(() => Root.create({ expires: EXPIRES, roles, version: 0 })).toThrow(RangeError);
  });
});
