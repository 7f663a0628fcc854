// Notary's certificate check on delegation keys (tuf.Repo.GetDelegationRole): x509 keys must be sane certificates.
import { checkCertificate, firstCertificate, type PublicKey } from '../crypto/index.js';
import { isNotaryError, notaryError } from '../errors.js';
import type { DelegationRole } from '../metadata/index.js';

/**
 * For each `*-x509` key of `role`: the first certificate, if any parses, must pass `checkCertificate` without an
 * expiry check (Notary: "don't check the delegation certificate expiry once added, use the TUF role expiry
 * instead"). A key whose PEM holds no usable certificate is skipped, as in Notary.
 * @throws NotaryError DELEGATION_INVALID (details: role, keyId, reason)
 */
export function checkDelegationKeys(role: DelegationRole, keys: ReadonlyMap<string, PublicKey>): void {
  for (const id of role.keyIds) {
    const key = keys.get(id);
    if (key === undefined || (key.type !== 'ecdsa-x509' && key.type !== 'rsa-x509')) continue;
    let cert: ReturnType<typeof firstCertificate>;
    try {
      cert = firstCertificate(key.public);
    } catch (e) {
      if (isNotaryError(e, 'BAD_CERTIFICATE')) continue;
      throw e;
    }
    try {
      checkCertificate(cert);
    } catch (cause) {
      if (!isNotaryError(cause, 'BAD_CERTIFICATE')) throw cause;
      throw notaryError('DELEGATION_INVALID', `${role.name} key ${id} holds an unacceptable certificate`, {
        cause,
        details: { role: role.name, keyId: id, reason: cause.details['reason'] },
      });
    }
  }
}
