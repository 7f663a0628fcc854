// The sign preflight's per-tag question, batched (`assertVerify`): every bad case the per-tag `lookupTarget`
// refused is still refused, with the same tag, reason, cause and role, and nothing good is refused.
import { describe, expect, it } from 'vitest';
import { lookupTarget } from '../../../src/client/lookup.js';
import type { Resolved, TrustedRepository } from '../../../src/client/trusted-repository.js';
import type { PublicKey } from '../../../src/crypto/index.js';
import { isNotaryError, notaryError } from '../../../src/errors.js';
import { defaultExpiry } from '../../../src/metadata/expiry.js';
import { type FileMeta, fileMetaFromHex, fileMetaToJson } from '../../../src/metadata/file-meta.js';
import { type Delegations, parseTargets, Targets, tufKeyId, withSignatures } from '../../../src/metadata/index.js';
import { assertVerify } from '../../../src/signer/verify-tags.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const hex = (n: number) => n.toString(16).padStart(64, '0');
const meta = (n: number, length = n) => fileMetaFromHex('sha256', hex(n), length);

/**
 * A targets file as a verifier holds it: encoded, then parsed back (the lazy form the preflight reads, answered
 * from its text), or with `eager` as built (a map of objects, answered from decoded entries).
 */
function targetsFile(role: string, entries: [string, FileMeta][], eager = false, delegations?: Delegations): Targets {
  const t = Targets.create({
    role,
    expires: defaultExpiry('targets', NOW),
    targets: entries,
    ...(delegations !== undefined ? { delegations } : {}),
  });
  return eager ? t : parseTargets(withSignatures(t, []).raw, role).signed;
}

interface FakeRoles {
  targets: [string, FileMeta][];
  /** Its entries, or the error its verification fails with; `paths` is what `targets` delegates to it. */
  releases?: { entries: [string, FileMeta][]; paths?: string[] } | Error;
  paths?: string[];
}

/** `targets` delegating to `targets/releases` with `paths` (a placeholder key: nothing here verifies signatures). */
function releasesDelegation(paths: string[]): Delegations {
  const key: PublicKey = { type: 'ed25519', public: new Uint8Array(32) };
  const id = tufKeyId(key);
  return { keys: new Map([[id, key]]), roles: [{ name: 'targets/releases', keyIds: [id], threshold: 1, paths }] };
}

/** The only part of a TrustedRepository that docker's rule uses: `resolve`, and the GUN for messages. */
function repoOf(roles: FakeRoles, eager = false): TrustedRepository & { calls: string[] } {
  const rel = roles.releases;
  const paths = roles.paths ?? (rel === undefined || rel instanceof Error ? undefined : rel.paths) ?? [''];
  const top: Resolved = {
    targets: targetsFile('targets', roles.targets, eager, rel !== undefined ? releasesDelegation(paths) : undefined),
    role: { name: 'targets', paths: [''] },
  };
  const releases: Resolved | Error | undefined =
    rel === undefined || rel instanceof Error
      ? rel
      : {
          targets: targetsFile('targets/releases', rel.entries, eager),
          role: { name: 'targets/releases', paths },
        };
  const calls: string[] = [];
  const fake = {
    gun: 'example.com/app',
    offline: false,
    calls,
    async resolve(name: string) {
      calls.push(name);
      if (name === 'targets') return top;
      if (name !== 'targets/releases') return undefined;
      if (releases instanceof Error) throw releases;
      return releases;
    },
  };
  return fake as unknown as TrustedRepository & { calls: string[] };
}

/** The former per-tag check (a `lookupTarget` per tag), as the oracle the batched one must agree with. */
async function perTag(repo: TrustedRepository, tags: [string, FileMeta][]): Promise<Record<string, unknown> | null> {
  for (const [tag, m] of tags) {
    let got: Awaited<ReturnType<typeof lookupTarget>>;
    try {
      got = await lookupTarget(repo, tag);
    } catch (e) {
      if (!isNotaryError(e)) throw e;
      return { reason: 'unverifiable', tag, cause: e.code };
    }
    const want = `sha256:${Buffer.from(m.hashes.sha256 as Uint8Array).toString('hex')}`;
    if (got.digest !== want || got.size !== m.length) return { reason: 'shadowed', tag, role: got.role };
  }
  return null;
}

async function batched(repo: TrustedRepository, tags: [string, FileMeta][]): Promise<Record<string, unknown> | null> {
  try {
    await assertVerify(repo, 'example.com/app', tags);
    return null;
  } catch (e) {
    if (!isNotaryError(e, 'PUBLISH_WOULD_FAIL_VERIFY')) throw e;
    const { reason, tag, cause, role } = e.details as Record<string, unknown>;
    return { reason, tag, ...(cause !== undefined ? { cause } : {}), ...(role !== undefined ? { role } : {}) };
  }
}

const many = (n: number, from = 0): [string, FileMeta][] =>
  Array.from({ length: n }, (_, i) => [`t${from + i}`, meta(from + i + 1)]);

describe('assertVerify (the sign preflight, batched)', () => {
  const cases: [string, FakeRoles, [string, FileMeta][], Record<string, unknown> | null][] = [
    ['every tag answered from targets', { targets: many(200) }, many(200), null],
    ['tags among others already signed', { targets: [...many(50, 1000), ...many(30)] }, many(30), null],
    [
      'releases answers one tag with another digest',
      { targets: many(100), releases: { entries: [['t57', meta(999, 58)]] } },
      many(100),
      { reason: 'shadowed', tag: 't57', role: 'targets/releases' },
    ],
    [
      'releases answers one tag with another length',
      { targets: many(100), releases: { entries: [['t3', meta(4, 5)]] } },
      many(100),
      { reason: 'shadowed', tag: 't3', role: 'targets/releases' },
    ],
    [
      'the first shadowed tag in input order is named',
      {
        targets: many(10),
        releases: {
          entries: [
            ['t8', meta(1)],
            ['t2', meta(1)],
          ],
        },
      },
      many(10),
      { reason: 'shadowed', tag: 't2', role: 'targets/releases' },
    ],
    [
      'releases lists the tag but its paths exclude it: targets answers',
      { targets: many(10), releases: { entries: [['t4', meta(999)]], paths: ['prod/'] } },
      many(10),
      null,
    ],
    [
      'releases answers with the same digest and length',
      { targets: many(10), releases: { entries: [['t4', meta(5)]] } },
      many(10),
      null,
    ],
    [
      'targets answers with another digest',
      { targets: [...many(5), ['t5', meta(77, 6)]] },
      many(6),
      { reason: 'shadowed', tag: 't5', role: 'targets' },
    ],
    [
      'a tag nobody lists',
      { targets: many(5) },
      many(7),
      { reason: 'unverifiable', tag: 't5', cause: 'TARGET_NOT_FOUND' },
    ],
    [
      'the answering entry has no sha256',
      { targets: [...many(3), ['t3', fileMetaFromHex('sha512', 'ab'.repeat(64), 4)]] },
      many(4),
      { reason: 'unverifiable', tag: 't3', cause: 'INVALID_METADATA' },
    ],
    [
      'releases fails verification: the first tag is named with its code',
      { targets: many(5), releases: notaryError('EXPIRED', 'targets/releases expired', { details: {} }) },
      many(5),
      { reason: 'unverifiable', tag: 't0', cause: 'EXPIRED' },
    ],
    [
      'releases fails verification but may not sign these tags (paths): never consulted',
      { targets: many(5), releases: notaryError('EXPIRED', 'targets/releases expired', { details: {} }), paths: ['v'] },
      many(5),
      null,
    ],
    [
      'releases fails verification and may sign one of the tags: that tag is named',
      {
        targets: [...many(3), ['v1', meta(1)]],
        releases: notaryError('EXPIRED', 'expired', { details: {} }),
        paths: ['v'],
      },
      [...many(3), ['v1', meta(1)]],
      { reason: 'unverifiable', tag: 'v1', cause: 'EXPIRED' },
    ],
  ];
  for (const [name, roles, tags, want] of cases) {
    it(`${name}: ${want === null ? 'accepted' : `refused (${want['reason']})`}, as the per-tag lookups decide`, async () => {
      for (const eager of [false, true]) {
        expect(await batched(repoOf(roles, eager), tags), `eager=${eager}`).toEqual(want);
        expect(await perTag(repoOf(roles, eager), tags), `eager=${eager}`).toEqual(want);
      }
    });
  }

  it('few tags among many entries (each looked up on its own): the same answers', async () => {
    const existing = many(2000, 5000);
    const cases: [FakeRoles, [string, FileMeta][], Record<string, unknown> | null][] = [
      [{ targets: [...existing, ...many(5)] }, many(5), null],
      [
        { targets: [...existing, ...many(5)], releases: { entries: [['t2', meta(9)]] } },
        many(5),
        { reason: 'shadowed', tag: 't2', role: 'targets/releases' },
      ],
      [{ targets: existing }, many(1), { reason: 'unverifiable', tag: 't0', cause: 'TARGET_NOT_FOUND' }],
    ];
    for (const [roles, tags, want] of cases) {
      for (const eager of [false, true]) {
        expect(await batched(repoOf(roles, eager), tags), `eager=${eager}`).toEqual(want);
        expect(await perTag(repoOf(roles, eager), tags), `eager=${eager}`).toEqual(want);
      }
    }
  });

  it('a digest spelled differently in base64 but decoding to the same bytes is accepted, as verify accepts it', async () => {
    const tags = many(20);
    const t = Targets.create({ expires: defaultExpiry('targets', NOW), targets: tags });
    const canonical = (fileMetaToJson(meta(8)).hashes as Record<string, string>)['sha256'] as string;
    // 32 bytes in 44 characters: the last digit before '=' carries 2 unused bits; set one of them.
    const last = canonical.charCodeAt(42);
    const other = `${canonical.slice(0, 42)}${String.fromCharCode(last + 1)}=`;
    expect(Buffer.from(other, 'base64')).toEqual(Buffer.from(canonical, 'base64'));
    const text = Buffer.from(withSignatures(t, []).raw).toString('utf8').replace(canonical, other);
    const spelled = parseTargets(new Uint8Array(Buffer.from(text)), 'targets').signed;
    expect(spelled.json['targets']).toMatchObject({ t7: { hashes: { sha256: other } } });
    const repo = {
      gun: 'example.com/app',
      resolve: async (name: string) =>
        name === 'targets' ? { targets: spelled, role: { name, paths: [''] } } : undefined,
    } as unknown as TrustedRepository;
    expect(await batched(repo, tags)).toBeNull();
    expect(await perTag(repo, tags)).toBeNull();
    // …and a different digest with the same text length still is not.
    const wrong = tags.map(([n, m]): [string, FileMeta] => [n, n === 't7' ? meta(99, 8) : m]);
    expect(await batched(repo, wrong)).toEqual({ reason: 'shadowed', tag: 't7', role: 'targets' });
  });

  it('resolves each role once for a thousand tags', async () => {
    const repo = repoOf({ targets: many(1000), releases: { entries: [] } });
    await assertVerify(repo, 'example.com/app', many(1000));
    expect(repo.calls).toEqual(['targets', 'targets/releases']);
  });

  it('asks nothing when no tag is signed where verify looks', async () => {
    const repo = repoOf({ targets: [] });
    await assertVerify(repo, 'example.com/app', []);
    expect(repo.calls).toEqual([]);
  });

  it('passes on an error that is not a NotaryError as it is', async () => {
    const repo = repoOf({ targets: many(2), releases: new TypeError('bug') });
    await expect(assertVerify(repo, 'example.com/app', many(2))).rejects.toThrow(TypeError);
  });
});
