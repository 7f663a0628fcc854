// TUF key IDs (what metadata names keys by) and canonical key IDs (what key files are named by), as Notary computes them.
import { canonicalBytes } from '../canonical/index.js';
import { sha256 } from '../crypto/hash.js';
import { exportSpki } from '../crypto/spki.js';
import type { PublicKey } from '../crypto/types.js';
import { firstCertificate } from '../crypto/x509.js';
import { toBase64 } from '../encoding/base64.js';
import { toHex } from '../encoding/hex.js';

/**
 * Notary's `TUFKey.ID`: hex SHA-256 of the canonical JSON `{"keytype":T,"keyval":{"private":null,"public":b64}}`.
 * For x509 keys the pre-image holds the PEM text itself, so the ID depends on its exact bytes.
 */
export function tufKeyId(key: PublicKey): string {
  const preimage = canonicalBytes({ keytype: key.type, keyval: { private: null, public: toBase64(key.public) } });
  return toHex(sha256(preimage));
}

/**
 * Notary's `utils.CanonicalKeyID`: for `ecdsa-x509`/`rsa-x509` keys the TUF ID of the bare key
 * (`ecdsa`/`rsa`, DER SPKI of the first certificate as Go re-marshals it); for other keys the TUF ID.
 * Private key files and `key list` use this ID; root.json and delegations use `tufKeyId`.
 * @throws NotaryError BAD_CERTIFICATE when an x509 key holds no usable certificate
 */
export function canonicalKeyId(key: PublicKey): string {
  switch (key.type) {
    case 'ecdsa-x509':
    case 'rsa-x509': {
      const cert = firstCertificate(key.public);
      // Go types the bare key by the keytype, not by the certificate's algorithm.
      const type = key.type === 'ecdsa-x509' ? 'ecdsa' : 'rsa';
      return tufKeyId({ type, public: exportSpki(cert.publicKey) });
    }
    default:
      return tufKeyId(key);
  }
}
