// Truthful edges through the shipped binary against a real notary-server: the signer never publishes what a
// verifier rejects, revoke means revoked, and broken local state never blocks recovery. Needs `npm run build`.
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePublicKeyPem } from '../../src/index.js';
import { changeFromOp, changelistDir, FileChangelist, type Op } from '../../src/signer/index.js';
import { runBash, runBin } from '../helpers/bin.js';
import {
  describeInterop,
  type NotaryServer,
  PASSPHRASE_ENV,
  runNotary,
  startNotaryServer,
  TEST_PASSPHRASE,
  tempDir,
} from '../helpers/notary.js';

const hex = (n: number) => n.toString(16).padStart(64, '0');
type Json = Record<string, unknown>;

describeInterop('cli: truthful edges (signer preflight, revoke, local state)', () => {
  let server: NotaryServer;
  beforeAll(async () => {
    server = await startNotaryServer();
  });
  afterAll(async () => server?.stop());

  const ours = (dir: string, args: string[], env: Record<string, string> = { ...PASSPHRASE_ENV }, timeoutMs?: number) =>
    runBin(['-s', server.url, '-d', dir, ...args], { env, ...(timeoutMs ? { timeoutMs } : {}) });
  const fresh = (args: string[]) => ours(tempDir('ts-fresh-'), args, {});
  const goLookup = (gun: string, tag: string) =>
    runNotary(['lookup', gun, tag], { trustDir: tempDir('go-fresh-'), server: server.url });
  const timestamp = async (gun: string) => (await server.get(`/v2/${gun}/_trust/tuf/timestamp.json`)).body;
  const signTag = (dir: string, ref: string, n: number, extra: string[] = []) =>
    ours(dir, ['sign', ref, '--digest', `sha256:${hex(n)}`, '--size', String(n), ...extra]);

  /** A repository with a first tag in `targets`, and signer `name` whose key is in the same trust dir. */
  async function withSigner(gun: string, name: string, dir = tempDir('ts-admin-')) {
    expect((await signTag(dir, `${gun}:v0`, 100)).status).toBe(0);
    const pub = tempDir('ts-pub-');
    expect((await ours(dir, ['key', 'generate', name, '--dir', pub])).status).toBe(0);
    const add = await ours(dir, ['signer', 'add', name, gun, '--key', join(pub, `${name}.pub`)]);
    expect(add.status, add.stderr).toBe(0);
    return { dir, pub: join(pub, `${name}.pub`) };
  }

  it('revoke: the issue scenario (targets, then releases and targets/NAME) leaves verify exit 3; Go agrees', async () => {
    const gun = 'example.com/truth/revoke';
    const dir = tempDir('ts-admin-');
    expect((await signTag(dir, `${gun}:v1`, 1)).status).toBe(0); // into targets (no delegations yet)
    await withSigner(gun, 'ci', dir);
    const again = await signTag(dir, `${gun}:v1`, 2, ['--json']);
    expect(again.status, again.stderr).toBe(0);
    expect((again.json() as Json)['tags']).toEqual({ v1: ['targets/ci', 'targets/releases'] });
    expect((await fresh(['verify', `${gun}:v1`])).stdout).toBe(`sha256:${hex(2)}\n`);

    const rv = await ours(dir, ['revoke', '--json', `${gun}:v1`]);
    expect(rv.status, rv.stderr).toBe(0);
    expect((rv.json() as Json)['revoked']).toEqual({ v1: ['targets', 'targets/ci', 'targets/releases'] });
    // Not the older digest from targets: nothing at all.
    const v = await fresh(['verify', '--json', `${gun}:v1`]);
    expect(v.status).toBe(3);
    expect(v.json()).toMatchObject({ code: 'TARGET_NOT_FOUND' });
    // The admin's own (warm) cache agrees, and so does the Go CLI, which walks every delegation.
    expect((await ours(dir, ['verify', `${gun}:v1`])).status).toBe(3);
    expect((await goLookup(gun, 'v1')).code).not.toBe(0);
    expect((await goLookup(gun, 'v0')).code).toBe(0);
  });

  it('revoke refuses (exit 5, REVOKE_INCOMPLETE naming the role) when a role it cannot sign still answers', async () => {
    const gun = 'example.com/truth/revoke-partial';
    const admin = tempDir('ts-admin-');
    expect((await signTag(admin, `${gun}:v2`, 3)).status).toBe(0); // targets: only the admin can sign it
    // The CI machine holds only its signer key.
    const ci = tempDir('ts-ci-');
    const pub = tempDir('ts-pub-');
    expect((await ours(ci, ['key', 'generate', 'bot', '--dir', pub])).status).toBe(0);
    expect((await ours(admin, ['signer', 'add', 'bot', gun, '--key', join(pub, 'bot.pub')])).status).toBe(0);
    expect((await signTag(ci, `${gun}:v2`, 4)).status).toBe(0); // releases and targets/bot
    const before = await timestamp(gun);
    const rv = await ours(ci, ['revoke', '--json', `${gun}:v2`]);
    expect(rv.status).toBe(5);
    expect(rv.json()).toMatchObject({ code: 'REVOKE_INCOMPLETE', details: { tag: 'v2', role: 'targets' } });
    expect(await timestamp(gun)).toEqual(before); // nothing published
    expect((await fresh(['verify', `${gun}:v2`])).stdout).toBe(`sha256:${hex(4)}\n`);
    // The admin (holding targets, releases is the bot's) cannot finish it alone either: the bot's release answers.
    const adminRv = await ours(admin, ['revoke', '--json', `${gun}:v2`]);
    expect(adminRv.status).toBe(5);
    expect(adminRv.json()).toMatchObject({ code: 'REVOKE_INCOMPLETE', details: { role: 'targets/releases' } });
  });

  it('signer remove of the last releases signer: refused without --force; forced, the repository still verifies', async () => {
    const gun = 'example.com/truth/last-signer';
    const { dir } = await withSigner(gun, 'carol');
    expect((await signTag(dir, `${gun}:v3`, 5)).status).toBe(0); // releases and targets/carol
    const before = await timestamp(gun);
    const refused = await ours(dir, ['signer', 'remove', '--json', 'carol', gun]);
    expect(refused.status).toBe(2);
    expect(refused.json()).toMatchObject({
      code: 'PUBLISH_WOULD_FAIL_VERIFY',
      details: { reason: 'last-signer', role: 'targets/releases' },
    });
    expect(await timestamp(gun)).toEqual(before);
    expect((await fresh(['verify', `${gun}:v3`])).status).toBe(0);

    const forced = await ours(dir, ['signer', 'remove', '--force', 'carol', gun]);
    expect(forced.status, forced.stderr).toBe(0);
    // Every reader still works: v0 (targets) verifies, v3 (only in releases) is simply not found.
    expect((await fresh(['verify', `${gun}:v0`])).stdout).toBe(`sha256:${hex(100)}\n`);
    expect((await ours(dir, ['verify', `${gun}:v0`])).status).toBe(0);
    expect((await fresh(['verify', `${gun}:v3`])).status).toBe(3);
    expect((await fresh(['list', gun])).status).toBe(0);
    expect((await fresh(['inspect', gun])).status).toBe(0);
    const goList = await runNotary(['list', gun], { trustDir: tempDir('go-fresh-'), server: server.url });
    expect(goList.code, goList.stderr).toBe(0);
    expect(goList.stdout).toContain('v0');

    // notary-server keeps the old releases file in its snapshot. A new signer whose key is elsewhere would leave
    // clients checking that old file against the new key: refused. With the key here, a fresh releases file
    // replaces it in the same publish, and the old release (v3) does not come back.
    const before2 = await timestamp(gun);
    const elsewhere = tempDir('ts-pub-');
    expect((await ours(tempDir('ts-other-'), ['key', 'generate', 'erin', '--dir', elsewhere])).status).toBe(0);
    const erin = await ours(dir, ['signer', 'add', '--json', 'erin', gun, '--key', join(elsewhere, 'erin.pub')]);
    expect(erin.status).toBe(2);
    expect(erin.json()).toMatchObject({ code: 'PUBLISH_WOULD_FAIL_VERIFY', details: { role: 'targets/releases' } });
    expect(await timestamp(gun)).toEqual(before2);
    const here = tempDir('ts-pub-');
    expect((await ours(dir, ['key', 'generate', 'dave', '--dir', here])).status).toBe(0);
    const dave = await ours(dir, ['signer', 'add', 'dave', gun, '--key', join(here, 'dave.pub')]);
    expect(dave.status, dave.stderr).toBe(0);
    expect((await fresh(['verify', `${gun}:v0`])).status).toBe(0);
    expect((await fresh(['verify', `${gun}:v3`])).status).toBe(3);
    expect((await signTag(dir, `${gun}:v4`, 15)).status).toBe(0);
    expect((await fresh(['verify', `${gun}:v4`])).stdout).toBe(`sha256:${hex(15)}\n`);
    expect((await goLookup(gun, 'v4')).code).toBe(0);
  });

  it('sign --from --role targets: a tag targets/releases answers with another digest refuses the whole batch (shadowed)', async () => {
    const gun = 'example.com/truth/shadowed';
    const { dir } = await withSigner(gun, 'sam');
    expect((await signTag(dir, `${gun}:v5`, 5)).status).toBe(0); // targets/releases and targets/sam
    const lines = (extra: string[]) =>
      [...Array.from({ length: 300 }, (_, i) => `b${i} sha256:${hex(1000 + i)} ${1000 + i}`), ...extra].join('\n');
    const from = join(tempDir('ts-from-'), 'tags.txt');
    writeFileSync(from, lines([`v5 sha256:${hex(6)} 6`]));
    const before = await timestamp(gun);
    const refused = await ours(dir, ['sign', '--json', gun, '--from', from, '--role', 'targets']);
    expect(refused.status).toBe(2);
    expect(refused.json()).toMatchObject({
      code: 'PUBLISH_WOULD_FAIL_VERIFY',
      details: { reason: 'shadowed', tag: 'v5', role: 'targets/releases' },
    });
    expect(await timestamp(gun)).toEqual(before); // nothing published, not even the 300 good tags
    expect((await fresh(['verify', `${gun}:b7`])).status).toBe(3);
    expect((await fresh(['verify', `${gun}:v5`])).stdout).toBe(`sha256:${hex(5)}\n`);
    // Without the shadowed tag the same batch goes through, and every tag verifies from targets.
    writeFileSync(from, lines([]));
    const ok = await ours(dir, ['sign', gun, '--from', from, '--role', 'targets']);
    expect(ok.status, ok.stderr).toBe(0);
    expect((await fresh(['verify', `${gun}:b299`])).stdout).toBe(`sha256:${hex(1299)}\n`);
  });

  it('sign/add --digest sha512:… is refused up front (exit 2); nothing is created or staged', async () => {
    const gun = 'example.com/truth/sha512';
    const dir = tempDir('ts-sign-');
    const d512 = `sha512:${'ab'.repeat(64)}`;
    const s = await ours(dir, ['sign', '--json', `${gun}:v1`, '--digest', d512, '--size', '1']);
    expect(s.status).toBe(2);
    expect(s.json()).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await server.get(`/v2/${gun}/_trust/tuf/root.json`)).status).toBe(404);
    const a = await ours(dir, ['add', gun, 'v1', '--digest', d512, '--size', '1']);
    expect(a.status).toBe(2);
    expect(existsSync(changelistDir(dir, gun))).toBe(false);
  });

  it('publish refuses delegations beyond the walk limits (1,025 children; 17 levels); the changes stay staged', async () => {
    const gun = 'example.com/truth/limits';
    const { dir, pub } = await withSigner(gun, 'd');
    const key = parsePublicKeyPem(readFileSync(pub, 'utf8'));
    const create = (role: string): Op => ({
      kind: 'delegation',
      action: 'create',
      role,
      edit: { threshold: 1, addKeys: [key], addPaths: [''] },
    });
    const changes = new FileChangelist(changelistDir(dir, gun));
    // 1,023 more children of targets (releases and targets/d exist): 1,025 in all.
    await changes.add(Array.from({ length: 1023 }, (_, i) => changeFromOp(create(`targets/w${i}`))));
    const before = await timestamp(gun);
    const wide = await ours(dir, ['publish', '--json', gun]);
    expect(wide.status, wide.stderr).toBe(2);
    // Refused while the changes are applied (grammar/walk-limits); the preflight walk is the second line.
    expect(wide.json()).toMatchObject({ code: 'INVALID_ARGUMENT', details: { limit: 1024 } });
    expect(await timestamp(gun)).toEqual(before);
    const st = await ours(dir, ['status', '--json', gun]);
    expect((st.json() as unknown[]).length).toBe(1023);
    expect((await ours(dir, ['reset', gun, '--all'])).status).toBe(0);

    // targets/d/l1/…/l16: 17 levels below targets.
    const deep: Op[] = [];
    let role = 'targets/d';
    for (let i = 1; i <= 16; i++) {
      role = `${role}/l${i}`;
      deep.push(create(role));
    }
    await changes.add(deep.map(changeFromOp));
    const tooDeep = await ours(dir, ['publish', '--json', gun]);
    expect(tooDeep.status).toBe(2);
    expect(tooDeep.json()).toMatchObject({ code: 'INVALID_ARGUMENT', details: { limit: 16 } });
    expect(await timestamp(gun)).toEqual(before);
    // One level less is within the limits and publishes; list and inspect still work on the result.
    expect((await ours(dir, ['reset', gun, '-n', '15'])).status).toBe(0);
    const ok = await ours(dir, ['publish', gun]);
    expect(ok.status, ok.stderr).toBe(0);
    expect((await fresh(['list', gun])).status).toBe(0);
  });

  it('a corrupt change file: status lists it by name, publish/sign refuse with CHANGELIST_CORRUPT (not 1), reset removes it', async () => {
    const gun = 'example.com/truth/changelist';
    const dir = tempDir('ts-sign-');
    expect((await signTag(dir, `${gun}:v1`, 6)).status).toBe(0);
    expect((await ours(dir, ['add', gun, 'v2', '--digest', `sha256:${hex(7)}`, '--size', '7'])).status).toBe(0);
    const cl = changelistDir(dir, gun);
    writeFileSync(join(cl, '00000000000000000001_empty.change'), '');
    writeFileSync(join(cl, '99999999999999999999_garbage.change'), 'not json at all');
    const st = await ours(dir, ['status', '--json', gun]);
    expect(st.status, st.stderr).toBe(0);
    const entries = st.json() as Json[];
    expect(entries.map((e) => [e['index'], e['action'], e['file']])).toEqual([
      [0, 'unreadable', '00000000000000000001_empty.change'],
      [1, 'create', expect.stringMatching(/\.change$/)],
      [2, 'unreadable', '99999999999999999999_garbage.change'],
    ]);
    const table = await ours(dir, ['status', gun]);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('99999999999999999999_garbage.change');
    for (const args of [
      ['publish', '--json', gun],
      ['sign', '--json', `${gun}:v3`, '--digest', `sha256:${hex(8)}`, '--size', '8'],
    ]) {
      const r = await ours(dir, args);
      expect(r.status).toBe(70);
      expect(r.json()).toMatchObject({
        code: 'CHANGELIST_CORRUPT',
        details: { file: '00000000000000000001_empty.change' },
      });
    }
    expect((await ours(dir, ['reset', gun, '-n', '2'])).status).toBe(0); // the garbage one, by its index
    expect(readdirSync(cl)).not.toContain('99999999999999999999_garbage.change');
    expect((await ours(dir, ['reset', gun, '--all'])).status).toBe(0);
    expect(readdirSync(cl)).toEqual([]);
    expect((await signTag(dir, `${gun}:v3`, 8)).status).toBe(0);
  });

  it('a FIFO, directory or symlink in the metadata cache never hangs verify (online or --offline): treated as absent', async () => {
    const gun = 'example.com/truth/fifo';
    const dir = tempDir('ts-sign-');
    expect((await signTag(dir, `${gun}:v1`, 9)).status).toBe(0);
    const reader = tempDir('ts-reader-');
    expect((await ours(reader, ['verify', `${gun}:v1`], {})).status).toBe(0);
    const meta = join(reader, 'tuf', ...gun.split('/'), 'metadata');
    const plant = (role: string, kind: 'fifo' | 'dir' | 'symlink') => {
      const p = join(meta, `${role}.json`);
      rmSync(p, { recursive: true, force: true });
      if (kind === 'fifo') execFileSync('mkfifo', [p]);
      else if (kind === 'dir') mkdirSync(p);
      else symlinkSync(join(meta, 'root.json'), p);
    };
    const run = (args: string[]) => ours(reader, args, {}, 20_000);

    plant('timestamp', 'fifo');
    const off = await run(['verify', '--offline', '--json', `${gun}:v1`]);
    expect(off.timedOut).toBe(false);
    expect(off.status).toBe(3);
    expect(off.json()).toMatchObject({ code: 'OFFLINE_NO_CACHE' });
    const on = await run(['verify', `${gun}:v1`]);
    expect(on.timedOut).toBe(false);
    expect(on.status, on.stderr).toBe(0);
    expect(lstatSync(join(meta, 'timestamp.json')).isFile()).toBe(true); // replaced by the verified file

    plant('snapshot', 'symlink');
    plant('targets', 'fifo');
    const on2 = await run(['verify', `${gun}:v1`]);
    expect(on2.timedOut).toBe(false);
    expect(on2.stdout).toBe(`sha256:${hex(9)}\n`);

    plant('root', 'fifo');
    const offRoot = await run(['verify', '--offline', `${gun}:v1`]);
    expect(offRoot.timedOut).toBe(false);
    expect(offRoot.status).toBe(3);
    plant('targets', 'dir');
    const list = await run(['list', '--offline', gun]);
    expect(list.timedOut).toBe(false);
    expect(list.status).toBe(3);
  });

  it('key export -o: refuses an existing path or symlink; new files are 0600; --force replaces without following', async () => {
    const dir = tempDir('ts-keys-');
    expect((await ours(dir, ['key', 'generate', 'k', '--dir', tempDir('ts-pub-')])).status).toBe(0);
    const out = tempDir('ts-out-');
    const existing = join(out, 'keys.pem');
    writeFileSync(existing, 'precious\n', { mode: 0o644 });
    const refused = await ours(dir, ['key', 'export', '--json', '-o', existing]);
    expect(refused.status, `${refused.signal} ${refused.stderr}`).toBe(2);
    expect(refused.json()).toMatchObject({ code: 'INVALID_ARGUMENT', details: { reason: 'exists' } });
    expect(readFileSync(existing, 'utf8')).toBe('precious\n');

    const victim = join(out, 'victim');
    writeFileSync(victim, 'do not touch\n');
    const link = join(out, 'link.pem');
    symlinkSync(victim, link);
    const viaLink = await ours(dir, ['key', 'export', '-o', link]);
    expect(viaLink.status, `${viaLink.signal} ${viaLink.stderr}`).toBe(2);
    const forced = await ours(dir, ['key', 'export', '-o', link, '--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('do not touch\n');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(statSync(link).mode & 0o777).toBe(0o600);
    expect(readFileSync(link, 'utf8')).toContain('ENCRYPTED PRIVATE KEY');

    expect((await ours(dir, ['key', 'export', '-o', existing, '--force'])).status).toBe(0);
    expect(statSync(existing).mode & 0o777).toBe(0o600);
    const created = join(out, 'new.pem');
    expect((await ours(dir, ['key', 'export', '-o', created])).status).toBe(0);
    expect(statSync(created).mode & 0o777).toBe(0o600);
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('temp files of a killed writer are removed by the next write to the cache directory; a live one is kept', async () => {
    const gun = 'example.com/truth/tempfiles';
    const dir = tempDir('ts-sign-');
    expect((await signTag(dir, `${gun}:v1`, 10)).status).toBe(0);
    const reader = tempDir('ts-reader-');
    const meta = join(reader, 'tuf', ...gun.split('/'), 'metadata');
    mkdirSync(meta, { recursive: true });
    const dead = `.targets.json.${4_000_000}.0123456789ab.tmp`; // above any pid_max: no such process
    const live = `.targets.json.${process.pid}.ba9876543210.tmp`; // this test runner, alive and recent
    writeFileSync(join(meta, dead), Buffer.alloc(1 << 20));
    writeFileSync(join(meta, live), 'x');
    expect((await ours(reader, ['verify', `${gun}:v1`], {})).status).toBe(0);
    const names = readdirSync(meta);
    expect(names).not.toContain(dead);
    expect(names).toContain(live);
    expect(names).toContain('targets.json');
  });

  it('--passphrase-file reads /dev/fd/N (<(…)) and FIFOs; a directory is refused (exit 2)', async () => {
    const gun = 'example.com/truth/passfile';
    const dir = tempDir('ts-sign-');
    expect((await signTag(dir, `${gun}:v1`, 11)).status).toBe(0);
    const base = `"$NODE" "$NOTARY_TS" -s ${server.url} -d ${dir}`;
    const viaFd = await runBash(
      `${base} --passphrase-file <(printf '%s\\n' '${TEST_PASSPHRASE}') sign ${gun}:v2 --digest sha256:${hex(12)} --size 12`,
      { timeoutMs: 30_000 },
    );
    expect(viaFd.timedOut).toBe(false);
    expect(viaFd.status, viaFd.stderr).toBe(0);
    const fifo = join(tempDir('ts-fifo-'), 'pass');
    execFileSync('mkfifo', [fifo]);
    const viaFifo = await runBash(
      `(printf '%s\\n' '${TEST_PASSPHRASE}' > ${fifo} &) ; ${base} --passphrase-file ${fifo} sign ${gun}:v3 --digest sha256:${hex(13)} --size 13`,
      { timeoutMs: 30_000 },
    );
    expect(viaFifo.timedOut).toBe(false);
    expect(viaFifo.status, viaFifo.stderr).toBe(0);
    expect((await fresh(['verify', `${gun}:v3`])).stdout).toBe(`sha256:${hex(13)}\n`);
    const notFile = await ours(
      dir,
      ['--passphrase-file', tempDir('ts-dir-'), 'sign', `${gun}:v4`, '--digest', `sha256:${hex(14)}`, '--size', '14'],
      {},
    );
    expect(notFile.status).toBe(2);
  });

  it('add on a trust dir that cannot be written gives IO (exit 70), not INTERNAL', async () => {
    const file = join(tempDir('ts-ro-'), 'plain-file');
    writeFileSync(file, '');
    const r = await runBin([
      '-d',
      join(file, 'trust'),
      '--json',
      'add',
      'example.com/x',
      'v1',
      '--digest',
      `sha256:${hex(1)}`,
      '--size',
      '1',
    ]);
    expect(r.status).toBe(70);
    expect(r.json()).toMatchObject({ code: 'IO' });
  });

  it('status lists changes in the order Go notary does: file names by UTF-8 bytes (astral after U+E000-U+FFFF)', async () => {
    const gun = 'example.com/truth/order';
    const dir = tempDir('ts-order-');
    const cl = changelistDir(dir, gun);
    mkdirSync(cl, { recursive: true });
    // Written in UTF-16 order, which differs from the byte order for the last three.
    for (const [name, path] of [
      ['1_z', 'z'],
      ['1_\u{10000}', 'u10000'],
      ['1_\ue000', 'ue000'],
      ['1_\uffff', 'uffff'],
    ]) {
      writeFileSync(
        join(cl, `${name}.change`),
        `{"action":"delete","role":"targets","type":"target","path":"${path}","data":null}`,
      );
    }
    const st = await ours(dir, ['status', '--json', gun]);
    expect(st.status, st.stderr).toBe(0);
    const order = (st.json() as Json[]).map((e) => e['path']);
    expect(order).toEqual(['z', 'ue000', 'uffff', 'u10000']);
    const go = await runNotary(['status', gun], { trustDir: dir });
    expect(go.code, go.stderr).toBe(0);
    const goOrder = go.stdout.split('\n').flatMap((l) => /^\d+\s+delete\s+targets\s+target\s+(\S+)/.exec(l)?.[1] ?? []);
    expect(goOrder).toEqual(order);
  });
});
