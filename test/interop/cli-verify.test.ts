// The verify/list/inspect commands against repositories the Go notary CLI published on a real notary-server.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { describeInterop, type NotaryServer, runNotary, startNotaryServer, tempDir } from '../helpers/notary.js';

const GUN = 'example.com/cli/verify';
const TAGS = ['v1', 'a&b<c>', '！bang', '😀smile', 'v3&<x>'];

describeInterop('cli verify/list/inspect vs the Go CLI', () => {
  let server: NotaryServer;
  let goDir: string;
  let work: string;

  async function go(args: string[]) {
    const r = await runNotary(args, { trustDir: goDir, server: server.url });
    expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    return r.stdout;
  }

  beforeAll(async () => {
    server = await startNotaryServer();
    goDir = tempDir('cli-go');
    work = tempDir('cli-work');
    await go(['init', GUN]);
    for (const [i, t] of TAGS.entries()) writeFileSync(join(work, `f${i}`), `payload ${t} ${'x'.repeat(i)}`);
    for (const [i, t] of TAGS.entries()) await go(['add', GUN, t, join(work, `f${i}`)]);
    await go(['publish', GUN]);
  });
  afterAll(async () => server?.stop());

  const ours = (args: string[], trustDir: string) => runCli(['-s', server.url, '-d', trustDir, ...args]);

  it('verify prints the digest notary lookup reports, for every odd tag name', async () => {
    const dir = tempDir('cli-ts');
    for (const tag of TAGS) {
      const goOut = (await go(['lookup', GUN, tag])).trim();
      const r = await ours(['verify', `${GUN}:${tag}`], dir);
      expect(r.status).toBe(0);
      // notary lookup: "<name> sha256:<hex> <size>"
      const [, digest, size] = goOut.split(' ').slice(-3);
      expect(r.stdout.trim()).toBe(digest);
      const j = (await ours(['verify', '--json', `${GUN}:${tag}`], dir)).json() as Record<string, unknown>;
      expect(j).toMatchObject({ gun: GUN, tag, digest, size: Number(size), role: 'targets' });
    }
  });

  it('list prints the same table as notary list, and --json the same entries', async () => {
    const dir = tempDir('cli-ts');
    const r = await ours(['list', GUN], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(await go(['list', GUN]));
    const j = (await ours(['list', '--json', GUN], dir)).json() as { name: string; digest: string }[];
    expect(j.map((t) => t.name).sort()).toEqual([...TAGS].sort());
    for (const t of j) expect(t.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('inspect gives docker trust inspect JSON with Repo Admin signatures and both admin keys', async () => {
    const r = await ours(['inspect', `${GUN}:v1`], tempDir('cli-ts'));
    expect(r.status).toBe(0);
    const [info] = r.json() as {
      Name: string;
      SignedTags: { SignedTag: string; Signers: string[] }[];
      AdministrativeKeys: { Name: string }[];
    }[];
    expect(info?.Name).toBe(`${GUN}:v1`);
    expect(info?.SignedTags).toEqual([expect.objectContaining({ SignedTag: 'v1', Signers: ['Repo Admin'] })]);
    expect(info?.AdministrativeKeys.map((a) => a.Name)).toEqual(['Root', 'Repository']);
    const pretty = await ours(['inspect', '--pretty', GUN], tempDir('cli-ts'));
    expect(pretty.stdout).toContain(`Signatures for ${GUN}`);
    expect(pretty.stdout).toContain('(Repo Admin)');
  });

  it('shares a trust dir with the Go CLI both ways', async () => {
    // Our cache, written by verify, serves the Go CLI; Go's cache serves us.
    const shared = tempDir('cli-shared');
    expect((await ours(['verify', `${GUN}:v1`], shared)).status).toBe(0);
    const g = await runNotary(['lookup', GUN, 'v1'], { trustDir: shared, server: server.url });
    expect(g.code).toBe(0);
    expect((await ours(['verify', `${GUN}:v1`], goDir)).status).toBe(0);
  });

  it('exit statuses: 3 for an unknown tag or GUN, 4 for an unreachable server, 2 for usage', async () => {
    const dir = tempDir('cli-ts');
    const tag = await ours(['verify', '--json', `${GUN}:nope`], dir);
    expect(tag.status).toBe(3);
    expect(tag.json()).toMatchObject({ ok: false, code: 'TARGET_NOT_FOUND' });
    expect((await ours(['verify', 'example.com/never:v1'], dir)).status).toBe(3);
    const down = await runCli(['-s', 'http://127.0.0.1:9', '-d', dir, 'verify', '--json', 'example.com/x:v1']);
    expect(down.status).toBe(4);
    expect(down.json()).toMatchObject({ ok: false, code: 'NETWORK' });
    expect((await ours(['verify', GUN], dir)).status).toBe(2);
    expect((await ours(['verify', '--bogus', `${GUN}:v1`], dir)).status).toBe(2);
  });

  it('--offline answers from the cache alone and says so; without a cache it is not found', async () => {
    const dir = tempDir('cli-ts');
    expect((await ours(['verify', `${GUN}:v1`], dir)).status).toBe(0);
    const off = await runCli(['-s', 'http://127.0.0.1:9', '-d', dir, 'verify', '--offline', '--json', `${GUN}:v1`]);
    expect(off.status).toBe(0);
    expect(off.json()).toMatchObject({ offline: true, tag: 'v1' });
    expect(off.stderr).toContain('--offline');
    const none = await runCli(['-d', tempDir('cli-empty'), 'verify', '--offline', '--json', `${GUN}:v1`]);
    expect(none.status).toBe(3);
  });
});
