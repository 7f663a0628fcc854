// What a publish signs: dirty roles only, the root near expiry, the snapshot when we hold its key.
import { describe, expect, it } from 'vitest';
import { constantPassphrase } from '../../../src/keystore/index.js';
import { parseRoot, parseSnapshot, parseTargets } from '../../../src/metadata/index.js';
import { openContext } from '../../../src/signer/context.js';
import { createRepo } from '../../../src/signer/init.js';
import { RepoState } from '../../../src/signer/repo-state.js';
import { rootNearExpiry, signRepo } from '../../../src/signer/sign-repo.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { FakeServer } from './fake-server.js';

const NOW = new Date('2026-01-15T00:00:00Z');
const DAY = 86_400_000;

async function fresh(serverManagedSnapshot: boolean) {
  const server = new FakeServer();
  const ctx = await openContext('example.com/s', {
    trustDir: tempDir('trust-'),
    remote: server.remote('example.com/s'),
    passphrase: constantPassphrase('pw-for-unit-tests'),
    now: NOW,
  });
  const { repo } = await createRepo(ctx, { serverManagedSnapshot });
  return { ctx, repo };
}

describe('rootNearExpiry (Notary nearExpiry: now + 6 months)', () => {
  it('is true inside six calendar months and false beyond', () => {
    const ns = (d: Date) => BigInt(d.getTime()) * 1_000_000n;
    expect(rootNearExpiry(ns(new Date('2026-07-14T00:00:00Z')), NOW)).toBe(true);
    expect(rootNearExpiry(ns(new Date('2026-07-16T00:00:00Z')), NOW)).toBe(false);
  });
});

describe('signRepo', () => {
  it('on a first publish sends the cached root as is, re-signs targets (v2) and the local snapshot (v2)', async () => {
    const { ctx, repo } = await fresh(false);
    const up = await signRepo(new RepoState(repo, NOW), ctx.source, NOW);
    expect(up.files.map((f) => f.role)).toEqual(['root', 'targets', 'snapshot']);
    expect(up.files[0]?.bytes).toEqual(repo.root.raw);
    const targets = parseTargets(up.files[1]?.bytes as Uint8Array).signed;
    expect(targets.version).toBe(2);
    expect(targets.expires.text).toBe('2029-01-14T00:00:00Z'); // 3 × 365 days
    const snap = parseSnapshot(up.files[2]?.bytes as Uint8Array).signed;
    expect(snap.version).toBe(2);
    expect(snap.getMeta('targets')?.length).toBe(up.files[1]?.bytes.length);
  });

  it('signs nothing when nothing changed and the server holds the snapshot key', async () => {
    const { ctx, repo } = await fresh(true);
    const up = await signRepo(new RepoState({ ...repo, initialPublish: false }, NOW), ctx.source, NOW);
    expect(up.files).toEqual([]);
    expect(up.snapshotSigned).toBe(false);
  });

  it('re-signs a root that expires within six months, with version + 1 and a new 10-year expiry', async () => {
    const { ctx, repo } = await fresh(true);
    const later = new Date(NOW.getTime() + (10 * 365 - 100) * DAY);
    const up = await signRepo(new RepoState({ ...repo, initialPublish: false }, later), ctx.source, later);
    expect(up.files.map((f) => f.role)).toEqual(['root']);
    const root = parseRoot(up.files[0]?.bytes as Uint8Array).signed;
    expect(root.version).toBe(2);
    expect(root.expires.epochNs).toBe(BigInt(later.getTime() + 3650 * DAY) * 1_000_000n);
  });
});
