// The one seam between the remote layer and HTTP: a Transport performs exchanges; which one is used is chosen by
// whoever builds the remote (the connection layer's caller: the CLI, a library user), never by the core.
import type { Dispatcher } from 'undici';
import { type RemoteTlsOptions, readTlsFiles, type TransportOptions } from './dispatcher.js';
import type { ExchangeRequest, ExchangeResponse } from './http-exchange.js';
import { NodeHttpTransport } from './node-transport.js';
import { UndiciTransport } from './undici-transport.js';
import { WireTransport } from './wire-transport.js';

/**
 * Performs HTTP exchanges for a remote. Every implementation gives the same results for the same wire bytes: the
 * body bounded and decoded by `ExchangeReader` (caps, gzip, phase timers, deadline) and failures mapped by
 * `mapTransportError` (NETWORK with `details.tls`, TIMEOUT with `details.phase`, BAD_RESPONSE, RESPONSE_TOO_LARGE).
 */
export interface Transport {
  /** @throws NotaryError TIMEOUT, NETWORK, BAD_RESPONSE, RESPONSE_TOO_LARGE */
  request(req: ExchangeRequest): Promise<ExchangeResponse>;
  /** Releases connections; idle keep-alive sockets never hold the process open before that either. */
  close(): Promise<void>;
}

/** Builds a transport from the connect timeout and the resolved TLS/proxy settings (plain data). */
export type TransportFactory = (connectTimeoutMs: number, options: TransportOptions) => Transport;

/**
 * The transport kinds: `wire` (this project's HTTP/1.1 over node:net/node:tls, the CLI's default), `node`
 * (node:http/node:https, the library's default) and `undici` (an undici Agent or EnvHttpProxyAgent).
 */
export type TransportKind = 'wire' | 'node' | 'undici';

/** Whether `options` name a proxy (only the undici transport tunnels through one). */
export function hasProxy(options: TransportOptions): boolean {
  return Boolean(options.proxy && (options.proxy.httpProxy || options.proxy.httpsProxy));
}

/** The undici transport: an Agent, or an EnvHttpProxyAgent when a proxy is configured. */
export const undiciTransport: TransportFactory = (connectTimeoutMs, options) =>
  UndiciTransport.create(connectTimeoutMs, options);

/**
 * The default (SPEC §9 "Transport"): node:http/node:https, which loads in a fraction of undici's time; undici
 * when a proxy is configured (node:http has no proxy support in Node 20).
 */
export const defaultTransport: TransportFactory = (connectTimeoutMs, options) =>
  hasProxy(options) ? undiciTransport(connectTimeoutMs, options) : new NodeHttpTransport(connectTimeoutMs, options);

/**
 * The CLI's default (SPEC §9 "Transport"): the wire transport, which a cold process starts ~5 ms faster than
 * node:http; undici when a proxy is configured.
 */
export const wireTransport: TransportFactory = (connectTimeoutMs, options) =>
  hasProxy(options) ? undiciTransport(connectTimeoutMs, options) : new WireTransport(connectTimeoutMs, options);

/** A factory for one kind (`undici` always; `wire` and `node` unless a proxy is configured, then undici). */
export function transportOfKind(kind: TransportKind): TransportFactory {
  if (kind === 'undici') return undiciTransport;
  return kind === 'wire' ? wireTransport : defaultTransport;
}

/** How a remote (NotaryRemote, RegistryClient) is told to reach its server; the first given wins. */
export interface TransportChoice {
  /** An undici dispatcher (e.g. MockAgent, a ProxyAgent): requests go through it; the remote never closes it. */
  dispatcher?: Dispatcher | undefined;
  /** Builds the transport from `transport` (or `tls`); default `defaultTransport`. */
  transportFactory?: TransportFactory | undefined;
  /** Resolved TLS and proxy settings (see the connection layer). */
  transport?: TransportOptions | undefined;
  /** TLS files, read on the first request; used only when `transport` is not given. */
  tls?: RemoteTlsOptions | undefined;
}

/** The transport of one remote: an injected dispatcher's (never closed here), or one made on first use. */
export class TransportSlot {
  private current: Transport | undefined;
  private readonly injected: Transport | undefined;

  constructor(
    private readonly choice: TransportChoice,
    private readonly connectTimeoutMs: number,
  ) {
    this.injected = choice.dispatcher ? new UndiciTransport(choice.dispatcher) : undefined;
  }

  /** @throws NotaryError INVALID_CONFIG when TLS files are unreadable or not PEM (as `readTlsFiles`) */
  get(): Transport {
    if (this.injected) return this.injected;
    if (!this.current) {
      const c = this.choice;
      const options = c.transport ?? { tls: readTlsFiles(c.tls ?? {}) };
      this.current = (c.transportFactory ?? defaultTransport)(this.connectTimeoutMs, options);
    }
    return this.current;
  }

  /** Closes the transport this slot made (an injected dispatcher is left alone). */
  async close(): Promise<void> {
    const t = this.current;
    this.current = undefined;
    await t?.close();
  }
}
