// Builders shared by the metadata tests: keys, a signed four-role repository, raw envelopes and error capture.
import { expect } from 'vitest';
import { generateKey } from '../../../src/crypto/sign.js';
import type { PrivateKey } from '../../../src/crypto/types.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import type { NotaryErrorCode } from '../../../src/errors.js';
import {
  fileMetaFromBytes,
  parseExpiry,
  Root,
  type SignedMetadata,
  Snapshot,
  signMetadataWithKeys,
  Targets,
  Timestamp,
} from '../../../src/metadata/index.js';

/** Tests mutate arbitrary JSON shapes to hit every error path. */
// biome-ignore lint/suspicious/noExplicitAny: deliberately untyped test data
export type Loose = any;

export const EXPIRES = parseExpiry('2030-01-02T03:04:05.123456789Z');
export const NOW = new Date('2026-11-23T00:00:00Z');

let cached: Record<'root' | 'targets' | 'snapshot' | 'timestamp' | 'extra', PrivateKey> | undefined;

/** One key per role (ECDSA P-256, timestamp Ed25519 like notary-server's local signer), generated once. */
export function keys(): Record<'root' | 'targets' | 'snapshot' | 'timestamp' | 'extra', PrivateKey> {
  cached ??= {
    root: generateKey('ecdsa'),
    targets: generateKey('ecdsa'),
    snapshot: generateKey('ecdsa'),
    timestamp: generateKey('ed25519'),
    extra: generateKey('ecdsa'),
  };
  return cached;
}

export interface Repo {
  root: SignedMetadata<Root>;
  targets: SignedMetadata<Targets>;
  snapshot: SignedMetadata<Snapshot>;
  timestamp: SignedMetadata<Timestamp>;
}

/** A complete, correctly signed repository built with our own builders. */
export function buildRepo(): Repo {
  const k = keys();
  const root = signMetadataWithKeys(
    Root.create({
      expires: EXPIRES,
      roles: {
        root: { keys: [k.root.publicKey] },
        targets: { keys: [k.targets.publicKey] },
        snapshot: { keys: [k.snapshot.publicKey] },
        timestamp: { keys: [k.timestamp.publicKey] },
      },
    }),
    [k.root],
  );
  const targets = signMetadataWithKeys(
    Targets.create({
      expires: EXPIRES,
      targets: [
        ['v1', fileMetaFromBytes(utf8('hello\n'))],
        ['a&b<c>', fileMetaFromBytes(utf8('x'), ['sha256'])],
      ],
    }),
    [k.targets],
  );
  const snapshot = signMetadataWithKeys(
    Snapshot.create({
      expires: EXPIRES,
      meta: [
        ['root', fileMetaFromBytes(root.raw)],
        ['targets', fileMetaFromBytes(targets.raw)],
      ],
    }),
    [k.snapshot],
  );
  const timestamp = signMetadataWithKeys(
    Timestamp.create({ expires: EXPIRES, snapshot: fileMetaFromBytes(snapshot.raw) }),
    [k.timestamp],
  );
  return { root, targets, snapshot, timestamp };
}

/** A plain-JS copy of a file's `signed` object to mutate in tests. */
export function signedCopy(file: SignedMetadata): Record<string, unknown> {
  return JSON.parse(JSON.stringify(file.signed.json)) as Record<string, unknown>;
}

/** Envelope bytes around any `signed` value (JSON.stringify: not canonical, which parsing does not require). */
export function envelope(signed: unknown, signatures: unknown = []): Uint8Array {
  return utf8(JSON.stringify({ signed, signatures }));
}

/** Runs `fn`, expecting a NotaryError with `code` (and `details` containing `details`); returns it. */
export function expectCode(fn: () => unknown, code: NotaryErrorCode, details?: Record<string, unknown>): Error {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toMatchObject({ name: 'NotaryError', code });
  if (details !== undefined) expect((caught as { details: unknown }).details).toMatchObject(details);
  return caught as Error;
}
