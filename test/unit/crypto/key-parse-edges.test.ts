// Edge cases of reading public keys and PEM blocks that the mutation run of src/crypto (SPEC §7.8, "src/crypto
// (verify half) survivors") showed untested: error codes and details, which PEM block counts, Go's PEM line rules.
import { createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256, sha512 } from '../../../src/crypto/hash.js';
import { encodePem, pemBlocks } from '../../../src/crypto/pem.js';
import {
  defaultEncoding,
  publicKeyFromSpki,
  resolvedKeyCacheSize,
  resolvePublicKey,
  spkiBytes,
} from '../../../src/crypto/public-key.js';
import { createRootCertificate } from '../../../src/crypto/root-cert.js';
import { generateKey } from '../../../src/crypto/sign.js';
import { classify, ed25519Spki, resolveSpki } from '../../../src/crypto/spki.js';
import { verifySignature } from '../../../src/crypto/verify.js';
import { fromBase64 } from '../../../src/encoding/base64.js';
import { toHex } from '../../../src/encoding/hex.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { isNotaryError } from '../../../src/errors.js';
import { testKey } from './cert-builder.js';

function spki(k: KeyObject): Uint8Array {
  const pub = k.type === 'public' ? k : createPublicKey(k);
  return new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
}

/** `code` and `details` of the NotaryError `fn` throws (or what else it threw / returned). */
function failure(fn: () => unknown): { code: string; details?: Record<string, unknown> } {
  try {
    return { code: `returned ${String(fn())}` };
  } catch (e) {
    if (isNotaryError(e)) return { code: e.code, details: e.details };
    return { code: `threw ${String(e)}` };
  }
}

describe('resolveSpki / classify', () => {
  it('names the curve it refuses in details.curve', () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey;
    expect(failure(() => resolveSpki(spki(k)))).toEqual({ code: 'UNSUPPORTED_KEY', details: { curve: 'secp256k1' } });
  });

  it('names the algorithm it refuses in details.algorithm (also RSASSA-PSS-only keys, as Go)', () => {
    const others: Array<[KeyObject, string]> = [
      [generateKeyPairSync('ed448').publicKey, 'ed448'],
      [generateKeyPairSync('x25519').publicKey, 'x25519'],
      [generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey, 'rsa-pss'],
    ];
    for (const [k, algorithm] of others) {
      expect(failure(() => resolveSpki(spki(k)))).toEqual({ code: 'UNSUPPORTED_KEY', details: { algorithm } });
      expect(failure(() => classify(k)).code).toBe('UNSUPPORTED_KEY');
    }
  });

  it('classifies each supported kind with its curve and size', () => {
    expect(resolveSpki(spki(testKey('ec-P-384')))).toMatchObject({ kind: 'ecdsa', curve: 'P-384', bits: 384 });
    expect(resolveSpki(spki(testKey('ec-P-521')))).toMatchObject({ kind: 'ecdsa', curve: 'P-521', bits: 521 });
    expect(resolveSpki(spki(testKey('rsa-2048')))).toMatchObject({ kind: 'rsa', bits: 2048 });
    expect(resolveSpki(spki(testKey('ed25519'))).kind).toBe('ed25519');
    expect(failure(() => resolveSpki(utf8('not der'))).code).toBe('UNSUPPORTED_KEY');
  });

  it("a DER that node:crypto cannot read is UNSUPPORTED_KEY with node:crypto's error as the cause", () => {
    try {
      resolveSpki(utf8('not der'));
      expect.unreachable();
    } catch (e) {
      expect(isNotaryError(e, 'UNSUPPORTED_KEY') && e.cause instanceof Error).toBe(true);
    }
  });

  it('ed25519Spki wraps exactly 32 bytes', () => {
    const raw = spki(testKey('ed25519')).subarray(12);
    expect(ed25519Spki(raw)).toEqual(spki(testKey('ed25519')));
    expect(failure(() => ed25519Spki(new Uint8Array(33))).code).toBe('UNSUPPORTED_KEY');
  });
});

describe('spkiBytes and resolvePublicKey', () => {
  const ec = generateKey('ecdsa');
  const certPem = createRootCertificate(ec, 'example.com/k', new Date());
  const certDer = pemBlocks(certPem)[0]!.bytes;

  it('reads der and raw as given, and each key type has its natural encoding', () => {
    expect(spkiBytes(ec.publicKey, 'der')).toBe(ec.publicKey.public);
    const raw = spki(testKey('ed25519')).subarray(12);
    expect(spkiBytes({ type: 'ed25519', public: raw }, 'raw')).toEqual(spki(testKey('ed25519')));
    expect((['ecdsa', 'rsa', 'ed25519', 'ecdsa-x509', 'rsa-x509'] as const).map((t) => defaultEncoding(t))).toEqual([
      'der',
      'der',
      'raw',
      'cert',
      'cert',
    ]);
  });

  it('pem: no block at all is UNSUPPORTED_KEY', () => {
    expect(failure(() => spkiBytes({ type: 'rsa', public: utf8('no pem here') }, 'pem')).code).toBe('UNSUPPORTED_KEY');
  });

  it('cert: the first block must be a CERTIFICATE, even when another block holds a certificate', () => {
    expect(spkiBytes({ type: 'ecdsa-x509', public: certPem }, 'cert')).toEqual(ec.publicKey.public);
    const relabelled = utf8(encodePem('PUBLIC KEY', certDer));
    const noBlock = utf8('no pem here');
    for (const pub of [relabelled, noBlock]) {
      expect(failure(() => spkiBytes({ type: 'ecdsa-x509', public: pub }, 'cert')).code).toBe('BAD_CERTIFICATE');
      expect(resolvePublicKey({ type: 'ecdsa-x509', public: pub })).toBeNull();
    }
    expect(resolvePublicKey({ type: 'ecdsa-x509', public: certPem })).toMatchObject({ kind: 'ecdsa', curve: 'P-256' });
  });

  it('the resolved-key cache is bounded at 1,024 entries, oldest out first', () => {
    for (let i = 0; i < 1100; i++) {
      const pub = new Uint8Array(32).fill(0x5a);
      new DataView(pub.buffer).setUint32(0, i);
      resolvePublicKey({ type: 'ed25519', public: pub });
    }
    expect(resolvedKeyCacheSize()).toBe(1024);
  });

  it('publicKeyFromSpki turns every kind into its metadata form', () => {
    const ed = spki(testKey('ed25519'));
    expect(publicKeyFromSpki(ed)).toEqual({ type: 'ed25519', public: ed.subarray(12) });
    expect(publicKeyFromSpki(spki(testKey('ec-P-384')))).toEqual({ type: 'ecdsa', public: spki(testKey('ec-P-384')) });
  });
});

describe('pemBlocks follows Go pem.Decode line rules', () => {
  const body = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const b64 = Buffer.from(body).toString('base64');

  it('a BEGIN line may end in spaces and tabs; a BEGIN line without closing dashes is skipped', () => {
    expect(pemBlocks(utf8(`-----BEGIN X----- \t\n${b64}\n-----END X-----\n`))).toEqual([
      { type: 'X', headerCount: 0, bytes: body },
    ]);
    const text = `-----BEGIN BROKEN\nnoise\n-----BEGIN Y-----\n${b64}\n-----END Y-----\n`;
    expect(pemBlocks(utf8(text))).toEqual([{ type: 'Y', headerCount: 0, bytes: body }]);
  });

  it('BEGIN only counts at the start of a line', () => {
    expect(pemBlocks(utf8(`x-----BEGIN X-----\n${b64}\n-----END X-----\n`))).toEqual([]);
    expect(pemBlocks(utf8(`x\n-----BEGIN X-----\n${b64}\n-----END X-----\n`))).toHaveLength(1);
  });

  it('an END line before the BEGIN line does not end the block', () => {
    const f = failure(() => pemBlocks(utf8('-----END X-----\n-----BEGIN X-----')));
    expect(f).toEqual({ code: 'BAD_CERTIFICATE', details: { reason: 'malformed' } });
  });

  it('the END line must start a line', () => {
    const f = failure(() => pemBlocks(utf8(`-----BEGIN X-----\n${b64}-----END X-----\n`)));
    expect(f).toEqual({ code: 'BAD_CERTIFICATE', details: { reason: 'malformed' } });
  });

  it('reads consecutive blocks, an empty block, and spaces or tabs inside base64 lines', () => {
    const spaced = `${b64.slice(0, 4)} \t${b64.slice(4)}`;
    const text = `-----BEGIN A-----\n-----END A-----\n-----BEGIN B-----\r\n${spaced}\r\n-----END B-----`;
    expect(pemBlocks(utf8(text))).toEqual([
      { type: 'A', headerCount: 0, bytes: new Uint8Array(0) },
      { type: 'B', headerCount: 0, bytes: body },
    ]);
  });

  it('counts every header line', () => {
    const text = `-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES\n\n${b64}\n-----END X-----\n`;
    expect(pemBlocks(utf8(text))).toEqual([{ type: 'X', headerCount: 2, bytes: body }]);
  });

  it('encodePem round-trips through pemBlocks at 63, 64 and 65 base64 columns', () => {
    for (const n of [47, 48, 49, 96]) {
      const der = new Uint8Array(n).map((_, i) => i);
      const text = encodePem('T', der);
      expect(text.split('\n').every((l) => l.length <= 64)).toBe(true);
      expect(pemBlocks(utf8(text))).toEqual([{ type: 'T', headerCount: 0, bytes: der }]);
      expect(fromBase64(text.split('\n').slice(1, -2).join(''))).toEqual(der);
    }
  });
});

describe('hash', () => {
  it('sha256 and sha512 of the empty string (FIPS 180-4)', () => {
    expect(toHex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha512(new Uint8Array(0))).slice(0, 32)).toBe('cf83e1357eefb8bdf1542850d66d8007');
  });
});

describe('ecdsa points: uncompressed only, as Go x509', () => {
  /** The SPKI of `k` with its point rewritten as compressed (0x02/0x03 ‖ X) or hybrid (0x06/0x07 ‖ X ‖ Y). */
  function reencoded(k: KeyObject, form: 'compressed' | 'hybrid'): Uint8Array {
    const der = spki(k);
    const size = (der.length - 26 - 1) / 2; // P-256: 91-byte SPKI = 26-byte header, 0x04, 2×32
    const point = der.subarray(der.length - 2 * size - 1);
    const x = point.subarray(1, 1 + size);
    const y = point.subarray(1 + size);
    const odd = (y[size - 1] as number) & 1;
    const body = form === 'compressed' ? Uint8Array.of(2 + odd, ...x) : Uint8Array.of(6 + odd, ...x, ...y);
    // id-ecPublicKey + prime256v1, BIT STRING of the point
    const algo = Buffer.from('301306072a8648ce3d020106082a8648ce3d030107', 'hex');
    const bits = Uint8Array.of(0x03, body.length + 1, 0, ...body);
    return Uint8Array.of(0x30, algo.length + bits.length, ...algo, ...bits);
  }

  it('a compressed or hybrid P-256 point is UNSUPPORTED_KEY (node:crypto alone reads both)', () => {
    const k = testKey('ec-P-256');
    for (const form of ['compressed', 'hybrid'] as const) {
      const der = reencoded(k, form);
      expect(createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }).asymmetricKeyType).toBe('ec');
      expect(failure(() => resolveSpki(der))).toEqual({
        code: 'UNSUPPORTED_KEY',
        details: { curve: 'P-256', reason: 'point-encoding' },
      });
      expect(resolvePublicKey({ type: 'ecdsa', public: der })).toBeNull();
    }
    expect(resolveSpki(spki(k))).toMatchObject({ kind: 'ecdsa', curve: 'P-256' });
  });

  it('a signature verifies with the uncompressed key only (Go verifies nothing with the others)', () => {
    const k = testKey('ec-P-256');
    const data = utf8('{"_type":"Targets"}');
    const sig = new Uint8Array(sign('sha256', data, { key: k, dsaEncoding: 'ieee-p1363' }));
    expect(verifySignature({ type: 'ecdsa', public: spki(k) }, { method: 'ecdsa', sig }, data)).toBe(true);
    const compressed = reencoded(k, 'compressed');
    expect(verifySignature({ type: 'ecdsa', public: compressed }, { method: 'ecdsa', sig }, data)).toBe(false);
  });
});
