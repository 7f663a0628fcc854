// doctor through the built CLI against a real notary-server: repositories signed under a clock set back ~3 years
// (faketime moves Node's clock; the server keeps signing timestamps with its own, real clock).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.js';
import { describeInterop, type NotaryServer, PASSPHRASE_ENV, startNotaryServer, tempDir } from '../helpers/notary.js';

const SOON = 'example.com/doctor/soon';
const FRESH = 'example.com/doctor/fresh';
const digest = `sha256:${'cd'.repeat(32)}`;

interface Report {
  ok: boolean;
  verdict: string;
  repositories: {
    gun: string;
    verdict: string;
    roles: { role: string; serverRenewed: boolean; keys: { held: string; type: string; bits: number }[] }[];
    findings: { code: string; severity: string; role: string; fix: string }[];
  }[];
}

describeInterop('doctor: expiry warnings, server-renewed roles, key locations', () => {
  let server: NotaryServer;
  const dir = tempDir('doc-ts');
  const run = (args: string[], faketime?: string) =>
    runBin(['-s', server.url, '-d', dir, ...args], {
      env: { ...PASSPHRASE_ENV },
      ...(faketime === undefined ? {} : { faketime }),
    });
  const doctor = async (gun: string, warn: string, faketime?: string) => {
    const r = await run(['doctor', gun, '--warn', warn, '--json'], faketime);
    return { status: r.status, report: r.json() as Report, stderr: r.stderr };
  };

  beforeAll(async () => {
    server = await startNotaryServer();
    // Targets (3-year lifetime) signed 1093 days ago expire in 2 days (the server refuses already expired ones).
    for (const [gun, faketime] of [
      [SOON, '-1093d'],
      [FRESH, undefined],
    ] as const) {
      const r = await run(['sign', `${gun}:v1`, '--digest', digest, '--size', '3'], faketime);
      expect(r.status, r.stderr).toBe(0);
    }
  });
  afterAll(async () => server?.stop());

  it('flags targets expiring in two days at --warn 7d (exit 6), not at --warn 1d (exit 0)', async () => {
    const week = await doctor(SOON, '7d');
    expect(week.status, week.stderr).toBe(6);
    const repo = week.report.repositories[0];
    expect(repo?.verdict).toBe('expiring');
    const expiring = repo?.findings.filter((f) => f.severity === 'expiring');
    expect(expiring).toEqual([expect.objectContaining({ code: 'ROLE_EXPIRING', role: 'targets' })]);
    expect(expiring?.[0]?.fix).toContain(`rotate ${SOON} targets`);
    const day = await doctor(SOON, '1d');
    expect(day.status, day.stderr).toBe(0);
    expect(day.report.repositories[0]?.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  });

  it('the server-renewed timestamp (14 days) is not a warning, even inside --warn 20d', async () => {
    const r = await doctor(FRESH, '20d');
    expect(r.status, r.stderr).toBe(0);
    const repo = r.report.repositories[0];
    expect(repo?.findings).toContainEqual(expect.objectContaining({ code: 'SERVER_RENEWED', role: 'timestamp' }));
    const held = Object.fromEntries(repo?.roles.map((x) => [x.role, x.keys.map((k) => k.held)]) ?? []);
    expect(held).toMatchObject({
      root: ['local'],
      targets: ['local'],
      snapshot: ['server'],
      timestamp: ['server'],
    });
    expect(repo?.roles.find((x) => x.role === 'snapshot')?.serverRenewed).toBe(true);
    expect(repo?.roles.find((x) => x.role === 'root')?.keys[0]).toMatchObject({ type: 'ecdsa-x509', bits: 256 });
  });

  it('three days later the targets have expired: exit 1 ROLE_EXPIRED, the rest still reported', async () => {
    const r = await doctor(SOON, '7d', '+3d');
    expect(r.status, r.stderr).toBe(1);
    const repo = r.report.repositories[0];
    expect(repo?.findings).toContainEqual(
      expect.objectContaining({ code: 'ROLE_EXPIRED', role: 'targets', severity: 'invalid' }),
    );
    expect(repo?.roles.map((x) => x.role)).toEqual(['root', 'targets', 'snapshot', 'timestamp']);
  });

  it('verify --at online and --offline: three days later expired targets fail, as of today they verify', async () => {
    const today = new Date().toISOString();
    const late = await run(['verify', '--json', `${SOON}:v1`], '+3d');
    expect(late.status).toBe(1);
    expect(late.json()).toMatchObject({ code: 'EXPIRED' });
    for (const mode of [[], ['--offline']]) {
      const asOf = await run(['verify', '--json', ...mode, '--at', today, `${SOON}:v1`], '+3d');
      expect(asOf.status, asOf.stderr).toBe(0);
      expect(asOf.json()).toMatchObject({ digest, asOf: expect.any(String) });
      expect(asOf.stderr).toContain('as of');
    }
    const inspect = await run(['inspect', '--at', today, `${SOON}:v1`], '+3d');
    expect(inspect.status, inspect.stderr).toBe(0);
    expect(inspect.json()).toEqual([expect.objectContaining({ asOf: expect.any(String) })]);
  });

  it('several GUNs: the worst verdict decides; staged changes are listed; the text names each fix', async () => {
    expect((await run(['add', FRESH, 'v2', '--digest', digest, '--size', '3'])).status).toBe(0);
    const both = await run(['doctor', FRESH, SOON, '--warn', '7d']);
    expect(both.status).toBe(6);
    expect(both.stdout).toContain('ROLE_EXPIRING');
    expect(both.stdout).toContain(`fix: notary-ts rotate ${SOON} targets`);
    expect(both.stdout).toContain('STAGED_CHANGES');
    const bad = await run(['doctor', FRESH, '--warn', 'soon']);
    expect(bad.status).toBe(2);
    const missing = await run(['doctor', 'example.com/doctor/none', '--json']);
    expect(missing.status).toBe(3);
  });
});
