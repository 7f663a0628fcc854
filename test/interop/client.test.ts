// The TUF client against repositories the real Go CLI publishes on a real notary-server: answers equal to
// `notary lookup` / `notary list`, cache bytes equal to the server's, shared trust dirs both ways, rotations.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MetadataCache, openRepository, type Repository } from '../../src/client/index.js';
import { bytesEqual } from '../../src/encoding/bytes.js';
import {
  describeInterop,
  httpGet,
  type NotaryServer,
  runNotary,
  startNotaryServer,
  tempDir,
} from '../helpers/notary.js';

interface Row {
  name: string;
  digest: string;
  size: number;
  role: string;
}

function parseList(text: string): Row[] {
  return text
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const m = /^(.+?)\s+([0-9a-f]{64})\s+(\d+)\s+(\S+)\s*$/.exec(l);
      if (!m) throw new Error(`bad list line ${JSON.stringify(l)}`);
      return { name: m[1] as string, digest: m[2] as string, size: Number(m[3]), role: m[4] as string };
    });
}

describeInterop('client against repositories published by the Go CLI', () => {
  let server: NotaryServer;
  const publisher = tempDir('nt-cli-pub-');
  const files = tempDir('nt-cli-files-');
  const opened: Repository[] = [];

  const notary = async (args: string[], trustDir = publisher, input?: string): Promise<string> => {
    const r = await runNotary(args, { trustDir, server: server.url, ...(input !== undefined ? { input } : {}) });
    expect(r.code, `notary ${args.join(' ')}\n${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const payload = (name: string, content: string): string => {
    const p = join(files, name);
    writeFileSync(p, content);
    return p;
  };
  const open = async (gun: string, trustDir: string, offline = false): Promise<Repository> => {
    const r = await openRepository({ gun, trustDir, server: server.url, offline, env: {} });
    opened.push(r);
    return r;
  };
  const sameCacheAsServer = async (gun: string, trustDir: string, roles: string[]): Promise<void> => {
    const cache = new MetadataCache(trustDir, gun);
    for (const role of roles) {
      const res = await httpGet(server.metadataUrl(gun, `${role}.json`));
      expect(res.status).toBe(200);
      expect(bytesEqual(cache.read(role) as Uint8Array, res.body), role).toBe(true);
    }
  };

  const ODD = 'example.com/client/odd';
  const ODD_NAMES = ['plain', 'a&b<c>', '！bang', '😀smile', 'v1', 'v2', 'latest', 'only-releases'];

  beforeAll(async () => {
    server = await startNotaryServer();
    await notary(['init', ODD]);
    for (const [i, name] of ODD_NAMES.slice(0, 7).entries()) {
      await notary(['add', ODD, name, payload(`odd-${i}`, `payload ${name}\n`)]);
    }
    await notary(['publish', ODD]);
    // targets/releases with a self-signed cert, as `docker trust signer add` would set it up.
    const key = join(files, 'releases.key');
    const crt = join(files, 'releases.crt');
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
    execFileSync(
      'openssl',
      ['req', '-new', '-x509', '-key', key, '-subj', '/CN=releases', '-days', '30', '-out', crt],
      {
        stdio: 'ignore',
      },
    );
    await notary(['delegation', 'add', ODD, 'targets/releases', crt, '--all-paths', '-p']);
    await notary(['key', 'import', key, '--role', 'targets/releases']);
    await notary(['add', ODD, 'latest', payload('rel-latest', 'released latest\n'), '--roles', 'targets/releases']);
    await notary(['add', ODD, 'only-releases', payload('rel-only', 'rel only\n'), '--roles', 'targets/releases', '-p']);
  });
  afterAll(async () => {
    await Promise.all(opened.map((r) => r.close()));
    await server?.stop();
  });

  it('lookup equals `notary lookup` for every odd name; list equals `notary list`', async () => {
    const trustDir = tempDir('nt-cli-a-');
    const repo = await open(ODD, trustDir);
    for (const name of ODD_NAMES) {
      const want = await notary(['lookup', ODD, name], tempDir('nt-cli-go-'));
      const got = await repo.lookup(name, { roles: ['targets'] });
      expect(`${name} ${got.digest} ${got.size}\n`).toBe(want);
    }
    const goList = parseList(await notary(['list', ODD], tempDir('nt-cli-go-')));
    expect(await repo.list()).toEqual(goList);
    expect(goList.find((r) => r.name === 'latest')?.role).toBe('targets');
    await sameCacheAsServer(ODD, trustDir, ['root', 'timestamp', 'snapshot', 'targets', 'targets/releases']);
  });

  it('docker pull resolution: targets/releases wins over targets', async () => {
    const repo = await open(ODD, tempDir('nt-cli-b-'));
    const r = await repo.lookup('latest');
    expect(r.role).toBe('targets/releases');
    expect(r.digest).toBe(`sha256:${createHash('sha256').update('released latest\n').digest('hex')}`);
    expect(r.size).toBe('released latest\n'.length);
    expect((await repo.lookup('v1')).role).toBe('targets');
  });

  it('a trust dir we wrote works for the Go CLI, and one the Go CLI wrote works for us (offline too)', async () => {
    const ours = tempDir('nt-cli-ours-');
    const repo = await open(ODD, ours);
    await repo.list(); // loads targets/releases into the cache as well
    const goList = parseList(await notary(['list', ODD], ours));
    expect(goList).toEqual(await repo.list());

    const theirs = tempDir('nt-cli-theirs-');
    await notary(['list', ODD], theirs);
    const offline = await open(ODD, theirs, true);
    expect(offline.offline).toBe(true);
    expect(await offline.list()).toEqual(goList);
    const online = await open(ODD, theirs);
    expect((await online.lookup('latest')).role).toBe('targets/releases');
    // And the Go CLI still reads it after our update.
    expect(parseList(await notary(['list', ODD], theirs))).toEqual(goList);
  });

  it('snapshot key moved to the server (`notary key rotate GUN snapshot -r`) while we hold the old root', async () => {
    const gun = 'example.com/client/snaprot';
    await notary(['init', gun, '-p']);
    await notary(['add', gun, 't1', payload('sr1', 'one\n'), '-p']);
    const trustDir = tempDir('nt-cli-sr-');
    expect((await (await open(gun, trustDir)).lookup('t1')).role).toBe('targets');
    await notary(['key', 'rotate', gun, 'snapshot', '-r']);
    await notary(['add', gun, 't2', payload('sr2', 'two\n'), '-p']);
    const repo = await open(gun, trustDir);
    expect(repo.trusted.root.version).toBe(2);
    const want = await notary(['lookup', gun, 't2'], tempDir('nt-cli-go-'));
    const got = await repo.lookup('t2');
    expect(`t2 ${got.digest} ${got.size}\n`).toBe(want);
    await sameCacheAsServer(gun, trustDir, ['root', 'timestamp', 'snapshot', 'targets']);
  });

  it('root rotated three times while our cache holds root v1, then the targets key rotated', async () => {
    const gun = 'example.com/client/rootrot';
    await notary(['init', gun, '-p']);
    await notary(['add', gun, 't1', payload('rr1', 'one\n'), '-p']);
    const trustDir = tempDir('nt-cli-rr-');
    await (await open(gun, trustDir)).lookup('t1');
    for (let i = 0; i < 3; i++) await notary(['key', 'rotate', gun, 'root'], publisher, 'yes\n');
    await notary(['add', gun, 't2', payload('rr2', 'two\n'), '-p']);
    const repo = await open(gun, trustDir);
    expect(repo.trusted.root.version).toBe(4);
    expect((await repo.lookup('t2')).size).toBe(4);
    await sameCacheAsServer(gun, trustDir, ['root', 'timestamp', 'snapshot', 'targets']);

    await notary(['key', 'rotate', gun, 'targets']);
    await notary(['add', gun, 't3', payload('rr3', 'three\n'), '-p']);
    const after = await open(gun, trustDir);
    expect(after.trusted.root.version).toBe(5);
    expect(parseList(await notary(['list', gun], tempDir('nt-cli-go-')))).toEqual(await after.list());
    // The Go CLI accepts the cache we rotated.
    expect(parseList(await notary(['list', gun], trustDir))).toEqual(await after.list());
  });

  it('an unknown GUN is REPOSITORY_NOT_FOUND', async () => {
    await expect(open('example.com/client/nothing-here', tempDir('nt-cli-nf-'))).rejects.toMatchObject({
      code: 'REPOSITORY_NOT_FOUND',
    });
  });
});
