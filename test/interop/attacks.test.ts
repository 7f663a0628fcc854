// Attacks through a mutating proxy in front of the real notary-server: each ends in its error code (and exit status
// group), leaves no forged byte in the cache, and a clean run afterwards recovers.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exitStatusFor } from '../../src/cli/exit-status.js';
import { MetadataCache, openRepository } from '../../src/client/index.js';
import { bytesEqual } from '../../src/encoding/bytes.js';
import { isNotaryError, type NotaryErrorCode } from '../../src/errors.js';
import {
  describeInterop,
  httpGet,
  type MutatingProxy,
  type NotaryServer,
  type ProxyAction,
  type ProxyRequest,
  runNotary,
  startMutatingProxy,
  startNotaryServer,
  tempDir,
  type UpstreamResponse,
} from '../helpers/notary.js';

const GUN = 'example.com/attacks/repo';
const MIX: NotaryErrorCode[] = ['HASH_MISMATCH', 'LENGTH_MISMATCH', 'RESPONSE_TOO_LARGE'];
const DAY = 86_400_000;

/** Every file under the GUN's metadata dir, path → bytes. */
function cacheFiles(trustDir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const root = new MetadataCache(trustDir, GUN).dir;
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(root, p), readFileSync(p));
    }
  };
  walk(root);
  return out;
}

/** Changes one digit of `expires` inside `signed`: still valid JSON, no longer validly signed. */
function tamper(body: Buffer): Buffer {
  const text = body.toString('utf8');
  const at = text.indexOf('"expires":"') + '"expires":"'.length;
  return Buffer.from(text.slice(0, at) + (text[at] === '2' ? '3' : '2') + text.slice(at + 1));
}

const file = (req: ProxyRequest): string => req.path.replace(/^.*\/_trust\/tuf\//, '');
const isRole = (req: ProxyRequest, role: string): boolean =>
  new RegExp(`^${role.replace('/', '\\/')}(\\.[0-9a-f]{64})?\\.json$`).test(file(req));

describeInterop('attacks through a mutating proxy', () => {
  let server: NotaryServer;
  let proxy: MutatingProxy;
  const publisher = tempDir('nt-atk-pub-');
  const files = tempDir('nt-atk-files-');
  /** A trust dir that holds the repository as it was before the last publish. */
  const baseline = tempDir('nt-atk-base-');
  const captured = new Map<string, Buffer>();
  const cap = (f: string): Buffer => {
    const b = captured.get(f);
    if (b === undefined) throw new Error(`nothing captured for ${f}`);
    return b;
  };

  const notary = async (args: string[]): Promise<void> => {
    const r = await runNotary(args, { trustDir: publisher, server: server.url });
    expect(r.code, `notary ${args.join(' ')}\n${r.stderr}`).toBe(0);
  };
  const payload = (name: string, content: string): string => {
    const p = join(files, name);
    writeFileSync(p, content);
    return p;
  };
  const current = async (f: string): Promise<Buffer> => (await httpGet(server.metadataUrl(GUN, f))).body;

  /** Opens through the proxy and runs a docker-style lookup (which loads targets/releases). */
  const verify = async (trustDir: string, over: { now?: Date; timeoutMs?: number } = {}): Promise<string> => {
    const repo = await openRepository({
      gun: GUN,
      trustDir,
      server: proxy.url,
      env: {},
      timeoutMs: over.timeoutMs ?? 5000,
      ...(over.now ? { now: over.now } : {}),
    });
    try {
      return (await repo.lookup('latest')).digest;
    } finally {
      await repo.close();
    }
  };

  beforeAll(async () => {
    server = await startNotaryServer();
    proxy = await startMutatingProxy(server.url);
    await notary(['init', GUN]);
    await notary(['add', GUN, 'latest', payload('t1', 'targets latest\n')]);
    await notary(['publish', GUN]);
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
    await notary(['delegation', 'add', GUN, 'targets/releases', crt, '--all-paths', '-p']);
    await notary(['key', 'import', key, '--role', 'targets/releases']);
    await notary(['add', GUN, 'latest', payload('r1', 'release 1\n'), '--roles', 'targets/releases', '-p']);
    // The baseline client has seen this state; capture it for rollback and mix-and-match.
    await verify(baseline);
    for (const f of ['1.timestamp.json', 'timestamp.json', 'snapshot.json', 'targets.json', 'targets/releases.json']) {
      captured.set(f, await current(f));
    }
    // A new publish the attacked clients have not seen yet.
    await notary(['add', GUN, 'latest', payload('r2', 'release 2 is longer\n'), '--roles', 'targets/releases']);
    await notary(['add', GUN, 'other', payload('t2', 'other\n'), '-p']);
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  type Hook = (req: ProxyRequest, up: UpstreamResponse) => ProxyAction | undefined;
  const attacks: {
    name: string;
    hook: Hook;
    /** The code, or the codes one of which must come (mix-and-match: which size check trips depends on sizes). */
    code: NotaryErrorCode | NotaryErrorCode[];
    fresh?: boolean;
    now?: Date;
    timeoutMs?: number;
  }[] = [
    {
      name: 'tampered timestamp',
      hook: (q, u) => (isRole(q, 'timestamp') ? { body: tamper(u.body) } : undefined),
      code: 'THRESHOLD_NOT_MET',
    },
    {
      name: 'tampered snapshot',
      hook: (q, u) => (isRole(q, 'snapshot') ? { body: tamper(u.body) } : undefined),
      code: 'HASH_MISMATCH',
    },
    {
      name: 'tampered targets',
      hook: (q, u) => (isRole(q, 'targets') ? { body: tamper(u.body) } : undefined),
      code: 'HASH_MISMATCH',
    },
    {
      name: 'tampered delegation',
      hook: (q, u) => (isRole(q, 'targets/releases') ? { body: tamper(u.body) } : undefined),
      code: 'HASH_MISMATCH',
    },
    {
      name: 'tampered root on first use',
      hook: (q, u) => (isRole(q, 'root') ? { body: tamper(u.body) } : undefined),
      code: 'THRESHOLD_NOT_MET',
      fresh: true,
    },
    {
      name: 'tampered timestamp and root.json during the recovery (same version, other bytes)',
      hook: (q, u) => (isRole(q, 'timestamp') || isRole(q, 'root') ? { body: tamper(u.body) } : undefined),
      code: 'FORK',
    },
    {
      name: 'rollback: an older, validly signed timestamp',
      hook: (q) => (isRole(q, 'timestamp') ? { body: cap('1.timestamp.json') } : undefined),
      code: 'ROLLBACK',
    },
    {
      name: 'mix-and-match: the old snapshot under the new checksum',
      hook: (q) => (isRole(q, 'snapshot') ? { body: cap('snapshot.json') } : undefined),
      code: MIX,
    },
    {
      name: 'mix-and-match: the old delegation under the new checksum',
      hook: (q) => (isRole(q, 'targets/releases') ? { body: cap('targets/releases.json') } : undefined),
      code: MIX,
    },
    {
      name: 'freeze: client clock past the timestamp expiry',
      hook: () => undefined,
      code: 'EXPIRED',
      now: new Date(Date.now() + 30 * DAY),
    },
    {
      name: 'endless timestamp body',
      hook: (q) => (isRole(q, 'timestamp') ? { endless: true } : undefined),
      code: 'RESPONSE_TOO_LARGE',
    },
    {
      name: 'oversized Content-Length on the snapshot',
      hook: (q, u) => (isRole(q, 'snapshot') ? { body: Buffer.concat([u.body, Buffer.alloc(4096, 0x20)]) } : undefined),
      code: 'RESPONSE_TOO_LARGE',
    },
    {
      name: 'stalled timestamp body',
      hook: (q) => (isRole(q, 'timestamp') ? { stall: 10 } : undefined),
      code: 'TIMEOUT',
      timeoutMs: 1500,
    },
    {
      name: '5xx on the timestamp (no fallback to the cache)',
      hook: (q) => (isRole(q, 'timestamp') ? { status: 503, body: '' } : undefined),
      code: 'SERVER_ERROR',
    },
    {
      name: '404 on the timestamp (no fallback to the cache)',
      hook: (q) =>
        isRole(q, 'timestamp') ? { status: 404, body: '{"errors":[{"code":"METADATA_NOT_FOUND"}]}' } : undefined,
      code: 'METADATA_NOT_FOUND',
    },
    {
      name: 'redirect of the snapshot elsewhere',
      hook: (q) => (isRole(q, 'snapshot') ? { redirect: 'http://127.0.0.1:9/evil.json' } : undefined),
      code: 'BAD_RESPONSE',
    },
  ];

  const expectedExit: Partial<Record<NotaryErrorCode, number>> = {
    THRESHOLD_NOT_MET: 1,
    HASH_MISMATCH: 1,
    LENGTH_MISMATCH: 1,
    FORK: 1,
    ROLLBACK: 1,
    EXPIRED: 1,
    RESPONSE_TOO_LARGE: 1,
    METADATA_NOT_FOUND: 3,
    TIMEOUT: 4,
    SERVER_ERROR: 4,
    BAD_RESPONSE: 4,
  };

  for (const a of attacks) {
    it(a.name, async () => {
      const trustDir = tempDir('nt-atk-');
      if (!a.fresh) cpSync(baseline, trustDir, { recursive: true });
      const before = cacheFiles(trustDir);
      proxy.setMutate(a.hook);
      let caught: unknown;
      try {
        await verify(trustDir, {
          ...(a.now ? { now: a.now } : {}),
          ...(a.timeoutMs ? { timeoutMs: a.timeoutMs } : {}),
        });
      } catch (e) {
        caught = e;
      } finally {
        proxy.setMutate(() => undefined);
      }
      const got = isNotaryError(caught) ? caught.code : caught;
      const allowed = Array.isArray(a.code) ? a.code : [a.code];
      expect(allowed).toContain(got);
      for (const c of allowed) expect(exitStatusFor(c)).toBe(expectedExit[c]);
      // Not one forged byte reached the cache: every file is either what it was, or the server's genuine file
      // (the top-level update verifies and commits before a delegation is fetched).
      const after = cacheFiles(trustDir);
      for (const [p, b] of after) {
        const genuine = await current(p);
        expect(bytesEqual(b, before.get(p) ?? Buffer.alloc(0)) || bytesEqual(b, genuine), p).toBe(true);
      }
      if (!a.name.includes('delegation')) expect(after).toEqual(before);
      // Recovery: a clean run through the same proxy succeeds and the cache equals the server.
      const digest = await verify(trustDir);
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const cache = new MetadataCache(trustDir, GUN);
      for (const f of ['root', 'timestamp', 'snapshot', 'targets', 'targets/releases']) {
        expect(bytesEqual(cache.read(f) as Uint8Array, await current(`${f}.json`)), f).toBe(true);
      }
    });
  }

  it('the delegation attack left the verified top-level update in place but no delegation bytes', async () => {
    const trustDir = tempDir('nt-atk-');
    cpSync(baseline, trustDir, { recursive: true });
    const oldReleases = readFileSync(join(new MetadataCache(trustDir, GUN).dir, 'targets/releases.json'));
    proxy.setMutate((q, u) => (isRole(q, 'targets/releases') ? { body: tamper(u.body) } : undefined));
    await expect(verify(trustDir)).rejects.toMatchObject({ code: 'HASH_MISMATCH' });
    proxy.setMutate(() => undefined);
    const cache = new MetadataCache(trustDir, GUN);
    expect(bytesEqual(cache.read('targets/releases') as Uint8Array, oldReleases)).toBe(true);
    expect(bytesEqual(cache.read('targets') as Uint8Array, await current('targets.json'))).toBe(true);
  });
});
