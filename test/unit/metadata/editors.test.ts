import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../src/encoding/utf8.js';
import {
  editRoot,
  editSnapshot,
  editTargets,
  editTimestamp,
  fileMetaFromBytes,
  parseExpiry,
  parseTargets,
  Targets,
  tufKeyId,
} from '../../../src/metadata/index.js';
import { buildRepo, EXPIRES, envelope, keys, NOW, signedCopy } from './fixtures.js';

const k = keys();
const meta = fileMetaFromBytes(utf8('payload'));

describe('common edits', () => {
  it('bumpVersion, setExpires, setDefaultExpiry; the original is untouched', () => {
    const { targets } = buildRepo();
    const later = parseExpiry('2031-01-01T00:00:00+05:30');
    const t = editTargets(targets.signed).bumpVersion().setExpires(later).build();
    expect(t.version).toBe(2);
    expect(t.expires).toEqual(later);
    expect(targets.signed.version).toBe(1);
    expect(editTargets(targets.signed).setDefaultExpiry(NOW).build().expires.text).toBe('2029-11-22T00:00:00Z');
    expect(() => editTargets(targets.signed).setVersion(0)).toThrow(RangeError);
  });

  it('unknown fields are carried over', () => {
    const s = signedCopy(buildRepo().targets);
    s.x_note = 'kept';
    const t = editTargets(parseTargets(envelope(s)).signed)
      .bumpVersion()
      .build();
    expect(t.json.x_note).toBe('kept');
  });
});

describe('targets editor', () => {
  it('adds, replaces and removes targets without touching the source', () => {
    const src = buildRepo().targets.signed;
    const ed = editTargets(src)
      .setTarget('new', meta)
      .setTarget('v1', meta)
      .removeTarget('a&b<c>')
      .removeTarget('absent');
    const t = ed.build();
    expect(t.targetNames().sort()).toEqual(['new', 'v1']);
    expect(t.getTarget('v1')?.length).toBe(meta.length);
    expect(src.targetNames().sort()).toEqual(['a&b<c>', 'v1']);
    // Editing after build does not change what was built.
    ed.removeTarget('new');
    expect(t.hasTarget('new')).toBe(true);
    expect(ed.build().hasTarget('new')).toBe(false);
  });

  it('reads its own edits back (getTarget) before build, and shares the map when nothing changed', () => {
    const src = buildRepo().targets.signed;
    const ed = editTargets(src);
    expect(ed.build().json.targets).toBe(src.json.targets);
    ed.setTarget('new', meta).removeTarget('v1');
    expect(ed.getTarget('new')).toEqual(meta);
    expect(ed.getTarget('v1')).toBeUndefined();
    expect(ed.getTarget('a&b<c>')).toEqual(src.getTarget('a&b<c>'));
    expect(src.getTarget('v1')).toBeDefined();
    const replaced = fileMetaFromBytes(utf8('other'));
    const t = ed.setTarget('a&b<c>', replaced).setTarget('v1', meta).build();
    // A rebuilt map holds its names in canonical (UTF-8) order, as a parsed file does.
    expect(src.targetNames()).toEqual(['v1', 'a&b<c>']);
    expect(t.targetNames()).toEqual(['a&b<c>', 'new', 'v1']);
    expect(Object.keys(t.json.targets as object)).toEqual(['a&b<c>', 'new', 'v1']);
    expect(t.getTarget('a&b<c>')?.hashes).toEqual(replaced.hashes);
    expect(src.getTarget('a&b<c>')?.hashes).not.toEqual(replaced.hashes);
  });

  it('creates a delegation with keys and paths, writes Go field order, then updates it', () => {
    const t0 = Targets.create({ expires: EXPIRES });
    const t1 = editTargets(t0)
      .updateDelegation('targets/releases', { addKeys: [k.extra.publicKey], addPaths: [''] })
      .build();
    const id = tufKeyId(k.extra.publicKey);
    expect(t1.delegation('targets/releases')).toEqual({
      name: 'targets/releases',
      keyIds: [id],
      threshold: 1,
      paths: [''],
    });
    expect(new TextDecoder().decode(t1.canonicalBytes())).toContain(
      `"roles":[{"keyids":["${id}"],"name":"targets/releases","paths":[""],"threshold":1}]`,
    );
    const t2 = editTargets(t1)
      .updateDelegation('targets/releases', {
        addKeys: [k.targets.publicKey, k.extra.publicKey],
        removePaths: [''],
        addPaths: ['a/', 'b/', 'a/'],
        threshold: 2,
      })
      .build();
    expect(t2.delegation('targets/releases')).toMatchObject({
      keyIds: [id, tufKeyId(k.targets.publicKey)],
      threshold: 2,
      paths: ['a/', 'b/'],
    });
    const t3 = editTargets(t2)
      .updateDelegation('targets/releases', { clearPaths: true, removeKeyIds: [id] })
      .build();
    expect(t3.delegation('targets/releases')).toMatchObject({ keyIds: [tufKeyId(k.targets.publicKey)], paths: [] });
    // Paths omitted when empty (omitempty); the unused key left delegations.keys.
    expect(new TextDecoder().decode(t3.canonicalBytes())).not.toContain('"paths"');
    expect([...t3.delegations.keys.keys()]).toEqual([tufKeyId(k.targets.publicKey)]);
  });

  it('removes delegations and purges keys', () => {
    const t = editTargets(Targets.create({ expires: EXPIRES }))
      .updateDelegation('targets/a', { addKeys: [k.extra.publicKey], addPaths: [''] })
      .updateDelegation('targets/b', { addKeys: [k.extra.publicKey, k.targets.publicKey], addPaths: ['x'] })
      .build();
    const noA = editTargets(t).removeDelegation('targets/a').removeDelegation('targets/none').build();
    expect(noA.delegations.roles.map((r) => r.name)).toEqual(['targets/b']);
    expect(noA.delegations.keys.size).toBe(2);
    const purged = editTargets(t)
      .purgeDelegationKeys([tufKeyId(k.extra.publicKey)])
      .build();
    expect(purged.delegations.roles.map((r) => r.keyIds.length)).toEqual([0, 1]);
    expect([...purged.delegations.keys.keys()]).toEqual([tufKeyId(k.targets.publicKey)]);
  });

  it('only direct children may be delegated', () => {
    const ed = editTargets(Targets.create({ expires: EXPIRES }));
    expect(() => ed.updateDelegation('targets/a/b', { addKeys: [k.extra.publicKey] })).toThrow(RangeError);
    expect(() => ed.updateDelegation('Targets/a', {})).toThrow(RangeError);
    expect(() => ed.updateDelegation('targets/a', { threshold: 0 })).toThrow(RangeError);
    const child = Targets.create({ expires: EXPIRES, role: 'targets/a' });
    expect(
      editTargets(child)
        .updateDelegation('targets/a/b', { addKeys: [k.extra.publicKey] })
        .build().delegations.roles,
    ).toHaveLength(1);
  });

  it('a parsed file without delegations gets the empty object Go writes', () => {
    const s = signedCopy(buildRepo().targets);
    delete s.delegations;
    const t = editTargets(parseTargets(envelope(s)).signed).build();
    expect(new TextDecoder().decode(t.canonicalBytes())).toContain('"delegations":{"keys":{},"roles":[]}');
  });
});

describe('root editor', () => {
  it('adds, replaces and removes role keys; thresholds', () => {
    const root = buildRepo().root.signed;
    const oldTargets = tufKeyId(k.targets.publicKey);
    const r1 = editRoot(root).setRoleKeys('targets', [k.extra.publicKey]).bumpVersion().build();
    expect(r1.baseRole('targets').keyIds).toEqual([tufKeyId(k.extra.publicKey)]);
    expect(r1.keys.has(oldTargets)).toBe(false);
    expect(r1.version).toBe(2);
    const r2 = editRoot(r1)
      .addRoleKeys('targets', [k.targets.publicKey, k.extra.publicKey])
      .setThreshold('targets', 2)
      .build();
    expect(r2.baseRole('targets')).toMatchObject({ keyIds: [tufKeyId(k.extra.publicKey), oldTargets], threshold: 2 });
    expect(() => editRoot(r2).setThreshold('root', 0)).toThrow(RangeError);
  });

  it('rotating the root key keeps the old root key listed (as Notary)', () => {
    const root = buildRepo().root.signed;
    const r = editRoot(root).setRoleKeys('root', [k.extra.publicKey]).build();
    expect(r.baseRole('root').keyIds).toEqual([tufKeyId(k.extra.publicKey)]);
    expect(r.keys.has(tufKeyId(k.root.publicKey))).toBe(true);
  });

  it('a key shared with another role stays', () => {
    const root = editRoot(buildRepo().root.signed).addRoleKeys('snapshot', [k.targets.publicKey]).build();
    const r = editRoot(root).setRoleKeys('targets', [k.extra.publicKey]).build();
    expect(r.keys.has(tufKeyId(k.targets.publicKey))).toBe(true);
    const r2 = editRoot(r)
      .removeRoleKeys('snapshot', [tufKeyId(k.targets.publicKey)])
      .build();
    expect(r2.keys.has(tufKeyId(k.targets.publicKey))).toBe(false);
  });
});

describe('snapshot and timestamp editors', () => {
  it('set and remove meta; the timestamp follows the snapshot', () => {
    const repo = buildRepo();
    const s = editSnapshot(repo.snapshot.signed).setMeta('targets/releases', meta).bumpVersion().build();
    expect(s.getMeta('targets/releases')).toEqual(meta);
    const s2 = editSnapshot(s).removeMeta('targets/releases').removeMeta('absent').build();
    expect(s2.getMeta('targets/releases')).toBeUndefined();
    expect(repo.snapshot.signed.getMeta('targets/releases')).toBeUndefined();
    const ts = editTimestamp(repo.timestamp.signed).setSnapshot(meta).bumpVersion().build();
    expect(ts.snapshot).toEqual(meta);
    expect(ts.version).toBe(2);
  });
});
