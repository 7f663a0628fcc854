// TLS options: a CA file replaces the system roots (as Go notary's ExclusiveRootPools), client cert/key for mTLS.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransportFactory } from '../../../src/remote/index.js';
import { NotaryRemote } from '../../../src/remote/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { TRANSPORTS } from '../../helpers/transports.js';

let transportFactory: TransportFactory;

let dir: string;
let server: Server;
let url: string;
const peers: string[] = [];

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function issue(name: string, ext: string[]): void {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`]);
  writeFileSync(join(dir, `${name}.ext`), ext.join('\n'));
  openssl([
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  ]);
}

beforeAll(async () => {
  dir = tempDir('remote-tls-');
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  openssl([
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=remote test ca',
    '-days',
    '2',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
    '-out',
    'ca.pem',
  ]);
  issue('server', ['subjectAltName=IP:127.0.0.1', 'extendedKeyUsage=serverAuth']);
  issue('client', ['extendedKeyUsage=clientAuth']);
  server = createServer(
    {
      key: readFileSync(join(dir, 'server.key')),
      cert: readFileSync(join(dir, 'server.pem')),
      ca: readFileSync(join(dir, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      peers.push(String(peer?.subject?.CN ?? '-'));
      res.end('{}');
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  url = `https://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe.each(TRANSPORTS)('%s transport', (_name, factory) => {
  beforeAll(() => {
    transportFactory = factory;
  });

  describe('tls', () => {
    it('an unknown CA is NETWORK (tls) and is not retried', async () => {
      const sleeps: number[] = [];
      const r = new NotaryRemote({
        transportFactory,
        serverUrl: url,
        gun: 'a/b',
        retries: { sleep: async (ms) => void sleeps.push(ms) },
      });
      await expect(r.getRole('root', { maxBytes: 10 })).rejects.toMatchObject({
        code: 'NETWORK',
        details: { tls: true },
      });
      expect(sleeps).toEqual([]);
      await r.close();
    });

    it('trusts the server with caFile, and presents a client certificate', async () => {
      const r = new NotaryRemote({
        transportFactory,
        serverUrl: url,
        gun: 'a/b',
        tls: { caFile: join(dir, 'ca.pem') },
      });
      await r.getRole('root', { maxBytes: 10 });
      await r.close();
      const m = new NotaryRemote({
        transportFactory,
        serverUrl: url,
        gun: 'a/b',
        tls: { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'client.pem'), keyFile: join(dir, 'client.key') },
      });
      await m.ping();
      await m.close();
      expect(peers.slice(-2)).toEqual(['-', 'client']);
    });

    it('insecureSkipVerify accepts any certificate', async () => {
      const r = new NotaryRemote({
        transportFactory,
        serverUrl: url,
        gun: 'a/b',
        tls: { insecureSkipVerify: true },
      });
      await r.ping();
      await r.close();
    });

    it('bad TLS material is INVALID_CONFIG', async () => {
      const cases = [
        { certFile: join(dir, 'client.pem') },
        { caFile: join(dir, 'missing.pem') },
        { caFile: join(dir, 'client.key') },
      ];
      for (const tls of cases) {
        const r = new NotaryRemote({
          transportFactory,
          serverUrl: url,
          gun: 'a/b',
          tls,
        });
        await expect(r.ping()).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
      }
    });
  });
});
