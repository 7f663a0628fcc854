// Output formats as the tools users compare against, through the shipped launcher and a real notary-server:
// `inspect --pretty` laid out as docker trust inspect (docker's formatter: minimum column width 10, padding 3,
// natural order of signer names), `inspect` JSON indented as docker's (`[]` without trust data), and `list`,
// `key list`, `delegation list` byte-identical to the Go notary CLI. Needs `npm run build` first.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runBin } from '../helpers/bin-run.js';
import {
  describeInterop,
  type NotaryServer,
  PASSPHRASE_ENV,
  runNotary,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';

const GUN = 'example.com/formats/app';
const EMPTY_GUN = 'example.com/formats/empty';
const hex = (c: string) => c.repeat(64);
const SIGNERS = ['a10', 'bob', 'a2', 'a1'];

interface Inspect {
  SignedTags: { SignedTag: string; Digest: string; Signers: string[] }[];
  Signers: { Name: string; Keys?: { ID: string }[] }[];
  AdministrativeKeys: { Name: string; Keys?: { ID: string }[] }[];
}

describeInterop('CLI output formats', () => {
  let server: NotaryServer;
  let trustDir: string;
  let keysDir: string;
  let common: string[];
  const ours = async (args: string[]) => {
    const r = await runBin([...common, ...args], { env: { ...PASSPHRASE_ENV } });
    return r;
  };
  const ok = async (args: string[]) => {
    const r = await ours(args);
    expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r;
  };
  const go = (args: string[]) => runNotary(args, { trustDir, server: server.url });

  beforeAll(async () => {
    server = await startNotaryServer();
    trustDir = tempDir('formats-trust');
    keysDir = tempDir('formats-keys');
    common = ['-s', server.url, '-d', trustDir];
    await ok(['sign', `${GUN}:v1`, '--digest', `sha256:${hex('1')}`, '--size', '1']);
    await ok(['sign', `${GUN}:v10`, '--digest', `sha256:${hex('a')}`, '--size', '10']);
    for (const s of SIGNERS) {
      await ok(['key', 'generate', s, '--dir', keysDir]);
      await ok(['signer', 'add', s, GUN, '--key', join(keysDir, `${s}.pub`)]);
    }
    await ok(['sign', `${GUN}:v3`, '--digest', `sha256:${hex('3')}`, '--size', '3']);
    // A delegation with several paths and keys, one with every path.
    await ok([
      'delegation',
      'add',
      GUN,
      'targets/multi',
      join(keysDir, 'a1.pub'),
      join(keysDir, 'bob.pub'),
      '--paths',
      'zz/',
      '--paths',
      'aa/',
      '--paths',
      'mm/',
      '-p',
    ]);
    await ok(['init', EMPTY_GUN, '-p']);
  }, 120_000);
  afterAll(async () => server?.stop());

  it('inspect --pretty: docker layout, minimum width 10, signers in natural order', async () => {
    const data = (JSON.parse((await ok(['inspect', GUN])).stdout) as Inspect[])[0] as Inspect;
    const keysOf = (name: string) =>
      (data.Signers.find((s) => s.Name === name)?.Keys ?? [])
        .map((k) => k.ID.slice(0, 12))
        .sort()
        .join(', ');
    const admin = (name: string) =>
      (data.AdministrativeKeys.find((s) => s.Name === name)?.Keys ?? [])
        .map((k) => k.ID)
        .sort()
        .join(', ');
    // Widths by docker's rule: max(cell + 3, 10). Tags: "SIGNED TAG" 10 + 3; digests 64 + 3; signers 6 + 3 → 10.
    const sig = (a: string, b: string, c: string) => `${a.padEnd(13)}${b.padEnd(67)}${c}\n`;
    const signer = (a: string, b: string) => `${a.padEnd(10)}${b}\n`;
    const expected =
      `\nSignatures for ${GUN}\n\n` +
      sig('SIGNED TAG', 'DIGEST', 'SIGNERS') +
      sig('v1', hex('1'), '(Repo Admin)') +
      sig('v3', hex('3'), 'a1, a10, a2, bob') +
      sig('v10', hex('a'), '(Repo Admin)') +
      `\nList of signers and their keys for ${GUN}\n\n` +
      signer('SIGNER', 'KEYS') +
      ['a1', 'a2', 'a10', 'bob', 'multi'].map((n) => signer(n, keysOf(n))).join('') +
      `\nAdministrative keys for ${GUN}\n\n` +
      `  Repository Key:\t${admin('Repository')}\n` +
      `  Root Key:\t${admin('Root')}\n`;
    const pretty = await ok(['inspect', '--pretty', GUN]);
    expect(pretty.stdout).toBe(expected);
  });

  it('inspect JSON is indented with four spaces as docker; no trust data prints [] and exits 3', async () => {
    const r = await ok(['inspect', GUN, `${GUN}:v3`]);
    const parsed = JSON.parse(r.stdout) as Inspect[];
    expect(parsed).toHaveLength(2);
    expect(r.stdout).toBe(`${JSON.stringify(parsed, null, 4)}\n`);
    expect(r.stdout).toMatch(/^\[\n {4}\{\n {8}"Name": /);
    expect(parsed[0]?.AdministrativeKeys.map((a) => a.Name)).toEqual(['Root', 'Repository']);
    const none = await ours(['inspect', 'example.com/formats/nothing-here']);
    expect(none.status).toBe(3);
    expect(none.stdout).toBe('[]\n');
    expect(none.stderr).toMatch(/REPOSITORY_NOT_FOUND/);
    const mixed = await ours(['inspect', 'example.com/formats/nothing-here', `${GUN}:v1`, '--json']);
    expect(mixed.status).toBe(3);
    expect((JSON.parse(mixed.stdout) as unknown[]).length).toBe(1);
    const empty = await ok(['inspect', EMPTY_GUN]);
    expect(JSON.parse(empty.stdout)).toMatchObject([{ SignedTags: [], Signers: [] }]);
  });

  it('list, key list and delegation list are byte-identical to the Go CLI', async () => {
    const cases: [string[], string[]][] = [
      [
        ['list', GUN],
        ['list', GUN],
      ],
      [
        ['list', EMPTY_GUN],
        ['list', EMPTY_GUN],
      ],
      [
        ['key', 'list'],
        ['key', 'list'],
      ],
      [
        ['delegation', 'list', GUN],
        ['delegation', 'list', GUN],
      ],
      [
        ['delegation', 'list', EMPTY_GUN],
        ['delegation', 'list', EMPTY_GUN],
      ],
    ];
    for (const [mine, theirs] of cases) {
      const g = await go(theirs);
      expect(g.code, `notary ${theirs.join(' ')}: ${g.stderr}`).toBe(0);
      const o = await ok(mine);
      expect(o.stdout, mine.join(' ')).toBe(g.stdout);
    }
    const d = await ok(['delegation', 'list', GUN]);
    expect(d.stdout).toContain('"" <all paths>');
  });

  it('key list of an empty trust dir and with a long GUN matches the Go CLI', async () => {
    const dir = tempDir('formats-empty-keys');
    const goEmpty = await runNotary(['key', 'list'], { trustDir: dir });
    const mineEmpty = await runBin(['-d', dir, 'key', 'list']);
    expect(mineEmpty.stdout).toBe(goEmpty.stdout);
    const longGun = `example.com/formats/${'very-long-name-'.repeat(3)}app`;
    await ok(['sign', `${longGun}:v1`, '--digest', `sha256:${hex('5')}`, '--size', '5']);
    const g = await go(['key', 'list']);
    const o = await ok(['key', 'list']);
    expect(o.stdout).toBe(g.stdout);
    expect(o.stdout).toContain('...');
  });
});
