// The remote layer: Notary's HTTP API over a Transport (the wire transport, node:http or undici; bytes only), server URL resolution, credentials, token auth.
export {
  type CredentialHelperRunner,
  type CredentialProvider,
  type CredentialRequest,
  type Credentials,
  chainCredentials,
  DOCKER_HUB_AUTH_KEY,
  type DockerConfigOptions,
  defaultCredentials,
  dockerConfigCredentials,
  notaryAuthCredentials,
} from './credentials.js';
export { checkPem, createDispatcher, type RemoteTlsOptions, readPem, type TransportOptions } from './dispatcher.js';
export {
  ERROR_BODY_CAP,
  ExchangeReader,
  type ExchangeRequest,
  type ExchangeResponse,
  type ResponseHeaders,
} from './http-exchange.js';
export {
  HttpParseError,
  MAX_HEAD_BYTES,
  type ResponseHead,
  ResponseParser,
  type ResponseSink,
} from './http1-parser.js';
export type { PublishFile } from './multipart.js';
export { NodeHttpTransport } from './node-transport.js';
export {
  type GetRoleOptions,
  MAX_KEY_RESPONSE,
  NotaryRemote,
  type NotaryRemoteOptions,
} from './notary-remote.js';
export { DEFAULT_RETRY, DEFAULT_TIMEOUTS, type RemoteTimeouts, type RetryPolicy } from './options.js';
export {
  DOCKER_HUB_REGISTRY_API,
  isInsecureRegistry,
  MANIFEST_MEDIA_TYPES,
  MAX_MANIFEST_BYTES,
  RegistryClient,
  type RegistryClientOptions,
  type ResolvedManifest,
  registryApiHost,
} from './registry-client.js';
export {
  DEFAULT_CONCURRENCY as DEFAULT_RESOLVE_CONCURRENCY,
  RegistryPool,
  type ResolvedImage,
  type ResolveImageOptions,
  resolveImage,
  resolveImages,
} from './resolve-image.js';
export type { ExchangeEvent, ExchangeObserver } from './send-with-retry.js';
export {
  DOCKER_HUB_NOTARY,
  isLoopbackHost,
  normalizeGun,
  registryOfGun,
  resolveServerUrl,
  type ServerUrlSources,
  validateServerUrl,
} from './server-url.js';
export { type Access, MIN_TOKEN_LIFETIME_S, maySendSecrets, repositoryScope } from './token-auth.js';
export {
  defaultTransport,
  hasProxy,
  type Transport,
  type TransportFactory,
  type TransportKind,
  transportOfKind,
  undiciTransport,
  wireTransport,
} from './transport.js';
export { mapTransportError, type TimeoutPhase } from './transport-errors.js';
export { UndiciTransport } from './undici-transport.js';
export { WireTransport } from './wire-transport.js';
export { type Challenge, parseWwwAuthenticate } from './www-authenticate.js';
