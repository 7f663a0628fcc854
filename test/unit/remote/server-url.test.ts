// Server URL resolution (flag > env > config > derived from the GUN) and docker's repository-name normalisation.
import { describe, expect, it } from 'vitest';
import {
  isLoopbackHost,
  normalizeGun,
  registryOfGun,
  resolveServerUrl,
  validateServerUrl,
} from '../../../src/remote/index.js';

describe('resolveServerUrl', () => {
  const env = { DOCKER_CONTENT_TRUST_SERVER: 'https://env.example:4443' };

  it('takes the flag, then DOCKER_CONTENT_TRUST_SERVER, then the config, then the GUN', () => {
    const gun = 'docker.io/library/alpine';
    expect(resolveServerUrl({ flag: 'http://127.0.0.1:4443/', env, gun, configUrl: 'https://c' })).toBe(
      'http://127.0.0.1:4443',
    );
    expect(resolveServerUrl({ env, gun, configUrl: 'https://cfg.example' })).toBe('https://env.example:4443');
    expect(resolveServerUrl({ flag: '', env: {}, gun, configUrl: 'https://cfg.example/x/' })).toBe(
      'https://cfg.example/x',
    );
    expect(resolveServerUrl({ env: { DOCKER_CONTENT_TRUST_SERVER: '' }, gun })).toBe('https://notary.docker.io');
  });

  const derived: Array<[string, string]> = [
    ['docker.io/library/alpine', 'https://notary.docker.io'],
    ['index.docker.io/library/alpine', 'https://notary.docker.io'],
    ['alpine', 'https://notary.docker.io'],
    ['user/app', 'https://notary.docker.io'],
    ['example.com/p/q', 'https://example.com'],
    ['registry.example.com:5000/team/app', 'https://registry.example.com:5000'],
    ['localhost/app', 'https://localhost'],
    ['localhost:5000/app', 'https://localhost:5000'],
    ['Registry/app', 'https://registry'],
  ];
  for (const [gun, url] of derived) {
    it(`derives ${url} from ${gun}`, () => {
      expect(resolveServerUrl({ env: {}, gun })).toBe(url);
    });
  }

  it('validates URLs: http/https only, no credentials, query or fragment', () => {
    const flag = (f: string) => () => resolveServerUrl({ flag: f, env: {}, gun: 'a' });
    expect(flag('ftp://x')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(flag('notary.example.com')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(flag('https://u:p@x')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(flag('https://x/?a=1')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(flag('https://x/#f')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => resolveServerUrl({ env: { DOCKER_CONTENT_TRUST_SERVER: 'file:///x' }, gun: 'a' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
    expect(validateServerUrl('HTTPS://Notary.Example.com:443/', 's')).toBe('https://notary.example.com');
  });
});

describe('registryOfGun / isLoopbackHost', () => {
  it('follows docker splitDockerDomain', () => {
    expect(registryOfGun('a/b')).toBe('docker.io');
    expect(registryOfGun('a')).toBe('docker.io');
    expect(registryOfGun('a.b/c')).toBe('a.b');
    expect(registryOfGun('host:1/c')).toBe('host:1');
    expect(registryOfGun('index.docker.io/x/y')).toBe('docker.io');
  });
  it('knows loopback names', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', 'LOCALHOST']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['127.0.0.256', '128.0.0.1', 'localhost.example', '::2', '10.0.0.1']) {
      expect(isLoopbackHost(h)).toBe(false);
    }
  });
});

describe('normalizeGun (docker reference rules)', () => {
  const ok: Array<[string, string]> = [
    ['alpine', 'docker.io/library/alpine'],
    ['library/alpine', 'docker.io/library/alpine'],
    ['user/app', 'docker.io/user/app'],
    ['docker.io/alpine', 'docker.io/library/alpine'],
    ['index.docker.io/user/app', 'docker.io/user/app'],
    ['example.com/p/q', 'example.com/p/q'],
    ['Example.COM/p', 'Example.COM/p'],
    ['localhost/app', 'localhost/app'],
    ['localhost:5000/a/b', 'localhost:5000/a/b'],
    ['my-registry.io:443/a_b/c__d/e.f/g--h', 'my-registry.io:443/a_b/c__d/e.f/g--h'],
  ];
  for (const [name, gun] of ok) {
    it(`${name} → ${gun}`, () => {
      expect(normalizeGun(name)).toBe(gun);
    });
  }
  const bad = [
    '',
    'Alpine',
    'user/App',
    'alpine:latest',
    'alpine@sha256:' + 'a'.repeat(64),
    'a'.repeat(64).replace(/a/g, 'f'),
    'example.com/',
    'example.com//x',
    'example.com/-x',
    'example.com/x_',
    'example.com/x___y',
    '-bad.com/x',
    '[::1]/x',
    'example.com/../x',
    `example.com/${'a'.repeat(250)}`,
  ];
  for (const name of bad) {
    it(`refuses ${JSON.stringify(name.slice(0, 40))}`, () => {
      expect(() => normalizeGun(name)).toThrow(expect.objectContaining({ code: 'INVALID_GUN' }));
    });
  }
});
