// Notary's trust pinning (trustpinning/trustpin.go): which root certificates a first-time client may trust for a GUN.
import { readFileSync } from 'node:fs';
import type { TrustPinning } from '../connection/config.js';
import {
  type Certificate,
  isCertificateAcceptable,
  parseCertificateChain,
  type RootCertificateBundle,
  verifyCertificateChain,
} from '../crypto/index.js';
import { isNotaryError, notaryError } from '../errors.js';
import { tufKeyId } from '../metadata/key-id.js';

/** Which rule of the pinning config applies to a GUN, in Notary's priority order. */
export type PinMode = 'certs' | 'certs-wildcard' | 'ca' | 'tofu';

/**
 * Decides whether one validated root certificate bundle (leaf + valid intermediates) is acceptable as a trust
 * anchor. Pure: CA files are already loaded when the checker is made.
 */
export interface PinChecker {
  readonly mode: PinMode;
  /** The config key that matched (`gun`, `prefix*` or a CA prefix); `undefined` for TOFU. */
  readonly matched: string | undefined;
  accepts(bundle: RootCertificateBundle): boolean;
}

export interface PinCheckerOptions {
  /** No root is cached for this GUN: `disable_tofu` applies only then (Notary's `firstBootstrap`). */
  readonly firstBootstrap: boolean;
  /** Clock for CA validity and chain building. */
  readonly now: Date;
  /** Reads a CA bundle file (default `fs.readFileSync`); injectable for tests. */
  readonly readFile?: (path: string) => Uint8Array;
}

/** The checker that accepts any certificate: what a cached root implies (the cache itself pins trust). */
export const TOFU: PinChecker = Object.freeze({ mode: 'tofu', matched: undefined, accepts: () => true });

/**
 * Builds the checker for `gun` in Notary's order: `certs[gun]` exactly; else the longest `certs["prefix*"]`
 * whose prefix starts the GUN; else the CA file of the longest `ca` prefix of the GUN (the leaf must chain to
 * one of its valid certificates, through the bundle's intermediates); else TOFU, refused when `disableTofu` is set
 * and nothing is cached yet.
 * @throws NotaryError PINNING_FAILED when TOFU is disabled on first use, or the CA file is unreadable or holds no
 *   valid certificate
 */
export function createPinChecker(pinning: TrustPinning, gun: string, options: PinCheckerOptions): PinChecker {
  const exact = Object.hasOwn(pinning.certs, gun) ? pinning.certs[gun] : undefined;
  if (exact !== undefined) return certsChecker('certs', gun, exact);

  // Longest `prefix*` wins; Go compares lengths strictly, and two distinct keys of equal length cannot both match.
  let best: string | undefined;
  for (const key of Object.keys(pinning.certs)) {
    if (!key.endsWith('*') || !gun.startsWith(key.slice(0, -1))) continue;
    if (best === undefined || key.length > best.length) best = key;
  }
  if (best !== undefined) return certsChecker('certs-wildcard', best, pinning.certs[best] ?? []);

  let caPrefix: string | undefined;
  for (const prefix of Object.keys(pinning.ca)) {
    if (gun.startsWith(prefix) && (caPrefix === undefined || prefix.length >= caPrefix.length)) caPrefix = prefix;
  }
  if (caPrefix !== undefined) return caChecker(caPrefix, pinning.ca[caPrefix] as string, gun, options);

  if (pinning.disableTofu && options.firstBootstrap) {
    throw notaryError('PINNING_FAILED', `trust on first use is disabled and nothing pins ${gun}`, {
      details: { gun, reason: 'tofu-disabled' },
    });
  }
  return TOFU;
}

function certsChecker(mode: PinMode, matched: string, ids: readonly string[]): PinChecker {
  const allowed = new Set(ids.map((id) => id.toLowerCase()));
  return {
    mode,
    matched,
    // Notary's certsCheck: the TUF ID of Go's re-encoding of leaf + valid intermediates (`CertBundleToKey`).
    accepts: (bundle) => allowed.has(tufKeyId({ type: bundle.keyType, public: bundle.pem })),
  };
}

function caChecker(prefix: string, file: string, gun: string, options: PinCheckerOptions): PinChecker {
  const read = options.readFile ?? ((p: string) => new Uint8Array(readFileSync(p)));
  let certs: Certificate[];
  try {
    certs = parseCertificateChain(read(file));
  } catch (cause) {
    throw notaryError('PINNING_FAILED', `could not load the pinned ca bundle for ${gun}`, {
      cause,
      details: { gun, prefix, file, reason: 'ca-unreadable' },
    });
  }
  // Notary drops CA certificates that fail ValidateCertificate (expired, SHA-1, short RSA) and errors if none is left.
  const roots = certs.filter((c) => isCertificateAcceptable(c, options.now));
  if (roots.length === 0) {
    throw notaryError('PINNING_FAILED', `the pinned ca bundle for ${gun} holds no valid certificate`, {
      details: { gun, prefix, file, reason: 'ca-invalid' },
    });
  }
  return {
    mode: 'ca',
    matched: prefix,
    accepts(bundle) {
      try {
        verifyCertificateChain(bundle.leaf, bundle.intermediates, roots, options.now);
        return true;
      } catch (e) {
        if (isNotaryError(e, 'BAD_CERTIFICATE')) return false;
        throw e;
      }
    },
  };
}
