// The server as the signer sees it: four calls. `NotaryRemote` is one implementation; tests pass an in-memory one.
import type { RoleFetcher } from '../client/updater.js';
import type { PublishFile } from '../remote/index.js';

/** The roles whose keys a notary server may hold. */
export type ServerManagedRole = 'timestamp' | 'snapshot';

/**
 * What the signer needs from a notary server. Errors are `NotaryError`s with the remote layer's codes
 * (`METADATA_NOT_FOUND`, `REPOSITORY_NOT_FOUND`, `VERSION_CONFLICT`, `NETWORK`, …).
 */
export interface SignerRemote extends RoleFetcher {
  /** The public key the server holds for `role` (Notary's `GET …/<role>.key`), as the server's JSON bytes. */
  getKey(role: ServerManagedRole): Promise<Uint8Array>;
  /** Asks the server for a new key for `role` (`POST …/<role>.key`); returns it as `getKey` does. */
  rotateKey(role: ServerManagedRole): Promise<Uint8Array>;
  /** Uploads metadata files in one atomic update (`POST /v2/<gun>/_trust/tuf/`). */
  publish(files: readonly PublishFile[]): Promise<void>;
  /** Releases connections; called only on a remote the signer built itself, never on an injected one. */
  close?(): Promise<void>;
}
