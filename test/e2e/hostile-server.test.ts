// Hostile-server attacks through the CLI binary: a server serving states crafted with the project's own signing code
// (the repository simulator over HTTP), for attacks that need keys a proxy does not have. Each test asserts the
// error code and exit status, that the cache holds no forged byte afterwards, and that a second run still refuses.
// Row names (R4, D1, …) are those of SPEC §7.7.
import { describe, expect, it } from 'vitest';
import { createRootCertificate, generateKey, type PrivateKey, type PublicKey } from '../../src/crypto/index.js';
import { toHex } from '../../src/encoding/hex.js';
import { type FileMeta, tufKeyId } from '../../src/metadata/index.js';
import { runBin } from '../helpers/cli-bin.js';
import { cacheFiles as cacheFilesOf, useHostileServer } from '../helpers/hostile-server.js';
import type { RepoSimulator } from '../helpers/repo-simulator.js';
import { tempDir } from '../helpers/temp-dir.js';

const GUN = 'example.com/hostile/repo';
const DAY = 86_400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const digest = (m: FileMeta) => `sha256:${toHex(m.hashes.sha256 as Uint8Array)}`;

const cacheFiles = (trustDir: string) => cacheFilesOf(trustDir, GUN);

const hostile = useHostileServer(GUN);
/** A fresh repository on the server, signed now (real clock: the CLI uses it). */
const serve = () => hostile.serve();

const bin = (dir: string, args: string[]) => runBin(['-s', hostile.server.url, '-d', dir, ...args]);

/** `verify --json`: the digest on success. */
async function accepted(dir: string, args: string[]): Promise<string> {
  const r = await bin(dir, ['verify', '--json', ...args]);
  expect(r.status, r.stderr).toBe(0);
  return String(r.json()['digest']);
}

/** Every file the repository's own keys produced (current, by checksum, by version), base64. */
function signedBySim(sim: RepoSimulator): Set<string> {
  const out = new Set<string>();
  for (const m of [sim.current, sim.byChecksum, sim.byVersion])
    for (const b of m.values()) out.add(Buffer.from(b).toString('base64'));
  return out;
}

/**
 * The command is refused with `code` (exit `status`) on two runs in a row. Without `refusedRole` the cache is byte
 * for byte what it was before (what the client accepted earlier, or nothing). With it (a delegation the question
 * needed), the top-level files that verified may advance (what the client learnt), the refused role's file stays
 * as it was, and the second run changes nothing. Either way every cached file is one the repository's keys made.
 */
async function refused(
  dir: string,
  args: string[],
  code: string,
  opts: { status?: number; details?: Record<string, unknown>; refusedRole?: string } = {},
): Promise<void> {
  const before = cacheFiles(dir);
  let expected = before;
  for (let run = 0; run < 2; run++) {
    const r = await bin(dir, [...args, '--json']);
    expect(r.status, `run ${run}: ${r.stderr}`).toBe(opts.status ?? 1);
    expect(r.json(), `run ${run}`).toMatchObject({
      ok: false,
      code,
      ...(opts.details ? { details: opts.details } : {}),
    });
    const after = cacheFiles(dir);
    if (run === 0 && opts.refusedRole !== undefined) {
      const f = `${opts.refusedRole}.json`;
      expect(after[f], `run ${run}: the refused ${f} reached the cache`).toBe(before[f]);
      expected = after;
    }
    expect(after, `run ${run}: the cache changed`).toEqual(expected);
  }
  const genuine = signedBySim(hostile.server.sim);
  for (const [f, b] of Object.entries(cacheFiles(dir))) expect(genuine.has(b), `forged ${f} in the cache`).toBe(true);
}

/** targets signs `latest` (old), targets/releases signs it too (new): docker's rule answers from releases. */
function releasesRepo(sim: RepoSimulator): { old: FileMeta; fresh: FileMeta } {
  const old = sim.addTarget('latest', 'the old digest, in targets');
  sim.addDelegation('targets/releases');
  const fresh = sim.addTarget('latest', 'the new digest, in releases', 'targets/releases');
  sim.publish();
  return { old, fresh };
}

describe('rollback (R4, R5, R6)', () => {
  it('R4 targets rollback: a fresh snapshot naming an older targets file is ROLLBACK', async () => {
    const sim = serve();
    sim.addTarget('v', 'one');
    sim.publish();
    const oldTargets = sim.file('targets');
    const two = sim.addTarget('v', 'two');
    sim.publish();
    const dir = tempDir('e2e-r4-');
    expect(await accepted(dir, [`${GUN}:v`])).toBe(digest(two));
    sim.serveAs('targets', oldTargets);
    sim.publishSnapshotAndTimestamp();
    await refused(dir, ['verify', `${GUN}:v`], 'ROLLBACK', { details: { role: 'targets' } });
  });

  it('R5 delegation rollback: a fresh snapshot naming an older targets/releases is ROLLBACK', async () => {
    const sim = serve();
    const { fresh } = releasesRepo(sim);
    const oldReleases = sim.file('targets/releases');
    const newer = sim.addTarget('latest', 'a newer release', 'targets/releases');
    sim.publish();
    const dir = tempDir('e2e-r5-');
    expect(await accepted(dir, [`${GUN}:latest`])).toBe(digest(newer));
    expect(digest(fresh)).not.toBe(digest(newer));
    sim.serveAs('targets/releases', oldReleases);
    sim.publishSnapshotAndTimestamp();
    await refused(dir, ['verify', `${GUN}:latest`], 'ROLLBACK', {
      details: { role: 'targets/releases' },
      refusedRole: 'targets/releases',
    });
  });

  it('R6 a snapshot that drops a still-delegated role is refused on every run, never answered from targets', async () => {
    const sim = serve();
    const { fresh } = releasesRepo(sim);
    const dir = tempDir('e2e-r6-');
    expect(await accepted(dir, [`${GUN}:latest`])).toBe(digest(fresh));
    sim.omitFromSnapshot.add('targets/releases');
    sim.publishSnapshotAndTimestamp();
    await refused(dir, ['verify', `${GUN}:latest`], 'DELEGATION_MISSING', { details: { role: 'targets/releases' } });
    // Asking only targets does not launder the dropped snapshot into the cache either.
    await refused(dir, ['verify', '--role', 'targets', `${GUN}:latest`], 'DELEGATION_MISSING');
    await refused(dir, ['verify', `${GUN}:latest`], 'DELEGATION_MISSING');
  });
});

describe('R3 snapshot rollback under a fresh timestamp', () => {
  it('a fresh timestamp naming an older snapshot is ROLLBACK, and the newer snapshot stays cached', async () => {
    const sim = serve();
    sim.addTarget('v', 'one');
    sim.publish();
    const oldSnapshot = sim.file('snapshot');
    const two = sim.addTarget('v', 'two');
    sim.publish();
    const dir = tempDir('e2e-r3-');
    expect(await accepted(dir, [`${GUN}:v`])).toBe(digest(two));
    // The timestamp key holder re-announces snapshot v1 (still served by its checksum) under timestamp v3.
    sim.serveAs('snapshot', oldSnapshot);
    sim.publishTimestamp();
    await refused(dir, ['verify', `${GUN}:v`], 'ROLLBACK', { details: { role: 'snapshot' } });
  });
});

describe('D4 walk limits through the CLI', () => {
  it('targets delegating to more than 1,024 roles: DELEGATION_INVALID fan-out, never a digest', async () => {
    const sim = serve();
    const key = sim.addDelegation('targets/r0')[0] as PrivateKey;
    for (let i = 1; i <= 1024; i++) sim.addDelegation(`targets/r${i}`, { keys: [key] });
    sim.addTarget('other', 'x');
    sim.publish();
    await refused(tempDir('e2e-fanout-'), ['list', GUN], 'DELEGATION_INVALID', {
      details: { role: 'targets', reason: 'fan-out', limit: 1024 },
      // The top-level files verified and may be cached; no delegation is.
      refusedRole: 'targets/r0',
    });
  });

  it('a walk that would load more than 4,096 delegations: DELEGATION_INVALID too-many', async () => {
    const sim = serve();
    const key = sim.addDelegation('targets/a0')[0] as PrivateKey;
    for (let a = 0; a < 4; a++) {
      if (a > 0) sim.addDelegation(`targets/a${a}`, { keys: [key] });
      for (let b = 0; b < 1024; b++) sim.addDelegation(`targets/a${a}/b${b}`, { keys: [key] });
    }
    sim.addTarget('other', 'x');
    sim.publish();
    await refused(tempDir('e2e-toomany-'), ['list', GUN], 'DELEGATION_INVALID', {
      details: { reason: 'too-many', limit: 4096 },
      refusedRole: 'targets/a3/b1023',
    });
  });
});

describe('D1 an invalid delegation ends the search instead of falling through to targets', () => {
  it('below its threshold: THRESHOLD_NOT_MET, not the targets digest', async () => {
    const sim = serve();
    sim.addTarget('latest', 'targets digest');
    const [k1] = sim.addDelegation('targets/releases', { threshold: 2, keyCount: 2 });
    sim.publish();
    sim.addTarget('latest', 'release digest', 'targets/releases');
    const spec = sim.role('targets').delegations[0] as { keys: (typeof k1)[] };
    const both = spec.keys;
    spec.keys = [k1];
    sim.publish();
    spec.keys = both;
    await refused(tempDir('e2e-d1a-'), ['verify', `${GUN}:latest`], 'THRESHOLD_NOT_MET', {
      details: { role: 'targets/releases' },
      refusedRole: 'targets/releases',
    });
  });

  it('signed by a key its parent does not list: THRESHOLD_NOT_MET', async () => {
    const sim = serve();
    sim.addTarget('latest', 'targets digest');
    sim.addDelegation('targets/releases');
    sim.publish();
    sim.addTarget('latest', 'release digest', 'targets/releases');
    const spec = sim.role('targets').delegations[0] as { keys: unknown[] };
    const listed = spec.keys;
    spec.keys = [sim.newRootKey().key]; // an unknown key signs the role; targets is not re-signed
    sim.publish();
    spec.keys = listed;
    await refused(tempDir('e2e-d1b-'), ['verify', `${GUN}:latest`], 'THRESHOLD_NOT_MET', {
      details: { role: 'targets/releases' },
      refusedRole: 'targets/releases',
    });
  });

  it('expired: EXPIRED, not the targets digest', async () => {
    const sim = serve();
    sim.addTarget('latest', 'targets digest');
    sim.addDelegation('targets/releases');
    sim.addTarget('latest', 'release digest', 'targets/releases');
    const now = sim.now;
    sim.now = new Date(now.getTime() - 2 * DAY * 1000);
    sim.touch('targets/releases', DAY);
    sim.publish();
    sim.now = now;
    await refused(tempDir('e2e-d1c-'), ['verify', `${GUN}:latest`], 'EXPIRED', {
      details: { role: 'targets/releases' },
      refusedRole: 'targets/releases',
    });
  });
});

describe('thresholds count distinct keys, not key IDs (SPEC §7.2)', () => {
  /** One certificate bundle: `first`'s certificate, its block carrying an RFC 1421 header line, then `second`'s. */
  function headerBundle(first: ReturnType<typeof generateKey>, second: ReturnType<typeof generateKey>): PublicKey {
    const pem = (k: ReturnType<typeof generateKey>) =>
      Buffer.from(createRootCertificate(k, GUN, new Date())).toString('latin1');
    const a = pem(first).replace('-----BEGIN CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\nComment: hi\n\n');
    return { type: 'ecdsa-x509', public: Uint8Array.from(Buffer.from(a + pem(second), 'latin1')) };
  }

  it('one key listed bare and as a bundle led by its own (headered) certificate is one signer: THRESHOLD_NOT_MET', async () => {
    const sim = serve();
    sim.addTarget('latest', 'the targets digest');
    const a = generateKey('ecdsa');
    const b = generateKey('ecdsa');
    // threshold 2 over "two" keys that are both a: signed by a under each ID.
    const bundle = headerBundle(a, b);
    sim.addDelegation('targets/releases', { keys: [a, a], listed: [undefined, bundle], threshold: 2 });
    sim.addTarget('latest', 'the forged release', 'targets/releases');
    sim.publish();
    // The one signature by a, filed a second time under the bundle's key ID (the signing code refuses to do this).
    const bundleId = tufKeyId(bundle);
    const doc = JSON.parse(Buffer.from(sim.file('targets/releases')).toString('utf8')) as {
      signatures: { keyid: string }[];
    };
    expect(doc.signatures).toHaveLength(1);
    doc.signatures.push({ ...(doc.signatures[0] as { keyid: string }), keyid: bundleId });
    sim.store('targets/releases', Buffer.from(JSON.stringify(doc)), sim.role('targets/releases').version);
    sim.publishSnapshotAndTimestamp();
    await refused(tempDir('e2e-thresh-'), ['verify', `${GUN}:latest`], 'THRESHOLD_NOT_MET', {
      details: { role: 'targets/releases', needed: 2, got: 1 },
      refusedRole: 'targets/releases',
    });
  });

  it('the same bundle next to a genuinely second key meets the threshold (the check can pass)', async () => {
    const sim = serve();
    const a = generateKey('ecdsa');
    const b = generateKey('ecdsa');
    const c = generateKey('ecdsa');
    // The bundle is listed too; a signs under its bare ID and c under its own: two distinct keys.
    sim.addDelegation('targets/releases', {
      keys: [a, a, c],
      listed: [undefined, headerBundle(a, b), undefined],
      threshold: 2,
    });
    const fresh = sim.addTarget('latest', 'a real release', 'targets/releases');
    sim.publish();
    expect(await accepted(tempDir('e2e-thresh-'), [`${GUN}:latest`])).toBe(digest(fresh));
  });
});

describe('D3 nested delegates are held to the intersection of every ancestor’s paths', () => {
  it('at two and three levels, for verify --role and for list', async () => {
    const sim = serve();
    sim.addDelegation('targets/a', { paths: ['app/'] });
    sim.addDelegation('targets/a/b', { paths: ['app/b/', 'other/'] });
    sim.addDelegation('targets/a/b/c', { paths: ['app/b/', 'app/c', 'other/x'] });
    const inside = sim.addTarget('app/b/1', 'inside every ancestor', 'targets/a/b/c');
    sim.addTarget('app/c', 'outside b', 'targets/a/b/c');
    sim.addTarget('other/x', 'outside a (3 levels)', 'targets/a/b/c');
    sim.addTarget('other/y', 'outside a (2 levels)', 'targets/a/b');
    sim.touch('targets/a');
    sim.touch('targets/a/b');
    sim.publish();
    const dir = tempDir('e2e-d3-');
    expect(await accepted(dir, ['--role', 'targets/a/b/c', GUN, 'app/b/1'])).toBe(digest(inside));
    for (const [role, tag] of [
      ['targets/a/b/c', 'app/c'],
      ['targets/a/b/c', 'other/x'],
      ['targets/a/b', 'other/y'],
    ] as const) {
      const r = await bin(dir, ['verify', '--json', '--role', role, GUN, tag]);
      expect(r.status, `${role} ${tag}: ${r.stderr}`).toBe(3);
      expect(r.json()).toMatchObject({ code: 'TARGET_NOT_FOUND' });
    }
    const list = await bin(dir, ['list', '--json', GUN]);
    expect(list.status, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((t) => t.name)).toEqual(['app/b/1']);
    for (const [role, bytes] of Object.entries(cacheFiles(dir))) {
      expect(Buffer.from(sim.file(role.replace(/\.json$/, ''))).toString('base64'), role).toBe(bytes);
    }
  });
});

describe('expiry (F2, F3, F6)', () => {
  it('F6 an expired root on first use: EXPIRED, nothing cached', async () => {
    const sim = serve();
    const now = sim.now;
    sim.now = new Date(now.getTime() - 2 * DAY * 1000);
    sim.lifetimes.root = DAY;
    sim.signRoot([]);
    sim.now = now;
    sim.addTarget('v', 'x');
    sim.publish();
    const dir = tempDir('e2e-f6-');
    await refused(dir, ['verify', `${GUN}:v`], 'EXPIRED', { details: { role: 'root' } });
    expect(cacheFiles(dir)).toEqual({});
  });

  it('F3 a cached root that expired, with no newer root on the server: EXPIRED on every run', async () => {
    const sim = serve();
    sim.lifetimes.root = 4;
    sim.signRoot([]);
    sim.addTarget('v', 'x');
    sim.publish();
    const dir = tempDir('e2e-f3-');
    const signedAt = Date.now();
    await accepted(dir, [`${GUN}:v`]);
    await sleep(Math.max(0, signedAt + 4_500 - Date.now()));
    await refused(dir, ['verify', `${GUN}:v`], 'EXPIRED', { details: { role: 'root' } });
  });

  for (const role of ['snapshot', 'targets', 'targets/releases'] as const) {
    it(`F2 an expired ${role}: EXPIRED`, async () => {
      const sim = serve();
      releasesRepo(sim);
      const now = sim.now;
      sim.now = new Date(now.getTime() - 2 * DAY * 1000);
      if (role === 'snapshot') {
        sim.lifetimes.snapshot = DAY;
        sim.publishSnapshotAndTimestamp();
        sim.lifetimes.snapshot = undefined as unknown as number;
        sim.now = now;
        sim.publishTimestamp();
      } else {
        sim.touch(role, DAY);
        sim.publish();
        sim.now = now;
        sim.publishSnapshotAndTimestamp();
      }
      await refused(tempDir('e2e-f2-'), ['verify', `${GUN}:latest`], 'EXPIRED', {
        details: { role },
        ...(role === 'targets/releases' ? { refusedRole: role } : {}),
      });
    });
  }
});

describe('root rotation (RR1, RR2, E4, K8)', () => {
  it('RR1 an intermediate root not signed by its predecessor is not skipped for a good later one', async () => {
    const sim = serve();
    sim.addTarget('v', 'x');
    sim.publish();
    const dir = tempDir('e2e-rr1-');
    await accepted(dir, [`${GUN}:v`]);
    sim.rotateRoot({ rotate: ['root'], signWithOld: false }); // v2: only its own new key
    sim.rotateRoot(); // v3: signed by v2's key, fine on its own
    sim.publishSnapshotAndTimestamp();
    await refused(dir, ['verify', `${GUN}:v`], 'ROOT_ROTATION_FAILED', { details: { version: 2 } });
  });

  it('RR2 an intermediate root without its own threshold is not skipped for a good later one', async () => {
    const sim = serve();
    sim.addTarget('v', 'x');
    sim.publish();
    const dir = tempDir('e2e-rr2-');
    await accepted(dir, [`${GUN}:v`]);
    sim.rotateRoot({ rotate: ['root'], signWithNew: false }); // v2: only the old key signs it
    sim.rotateRoot({ signWithOld: true }); // v3: signed by v2's key
    sim.publishSnapshotAndTimestamp();
    await refused(dir, ['verify', `${GUN}:v`], 'THRESHOLD_NOT_MET', { details: { role: 'root' } });
  });

  it('E4 a root claiming version 2^31 costs a bounded number of requests', async () => {
    const sim = serve();
    sim.addTarget('v', 'x');
    sim.publish();
    const dir = tempDir('e2e-e4-');
    await accepted(dir, [`${GUN}:v`]);
    sim.rootVersion = 2 ** 31 - 1;
    sim.signRoot([]);
    sim.publishSnapshotAndTimestamp();
    hostile.server.requests.length = 0;
    await refused(dir, ['verify', `${GUN}:v`], 'ROOT_ROTATION_FAILED', { details: { version: 2 ** 31 } });
    // Per run: timestamp, snapshot, root.json, and no N.root.json at all.
    expect(hostile.server.requests.length).toBeLessThanOrEqual(2 * 4);
    expect(hostile.server.requests.filter((f) => /^\d+\.root\.json$/.test(f))).toEqual([]);
  });

  it('K8 after a fast-forward, a timestamp key rotation lets clients recover (no stuck floor)', async () => {
    const sim = serve();
    const one = sim.addTarget('v', 'one');
    sim.publish();
    sim.timestampVersion = 999_999; // the old timestamp key signed a far-future version
    sim.publishTimestamp();
    const dir = tempDir('e2e-k8-');
    expect(await accepted(dir, [`${GUN}:v`])).toBe(digest(one));
    sim.rotateRoot({ rotate: ['timestamp'] });
    sim.timestampVersion = 3;
    const two = sim.addTarget('v', 'two');
    sim.publish(); // timestamp v4 under the new key
    for (let run = 0; run < 2; run++) expect(await accepted(dir, [`${GUN}:v`])).toBe(digest(two));
    expect(cacheFiles(dir)['timestamp.json']).toBe(Buffer.from(sim.file('timestamp')).toString('base64'));
  });
});
