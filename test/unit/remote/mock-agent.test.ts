// NotaryRemote with an injected undici MockAgent: the dispatcher seam, status mapping, errors and our own timers.
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotaryRemote } from '../../../src/remote/index.js';

const ORIGIN = 'https://notary.example.com';
const GUN = 'docker.io/library/alpine';
const BASE = `/v2/${GUN}/_trust/tuf`;
let agent: MockAgent;

function remote(over: Partial<ConstructorParameters<typeof NotaryRemote>[0]> = {}): NotaryRemote {
  return new NotaryRemote({
    serverUrl: ORIGIN,
    gun: GUN,
    dispatcher: agent,
    retries: { sleep: async () => {} },
    ...over,
  });
}

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  await agent.close();
});

describe('with MockAgent', () => {
  it('returns the body bytes of a 200', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: `${BASE}/timestamp.json`, method: 'GET' })
      .reply(200, '{"signed":{}}');
    const r = remote();
    expect(Buffer.from(await r.getRole('timestamp', { maxBytes: 1024 })).toString()).toBe('{"signed":{}}');
    await r.close(); // injected dispatcher stays open
    agent
      .get(ORIGIN)
      .intercept({ path: `${BASE}/timestamp.json`, method: 'GET' })
      .reply(200, 'x');
    expect((await r.getRole('timestamp', { maxBytes: 1024 })).length).toBe(1);
  });

  it('caps by Content-Length before reading', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: `${BASE}/root.json`, method: 'GET' })
      .reply(200, 'x'.repeat(10), { headers: { 'content-length': '10' } });
    await expect(remote().getRole('root', { maxBytes: 5 })).rejects.toMatchObject({
      code: 'RESPONSE_TOO_LARGE',
      details: { role: 'root', maxBytes: 5 },
    });
  });

  it('maps a transport error to NETWORK after retrying', async () => {
    const pool = agent.get(ORIGIN);
    pool
      .intercept({ path: `${BASE}/root.json`, method: 'GET' })
      .replyWithError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }))
      .times(3);
    await expect(remote().getRole('root', { maxBytes: 5 })).rejects.toMatchObject({
      code: 'NETWORK',
      details: { code: 'ECONNRESET' },
    });
    expect(agent.pendingInterceptors()).toHaveLength(0);
  });

  it('applies the headers timeout and total deadline even to a dispatcher without its own', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: `${BASE}/root.json`, method: 'GET' })
      .reply(200, '{}')
      .delay(2000);
    const t0 = performance.now();
    await expect(
      remote({ timeouts: { totalMs: 250 }, retries: { retries: 0 } }).getRole('root', { maxBytes: 5 }),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(performance.now() - t0).toBeLessThan(1500);
  });

  it('maps 400 VERSION on publish and 404 on a key', async () => {
    agent
      .get(ORIGIN)
      .intercept({ path: `${BASE}/`, method: 'POST' })
      .reply(400, { errors: [{ code: 'VERSION', message: 'A newer version of metadata is already available.' }] });
    await expect(remote().publish([{ role: 'root', bytes: new Uint8Array(1) }])).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
    });
    agent
      .get(ORIGIN)
      .intercept({ path: `${BASE}/snapshot.key`, method: 'GET' })
      .reply(404, {});
    await expect(remote().getKey('snapshot')).rejects.toMatchObject({
      code: 'METADATA_NOT_FOUND',
      details: { role: 'snapshot' },
    });
  });
});
