// The connection options archive, doctor and check share: the composition root's (src/connection), so these
// commands reach the server exactly as verify and sign do (TLS discovery, client certificates, proxy, pinning).
import {
  type ConnectionOptions,
  mergePinning,
  resolveConnection,
  resolveTrustDir,
  type TrustPinning,
} from '../connection/index.js';
import type { NotaryRemote } from '../remote/index.js';

export type ConnectOptions = ConnectionOptions;

/** The trust dir the options name (see `resolveTrustDir`). */
export function trustDirOf(o: ConnectOptions): string {
  return resolveTrustDir(o);
}

/** The trust pinning in force: config, environment and `pinning` options merged (see `mergePinning`). */
export function pinningOf(o: ConnectOptions): TrustPinning {
  return o.trustPinning ?? mergePinning(o.config?.trustPinning, o.env ?? process.env, o.pinning);
}

/**
 * The server URL for `gun` and a remote for it (close it when done).
 * @throws NotaryError as `resolveConnection` (server URL, TLS files, pinning entries)
 */
export function connect(gun: string, o: ConnectOptions): { server: string; remote: NotaryRemote } {
  const conn = resolveConnection(gun, o);
  return { server: conn.serverUrl, remote: conn.openRemote() };
}
