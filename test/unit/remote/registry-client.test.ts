// The registry client with an injected MockAgent: what it asks for, what it accepts, and what it refuses.
import { createHash } from 'node:crypto';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isInsecureRegistry,
  MANIFEST_MEDIA_TYPES,
  MAX_MANIFEST_BYTES,
  RegistryClient,
} from '../../../src/remote/registry-client.js';
import { rejectedCode } from '../../helpers/error-code.js';

const ORIGIN = 'https://registry.example.com';
const OCI = 'application/vnd.oci.image.manifest.v1+json';
const INDEX = 'application/vnd.oci.image.index.v1+json';
const sha = (b: string | Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
let agent: MockAgent;

function client(): RegistryClient {
  return new RegistryClient({
    registry: 'registry.example.com',
    dispatcher: agent,
    retries: { sleep: async () => {} },
  });
}

function manifest(type = OCI): string {
  return JSON.stringify({ schemaVersion: 2, mediaType: type, config: {}, layers: [] }, null, 2);
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  await agent.close();
});

describe('getManifest', () => {
  it('asks with the full Accept list and returns digest and size of the exact bytes', async () => {
    const body = manifest(INDEX);
    let accept = '';
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
      .reply((opts) => {
        accept = String((opts.headers as Record<string, string>)['accept']);
        return { statusCode: 200, data: body, responseOptions: { headers: { 'content-type': INDEX } } };
      });
    const m = await client().getManifest('team/app', 'v1');
    expect(m).toMatchObject({ digest: sha(body), size: Buffer.byteLength(body), mediaType: INDEX });
    for (const t of MANIFEST_MEDIA_TYPES) expect(accept).toContain(t);
  });

  it('a Docker-Content-Digest header that is not the hash of the bytes is HASH_MISMATCH', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
      .reply(200, manifest(), { headers: { 'docker-content-digest': sha('something else') } });
    expect(await rejectedCode(client().getManifest('team/app', 'v1'))).toBe('HASH_MISMATCH');
  });

  it('bytes that do not hash to the requested digest are HASH_MISMATCH', async () => {
    const want = sha('x');
    agent
      .get(ORIGIN)
      .intercept({ path: `/v2/team/app/manifests/${want}`, method: 'GET' })
      .reply(200, manifest());
    expect(await rejectedCode(client().getManifest('team/app', want))).toBe('HASH_MISMATCH');
  });

  it('a body over 4 MiB is RESPONSE_TOO_LARGE', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/team/app/manifests/big', method: 'GET' })
      .reply(200, Buffer.alloc(MAX_MANIFEST_BYTES + 1, 0x20));
    expect(await rejectedCode(client().getManifest('team/app', 'big'))).toBe('RESPONSE_TOO_LARGE');
  });

  it('something that is not a manifest of an accepted type is BAD_RESPONSE', async () => {
    const p = '/v2/team/app/manifests/v1';
    agent.get(ORIGIN).intercept({ path: p, method: 'GET' }).reply(200, '<html>login</html>');
    expect(await rejectedCode(client().getManifest('team/app', 'v1'))).toBe('BAD_RESPONSE');
    agent
      .get(ORIGIN)
      .intercept({ path: p, method: 'GET' })
      .reply(200, JSON.stringify({ schemaVersion: 1, name: 'x' }), {
        headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' },
      });
    expect(await rejectedCode(client().getManifest('team/app', 'v1'))).toBe('BAD_RESPONSE');
  });

  it('404 is IMAGE_NOT_FOUND; a redirect is BAD_RESPONSE (never followed); 401 without credentials UNAUTHORIZED', async () => {
    const p = '/v2/team/app/manifests/v1';
    agent.get(ORIGIN).intercept({ path: p, method: 'GET' }).reply(404, '{"errors":[{"code":"MANIFEST_UNKNOWN"}]}');
    expect(await rejectedCode(client().getManifest('team/app', 'v1'))).toBe('IMAGE_NOT_FOUND');
    agent
      .get(ORIGIN)
      .intercept({ path: p, method: 'GET' })
      .reply(307, '', { headers: { location: 'https://elsewhere.example/x' } });
    expect(await rejectedCode(client().getManifest('team/app', 'v1'))).toBe('BAD_RESPONSE');
    agent
      .get(ORIGIN)
      .intercept({ path: p, method: 'GET' })
      .reply(401, '', { headers: { 'www-authenticate': 'Basic realm="r"' } });
    expect(await rejectedCode(client().getManifest('team/app', 'v1'))).toBe('UNAUTHORIZED');
  });

  it('Basic credentials are sent after the challenge', async () => {
    const p = '/v2/team/app/manifests/v1';
    const body = manifest();
    agent
      .get(ORIGIN)
      .intercept({ path: p, method: 'GET' })
      .reply(401, '', { headers: { 'www-authenticate': 'Basic realm="r"' } });
    agent
      .get(ORIGIN)
      .intercept({
        path: p,
        method: 'GET',
        headers: { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` },
      })
      .reply(200, body);
    const c = new RegistryClient({
      registry: 'registry.example.com',
      dispatcher: agent,
      credentials: { get: async () => ({ kind: 'basic', username: 'u', password: 'p' }) },
    });
    expect((await c.getManifest('team/app', 'v1')).digest).toBe(sha(body));
  });

  it('transport and token failures name the registry in their details', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: '/v2/team/app/manifests/v1', method: 'GET' })
      .replyWithError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))
      .times(3);
    const err = await client()
      .getManifest('team/app', 'v1')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NETWORK', details: { registry: 'registry.example.com' } });
  });

  it('refuses repository paths and references that would change the URL path', async () => {
    for (const [p, r] of [
      ['team/../x', 'v1'],
      ['team/app', '../v1'],
      ['team/app', 'v1?x=1'],
      ['Team/app', 'v1'],
    ] as const) {
      expect(await rejectedCode(client().getManifest(p, r))).toBe('INVALID_REFERENCE');
    }
  });
});

describe('isInsecureRegistry', () => {
  it('loopback always, other hosts only when listed', () => {
    expect(isInsecureRegistry('127.0.0.1:5000')).toBe(true);
    expect(isInsecureRegistry('localhost')).toBe(true);
    expect(isInsecureRegistry('[::1]:5000')).toBe(true);
    expect(isInsecureRegistry('registry.lan:5000')).toBe(false);
    expect(isInsecureRegistry('registry.lan:5000', ['registry.lan:5000'])).toBe(true);
    expect(isInsecureRegistry('registry.lan:5000', ['registry.lan'])).toBe(true);
    expect(isInsecureRegistry('registry.lan:5000', ['other.lan'])).toBe(false);
  });
});
