// X.509 for Notary roots: PEM chains in and out (Go's exact encoding), Notary's root certificate rules, chains to a CA.
import { bytesEqual } from '../encoding/bytes.js';
import { utf8 } from '../encoding/utf8.js';
import { isNotaryError, type NotaryError, notaryError } from '../errors.js';
import { encodePem, pemBlocks } from './pem.js';
import { type Certificate, parseCertificate, X509_OID } from './x509-parse.js';

export { type Certificate, type CertificateKeyAlgorithm, checkSignature, parseCertificate } from './x509-parse.js';

/** Why a certificate was refused: `details.reason` of every BAD_CERTIFICATE error raised here. */
export type CertificateProblem =
  | 'malformed'
  | 'unsupported-key'
  | 'no-certificates'
  | 'not-a-certificate'
  | 'leaf-count'
  | 'leaf-not-first'
  | 'common-name-mismatch'
  | 'invalid-validity-window'
  | 'sha1-signature'
  | 'weak-signature'
  | 'rsa-key-too-small'
  | 'expired'
  | 'not-yet-valid'
  | 'no-chain';

/** Notary's `MinRSABitSize`. */
export const MIN_RSA_BITS = 2048;
const DAY_MS = 24 * 60 * 60 * 1000;

function problem(reason: CertificateProblem, message: string, details: Record<string, unknown> = {}): NotaryError {
  return notaryError('BAD_CERTIFICATE', message, { details: { reason, ...details } });
}

/**
 * Parses a PEM bundle of certificates, in order (Go's `LoadCertBundleFromPEM`): every block must be a CERTIFICATE.
 * @throws NotaryError BAD_CERTIFICATE (`no-certificates`, `not-a-certificate`, `malformed`, `unsupported-key`)
 */
export function parseCertificateChain(pemBytes: Uint8Array): Certificate[] {
  const blocks = pemBlocks(pemBytes);
  if (blocks.length === 0) throw problem('no-certificates', 'no certificates found in pem data');
  return blocks.map((b) => {
    if (b.type !== 'CERTIFICATE') {
      throw problem('not-a-certificate', `invalid pem block type: ${b.type}`, { type: b.type });
    }
    return parseCertificate(b.bytes);
  });
}

/**
 * The first usable certificate of a PEM text, as Go's `LoadCertFromPEM` picks it for canonical key IDs: blocks of
 * another type, with headers, or that do not parse are skipped.
 * @throws NotaryError BAD_CERTIFICATE (`no-certificates`) when none is usable
 */
export function firstCertificate(pemBytes: Uint8Array): Certificate {
  for (const b of pemBlocks(pemBytes)) {
    if (b.type !== 'CERTIFICATE' || b.headerCount !== 0) continue;
    try {
      return parseCertificate(b.bytes);
    } catch (e) {
      if (!isNotaryError(e, 'BAD_CERTIFICATE')) throw e;
    }
  }
  throw problem('no-certificates', 'no certificates found in pem data');
}

/**
 * PEM text of DER certificates exactly as Go's `pem.Encode` loop writes a chain (`CertChainToPEM`): 64-column
 * base64, LF line ends, a trailing newline after each END line. Key IDs of x509 keys hash these bytes.
 */
export function certificatePem(ders: readonly Uint8Array[]): Uint8Array {
  return utf8(ders.map((d) => encodePem('CERTIFICATE', d)).join(''));
}

/**
 * Notary's `MatchCNToGun`: equal, or the CN ends in `*` and, all trailing `*` removed, is a prefix of the GUN.
 */
export function matchCommonNameToGun(commonName: string, gun: string): boolean {
  if (commonName.endsWith('*')) return gun.startsWith(commonName.replace(/\*+$/, ''));
  return commonName === gun;
}

/**
 * Notary's `ValidateCertificate`: a sane validity window, no SHA-1 signature (nor MD2/MD5, which Go lets through),
 * RSA keys of at least 2048 bits, and, when `now` is given, not expired (`now > notAfter`) nor issued more than
 * a day ahead (`notBefore > now + 1 day`).
 * @throws NotaryError BAD_CERTIFICATE with `details.reason`
 */
export function checkCertificate(cert: Certificate, now?: Date): void {
  const cn = cert.commonName;
  if (cert.notBefore.getTime() > cert.notAfter.getTime()) {
    throw problem('invalid-validity-window', `certificate with cn ${cn} has an invalid validity window`, { cn });
  }
  if (cert.usesSha1) {
    throw problem('sha1-signature', `certificate with cn ${cn} uses a sha1 signature`, {
      cn,
      signatureAlgorithm: cert.signatureAlgorithmName,
    });
  }
  if (cert.usesWeakHash) {
    throw problem('weak-signature', `certificate with cn ${cn} uses a broken signature hash`, {
      cn,
      signatureAlgorithm: cert.signatureAlgorithmName,
    });
  }
  if (cert.keyAlgorithm === 'rsa' && (cert.rsaBits ?? 0) < MIN_RSA_BITS) {
    throw problem('rsa-key-too-small', `certificate with cn ${cn} has a ${cert.rsaBits}-bit rsa key`, {
      cn,
      bits: cert.rsaBits,
    });
  }
  if (now) {
    const t = now.getTime();
    // Only when it is needed: V8's first toISOString() loads the host time zone through ICU (~2 ms, every run).
    const window = () => ({ cn, notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString() });
    if (t > cert.notAfter.getTime()) throw problem('expired', `certificate with cn ${cn} has expired`, window());
    if (cert.notBefore.getTime() > t + DAY_MS) {
      throw problem('not-yet-valid', `certificate with cn ${cn} is not valid yet`, window());
    }
  }
}

/** `checkCertificate` as a predicate. */
export function isCertificateAcceptable(cert: Certificate, now?: Date): boolean {
  try {
    checkCertificate(cert, now);
    return true;
  } catch (e) {
    if (isNotaryError(e, 'BAD_CERTIFICATE')) return false;
    throw e;
  }
}

export interface ValidateRootOptions {
  /** The repository's GUN; the leaf's CN must match it. */
  readonly gun: string;
  /** The injected clock. */
  readonly now: Date;
  /** Check the leaf's validity period (default true; Notary skips it for the already trusted previous root). */
  readonly checkExpiry?: boolean;
}

/** A root key's certificate bundle that passed Notary's rules. */
export interface RootCertificateBundle {
  readonly leaf: Certificate;
  /** The bundle's CA certificates that pass `checkCertificate` at `now` (Notary drops the others silently). */
  readonly intermediates: readonly Certificate[];
  /** Go's re-encoding of leaf + intermediates (`CertBundleToKey`): root signatures name the TUF id of this key. */
  readonly pem: Uint8Array;
  readonly keyType: 'ecdsa-x509' | 'rsa-x509';
}

/**
 * Applies Notary's `ValidateRoot` rules to one root key's PEM bundle: exactly one non-CA (leaf) certificate and it
 * comes first; its CN matches the GUN (`matchCommonNameToGun`); `checkCertificate` passes (with expiry unless
 * `checkExpiry` is false); its key is ECDSA or RSA.
 * @throws NotaryError BAD_CERTIFICATE with `details.reason` (a `CertificateProblem`)
 */
export function validateRootCertificate(pemBytes: Uint8Array, options: ValidateRootOptions): RootCertificateBundle {
  const certs = parseCertificateChain(pemBytes);
  const leaves = certs.filter((c) => !c.isCA);
  if (leaves.length !== 1) {
    throw problem('leaf-count', `root certificate bundle has ${leaves.length} leaf certificates, want 1`, {
      leaves: leaves.length,
    });
  }
  const leaf = leaves[0] as Certificate;
  if (certs[0] !== leaf) throw problem('leaf-not-first', 'root certificate bundle does not start with its leaf');
  if (!matchCommonNameToGun(leaf.commonName, options.gun)) {
    throw problem('common-name-mismatch', `root certificate cn ${leaf.commonName} does not match gun ${options.gun}`, {
      cn: leaf.commonName,
      gun: options.gun,
    });
  }
  checkCertificate(leaf, options.checkExpiry === false ? undefined : options.now);
  if (leaf.keyAlgorithm === 'ed25519') {
    throw problem('unsupported-key', 'root certificates must hold an ecdsa or rsa key', { cn: leaf.commonName });
  }
  const intermediates = certs.filter((c) => c.isCA && isCertificateAcceptable(c, options.now));
  return {
    leaf,
    intermediates,
    pem: certificatePem([leaf.der, ...intermediates.map((c) => c.der)]),
    keyType: leaf.keyAlgorithm === 'rsa' ? 'rsa-x509' : 'ecdsa-x509',
  };
}

export interface ChainOptions {
  /**
   * The extended key usage every certificate of the chain must allow when it lists any (anyExtendedKeyUsage
   * always passes). Default serverAuth, which is what Go's `x509.Verify` demands when Notary calls it without
   * options; `null` skips the check.
   */
  readonly extKeyUsage?: string | null;
}

const MAX_CHAIN = 10;

/**
 * Finds a chain from `leaf` through `intermediates` to one of `roots` valid at `now`, as Go's `Certificate.Verify`
 * does for Notary's CA trust pinning: every certificate in its validity period (no leeway), each issuer allowed
 * to sign (`verifiedBy`), path length limits, no unknown critical extension, and the extended key usage rule.
 * Filter `roots` with `checkCertificate` first, as Notary does with a pinned CA file.
 * @returns the chain, leaf first, root last
 * @throws NotaryError BAD_CERTIFICATE (`no-chain`)
 */
export function verifyCertificateChain(
  leaf: Certificate,
  intermediates: readonly Certificate[],
  roots: readonly Certificate[],
  now: Date,
  options: ChainOptions = {},
): Certificate[] {
  const eku = options.extKeyUsage === undefined ? X509_OID.serverAuth : options.extKeyUsage;
  const t = now.getTime();
  const usable = (c: Certificate): boolean =>
    c.notBefore.getTime() <= t && t <= c.notAfter.getTime() && c.unhandledCriticalExtensions.length === 0;
  const ekuOk = (chain: Certificate[]): boolean =>
    eku === null ||
    chain.every(
      (c) =>
        c.extKeyUsage.length === 0 ||
        c.extKeyUsage.includes(X509_OID.anyExtendedKeyUsage) ||
        c.extKeyUsage.includes(eku),
    );
  const canIssue = (issuer: Certificate, chain: Certificate[]): boolean =>
    usable(issuer) && (issuer.maxPathLen < 0 || chain.length - 1 <= issuer.maxPathLen);

  const search = (chain: Certificate[]): Certificate[] | undefined => {
    const current = chain[chain.length - 1] as Certificate;
    for (const root of roots) {
      const candidate = bytesEqual(root.der, current.der)
        ? chain
        : current.verifiedBy(root) && canIssue(root, chain)
          ? [...chain, root]
          : undefined;
      if (candidate && ekuOk(candidate)) return candidate;
    }
    if (chain.length >= MAX_CHAIN) return undefined;
    for (const next of intermediates) {
      if (chain.some((c) => bytesEqual(c.der, next.der))) continue;
      if (!current.verifiedBy(next) || !canIssue(next, chain)) continue;
      const found = search([...chain, next]);
      if (found) return found;
    }
    return undefined;
  };

  const chain = usable(leaf) ? search([leaf]) : undefined;
  if (!chain) {
    throw problem('no-chain', `no valid certificate chain from cn ${leaf.commonName} to a trusted ca`, {
      cn: leaf.commonName,
    });
  }
  return chain;
}
