// Notary's ValidateRoot (trustpinning/certs.go): x509 root keys, chaining from the previous root, pinning, self-signature.
import {
  type Certificate,
  certificatePem,
  type PublicKey,
  parseCertificateChain,
  type RootCertificateBundle,
  validateRootCertificate,
} from '../crypto/index.js';
import { isNotaryError, notaryError } from '../errors.js';
import { type Root, type SignedMetadata, tufKeyId, verifyRole } from '../metadata/index.js';
import { type PinChecker, TOFU } from './trust-pinning.js';

export interface RootValidationOptions {
  readonly gun: string;
  readonly now: Date;
  /** The currently trusted root: the new one must carry its root threshold of signatures by its root certificates. */
  readonly previous?: Root | undefined;
  /** Trust pinning for this root (first bootstrap); default TOFU. */
  readonly pin?: PinChecker | undefined;
}

/** The outcome: the root key IDs (as the new root lists them) whose signatures verified. */
export interface RootValidation {
  readonly signedBy: ReadonlySet<string>;
}

type KeyMap = Map<string, PublicKey>;

function bundleKey(b: { keyType: RootCertificateBundle['keyType']; pem: Uint8Array }): [string, PublicKey] {
  const key: PublicKey = { type: b.keyType, public: b.pem };
  return [tufKeyId(key), key];
}

/**
 * Validates a root file's signatures and certificates as Notary's `ValidateRoot` does; version and expiry are the
 * caller's (TrustedSet's) business.
 *
 * 1. The new root's root-role keys that are usable certificate bundles (one leaf, first; CN matches the GUN;
 *    not expired; no SHA-1; RSA ≥ 2048) become candidate anchors, keyed by the ID of Go's re-encoding of leaf +
 *    valid intermediates. Other keys are ignored, as in Notary; none usable → BAD_CERTIFICATE.
 * 2. With a previous root: its root certificates (CN must match, expiry NOT checked: they were trusted already)
 *    must provide the previous root threshold of valid signatures → else ROOT_ROTATION_FAILED.
 * 3. Trust pinning keeps the candidates the pin accepts; none → PINNING_FAILED.
 * 4. The kept candidates must provide the new root's own root threshold → else THRESHOLD_NOT_MET.
 *
 * @throws NotaryError BAD_CERTIFICATE, ROOT_ROTATION_FAILED, PINNING_FAILED, THRESHOLD_NOT_MET
 */
export function validateRoot(file: SignedMetadata<Root>, options: RootValidationOptions): RootValidation {
  const { gun, now } = options;
  const root = file.signed;
  const rootRole = root.baseRole('root');

  // Step 1: Notary's parseAllCerts + validRootLeafCerts(checkExpiry=true) + validRootIntCerts.
  const candidates: { id: string; key: PublicKey; bundle: RootCertificateBundle }[] = [];
  for (const id of rootRole.keyIds) {
    const listed = root.keys.get(id);
    if (listed === undefined || (listed.type !== 'ecdsa-x509' && listed.type !== 'rsa-x509')) continue;
    let bundle: RootCertificateBundle;
    try {
      bundle = validateRootCertificate(listed.public, { gun, now, checkExpiry: true });
    } catch (e) {
      if (isNotaryError(e, 'BAD_CERTIFICATE')) continue;
      throw e;
    }
    const [kid, key] = bundleKey(bundle);
    candidates.push({ id: kid, key, bundle });
  }
  if (candidates.length === 0) {
    throw notaryError('BAD_CERTIFICATE', `root for ${gun} has no valid root certificate`, {
      details: { gun, role: 'root', version: root.version, reason: 'no-valid-leaf' },
    });
  }

  // Step 2: chain of trust from the previous root (its threshold, its certificates).
  if (options.previous !== undefined) {
    const prev = options.previous;
    const trusted = previousRootKeys(prev, gun, now);
    if (trusted.size === 0) {
      throw notaryError(
        'ROOT_ROTATION_FAILED',
        `the trusted root v${prev.version} of ${gun} has no usable certificate`,
        {
          details: { gun, role: 'root', trustedVersion: prev.version, version: root.version },
        },
      );
    }
    const threshold = prev.baseRole('root').threshold;
    try {
      verifyRole({ name: 'root', keyIds: [...trusted.keys()], threshold }, trusted, file);
    } catch (cause) {
      if (!isNotaryError(cause, 'THRESHOLD_NOT_MET')) throw cause;
      throw notaryError(
        'ROOT_ROTATION_FAILED',
        `root v${root.version} of ${gun} is not signed by the threshold (${threshold}) of trusted root v${prev.version}`,
        { cause, details: { gun, role: 'root', trustedVersion: prev.version, version: root.version, threshold } },
      );
    }
  }

  // Step 3: trust pinning (TOFU accepts everything).
  const pin = options.pin ?? TOFU;
  const pinned: KeyMap = new Map();
  for (const c of candidates) if (pin.accepts(c.bundle)) pinned.set(c.id, c.key);
  if (pinned.size === 0) {
    throw notaryError('PINNING_FAILED', `no root certificate of ${gun} matches the trust pinning config`, {
      details: { gun, mode: pin.mode, matched: pin.matched, reason: 'no-match' },
    });
  }

  // Step 4: the root's own threshold over the surviving certificates.
  const signedBy = verifyRole(
    { name: 'root', keyIds: [...pinned.keys()], threshold: rootRole.threshold },
    pinned,
    file,
  );
  return { signedBy };
}

/**
 * The previous root's anchors as Notary rebuilds them (`CertsToKeys(trustedLeafCerts, allTrustedIntCerts)`): the
 * leaf (CN matching, validity NOT checked) plus every CA certificate of its bundle, expired or not.
 */
function previousRootKeys(prev: Root, gun: string, now: Date): KeyMap {
  const out: KeyMap = new Map();
  for (const id of prev.baseRole('root').keyIds) {
    const listed = prev.keys.get(id);
    if (listed === undefined || (listed.type !== 'ecdsa-x509' && listed.type !== 'rsa-x509')) continue;
    let leaf: Certificate;
    let all: Certificate[];
    try {
      leaf = validateRootCertificate(listed.public, { gun, now, checkExpiry: false }).leaf;
      all = parseCertificateChain(listed.public);
    } catch (e) {
      if (isNotaryError(e, 'BAD_CERTIFICATE')) continue;
      throw e;
    }
    const pem = certificatePem([leaf.der, ...all.filter((c) => c.isCA).map((c) => c.der)]);
    const [kid, key] = bundleKey({ keyType: leaf.keyAlgorithm === 'rsa' ? 'rsa-x509' : 'ecdsa-x509', pem });
    out.set(kid, key);
  }
  return out;
}
