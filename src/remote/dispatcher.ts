// Builds the undici Agent the remote talks through: TLS material from files, connect timeout, loaded on first use.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Agent, Dispatcher } from 'undici';
import { notaryError } from '../errors.js';

/** TLS settings, as Notary's `remote_server` config section and the `--tlscacert` flag give them. */
export interface RemoteTlsOptions {
  /**
   * PEM bundle of CAs to trust for the server. Like Go notary (`ExclusiveRootPools: true` in cmd/notary/tuf.go),
   * it REPLACES the system roots rather than adding to them. Omitted: the system (Node) roots.
   */
  caFile?: string;
  /** Client certificate (PEM) for mutual TLS; requires `keyFile`. */
  certFile?: string;
  /** Client private key (PEM, unencrypted); requires `certFile`. */
  keyFile?: string;
  /** Notary's `skipTLSVerify`: do not verify the server certificate. Dangerous; for test set-ups only. */
  insecureSkipVerify?: boolean;
}

type AgentClass = typeof Agent;

let agentClass: AgentClass | undefined;
let agentModule = 'undici/lib/dispatcher/agent.js';

/**
 * Loads the Agent from another module: the bundled CLI ships undici's Agent as one file built from the pinned
 * undici at build time (one file compiles ~50 ms faster than undici's ~60). Call before the first request.
 */
export function useAgentModule(specifier: string): void {
  agentModule = specifier;
  agentClass = undefined;
}

/**
 * Loads undici's Agent on first use. `require('undici')` costs ~150 ms and ~20 MB at start-up (it pulls in fetch,
 * WebSocket, caches and mocks); the Agent module alone costs ~45 ms. The version is pinned exactly, and a failed
 * deep require falls back to the package entry point.
 */
function loadAgent(): AgentClass {
  if (agentClass) return agentClass;
  const require = createRequire(import.meta.url);
  try {
    agentClass = require(agentModule) as AgentClass;
    if (typeof agentClass !== 'function') throw new TypeError('unexpected undici layout');
  } catch {
    agentClass = (require('undici') as { Agent: AgentClass }).Agent;
  }
  return agentClass;
}

function readPem(file: string, what: string, marker: RegExp): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw notaryError('INVALID_CONFIG', `cannot read ${what} ${file}`, { cause, details: { file, what } });
  }
  if (!marker.test(text)) {
    throw notaryError('INVALID_CONFIG', `${what} ${file} holds no pem block of the expected type`, {
      details: { file, what },
    });
  }
  return text;
}

/**
 * Creates the Agent for a remote. Files are read now, so a bad path fails before any request.
 * @throws NotaryError INVALID_CONFIG when a file is unreadable or not PEM, or only one of cert/key is given
 */
export function createAgent(connectTimeoutMs: number, tls: RemoteTlsOptions = {}): Dispatcher {
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw notaryError('INVALID_CONFIG', 'either give both a tls client certificate and key, or neither', {
      details: { certFile: tls.certFile, keyFile: tls.keyFile },
    });
  }
  const connect: Record<string, unknown> = { timeout: connectTimeoutMs };
  if (tls.caFile !== undefined) connect['ca'] = readPem(tls.caFile, 'tls ca file', /-----BEGIN CERTIFICATE-----/);
  if (tls.certFile !== undefined && tls.keyFile !== undefined) {
    connect['cert'] = readPem(tls.certFile, 'tls client certificate', /-----BEGIN CERTIFICATE-----/);
    connect['key'] = readPem(tls.keyFile, 'tls client key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  }
  if (tls.insecureSkipVerify === true) connect['rejectUnauthorized'] = false;
  const AgentCtor = loadAgent();
  return new AgentCtor({ connect, keepAliveTimeout: 4_000 });
}
