// The HTTP transports every remote test runs against (SPEC §9 "Transport"): the wire transport, node:http and undici.
import { NodeHttpTransport, type TransportFactory, undiciTransport, WireTransport } from '../../src/remote/index.js';

export type TransportName = 'wire' | 'node' | 'undici';

/** `[name, factory]` pairs for `describe.each`. */
export const TRANSPORTS: readonly (readonly [TransportName, TransportFactory])[] = [
  ['wire', (ms, options) => new WireTransport(ms, options)],
  ['node', (ms, options) => new NodeHttpTransport(ms, options)],
  ['undici', undiciTransport],
];

/** The names, for CLI tests (`NOTARY_TS_TRANSPORT`). */
export const TRANSPORT_NAMES: readonly TransportName[] = ['wire', 'node', 'undici'];

let cliTransport: TransportName | undefined;

/**
 * Makes every later `runCli`/`runBin` call of this test file (test/helpers/cli.ts, cli-bin.ts) run the CLI with
 * `NOTARY_TS_TRANSPORT=name`; a call's own `env` may still override it.
 */
export function useCliTransport(name: TransportName | undefined): void {
  cliTransport = name;
}

/** The environment `useCliTransport` asks for. */
export function cliTransportEnv(): Record<string, string> {
  return cliTransport === undefined ? {} : { NOTARY_TS_TRANSPORT: cliTransport };
}
