// One grammar: every GUN and role name one side (signer, client, CLI) accepts, every other side accepts too.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { MockAgent } from 'undici';
import { describe, expect, it } from 'vitest';
import { MetadataCache } from '../../src/client/index.js';
import { isNotaryError } from '../../src/errors.js';
import { isGun } from '../../src/grammar/gun.js';
import { isWildcardDelegation, parentRole } from '../../src/grammar/role-name.js';
import { withinDepthLimit } from '../../src/grammar/walk-limits.js';
import { parseDelegations } from '../../src/metadata/delegations.js';
import { NotaryRemote, normalizeGun } from '../../src/remote/index.js';
import { stage } from '../../src/signer/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp-dir.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const TAG = { tag: 'v1', digest: DIGEST, size: 3 };

/** Whether `f` passes; a NotaryError of one of `codes` is a refusal, anything else fails the test. */
async function accepts(codes: readonly string[], f: () => unknown): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    if (isNotaryError(e) && codes.includes(e.code)) return false;
    throw e;
  }
}

// Names near the edges of the grammar: the allowed alphabet, the characters just outside it, dots and slashes.
const gunChar = fc.constantFrom(...'aZ09._~:-/ @%?#*\\é+'.split(''));
const gunLike = fc.oneof(
  fc.string({ unit: gunChar, maxLength: 24 }),
  fc.string({ maxLength: 12 }),
  fc.constantFrom('example.com/My App', 'a/../b', '.', 'x'.repeat(255), 'x'.repeat(256), 'localhost:5000/a'),
);
const roleChar = fc.constantFrom(...'az09-_/.A *@'.split(''));
const roleLike = fc.oneof(
  fc.string({ unit: roleChar, maxLength: 16 }).map((s) => `targets/${s}`),
  fc
    .integer({ min: 1, max: 20 })
    .chain((n) => fc.array(fc.constantFrom('a', 'b-c', 'd_0'), { minLength: n, maxLength: n }))
    .map((a) => `targets/${a.join('/')}`),
  fc.string({ unit: roleChar, maxLength: 10 }),
  fc.constantFrom(
    'targets',
    'root',
    'snapshot',
    'timestamp',
    `targets/${'x'.repeat(247)}`,
    `targets/${'x'.repeat(248)}`,
  ),
);

describe('GUN grammar: signer, client and CLI agree', () => {
  it('stage (signer) accepts a GUN exactly when the cache and the remote (client) do', async () => {
    const trustDir = tempDir('nt-grammar-');
    await fc.assert(
      fc.asyncProperty(gunLike, async (gun) => {
        const signer = await accepts(['INVALID_GUN'], () => stage({ gun, trustDir, add: [TAG] }));
        const cache = await accepts(['INVALID_GUN'], () => new MetadataCache(trustDir, gun));
        const remote = await accepts(['INVALID_GUN'], () => new NotaryRemote({ serverUrl: 'https://h', gun }));
        expect({ signer, cache, remote }).toEqual({ signer: isGun(gun), cache: isGun(gun), remote: isGun(gun) });
      }),
      { numRuns: 300 },
    );
  });

  it("the CLI's add (signer side) refuses, at the first step, exactly what list (client side) refuses", async () => {
    const trustDir = tempDir('nt-grammar-cli-');
    const code = (r: { status: number; stderr: string }) =>
      r.status === 0 ? 'OK' : (JSON.parse(r.stderr) as { code: string }).code;
    await fc.assert(
      fc.asyncProperty(gunLike, async (gun) => {
        const common = ['-d', trustDir, '-s', 'http://127.0.0.1:9', '--json'];
        const add = await runCli(['add', '--digest', DIGEST, '--size', '3', ...common, '--', gun, 'v1']);
        const list = await runCli(['list', ...common, '--offline', '--', gun]);
        const refusedByAdd = code(add) === 'INVALID_GUN';
        expect(refusedByAdd).toBe(!isGun(gun));
        expect(code(list) === 'INVALID_GUN').toBe(refusedByAdd);
        if (!refusedByAdd) expect(add.status).toBe(0);
      }),
      { numRuns: 60 },
    );
  });

  it("the issue's example: add 'example.com/My App' is refused (exit 2, INVALID_GUN) and nothing is staged", async () => {
    const trustDir = tempDir('nt-grammar-cli-');
    const common = ['-d', trustDir, '-s', 'http://127.0.0.1:9', '--json'];
    const add = await runCli(['add', 'example.com/My App', 'v1', '--digest', DIGEST, '--size', '3', ...common]);
    expect(add.status).toBe(2);
    expect(add.json()).toMatchObject({ code: 'INVALID_GUN', details: { reason: 'character not allowed' } });
    const publish = await runCli(['publish', 'example.com/My App', ...common]);
    expect(publish.status).toBe(2);
    expect(publish.json()).toMatchObject({ code: 'INVALID_GUN' });
    expect(existsSync(join(trustDir, 'tuf'))).toBe(false);
  });

  it('every docker-normalised repository name is a GUN', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abc019.-_/:'.split('')), maxLength: 30 }), (name) => {
        let gun: string;
        try {
          gun = normalizeGun(name);
        } catch (e) {
          expect(isNotaryError(e, 'INVALID_GUN')).toBe(true);
          return;
        }
        expect(isGun(gun)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

const agent = new MockAgent();
agent.disableNetConnect();
agent.get('https://h').intercept({ path: /.*/, method: 'GET' }).reply(404, '').persist();
const mockRemote = new NotaryRemote({ serverUrl: 'https://h', gun: 'a', dispatcher: agent, retries: { retries: 0 } });

async function remoteAccepts(role: string): Promise<boolean> {
  try {
    await mockRemote.getRole(role, { maxBytes: 1024 });
    return true;
  } catch (e) {
    if (isNotaryError(e, 'INVALID_ARGUMENT')) return false;
    if (isNotaryError(e)) return true;
    throw e;
  }
}

describe('role grammar: what the signer stages into, the verifier walks to', () => {
  it('stage accepts a (non-wildcard) role exactly when metadata, walk, cache and remote accept it', async () => {
    const trustDir = tempDir('nt-grammar-role-');
    const cache = new MetadataCache(trustDir, 'example.com/roles');
    await fc.assert(
      fc.asyncProperty(roleLike, async (role) => {
        fc.pre(!isWildcardDelegation(role));
        const signer = await accepts(['INVALID_ARGUMENT'], () =>
          stage({ gun: 'example.com/roles', trustDir, add: [TAG], roles: [role] }),
        );
        const parsed =
          role === 'targets' ||
          (await accepts(['INVALID_METADATA'], () =>
            parseDelegations({ keys: {}, roles: [{ name: role, keyids: [], threshold: 1 }] }, parentRole(role)),
          ));
        const walked = parsed && withinDepthLimit(role);
        // Any answer but INVALID_ARGUMENT means the remote sent the request (the mock answers 404).
        const remote = await remoteAccepts(role);
        const cached = (() => {
          try {
            cache.pathOf(role);
            return true;
          } catch (e) {
            if (e instanceof RangeError) return false;
            throw e;
          }
        })();
        expect(signer).toBe(walked);
        // Base roles are not stage targets but are valid role names for the remote and cache.
        if (signer) expect({ remote, cached }).toEqual({ remote: true, cached: true });
      }),
      { numRuns: 300 },
    );
  });
});
