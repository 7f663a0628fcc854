// What `doctor` reports: per role health, findings with a stable code, a severity and the fix, and the verdict.
import { firstCertificate, type PublicKey, resolvePublicKey } from '../crypto/index.js';

/** `invalid`: already broken (exit 1). `expiring`: the user must act within the window (exit 6). `info`: no action. */
export type Severity = 'invalid' | 'expiring' | 'info';

/** Stable finding codes (append-only). */
export type FindingCode =
  /** The role's metadata has expired (or would not verify at the time doctor ran). */
  | 'ROLE_EXPIRED'
  /** The role's metadata expires within the warning window and only the user can re-sign it. */
  | 'ROLE_EXPIRING'
  /** Timestamp, or a server-managed snapshot: the server re-signs it, nothing to do. */
  | 'SERVER_RENEWED'
  /** A root certificate has expired or is not valid yet. */
  | 'ROOT_CERT_INVALID'
  /** A root certificate expires within the warning window. */
  | 'ROOT_CERT_EXPIRING'
  /** The role lists fewer keys than its threshold: nothing can ever satisfy it. */
  | 'THRESHOLD_UNREACHABLE'
  /** A delegation failed to verify (bad signatures, hashes, missing metadata). */
  | 'DELEGATION_INVALID'
  /** Fewer of the role's keys are held here or on the server than its threshold: this machine cannot re-sign it. */
  | 'KEYS_NOT_HELD'
  /** Changes are staged in the trust dir but not published. */
  | 'STAGED_CHANGES';

export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly role: string;
  readonly message: string;
  /** The command (or step) that fixes it; empty for `info` findings that need nothing. */
  readonly fix: string;
  /** RFC 3339, for expiry findings. */
  readonly expires?: string;
}

/** Where a private key is: in this trust dir's key store, held by the server, or nowhere we can see. */
export type KeyLocation = 'local' | 'server' | 'nowhere';

export interface KeyHealth {
  readonly id: string;
  /** `ecdsa`, `rsa`, `ed25519`, `ecdsa-x509`, `rsa-x509`. */
  readonly type: string;
  /** Key size in bits (0 when the key cannot be parsed). */
  readonly bits: number;
  readonly held: KeyLocation;
  /** Root keys: the certificate's validity window (RFC 3339). */
  readonly notBefore?: string;
  readonly notAfter?: string;
}

export interface RoleHealth {
  readonly role: string;
  readonly version: number;
  readonly expires: string;
  readonly threshold: number;
  readonly keys: readonly KeyHealth[];
  /** The server re-signs this role by itself (timestamp; snapshot when server-managed). */
  readonly serverRenewed: boolean;
}

export type Verdict = 'healthy' | 'expiring' | 'invalid';

export interface DoctorRepositoryReport {
  readonly gun: string;
  readonly server: string;
  readonly verdict: Verdict;
  readonly roles: readonly RoleHealth[];
  readonly findings: readonly Finding[];
  /** Unpublished changes in the trust dir (`status`). */
  readonly staged: number;
}

export interface DoctorReport {
  readonly verdict: Verdict;
  /** When doctor looked (RFC 3339). */
  readonly checkedAt: string;
  /** The warning window, ms. */
  readonly warnMs: number;
  readonly repositories: readonly DoctorRepositoryReport[];
}

/** The worst severity decides: any invalid → invalid, else any expiring → expiring. */
export function verdictOf(findings: readonly { severity: Severity }[]): Verdict {
  if (findings.some((f) => f.severity === 'invalid')) return 'invalid';
  if (findings.some((f) => f.severity === 'expiring')) return 'expiring';
  return 'healthy';
}

/** Type, size and (for certificates) validity window of a public key; never throws. */
export function describeKey(
  id: string,
  key: PublicKey,
  held: KeyLocation,
): KeyHealth & { cert?: { notBefore: Date; notAfter: Date } } {
  let bits = 0;
  let cert: { notBefore: Date; notAfter: Date } | undefined;
  try {
    if (key.type === 'ecdsa-x509' || key.type === 'rsa-x509') {
      const c = firstCertificate(key.public);
      cert = { notBefore: c.notBefore, notAfter: c.notAfter };
    }
    const r = resolvePublicKey(key);
    if (r !== null) bits = r.kind === 'ed25519' ? 256 : r.bits;
  } catch {
    // an unparseable key is reported with bits 0; verification already judged it
  }
  return {
    id,
    type: key.type,
    bits,
    held,
    ...(cert ? { notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(), cert } : {}),
  };
}
