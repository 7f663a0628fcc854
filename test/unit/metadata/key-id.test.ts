import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/canonical/index.js';
import { encodePem } from '../../../src/crypto/pem.js';
import { createRootCertificate } from '../../../src/crypto/root-cert.js';
import { generateKey } from '../../../src/crypto/sign.js';
import type { KeyType, PublicKey } from '../../../src/crypto/types.js';
import { fromBase64 } from '../../../src/encoding/base64.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { isNotaryError } from '../../../src/errors.js';
import { canonicalKeyId, tufKeyId } from '../../../src/metadata/key-id.js';
import { GO_ROOT_CANONICAL_ID, GO_ROOT_JSON, GO_ROOT_TUF_ID } from '../crypto/go-fixture.js';

type WireKeys = Record<string, { keytype: KeyType; keyval: { public: string } }>;

function goKeys(): Array<[string, PublicKey]> {
  const root = parseJson(GO_ROOT_JSON) as { signed: { keys: WireKeys } };
  return Object.entries(root.signed.keys).map(([id, k]) => [
    id,
    { type: k.keytype, public: fromBase64(k.keyval.public) },
  ]);
}

describe('tufKeyId', () => {
  it('matches the fact-sheet vector (private:null is part of the pre-image)', () => {
    const key: PublicKey = { type: 'ed25519', public: fromBase64('Rjn49Ws2MaWAN2sY5w2k1AH38b/TAJcyEdbrPsMRVeI=') };
    expect(tufKeyId(key)).toBe('dc493bd42dd78fffc2082fdf5c54db6e61b39a5521f14f72095e67ba74c5261d');
  });

  it('reproduces every key ID of a root.json written by the Go CLI, x509 included', () => {
    const keys = goKeys();
    expect(keys.map(([, k]) => k.type).sort()).toEqual(['ecdsa', 'ecdsa', 'ecdsa-x509', 'ed25519']);
    for (const [id, key] of keys) expect(tufKeyId(key)).toBe(id);
  });

  it('depends on the keytype and on every byte of the PEM text', () => {
    const [, x509] = goKeys().find(([id]) => id === GO_ROOT_TUF_ID)!;
    expect(tufKeyId({ type: 'rsa-x509', public: x509.public })).not.toBe(GO_ROOT_TUF_ID);
    const crlf = utf8(Buffer.from(x509.public).toString().replace(/\n/g, '\r\n'));
    expect(tufKeyId({ type: 'ecdsa-x509', public: crlf })).not.toBe(GO_ROOT_TUF_ID);
  });
});

describe('canonicalKeyId', () => {
  it('maps the Go root certificate key to the name of its private key file', () => {
    const [, x509] = goKeys().find(([id]) => id === GO_ROOT_TUF_ID)!;
    expect(canonicalKeyId(x509)).toBe(GO_ROOT_CANONICAL_ID);
    // The PEM formatting does not matter for the canonical ID.
    const crlf = utf8(Buffer.from(x509.public).toString().replace(/\n/g, '\r\n'));
    expect(canonicalKeyId({ type: 'ecdsa-x509', public: crlf })).toBe(GO_ROOT_CANONICAL_ID);
  });

  it('is the TUF id for non-x509 keys', () => {
    for (const [id, key] of goKeys()) if (key.type !== 'ecdsa-x509') expect(canonicalKeyId(key)).toBe(id);
  });

  it('equals the TUF id of the bare key that signed the certificate', () => {
    const key = generateKey('ecdsa');
    const cert = createRootCertificate(key, 'example.com/k', new Date());
    expect(canonicalKeyId({ type: 'ecdsa-x509', public: cert })).toBe(tufKeyId(key.publicKey));
    expect(tufKeyId({ type: 'ecdsa-x509', public: cert })).not.toBe(tufKeyId(key.publicKey));
  });

  it('raises BAD_CERTIFICATE when an x509 key holds no certificate', () => {
    let err: unknown;
    try {
      canonicalKeyId({ type: 'ecdsa-x509', public: utf8(encodePem('PUBLIC KEY', new Uint8Array(3))) });
    } catch (e) {
      err = e;
    }
    expect(isNotaryError(err, 'BAD_CERTIFICATE')).toBe(true);
  });
});
