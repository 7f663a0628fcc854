// Our metadata models against files written by the real Go notary client and notary-server.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { canonicalBytes } from '../../src/canonical/index.js';
import {
  parseMetadata,
  parseRoot,
  parseTargets,
  serializeMetadata,
  type Targets,
  verifyRole,
} from '../../src/metadata/index.js';
import { describeInterop, type NotaryServer, runNotary, startNotaryServer, tempDir } from '../helpers/notary.js';
import { checkRepo, expectRoundTrip } from '../unit/metadata/repo-check.js';

const GUN = 'example.com/metadata-interop';
const ODD_NAMES = ['a&b<c>', '！bang', '😀smile', 'plain'];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describeInterop('metadata written by the Go notary CLI and notary-server', () => {
  let server: NotaryServer;
  let trustDir: string;
  let cache: Map<string, Uint8Array>;

  async function notary(...args: string[]): Promise<string> {
    const r = await runNotary(args, { trustDir, server: server.url });
    expect(r.code, `notary ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return r.stdout;
  }

  beforeAll(async () => {
    server = await startNotaryServer();
    trustDir = tempDir('metadata-interop-trust-');
    const work = tempDir('metadata-interop-work-');
    await notary('init', GUN, '-p');
    for (const [i, name] of ODD_NAMES.entries()) {
      const file = join(work, `payload-${i}`);
      writeFileSync(file, `payload ${i} for ${name}\n`);
      const extra = name === 'plain' ? ['--custom', join(work, 'custom.json')] : [];
      if (name === 'plain') writeFileSync(join(work, 'custom.json'), '{"a":"x","b":1,"n":{"k":[1,2]}}');
      await notary('add', GUN, name, file, ...extra);
    }
    await notary('publish', GUN);
    // A delegation with an x509 key (ecdsa-x509 in targets.json), then a target signed by it.
    const key = join(work, 'releases.key');
    const cert = join(work, 'releases.crt');
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key]);
    execFileSync('openssl', [
      'req',
      '-new',
      '-x509',
      '-key',
      key,
      '-subj',
      '/CN=targets\\/releases',
      '-days',
      '30',
      '-out',
      cert,
    ]);
    await notary('delegation', 'add', GUN, 'targets/releases', cert, '--all-paths', '-p');
    await notary('key', 'import', key, '--role', 'targets/releases');
    const rel = join(work, 'release-payload');
    writeFileSync(rel, 'release\n');
    await notary('add', GUN, 'v-release', rel, '--roles', 'targets/releases', '-p');
    // `list` downloads everything into the client cache (published files are not cached by publish itself).
    const listed = await notary('list', GUN);
    expect(listed).toContain('v-release');
    const dir = join(trustDir, 'tuf', GUN, 'metadata');
    cache = new Map(
      walk(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => [relative(dir, f).replace(/\.json$/, ''), new Uint8Array(readFileSync(f))]),
    );
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('the Go cache holds all five roles', () => {
    expect([...cache.keys()].sort()).toEqual(['root', 'snapshot', 'targets', 'targets/releases', 'timestamp']);
  });

  it('every file parses with our models and re-serialises to the exact bytes Go wrote', () => {
    for (const [role, raw] of cache) expectRoundTrip(role, raw);
  });

  it('every signature verifies with our threshold verifier; the hash chain holds', () => {
    const result = checkRepo(cache);
    expect(result.verified.sort()).toEqual(['root', 'snapshot', 'targets', 'targets/releases', 'timestamp']);
    expect(result.signatures).toBe(5);
  });

  it('signatures verify over our own re-encoding too (not just the bytes found in the file)', () => {
    const root = parseRoot(cache.get('root') as Uint8Array).signed;
    const reencoded = (role: string) => {
      const file = parseMetadata(role, cache.get(role) as Uint8Array);
      return { signed: { canonicalBytes: () => canonicalBytes(file.signed.json) }, signatures: file.signatures };
    };
    for (const role of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
      expect(verifyRole(root.baseRole(role), root.keys, reencoded(role)).size).toBe(1);
    }
    const targets = parseTargets(cache.get('targets') as Uint8Array).signed as Targets;
    const releases = targets.delegation('targets/releases');
    expect(releases).toBeDefined();
    expect(releases?.paths).toEqual(['']);
    const releaseKey = targets.delegations.keys.get(releases?.keyIds[0] as string);
    expect(releaseKey?.type).toBe('ecdsa-x509');
    expect(verifyRole(releases!, targets.delegations.keys, reencoded('targets/releases')).size).toBe(1);
  });

  it('byte-order key sorting, HTML escaping and custom data as Go wrote them', () => {
    const raw = cache.get('targets') as Uint8Array;
    const text = new TextDecoder().decode(raw);
    // Wire file: HTML-escaped names; canonical order: ！bang (U+FF01) before 😀smile (U+1F600).
    expect(text).toContain('"a\\u0026b\\u003cc\\u003e":');
    expect(text.indexOf('"！bang"')).toBeLessThan(text.indexOf('"😀smile"'));
    const t = parseTargets(raw).signed;
    for (const name of ODD_NAMES) expect(t.getTarget(name)?.hashes.sha256?.length).toBe(32);
    expect(t.getTarget('plain')?.custom).toEqual({ a: 'x', b: 1, n: { k: [1, 2] } });
    const canonical = new TextDecoder().decode(t.canonicalBytes());
    expect(canonical).toContain('"a&b<c>":');
    expect(canonical).toEqual(new TextDecoder().decode(canonicalBytes(t.json)));
    expect(serializeMetadata(t, parseTargets(raw).signatures)).toEqual(raw);
  });

  it('the server serves exactly the bytes in the Go cache', async () => {
    for (const [role, raw] of cache) {
      const r = await server.get(`/v2/${GUN}/_trust/tuf/${role}.json`);
      expect(r.status).toBe(200);
      expect(Buffer.from(raw).equals(r.body)).toBe(true);
    }
    expect(existsSync(join(trustDir, 'tuf', GUN, 'metadata', 'root.json'))).toBe(true);
  });
});
