// Through the CLI binary, against the hostile test server (states crafted with the project's signing code): the
// `verify --signer` check (the very same length and sha256 in every signer's role), what `verify --role` names when
// nothing is found, and trust pinning at first use (the longest CA prefix, CA files that cannot pin, wildcards that
// do not cover the GUN under --no-tofu). Codes, details and exit statuses, never messages.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificatePem } from '../../src/crypto/index.js';
import { toHex } from '../../src/encoding/hex.js';
import { type FileMeta, parseRoot } from '../../src/metadata/index.js';
import { caChainRoot } from '../helpers/ca-chain-root.js';
import { runBin } from '../helpers/cli-bin.js';
import { useHostileServer } from '../helpers/hostile-server.js';
import type { RepoSimulator } from '../helpers/repo-simulator.js';
import { tempDir } from '../helpers/temp-dir.js';
import { buildCert, testKey } from '../unit/crypto/cert-builder.js';

const GUN = 'example.com/lookup/repo';
const DAY = 86_400_000;
const digest = (m: FileMeta) => `sha256:${toHex(m.hashes.sha256 as Uint8Array)}`;

const hostile = useHostileServer(GUN);
const serve = () => hostile.serve();

/** Runs the CLI with a fresh trust dir (first use every time) and `--json`. */
const fresh = (args: string[]) => runBin(['-s', hostile.server.url, '-d', tempDir('e2e-lp-'), ...args, '--json']);

async function refused(args: string[], code: string, details: Record<string, unknown>): Promise<void> {
  const r = await fresh(args);
  expect(r.status, r.stderr).toBe(1);
  expect(r.json()).toMatchObject({ ok: false, code, details });
}

describe('verify --signer: each signer signed the very digest and size the answer has', () => {
  let answer: FileMeta;
  function signedRepo(): RepoSimulator {
    const sim = serve();
    answer = sim.addTarget('v1', 'the manifest');
    sim.addDelegation('targets/releases');
    for (const role of ['targets/releases', 'targets/alice', 'targets/bob']) {
      if (role !== 'targets/releases') sim.addDelegation(role);
      sim.setTarget('v1', answer, role);
    }
    return sim;
  }
  const mismatch = (signer: string) => ({ gun: GUN, tag: 'v1', signer, reason: 'digest-mismatch' });

  it('all signed it: the answer from targets/releases, each signer named once', async () => {
    signedRepo().publish();
    const r = await fresh(['verify', '--signer', 'alice', '--signer', 'targets/alice', '--signer', 'bob', `${GUN}:v1`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({
      ok: true,
      digest: digest(answer),
      size: answer.length,
      role: 'targets/releases',
      signedBy: ['targets/alice', 'targets/bob'],
    });
  });

  it('a signer that signed another manifest of the same size: SIGNER_MISMATCH', async () => {
    const sim = signedRepo();
    expect(sim.addTarget('v1', 'the manifesT', 'targets/alice').length).toBe(answer.length);
    sim.publish();
    await refused(
      ['verify', '--signer', 'bob', '--signer', 'alice', `${GUN}:v1`],
      'SIGNER_MISMATCH',
      mismatch('targets/alice'),
    );
  });

  it('a signer that signed the same sha256 with another size: SIGNER_MISMATCH', async () => {
    const sim = signedRepo();
    sim.setTarget('v1', { length: answer.length + 1, hashes: answer.hashes }, 'targets/bob');
    sim.publish();
    await refused(['verify', '--signer', 'bob', GUN, 'v1'], 'SIGNER_MISMATCH', mismatch('targets/bob'));
  });

  it('nothing found: TARGET_NOT_FOUND (exit 3) names the roles searched', async () => {
    signedRepo().publish();
    for (const [args, roles] of [
      [
        ['verify', `${GUN}:nope`],
        ['targets/releases', 'targets'],
      ],
      [['lookup', '--role', 'targets/bob', GUN, 'nope'], ['targets/bob']],
    ] as const) {
      const r = await fresh([...args]);
      expect(r.status, r.stderr).toBe(3);
      expect(r.json()).toMatchObject({ code: 'TARGET_NOT_FOUND', details: { gun: GUN, tag: 'nope', roles } });
    }
  });
});

describe('docker’s rule: targets/releases is consulted only for tags its paths allow', () => {
  it('an expired targets/releases limited to "v…" fails verify of v1 (EXPIRED), not of latest', async () => {
    const sim = serve();
    const top = sim.addTarget('latest', 'in targets');
    sim.addDelegation('targets/releases', { paths: ['v'] });
    sim.addTarget('v1', 'a release', 'targets/releases');
    const now = sim.now;
    sim.now = new Date(now.getTime() - 2 * DAY);
    sim.touch('targets/releases', DAY / 1000);
    sim.publish();
    sim.now = now;
    sim.publishSnapshotAndTimestamp();
    const ok = await fresh(['verify', `${GUN}:latest`]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, role: 'targets', digest: digest(top) });
    await refused(['verify', `${GUN}:v1`], 'EXPIRED', { role: 'targets/releases' });
  });
});

describe('trust pinning at first use', () => {
  /** A repository whose root key is a leaf issued by an intermediate issued by a CA; the CA files on disk. */
  function caServed(): { sim: RepoSimulator; ca: string; otherCa: string; expiredCa: string; rootId: string } {
    const sim = serve();
    const now = Date.now();
    const { caDer, otherCaDer: otherDer } = caChainRoot(sim, now);
    const ca = testKey('ec-P-256-ca');
    const expiredDer = buildCert({
      subjectCN: 'Test CA',
      key: ca,
      signer: ca,
      isCA: true,
      keyUsage: 32 | 1,
      notBefore: new Date(now - 10 * DAY),
      notAfter: new Date(now - DAY),
    });
    sim.addTarget('v1', 'pinned');
    sim.publish();
    const dir = tempDir('e2e-lp-ca-');
    const write = (name: string, der: Uint8Array) => {
      writeFileSync(join(dir, name), certificatePem([der]));
      return join(dir, name);
    };
    const rootId = [...parseRoot(sim.file('root')).signed.baseRole('root').keyIds][0] as string;
    return {
      sim,
      ca: write('ca.pem', caDer),
      otherCa: write('other.pem', otherDer),
      expiredCa: write('expired.pem', expiredDer),
      rootId,
    };
  }

  it('--root-ca: the longest matching prefix decides, whatever the order given', async () => {
    const { ca, otherCa } = caServed();
    const ok = await fresh([
      '--root-ca',
      `example.com/=${otherCa}`,
      '--root-ca',
      `example.com/lookup/=${ca}`,
      'verify',
      `${GUN}:v1`,
    ]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, role: 'targets' });
    const swapped = ['--root-ca', `example.com/lookup/=${otherCa}`, '--root-ca', `example.com/=${ca}`, '--root-ca', ca];
    await refused([...swapped, 'verify', `${GUN}:v1`], 'PINNING_FAILED', {
      gun: GUN,
      mode: 'ca',
      matched: 'example.com/lookup/',
      reason: 'no-match',
    });
  });

  it('a CA file that holds only expired certificates, or none at all: PINNING_FAILED, nothing trusted', async () => {
    const { expiredCa } = caServed();
    await refused(['--root-ca', expiredCa, 'verify', `${GUN}:v1`], 'PINNING_FAILED', {
      gun: GUN,
      prefix: '',
      file: expiredCa,
      reason: 'ca-invalid',
    });
    const missing = join(tempDir('e2e-lp-none-'), 'missing.pem');
    await refused(['--root-ca', `example.com/=${missing}`, 'verify', `${GUN}:v1`], 'PINNING_FAILED', {
      gun: GUN,
      prefix: 'example.com/',
      file: missing,
      reason: 'ca-unreadable',
    });
  });

  it('--no-tofu: a wildcard pins only GUNs under its prefix', async () => {
    const { rootId } = caServed();
    const ok = await fresh(['--no-tofu', '--root-key', `example.com/*=${rootId}`, 'verify', `${GUN}:v1`]);
    expect(ok.status, ok.stderr).toBe(0);
    for (const key of ['example.org/*', `${GUN}/*`, 'example.com/lookup/']) {
      await refused(['--no-tofu', '--root-key', `${key}=${rootId}`, 'verify', `${GUN}:v1`], 'PINNING_FAILED', {
        gun: GUN,
        reason: 'tofu-disabled',
      });
    }
  });
});
