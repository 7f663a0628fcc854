// The composition root's precedence rules: server URL, trust dir, CA and client-cert discovery, proxy, pinning.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClientConfig } from '../../../src/connection/config.js';
import { resolveConnection, resolveTrustDir } from '../../../src/connection/connection.js';
import { mergePinning } from '../../../src/connection/pinning.js';
import { discoverTls } from '../../../src/connection/tls-discovery.js';
import { thrownCode } from '../../helpers/error-code.js';
import { tempDir } from '../../helpers/temp-dir.js';

const GUN = 'example.com/app';
const ID = 'a'.repeat(64);
const PEM = (name: string) => `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`;
const KEY = '-----BEGIN PRIVATE KEY-----\nk\n-----END PRIVATE KEY-----\n';

function files(): Record<string, string> {
  const dir = tempDir('conn-unit-');
  const out: Record<string, string> = { dir };
  for (const n of ['flag', 'config', 'sslfile', 'extra', 'system']) {
    out[n] = join(dir, `${n}.pem`);
    writeFileSync(out[n] as string, PEM(n));
  }
  out['key'] = join(dir, 'key.pem');
  writeFileSync(out['key'], KEY);
  return out;
}

describe('server URL and trust dir', () => {
  it('flag > DOCKER_CONTENT_TRUST_SERVER > config > GUN, with the source named', () => {
    const config = parseClientConfig({ remote_server: { url: 'https://cfg.example' } });
    const env = { HOME: '/h', DOCKER_CONTENT_TRUST_SERVER: 'https://env.example' };
    const c = (o: Parameters<typeof resolveConnection>[1]) => resolveConnection(GUN, { ...o, dispatcher: {} as never });
    expect(c({ server: 'https://flag.example', env, config })).toMatchObject({
      serverUrl: 'https://flag.example',
      serverSource: 'flag',
    });
    expect(c({ env, config })).toMatchObject({ serverUrl: 'https://env.example', serverSource: 'env' });
    expect(c({ env: { HOME: '/h' }, config })).toMatchObject({
      serverUrl: 'https://cfg.example',
      serverSource: 'config',
    });
    expect(c({ env: { HOME: '/h' } })).toMatchObject({ serverUrl: 'https://example.com', serverSource: 'gun' });
  });

  it('trust dir: option > config > $DOCKER_CONFIG/trust > $HOME/.docker/trust (never the process HOME)', () => {
    const config = parseClientConfig({ trust_dir: '/cfg/trust' });
    expect(resolveTrustDir({ trustDir: '/flag', config, env: {} })).toBe('/flag');
    expect(resolveTrustDir({ config, env: { HOME: '/h' } })).toBe('/cfg/trust');
    expect(resolveTrustDir({ env: { HOME: '/h', DOCKER_CONFIG: '/dc' } })).toBe('/dc/trust');
    expect(resolveTrustDir({ env: { HOME: '/h' } })).toBe('/h/.docker/trust');
  });
});

describe('CA and client certificate discovery', () => {
  const https = 'https://notary.example:4443';

  it('--tlscacert and root_ca are exclusive, in that order', () => {
    const f = files();
    const base = { serverUrl: https, env: { SSL_CERT_FILE: f['sslfile'] }, dockerConfigDir: f['dir'] as string };
    const flag = discoverTls({ ...base, caFile: f['flag'], configCaFile: f['config'] });
    expect(flag.transport.ca).toBe(PEM('flag'));
    expect(flag.transport.allowPartialTrustChain).toBe(true);
    expect(discoverTls({ ...base, configCaFile: f['config'] }).transport.ca).toBe(PEM('config'));
  });

  it('docker tls dir CAs are added to SSL_CERT_FILE/DIR, plus NODE_EXTRA_CA_CERTS', () => {
    const f = files();
    const docker = join(f['dir'] as string, 'tls', 'notary.example:4443');
    mkdirSync(docker, { recursive: true });
    writeFileSync(join(docker, 'ca.crt'), PEM('docker'));
    const certDir = join(f['dir'] as string, 'certs');
    mkdirSync(certDir);
    copyFileSync(f['system'] as string, join(certDir, 'one.pem'));
    writeFileSync(join(certDir, 'README'), 'not a certificate');
    const r = discoverTls({
      serverUrl: https,
      env: { SSL_CERT_FILE: f['sslfile'], SSL_CERT_DIR: certDir, NODE_EXTRA_CA_CERTS: f['extra'] },
      dockerConfigDir: f['dir'] as string,
    });
    for (const n of ['docker', 'sslfile', 'system', 'extra']) expect(r.transport.ca).toContain(PEM(n));
    expect(r.caSources[0]).toContain('docker tls dir');
    expect(r.caSources.join('\n')).toContain(`SSL_CERT_DIR ${certDir}`);
  });

  it('default roots: the first existing system bundle, else none named', () => {
    const f = files();
    const r = discoverTls({
      serverUrl: https,
      env: {},
      dockerConfigDir: f['dir'] as string,
      systemCaFiles: [join(f['dir'] as string, 'missing.pem'), f['system'] as string],
    });
    expect(r.transport.ca).toBe(PEM('system'));
    expect(r.caSources).toEqual([`system ${f['system']}`]);
  });

  it('an http server gets no TLS settings unless a CA source is named', () => {
    const f = files();
    const d = f['dir'] as string;
    expect(discoverTls({ serverUrl: 'http://127.0.0.1:4443', env: {}, dockerConfigDir: d }).transport).toEqual({});
    const named = discoverTls({ serverUrl: 'http://127.0.0.1:4443', env: {}, dockerConfigDir: d, caFile: f['flag'] });
    expect(named.transport.ca).toBe(PEM('flag'));
  });

  it('client cert: flags > config > docker tls dir (*.cert/*.key, cert.pem/key.pem); half a pair is INVALID_CONFIG', () => {
    const f = files();
    const d = f['dir'] as string;
    const docker = join(d, 'tls', 'notary.example:4443');
    mkdirSync(docker, { recursive: true });
    writeFileSync(join(docker, 'cert.pem'), PEM('dockercert'));
    writeFileSync(join(docker, 'key.pem'), KEY);
    const base = { serverUrl: https, env: { SSL_CERT_FILE: f['sslfile'] }, dockerConfigDir: d };
    expect(discoverTls(base).transport.cert).toBe(PEM('dockercert'));
    const cfg = discoverTls({ ...base, configCertFile: f['config'], configKeyFile: f['key'] });
    expect(cfg.transport.cert).toBe(PEM('config'));
    const flag = discoverTls({ ...base, certFile: f['flag'], keyFile: f['key'], configCertFile: f['config'] });
    expect(flag.transport.cert).toBe(PEM('flag'));
    expect(flag.clientCertSource).toContain('--tlscert');
    expect(thrownCode(() => discoverTls({ ...base, certFile: f['flag'] }))).toBe('INVALID_CONFIG');
    expect(thrownCode(() => discoverTls({ ...base, caFile: join(d, 'missing.pem') }))).toBe('INVALID_CONFIG');
  });
});

describe('proxy from the environment', () => {
  it('upper case before lower case; none when unset', () => {
    const c = (env: Record<string, string>) =>
      resolveConnection(GUN, { server: 'http://127.0.0.1:1', env: { HOME: '/h', ...env } }).transport.proxy;
    expect(c({})).toBeUndefined();
    expect(c({ HTTPS_PROXY: 'http://p:1', https_proxy: 'http://q:1', no_proxy: 'a.example' })).toEqual({
      httpsProxy: 'http://p:1',
      noProxy: 'a.example',
    });
    expect(c({ http_proxy: 'http://q:2' })).toEqual({ httpProxy: 'http://q:2' });
  });

  it('an https:// proxy gets the default roots (NODE_EXTRA_CA_CERTS included) for its own certificate; http:// none', () => {
    const f = files();
    const c = (env: Record<string, string>) =>
      resolveConnection(GUN, { server: 'http://127.0.0.1:1', env: { HOME: '/h', ...env } }).transport.proxy;
    const env = { SSL_CERT_FILE: f['sslfile'] as string, NODE_EXTRA_CA_CERTS: f['extra'] as string };
    expect(c({ ...env, HTTPS_PROXY: 'HTTPS://p:1' })?.ca).toBe(`${PEM('sslfile')}\n${PEM('extra')}`);
    expect(c({ ...env, HTTP_PROXY: 'https://p:1' })?.ca).toBe(`${PEM('sslfile')}\n${PEM('extra')}`);
    expect(c({ ...env, HTTPS_PROXY: 'http://p:1', HTTP_PROXY: 'http://p:2' })).not.toHaveProperty('ca');
    // Read at once, like every other TLS file: an unreadable one fails before anything is sent.
    const missing = join(f['dir'] as string, 'none.pem');
    expect(thrownCode(() => c({ HTTPS_PROXY: 'https://p:1', NODE_EXTRA_CA_CERTS: missing }))).toBe('INVALID_CONFIG');
    expect(thrownCode(() => c({ HTTPS_PROXY: 'http://p:1', NODE_EXTRA_CA_CERTS: missing }))).toBe('INVALID_CONFIG');
    // A caller's own dispatcher makes its connections: no roots are read for a proxy it does not use.
    const own = resolveConnection(GUN, {
      server: 'http://127.0.0.1:1',
      env: { HOME: '/h', ...env, HTTPS_PROXY: 'https://p:1' },
      dispatcher: {} as never,
    });
    expect(own.transport.proxy).toEqual({ httpsProxy: 'https://p:1' });
  });
});

describe('pinning merge', () => {
  it('config < environment < options; bare IDs pin every GUN; TOFU off when any source says so', () => {
    const base = parseClientConfig({ trust_pinning: { certs: { [GUN]: ['b'.repeat(64)] } } }).trustPinning;
    const p = mergePinning(base, { NOTARY_TS_ROOT_KEYS: `other/x=${ID}` }, { rootKeys: [`${GUN}=${ID}`, ID] });
    expect(p.certs).toEqual({ [GUN]: [ID], 'other/x': [ID], '*': [ID] });
    expect(p.disableTofu).toBe(false);
    expect(mergePinning(undefined, { NOTARY_TS_NO_TOFU: 'true' }).disableTofu).toBe(true);
    expect(mergePinning(undefined, {}, { noTofu: true }).disableTofu).toBe(true);
    const ca = mergePinning(undefined, {}, { rootCas: ['example.com/=/x/ca.pem', '/y/all.pem'] }, '/');
    expect(ca.ca).toEqual({ 'example.com/': '/x/ca.pem', '': '/y/all.pem' });
  });

  it('malformed entries: INVALID_ARGUMENT from options, INVALID_CONFIG from the environment', () => {
    expect(thrownCode(() => mergePinning(undefined, {}, { rootKeys: ['xyz'] }))).toBe('INVALID_ARGUMENT');
    expect(thrownCode(() => mergePinning(undefined, { NOTARY_TS_ROOT_KEYS: `=${ID}` }))).toBe('INVALID_CONFIG');
  });
});
