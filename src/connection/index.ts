// The connection layer: one place that turns flags, config file, environment and docker config into a server
// connection (URL, TLS, proxy, credentials, timeouts, trust dir, pinning) for the verify and the sign side alike.
export {
  type ClientConfig,
  emptyTrustPinning,
  loadClientConfig,
  parseClientConfig,
  type TrustPinning,
} from './config.js';
export {
  type Connection,
  type ConnectionOptions,
  dockerConfigDir,
  homeOf,
  resolveConnection,
  resolveTrustDir,
} from './connection.js';
export { type FirstUse, mergePinning, PINNING_ENV, type PinningOptions } from './pinning.js';
export {
  type DiscoveredTls,
  discoverTls,
  dockerTlsDir,
  SYSTEM_CA_FILES,
  type TlsDiscoveryInput,
} from './tls-discovery.js';
