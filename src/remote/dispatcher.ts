// Builds the dispatcher the remote talks through from one plain options object (TLS material, proxy, connect
// timeout); undici's classes are loaded on first use.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
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

/**
 * Everything a transport needs to reach a server, as plain data (PEM text, URLs): the connection layer resolves it
 * once and any transport (undici today) consumes it. No file names, no environment: those are resolved already.
 */
export interface TransportOptions {
  tls?: {
    /** PEM CA certificates to trust; omitted: Node's bundled roots. Replaces them when given. */
    ca?: string;
    /** Client certificate chain and key (PEM) for mutual TLS. */
    cert?: string;
    key?: string;
    /** False: do not verify the server certificate (Notary's `skipTLSVerify`). */
    rejectUnauthorized?: boolean;
    /** Accept any certificate of `ca` as an anchor, an intermediate too (as Go's x509 does). */
    allowPartialTrustChain?: boolean;
  };
  /**
   * Proxy URLs by target scheme and the NO_PROXY list (as the HTTPS_PROXY/HTTP_PROXY/NO_PROXY variables); `ca`: PEM
   * CAs for an `https:` proxy's own certificate (omitted: Node's default roots).
   */
  proxy?: { httpsProxy?: string; httpProxy?: string; noProxy?: string; ca?: string };
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

/**
 * The text of a PEM file that must hold a block matching `marker`.
 * @throws NotaryError INVALID_CONFIG (details: file, what) when it cannot be read or holds no such block
 */
export function readPem(file: string, what: string, marker: RegExp): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw cannotRead(file, what, cause);
  }
  if (!marker.test(text)) throw noPem(file, what);
  return text;
}

/** How much of a file `checkPem` reads first: a CA bundle's first block is at its start. */
const PEM_HEAD = 64 * 1024;

/**
 * `readPem`'s checks without keeping the text (returns `''`), for files read again only if TLS is ever used. Only
 * the first 64 KiB are read when the block is there (a 214 KB system bundle named twice, by SSL_CERT_FILE and
 * NODE_EXTRA_CA_CERTS, costs every plain-http run ~0.5 ms less); otherwise the whole file, as `readPem` does.
 * @throws NotaryError INVALID_CONFIG exactly when `readPem` would
 */
export function checkPem(file: string, what: string, marker: RegExp): string {
  let head: Buffer;
  try {
    head = readHead(file, PEM_HEAD);
  } catch (cause) {
    throw cannotRead(file, what, cause);
  }
  // The markers are ASCII: a Latin-1 reading of the bytes matches them exactly where the UTF-8 text would (both keep
  // every ASCII byte in place and turn every other byte into a non-ASCII character), without decoding UTF-8. A match
  // in the head is a match in the whole file.
  if (marker.test(head.toString('latin1'))) return '';
  if (head.length < PEM_HEAD) throw noPem(file, what);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw cannotRead(file, what, cause);
  }
  if (!marker.test(bytes.toString('latin1'))) throw noPem(file, what);
  return '';
}

/** Up to `max` bytes from the start of `file` (fewer only at its end). @throws the system error */
function readHead(file: string, max: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(max);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, max - n, null);
      if (got === 0) break;
      n += got;
      if (n === max) break;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function cannotRead(file: string, what: string, cause: unknown) {
  return notaryError('INVALID_CONFIG', `cannot read ${what} ${file}`, { cause, details: { file, what } });
}

function noPem(file: string, what: string) {
  return notaryError('INVALID_CONFIG', `${what} ${file} holds no pem block of the expected type`, {
    details: { file, what },
  });
}

type EnvProxyClass = new (opts: Record<string, unknown>) => Dispatcher;
interface UndiciEntry {
  EnvHttpProxyAgent: EnvProxyClass;
  Dispatcher: new () => object;
}

/**
 * Loads undici's package entry (EnvHttpProxyAgent, Dispatcher), only when a proxy is configured. From the entry
 * point: the proxy tunnel needs `Dispatcher.prototype.connect`, which undici's index installs (a deep require would
 * lack it).
 */
function loadUndiciEntry(): UndiciEntry {
  const require = createRequire(import.meta.url);
  return require('undici') as UndiciEntry;
}

/**
 * Go's proxy rule (`httpproxy`, which docker and notary use): an https target goes through HTTPS_PROXY only, and
 * directly when it is unset. undici's EnvHttpProxyAgent would send it through HTTP_PROXY then; this dispatcher
 * routes https requests to `direct` and everything else to `proxied`.
 */
function httpsDirect(Base: new () => object, proxied: Dispatcher, direct: Dispatcher): Dispatcher {
  const both = () => [proxied, direct];
  const settle = (p: Promise<unknown>, callback?: (err: Error | null) => void) => {
    const done = p.then(() => undefined);
    if (callback === undefined) return done;
    done.then(
      () => callback(null),
      (e: unknown) => callback(e as Error),
    );
    return undefined;
  };
  class HttpsDirect extends Base {
    dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const https = new URL(String(opts.origin)).protocol === 'https:';
      return (https ? direct : proxied).dispatch(opts, handler);
    }
    close(callback?: (err: Error | null) => void): Promise<void> | undefined {
      return settle(Promise.all(both().map((d) => d.close())), callback);
    }
    destroy(err?: Error | null, callback?: (err: Error | null) => void): Promise<void> | undefined {
      return settle(Promise.all(both().map((d) => d.destroy(err ?? null))), callback);
    }
  }
  return new HttpsDirect() as unknown as Dispatcher;
}

/** The socket options of `tls` for `tls.connect` (and the agents built on it): only what is set, nothing else. */
export interface TlsSocketOptions {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized?: false;
  allowPartialTrustChain?: true;
}

/** `TransportOptions.tls` as `tls.connect` options, one mapping for every transport. */
export function tlsSocketOptions(tls: TransportOptions['tls'] = {}): TlsSocketOptions {
  return {
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.cert !== undefined && tls.key !== undefined ? { cert: tls.cert, key: tls.key } : {}),
    ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false as const } : {}),
    ...(tls.allowPartialTrustChain === true ? { allowPartialTrustChain: true as const } : {}),
  };
}

/**
 * Creates the dispatcher for a transport: an Agent, or (with a proxy) undici's EnvHttpProxyAgent given explicit
 * values, so it never falls back to `process.env` itself. Loopback targets never go through a proxy (as Go's
 * `httpproxy` rule, which docker and notary use).
 */
export function createDispatcher(connectTimeoutMs: number, options: TransportOptions = {}): Dispatcher {
  const connect: Record<string, unknown> = { timeout: connectTimeoutMs, ...tlsSocketOptions(options.tls) };
  const proxy = options.proxy;
  if (proxy && (proxy.httpProxy || proxy.httpsProxy)) {
    const undici = loadUndiciEntry();
    const noProxy = ['localhost', '127.0.0.1', '[::1]', proxy.noProxy ?? ''].filter((x) => x !== '').join(',');
    const viaProxy = new undici.EnvHttpProxyAgent({
      connect,
      requestTls: connect,
      proxyTls: {
        timeout: connectTimeoutMs,
        ...(proxy.ca !== undefined ? { ca: proxy.ca, allowPartialTrustChain: true } : {}),
      },
      httpProxy: proxy.httpProxy ?? '',
      httpsProxy: proxy.httpsProxy ?? '',
      noProxy,
      keepAliveTimeout: 4_000,
    });
    if (proxy.httpsProxy) return viaProxy;
    return httpsDirect(undici.Dispatcher, viaProxy, new (loadAgent())({ connect, keepAliveTimeout: 4_000 }));
  }
  const AgentCtor = loadAgent();
  return new AgentCtor({ connect, keepAliveTimeout: 4_000 });
}

/** Reads the PEM files of `tls` into transport options. @throws NotaryError INVALID_CONFIG as `createAgent` */
export function readTlsFiles(tls: RemoteTlsOptions): NonNullable<TransportOptions['tls']> {
  if ((tls.certFile === undefined) !== (tls.keyFile === undefined)) {
    throw notaryError('INVALID_CONFIG', 'either give both a tls client certificate and key, or neither', {
      details: { certFile: tls.certFile, keyFile: tls.keyFile },
    });
  }
  const out: NonNullable<TransportOptions['tls']> = {};
  if (tls.caFile !== undefined) {
    out.ca = readPem(tls.caFile, 'tls ca file', /-----BEGIN CERTIFICATE-----/);
    out.allowPartialTrustChain = true;
  }
  if (tls.certFile !== undefined && tls.keyFile !== undefined) {
    out.cert = readPem(tls.certFile, 'tls client certificate', /-----BEGIN CERTIFICATE-----/);
    out.key = readPem(tls.keyFile, 'tls client key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/);
  }
  if (tls.insecureSkipVerify === true) out.rejectUnauthorized = false;
  return out;
}

/**
 * Creates the Agent for a remote. Files are read now, so a bad path fails before any request.
 * @throws NotaryError INVALID_CONFIG when a file is unreadable or not PEM, or only one of cert/key is given
 */
export function createAgent(connectTimeoutMs: number, tls: RemoteTlsOptions = {}): Dispatcher {
  return createDispatcher(connectTimeoutMs, { tls: readTlsFiles(tls) });
}
