// The PKI helper and the HTTPS notary-server harness: a root → intermediate → leaf chain that openssl, Node and the
// Go notary CLI all accept.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInterop, type NotaryServer, runNotary, startNotaryServer, tempDir } from '../helpers/notary.js';
import { createPki, type TestPki } from '../helpers/pki.js';

describeInterop('test PKI and notary-server on HTTPS', () => {
  let pki: TestPki;
  let server: NotaryServer;
  beforeAll(async () => {
    pki = createPki();
    server = await startNotaryServer({ tls: { cert: pki.server.chain, key: pki.server.key, ca: pki.rootCa } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('chains leaf → intermediate → root for openssl; the intermediate alone is not a root there', () => {
    const verify = (...args: string[]) => execFileSync('openssl', ['verify', ...args], { stdio: 'pipe' }).toString();
    expect(verify('-CAfile', pki.rootCa, '-untrusted', pki.intermediateCa, pki.server.cert)).toContain(': OK');
    expect(verify('-CAfile', pki.rootCa, '-untrusted', pki.intermediateCa, pki.client.cert)).toContain(': OK');
    expect(() => verify('-CAfile', pki.intermediateCa, pki.server.cert)).toThrow();
  });

  it('serves https with the chain; the Go CLI trusts it through --tlscacert', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await server.get('/_notary_server/health')).status).toBe(200);
    const trustDir = tempDir('pki-go-');
    const ok = await runNotary(['--tlscacert', pki.rootCa, 'list', 'example.com/pki/none'], {
      trustDir,
      server: server.url,
    });
    // No such repository: the TLS handshake worked and the server answered 404 (notary prints it on stdout).
    expect(ok.code).toBe(1);
    expect(ok.stdout + ok.stderr).toMatch(/does not have trust data/);
    const refused = await runNotary(['list', 'example.com/pki/none'], { trustDir, server: server.url });
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/certificate|x509|unknown authority/i);
    expect(refused.stdout + refused.stderr).not.toMatch(/does not have trust data/);
  });
});
