// A plain-http server whose CA sources are named only by the environment (SSL_CERT_FILE/SSL_CERT_DIR/
// NODE_EXTRA_CA_CERTS, as on many CI machines) scans SSL_CERT_DIR when TLS is first needed, not at every start;
// every file that can fail is still read at once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConnection } from '../../../src/connection/connection.js';
import { discoverTls } from '../../../src/connection/tls-discovery.js';
import { checkPem, readPem } from '../../../src/remote/dispatcher.js';
import { thrownCode } from '../../helpers/error-code.js';
import { tempDir } from '../../helpers/temp-dir.js';

const PEM = (name: string) => `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`;
const HTTP = 'http://127.0.0.1:4443';

function certDir(): { root: string; certs: string } {
  const root = tempDir('tls-lazy-');
  const certs = join(root, 'certs');
  mkdirSync(certs);
  writeFileSync(join(certs, 'one.pem'), PEM('one'));
  return { root, certs };
}

describe('TLS discovery for a plain-http server', () => {
  it('SSL_CERT_DIR is read on first use, then kept; the answer equals the eager one', () => {
    const { root, certs } = certDir();
    const input = { serverUrl: HTTP, env: { SSL_CERT_DIR: certs }, dockerConfigDir: root };
    const lazy = discoverTls(input);
    // Written after discovery, before first use: seen, so nothing was read yet.
    writeFileSync(join(certs, 'two.pem'), PEM('two'));
    const ca = lazy.transport.ca;
    expect(ca).toContain(PEM('one'));
    expect(ca).toContain(PEM('two'));
    expect(lazy.caSources).toEqual([`SSL_CERT_DIR ${certs}`]);
    expect(lazy.transport.allowPartialTrustChain).toBe(true);
    // The same settings an https server gets from the same sources, field for field.
    const eager = discoverTls({ ...input, serverUrl: 'https://127.0.0.1:4443' });
    expect({ ...lazy.transport }).toEqual({
      ...eager.transport,
      cert: undefined,
      key: undefined,
      rejectUnauthorized: undefined,
    });
    expect(eager.transport.ca).toBe(ca);
    // Kept: a later file does not change the answer.
    writeFileSync(join(certs, 'three.pem'), PEM('three'));
    expect(lazy.transport.ca).toBe(ca);
  });

  it('an https server reads them at once', () => {
    const { root, certs } = certDir();
    const eager = discoverTls({
      serverUrl: 'https://127.0.0.1:4443',
      env: { SSL_CERT_DIR: certs },
      dockerConfigDir: root,
    });
    writeFileSync(join(certs, 'two.pem'), PEM('two'));
    expect(eager.transport.ca).toContain(PEM('one'));
    expect(eager.transport.ca).not.toContain(PEM('two'));
  });

  it('every file that can fail is still read at once: an unreadable SSL_CERT_FILE or NODE_EXTRA_CA_CERTS is INVALID_CONFIG', () => {
    const { root, certs } = certDir();
    const missing = join(root, 'missing.pem');
    for (const env of [
      { SSL_CERT_FILE: missing, SSL_CERT_DIR: certs },
      { NODE_EXTRA_CA_CERTS: missing, SSL_CERT_DIR: certs },
      { SSL_CERT_FILE: missing },
    ]) {
      expect(thrownCode(() => discoverTls({ serverUrl: HTTP, env, dockerConfigDir: root }))).toBe('INVALID_CONFIG');
    }
  });

  it('without SSL_CERT_DIR nothing waits: SSL_CERT_FILE is read at once', () => {
    const { root } = certDir();
    const file = join(root, 'bundle.pem');
    writeFileSync(file, PEM('bundle'));
    const r = discoverTls({ serverUrl: HTTP, env: { SSL_CERT_FILE: file }, dockerConfigDir: root });
    writeFileSync(file, PEM('changed'));
    expect(r.transport.ca).toBe(PEM('bundle'));
    expect(r.caSources).toEqual([`SSL_CERT_FILE ${file}`]);
  });

  it('SSL_CERT_FILE with SSL_CERT_DIR: the file now, the directory on first use, both in the answer', () => {
    const { root, certs } = certDir();
    const file = join(root, 'bundle.pem');
    writeFileSync(file, PEM('bundle'));
    const r = discoverTls({
      serverUrl: HTTP,
      env: { SSL_CERT_FILE: file, SSL_CERT_DIR: certs },
      dockerConfigDir: root,
    });
    writeFileSync(join(certs, 'two.pem'), PEM('two'));
    for (const n of ['bundle', 'one', 'two']) expect(r.transport.ca).toContain(PEM(n));
    expect(r.caSources).toEqual([`SSL_CERT_FILE ${file}`, `SSL_CERT_DIR ${certs}`]);
  });

  it('files named by flags or config are still read at once, for http too', () => {
    const { root, certs } = certDir();
    const env = { SSL_CERT_DIR: certs };
    const missing = join(root, 'missing.pem');
    for (const named of [{ caFile: missing }, { configCaFile: missing }, { certFile: missing, keyFile: missing }]) {
      expect(thrownCode(() => discoverTls({ serverUrl: HTTP, env, dockerConfigDir: root, ...named }))).toBe(
        'INVALID_CONFIG',
      );
    }
  });

  it('nothing named: no TLS settings at all', () => {
    const { root } = certDir();
    expect(discoverTls({ serverUrl: HTTP, env: {}, dockerConfigDir: root })).toEqual({ transport: {}, caSources: [] });
  });

  it('resolveConnection keeps it lazy: the connection and its transport read the files on first use', () => {
    const { root, certs } = certDir();
    const env = { HOME: root, DOCKER_CONFIG: root, SSL_CERT_DIR: certs };
    const conn = resolveConnection('example.com/app', { server: HTTP, env });
    writeFileSync(join(certs, 'two.pem'), PEM('two'));
    expect(conn.transport.tls?.ca).toContain(PEM('two'));
    expect(conn.caSources).toEqual([`SSL_CERT_DIR ${certs}`]);
  });
});

describe('checkPem (the check a lazy discovery makes at once) fails exactly when readPem does', () => {
  const CERT = /-----BEGIN CERTIFICATE-----/;
  const KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
  const root = tempDir('check-pem-');
  const file = (name: string, bytes: string | Buffer) => {
    const p = join(root, name);
    writeFileSync(p, bytes);
    return p;
  };
  const cases: [string, RegExp, boolean][] = [
    [join(root, 'missing.pem'), CERT, false],
    [root, CERT, false], // a directory cannot be read
    [file('empty.pem', ''), CERT, false],
    [file('cert.pem', PEM('x')), CERT, true],
    [file('cert.pem-as-key', PEM('x')), KEY, false],
    [file('key.pem', '-----BEGIN EC PRIVATE KEY-----\nx\n'), KEY, true],
    // Non-ASCII around and inside the marker: UTF-8 text, broken UTF-8, a Latin-1 letter where a marker letter was.
    [file('utf8.pem', `# Zertifikat für Prüfung\n${PEM('x')}`), CERT, true],
    [file('broken.pem', Buffer.concat([Buffer.from([0xe2, 0x82]), Buffer.from(PEM('x'))])), CERT, true],
    [file('split.pem', Buffer.from('-----BEGIN CERT\xc9FICATE-----\n', 'latin1')), CERT, false],
    [file('split-key.pem', Buffer.from('-----BEGIN EC PRIV\xe2\x80\x8bATE KEY-----\n', 'latin1')), KEY, false],
    // checkPem reads the first 64 KiB, then the whole file: a block past the head, across its end, or nowhere.
    [file('late.pem', `${'#'.repeat(70_000)}\n${PEM('x')}`), CERT, true],
    [file('straddle.pem', `${'#'.repeat(65_536 - 10)}${PEM('x')}`), CERT, true],
    [file('head-exact.pem', '#'.repeat(65_536)), CERT, false],
    [file('big-none.pem', '#'.repeat(200_000)), CERT, false],
  ];
  it.each(cases)('%s', (path, marker, ok) => {
    const read = thrownCode(() => readPem(path, 'test file', marker));
    expect(read).toBe(ok ? undefined : 'INVALID_CONFIG');
    expect(thrownCode(() => checkPem(path, 'test file', marker))).toBe(read);
    if (ok) expect(checkPem(path, 'test file', marker)).toBe('');
  });

  it('a lazy discovery fails at once, with the same code, on an unreadable or empty SSL_CERT_FILE', () => {
    const { root: dir, certs } = certDir();
    for (const bad of [join(dir, 'missing.pem'), file('none.pem', 'no pem here\n')]) {
      for (const env of [
        { SSL_CERT_DIR: certs, SSL_CERT_FILE: bad },
        { SSL_CERT_DIR: certs, NODE_EXTRA_CA_CERTS: bad },
      ]) {
        expect(thrownCode(() => discoverTls({ serverUrl: HTTP, env, dockerConfigDir: dir }))).toBe('INVALID_CONFIG');
      }
    }
  });
});
