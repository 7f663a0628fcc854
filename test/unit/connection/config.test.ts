import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadClientConfig, parseClientConfig } from '../../../src/connection/config.js';
import { thrownCode } from '../../helpers/error-code.js';

const ID = 'a'.repeat(64);

describe('notary client config', () => {
  it('reads trust dir, remote server and trust pinning; paths resolve against the file and ~', () => {
    const cfg = parseClientConfig(
      {
        trust_dir: 'trust',
        remote_server: {
          url: 'https://notary.example.com',
          root_ca: '~/ca.pem',
          tls_client_cert: '/abs/c.pem',
          skipTLSVerify: true,
        },
        trust_pinning: {
          certs: { 'example.com/app': [ID], 'example.com/*': [ID] },
          ca: { 'example.com/': 'ca.pem' },
          disable_tofu: true,
        },
      },
      '/etc/notary/config.json',
      '/home/u',
    );
    expect(cfg.trustDir).toBe('/etc/notary/trust');
    expect(cfg.remoteServer).toEqual({
      url: 'https://notary.example.com',
      rootCa: '/home/u/ca.pem',
      tlsClientCert: '/abs/c.pem',
      skipTlsVerify: true,
    });
    expect(cfg.trustPinning).toEqual({
      certs: { 'example.com/app': [ID], 'example.com/*': [ID] },
      ca: { 'example.com/': '/etc/notary/ca.pem' },
      disableTofu: true,
    });
  });

  it('an empty object gives TOFU and nothing else', () => {
    expect(parseClientConfig({})).toEqual({ trustPinning: { certs: {}, ca: {}, disableTofu: false } });
  });

  it('wrong shapes are INVALID_CONFIG', () => {
    for (const bad of [
      [],
      { trust_dir: 3 },
      { remote_server: 'x' },
      { remote_server: { skipTLSVerify: 'yes' } },
      { trust_pinning: { certs: { g: ['not-hex'] } } },
      { trust_pinning: { certs: { g: ID } } },
      { trust_pinning: { ca: { g: 5 } } },
      { trust_pinning: { disable_tofu: 'true' } },
    ]) {
      expect(thrownCode(() => parseClientConfig(bad as never))).toBe('INVALID_CONFIG');
    }
  });

  it('unreadable and non-JSON files are INVALID_CONFIG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    expect(thrownCode(() => loadClientConfig(join(dir, 'missing.json')))).toBe('INVALID_CONFIG');
    writeFileSync(join(dir, 'bad.json'), '{"trust_dir": "a", "trust_dir": "b"}');
    expect(thrownCode(() => loadClientConfig(join(dir, 'bad.json')))).toBe('INVALID_CONFIG');
    writeFileSync(join(dir, 'ok.json'), '{"trust_dir": "t"}');
    expect(loadClientConfig(join(dir, 'ok.json')).trustDir).toBe(join(dir, 't'));
  });
});
