// The verify facade's options (SPEC §7.8 "killing tests"): the clock as a value or a function, the injected remote
// (no connection is resolved for it), trust pinning given directly, and the first-use notice passed through.
import { describe, expect, it } from 'vitest';
import { openRepository } from '../../../src/client/index.js';
import type { FirstUse } from '../../../src/client/updater.js';
import { RepoSimulator } from '../../helpers/repo-simulator.js';
import { tempDir } from '../../helpers/temp-dir.js';

function setup(now?: Date) {
  const sim = new RepoSimulator(now === undefined ? {} : { now });
  sim.addTarget('latest', 'manifest');
  sim.publish();
  return { sim, base: { gun: sim.gun, trustDir: tempDir('nt-open-'), remote: sim.fetcher(), env: {} } };
}

describe('openRepository', () => {
  it('takes the clock as a Date, as a function, or the system clock', async () => {
    const { sim, base } = setup();
    const at = new Date(sim.now.getTime() + 5000);
    const asValue = await openRepository({ ...base, now: at });
    expect(asValue.trusted.verifiedAt).toEqual(at);
    const asFunction = await openRepository({ ...base, now: () => at });
    expect(asFunction.trusted.verifiedAt).toEqual(at);
    const live = setup(new Date());
    const system = await openRepository(live.base);
    expect(Math.abs(system.trusted.verifiedAt.getTime() - Date.now())).toBeLessThan(60_000);
    expect((await system.lookup('latest')).role).toBe('targets');
    await system.close();
  });

  it('an injected remote is used as is: the server options are not even resolved', async () => {
    const { sim, base } = setup();
    const repo = await openRepository({ ...base, now: sim.now, server: 'not a url' });
    expect((await repo.lookup('latest')).role).toBe('targets');
  });

  it('trust pinning given directly wins over the environment and the pinning flags', async () => {
    const { sim, base } = setup();
    const refuse = { certs: {}, ca: {}, disableTofu: true };
    await expect(openRepository({ ...base, now: sim.now, trustPinning: refuse })).rejects.toMatchObject({
      code: 'PINNING_FAILED',
      details: { reason: 'tofu-disabled' },
    });
    const allow = { certs: {}, ca: {}, disableTofu: false };
    const repo = await openRepository({ ...base, now: sim.now, trustPinning: allow, pinning: { noTofu: true } });
    expect(repo.offline).toBe(false);
  });

  it('passes the first-use notice through', async () => {
    const { sim, base } = setup();
    const seen: FirstUse[] = [];
    await openRepository({ ...base, now: sim.now, onFirstUse: (i) => seen.push(i) });
    expect(seen.map((i) => i.gun)).toEqual([sim.gun]);
  });
});
