// A production-shaped Notary deployment for interop tests: notary-server on HTTPS with a root → intermediate → leaf
// chain, its timestamp/snapshot keys held by notary-signer over mutual-TLS gRPC, one notary-server per key algorithm.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { type ManagedProcess, spawnManaged, waitForPort } from './managed-process.js';
import { type NotaryServer, requireNotary, startNotaryServer, tempDir } from './notary.js';
import { createPki, type TestPki } from './pki.js';

/** The key algorithms notary-signer serves (it refuses `rsa`). */
export type ServerKeyAlgorithm = 'ecdsa' | 'ed25519';

export interface NotarySigner {
  /** gRPC port on 127.0.0.1. */
  readonly port: number;
  readonly configPath: string;
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts `notary-signer` (memory key storage) on a free port, serving gRPC over TLS with `pki`'s `notary-signer`
 * certificate (chain) and requiring a client certificate that chains to the test root (mutual TLS).
 */
export async function startNotarySigner(pki: TestPki): Promise<NotarySigner> {
  requireNotary();
  const cert = pki.issue('notary-signer', { sans: ['127.0.0.1'] });
  const dir = tempDir('notary-signer-');
  let lastError: unknown;
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    const configPath = join(dir, `signer-${port}.json`);
    const config = {
      server: {
        grpc_addr: `127.0.0.1:${port}`,
        tls_cert_file: cert.chain,
        tls_key_file: cert.key,
        client_ca_file: pki.caBundle,
      },
      logging: { level: 'error' },
      storage: { backend: 'memory' },
    };
    writeFileSync(configPath, JSON.stringify(config, null, 2));
    const proc: ManagedProcess = spawnManaged('notary-signer', ['-config', configPath]);
    try {
      await waitForPort(proc, port, 'notary-signer');
      return { port, configPath, logs: proc.logs, stop: () => proc.stop() };
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

export interface ProductionNotaryOptions {
  /** One notary-server per algorithm, all sharing the signer (default both). */
  keyAlgorithms?: readonly ServerKeyAlgorithm[];
  /** Last say over each server's config (e.g. a database storage backend). */
  configure?: (config: Record<string, unknown>, algorithm: ServerKeyAlgorithm) => void;
}

export interface ProductionNotary {
  readonly pki: TestPki;
  readonly signer: NotarySigner;
  /** HTTPS servers by key algorithm (`https://127.0.0.1:PORT`). */
  readonly servers: ReadonlyMap<ServerKeyAlgorithm, NotaryServer>;
  /** The file clients trust: the test root CA (the servers send leaf + intermediate). */
  readonly caFile: string;
  stop(): Promise<void>;
}

/**
 * PKI (openssl), notary-signer, then one notary-server per algorithm with `trust_service.type: remote` pointing at
 * the signer, authenticated by a client certificate from the intermediate. The servers' health checks pass only
 * once they reach the signer. Stop it in `afterAll`.
 */
export async function startProductionNotary(opts: ProductionNotaryOptions = {}): Promise<ProductionNotary> {
  const pki = createPki();
  const signer = await startNotarySigner(pki);
  const client = pki.issue('notary-server-client', { cn: 'notary-server', usage: 'client' });
  const servers = new Map<ServerKeyAlgorithm, NotaryServer>();
  const stop = async () => {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    await signer.stop();
  };
  try {
    for (const algorithm of opts.keyAlgorithms ?? (['ecdsa', 'ed25519'] as const)) {
      const server = await startNotaryServer({
        tls: { cert: pki.server.chain, key: pki.server.key, ca: pki.rootCa },
        configure: (config) => {
          config.trust_service = {
            type: 'remote',
            hostname: '127.0.0.1',
            port: String(signer.port),
            tls_ca_file: pki.rootCa,
            tls_client_cert: client.chain,
            tls_client_key: client.key,
            key_algorithm: algorithm,
          };
          opts.configure?.(config, algorithm);
        },
      });
      servers.set(algorithm, server);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { pki, signer, servers, caFile: pki.rootCa, stop };
}
