// Parsing metadata files into validated models with their signatures and exact bytes, and writing them back.

import { isBaseRole, isDelegationName } from '../grammar/role-name.js';
import { type Envelope, envelopeBytes, parseEnvelope, type Signature } from './envelope.js';
import type { MetadataBase } from './metadata-base.js';
import { Root } from './root.js';
import { Snapshot } from './snapshot.js';
import { Targets } from './targets.js';
import { Timestamp } from './timestamp.js';

/** Any validated `signed` part. */
export type Metadata = Root | Targets | Snapshot | Timestamp;

/** A metadata file: the validated `signed` part, its signatures and the exact file bytes. */
export interface SignedMetadata<T extends MetadataBase = Metadata> {
  readonly signed: T;
  readonly signatures: readonly Signature[];
  /** The file's exact bytes: as received when parsed, as they will be written when signed locally. */
  readonly raw: Uint8Array;
}

function wrap<T extends MetadataBase>(env: Envelope, raw: Uint8Array, make: (e: Envelope) => T): SignedMetadata<T> {
  return { signed: make(env), signatures: env.signatures, raw };
}

/**
 * Parses root.json. `raw` is kept (not copied) for hashing and caching: do not modify it afterwards.
 * @throws NotaryError INVALID_JSON, INVALID_METADATA (details: role, field)
 */
export function parseRoot(raw: Uint8Array): SignedMetadata<Root> {
  return wrap(parseEnvelope(raw, 'root'), raw, (e) => Root.fromJson(e.signed, e.canonical));
}

/**
 * Parses targets.json or a delegation file (`role` such as `targets/releases`).
 * @throws NotaryError INVALID_JSON, INVALID_METADATA; RangeError when `role` is not a targets role
 */
export function parseTargets(raw: Uint8Array, role = 'targets'): SignedMetadata<Targets> {
  return wrap(parseEnvelope(raw, role, { lazyTargets: true }), raw, (e) => Targets.fromEnvelope(e, role));
}

/** Parses snapshot.json. @throws NotaryError INVALID_JSON, INVALID_METADATA */
export function parseSnapshot(raw: Uint8Array): SignedMetadata<Snapshot> {
  return wrap(parseEnvelope(raw, 'snapshot'), raw, (e) => Snapshot.fromJson(e.signed, e.canonical));
}

/** Parses timestamp.json. @throws NotaryError INVALID_JSON, INVALID_METADATA */
export function parseTimestamp(raw: Uint8Array): SignedMetadata<Timestamp> {
  return wrap(parseEnvelope(raw, 'timestamp'), raw, (e) => Timestamp.fromJson(e.signed, e.canonical));
}

/**
 * Parses the file of any role, choosing the model by role name.
 * @throws NotaryError INVALID_JSON, INVALID_METADATA; RangeError for a name that is not a role
 */
export function parseMetadata(role: string, raw: Uint8Array): SignedMetadata {
  switch (role) {
    case 'root':
      return parseRoot(raw);
    case 'snapshot':
      return parseSnapshot(raw);
    case 'timestamp':
      return parseTimestamp(raw);
    default:
      if (role === 'targets' || isDelegationName(role)) return parseTargets(raw, role);
      throw new RangeError(`${isBaseRole(role) ? 'unexpected' : 'invalid'} role name ${JSON.stringify(role)}`);
  }
}

/**
 * The wire file for `signed` with `signatures`, byte-identical to Go's `json.Marshal(data.Signed)`.
 * @throws NotaryError NON_CANONICAL when the JSON cannot be canonical
 */
export function serializeMetadata(signed: MetadataBase, signatures: readonly Signature[]): Uint8Array {
  return envelopeBytes(signed.json, signatures);
}
