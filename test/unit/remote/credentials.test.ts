// Credential providers: NOTARY_AUTH, docker config auths (key forms), identity tokens and credential helpers.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type CredentialHelperRunner,
  chainCredentials,
  defaultCredentials,
  dockerConfigCredentials,
  notaryAuthCredentials,
} from '../../../src/remote/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const req = (gun: string, serverUrl = 'https://notary.example.com') => ({ gun, serverUrl });

function home(config: unknown, sub = '.docker'): string {
  const h = tempDir('remote-creds-');
  mkdirSync(join(h, sub), { recursive: true });
  writeFileSync(join(h, sub, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return h;
}

describe('NOTARY_AUTH', () => {
  it('decodes base64 user:password as the Go CLI does (password trimmed, split at the first colon)', async () => {
    const p = notaryAuthCredentials({ NOTARY_AUTH: b64('alice:se:cret \n') });
    expect(await p.get(req('a/b'))).toEqual({ kind: 'basic', username: 'alice', password: 'se:cret' });
    expect(await notaryAuthCredentials({}).get(req('a/b'))).toBeUndefined();
  });
  it('refuses malformed values instead of silently ignoring them', async () => {
    for (const v of ['***', b64('nocolon'), b64(':pw')]) {
      await expect(notaryAuthCredentials({ NOTARY_AUTH: v }).get(req('a'))).rejects.toMatchObject({
        code: 'INVALID_CONFIG',
      });
    }
  });
});

describe('docker config auths', () => {
  it('finds Docker Hub credentials under https://index.docker.io/v1/', async () => {
    const h = home({ auths: { 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } });
    const p = dockerConfigCredentials({ env: {}, home: h });
    expect(await p.get(req('docker.io/library/alpine'))).toEqual({ kind: 'basic', username: 'hub', password: 'pw' });
    expect(await p.get(req('example.com/x'))).toBeUndefined();
  });

  it('matches keys written as https://host/path, host and host:port', async () => {
    const h = home({
      auths: {
        'https://reg.example.com/v2/': { auth: b64('a:1') },
        'plain.example.com': { username: 'b', password: '2' },
        'localhost:5000': { auth: b64('c:3') },
      },
    });
    const p = dockerConfigCredentials({ env: {}, home: h });
    expect(await p.get(req('reg.example.com/x'))).toMatchObject({ username: 'a', password: '1' });
    expect(await p.get(req('plain.example.com/x/y'))).toMatchObject({ username: 'b', password: '2' });
    expect(await p.get(req('localhost:5000/x'))).toMatchObject({ username: 'c', password: '3' });
  });

  it('falls back to the notary server host, and honours DOCKER_CONFIG', async () => {
    const h = home({ auths: { 'notary.example.com': { auth: b64('n:4') } } }, 'elsewhere');
    const p = dockerConfigCredentials({ env: { DOCKER_CONFIG: join(h, 'elsewhere') }, home: '/nonexistent' });
    expect(await p.get(req('example.com/x'))).toMatchObject({ username: 'n', password: '4' });
  });

  it('returns an identitytoken as an identity-token credential', async () => {
    const h = home({ auths: { 'example.com': { auth: b64('u:'), identitytoken: 'refresh' } } });
    expect(await dockerConfigCredentials({ env: {}, home: h }).get(req('example.com/x'))).toEqual({
      kind: 'identity-token',
      username: 'u',
      identityToken: 'refresh',
    });
  });

  it('missing file → none; corrupt file or bad auth → INVALID_CONFIG', async () => {
    expect(await dockerConfigCredentials({ env: {}, home: tempDir('remote-creds-') }).get(req('a'))).toBeUndefined();
    await expect(dockerConfigCredentials({ env: {}, home: home('{"auths":') }).get(req('a'))).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
    const bad = home({ auths: { 'example.com': { auth: '!!' } } });
    await expect(dockerConfigCredentials({ env: {}, home: bad }).get(req('example.com/x'))).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
    });
  });
});

describe('docker credential helpers', () => {
  const runner = (answers: Record<string, { code: number; stdout: string; stderr?: string }>) => {
    const calls: string[] = [];
    const run: CredentialHelperRunner = async (helper, input) => {
      calls.push(`${helper}:${input}`);
      const a = answers[`${helper}:${input}`] ?? { code: 1, stdout: 'credentials not found in native keychain' };
      return { stderr: '', ...a };
    };
    return { run, calls };
  };

  it('credHelpers[host] wins over credsStore, which wins over auths', async () => {
    const h = home({
      credsStore: 'desktop',
      credHelpers: { 'gcr.example.com': 'gcr' },
      auths: { 'other.example.com': { auth: b64('file:x') } },
    });
    const { run, calls } = runner({
      'gcr:gcr.example.com': { code: 0, stdout: '{"ServerURL":"gcr.example.com","Username":"g","Secret":"s1"}' },
      'desktop:https://index.docker.io/v1/': { code: 0, stdout: '{"Username":"<token>","Secret":"idt"}' },
    });
    const p = dockerConfigCredentials({ env: {}, home: h, runHelper: run });
    expect(await p.get(req('gcr.example.com/x'))).toEqual({ kind: 'basic', username: 'g', password: 's1' });
    expect(await p.get(req('alpine'))).toEqual({ kind: 'identity-token', username: '', identityToken: 'idt' });
    expect(await p.get(req('other.example.com/x'))).toBeUndefined(); // credsStore has nothing; auths not consulted
    expect(calls).toEqual([
      'gcr:gcr.example.com',
      'desktop:https://index.docker.io/v1/',
      'desktop:other.example.com',
      'desktop:notary.example.com',
    ]);
  });

  it('a failing helper or an unsafe helper name is INVALID_CONFIG', async () => {
    const { run } = runner({ 'x:example.com': { code: 2, stdout: 'boom' } });
    const p = dockerConfigCredentials({ env: {}, home: home({ credsStore: 'x' }), runHelper: run });
    await expect(p.get(req('example.com/a'))).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    const q = dockerConfigCredentials({ env: {}, home: home({ credsStore: '../evil' }), runHelper: run });
    await expect(q.get(req('example.com/a'))).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });

  it('runs a real docker-credential-<name> from PATH with the address on stdin', async () => {
    const bin = tempDir('remote-helper-');
    const script = join(bin, 'docker-credential-fake');
    writeFileSync(
      script,
      '#!/bin/sh\n[ "$1" = get ] || exit 3\nread addr\nprintf \'{"ServerURL":"%s","Username":"u-%s","Secret":"pw"}\' "$addr" "$addr"\n',
    );
    chmodSync(script, 0o755);
    const h = home({ credsStore: 'fake' });
    const p = dockerConfigCredentials({ env: { PATH: `${bin}:/usr/bin:/bin` }, home: h });
    expect(await p.get(req('example.com/a'))).toEqual({ kind: 'basic', username: 'u-example.com', password: 'pw' });
    const missing = dockerConfigCredentials({ env: { PATH: bin }, home: home({ credsStore: 'absent' }) });
    await expect(missing.get(req('example.com/a'))).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
  });
});

describe('chains', () => {
  it('NOTARY_AUTH comes before docker config', async () => {
    const h = home({ auths: { 'example.com': { auth: b64('file:1') } } });
    expect(await defaultCredentials({ NOTARY_AUTH: b64('env:2') }, h).get(req('example.com/x'))).toMatchObject({
      username: 'env',
    });
    expect(await defaultCredentials({}, h).get(req('example.com/x'))).toMatchObject({ username: 'file' });
    expect(await chainCredentials().get(req('x'))).toBeUndefined();
  });
});
