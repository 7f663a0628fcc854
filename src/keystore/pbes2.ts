// EncryptedPrivateKeyInfo with PBES2 / PBKDF2-HMAC-SHA1 / AES-256-CBC, as Notary writes and reads it.
import { createCipheriv, createDecipheriv, pbkdf2, pbkdf2Sync, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import {
  decodeDer,
  expectSeq,
  expectTag,
  integer,
  intValue,
  OID,
  octets,
  oid,
  oidToString,
  seq,
  TAG,
} from '../encoding/der.js';
import { isNotaryError, notaryError } from '../errors.js';

const pbkdf2Async = promisify(pbkdf2);

/** Notary's fixed parameters (`convertTUFKeyToPKCS8Encrypted`). */
export const NOTARY_PBES2 = { iterations: 2048, saltLength: 8, ivLength: 16 } as const;

/** Iteration counts above this are refused: a hostile file must not pin the CPU for minutes. */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;

export interface Pbes2Options {
  /** Defaults to 2048 (Notary). */
  iterations?: number;
  /** Defaults to 8 random bytes. */
  salt?: Uint8Array;
  /** Defaults to 16 random bytes. */
  iv?: Uint8Array;
}

/**
 * Up to this many iterations the key is derived synchronously (Notary's 2048 take ~0.5 ms): the thread pool that
 * the asynchronous call starts (four threads) costs a CLI run about as much, and the caller would wait anyway.
 * Larger counts (other tools' files, up to the cap below) go to the pool, not to the caller's event loop.
 */
export const SYNC_PBKDF2_ITERATIONS = 10_000;

async function deriveKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<Buffer> {
  // Always HMAC-SHA1: Notary ignores the PRF field on read and writes none (which means SHA1).
  const secret = Buffer.from(passphrase, 'utf8');
  if (iterations <= SYNC_PBKDF2_ITERATIONS) return pbkdf2Sync(secret, salt, iterations, 32, 'sha1');
  return pbkdf2Async(secret, salt, iterations, 32, 'sha1');
}

/**
 * Encrypts an unencrypted PKCS#8 DER into Notary's EncryptedPrivateKeyInfo DER: PBES2 with PBKDF2 (salt,
 * iteration count, no key length, no PRF) and AES-256-CBC with PKCS#7 padding.
 * @throws RangeError on out-of-range options
 */
export async function encryptPrivateKeyInfo(
  plain: Uint8Array,
  passphrase: string,
  options: Pbes2Options = {},
): Promise<Uint8Array> {
  const iterations = options.iterations ?? NOTARY_PBES2.iterations;
  if (!Number.isSafeInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new RangeError('pbkdf2 iteration count out of range');
  }
  const salt = options.salt ?? new Uint8Array(randomBytes(NOTARY_PBES2.saltLength));
  const iv = options.iv ?? new Uint8Array(randomBytes(NOTARY_PBES2.ivLength));
  if (iv.length !== 16) throw new RangeError('aes-256-cbc iv must be 16 bytes');
  const key = await deriveKey(passphrase, salt, iterations);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const ciphertext = new Uint8Array(Buffer.concat([cipher.update(plain), cipher.final()]));
  const kdf = seq(oid(OID.pbkdf2), seq(octets(salt), integer(iterations)));
  const enc = seq(oid(OID.aes256CBC), octets(iv));
  return seq(seq(oid(OID.pbes2), seq(kdf, enc)), octets(ciphertext));
}

interface Pbes2Params {
  salt: Uint8Array;
  iterations: number;
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

function bad(message: string, details: Record<string, unknown> = {}): never {
  throw notaryError('BAD_KEY_FILE', message, { details });
}

/**
 * Parses an EncryptedPrivateKeyInfo, accepting what Go's asn1 accepts (trailing elements such as keyLength or
 * a PRF are ignored) but refusing what would make Go panic (bad IV or ciphertext sizes) and absurd iteration
 * counts.
 * @throws NotaryError BAD_KEY_FILE, UNSUPPORTED_KEY
 */
export function parseEncryptedPrivateKeyInfo(der: Uint8Array): Pbes2Params {
  const [algId, data] = expectSeq(decodeDer(der), 2);
  const [schemeOid, schemeParams] = expectSeq(algId, 2);
  const scheme = oidToString(expectTag(schemeOid, TAG.OID));
  if (scheme !== OID.pbes2) {
    throw notaryError('UNSUPPORTED_KEY', 'only pbes2 encrypted keys are supported', { details: { scheme } });
  }
  const [kdf, enc] = expectSeq(schemeParams, 2);
  const [kdfOid, kdfParams] = expectSeq(kdf, 2);
  const kdfName = oidToString(expectTag(kdfOid, TAG.OID));
  if (kdfName !== OID.pbkdf2) {
    throw notaryError('UNSUPPORTED_KEY', 'only pbkdf2 key derivation is supported', { details: { kdf: kdfName } });
  }
  const [saltNode, iterNode] = expectSeq(kdfParams, 2);
  const salt = expectTag(saltNode, TAG.OCTET_STRING).value;
  const iter = intValue(expectTag(iterNode, TAG.INTEGER));
  if (iter < 1n || iter > BigInt(MAX_PBKDF2_ITERATIONS)) {
    bad('pbkdf2 iteration count out of range', { iterations: iter.toString(), max: MAX_PBKDF2_ITERATIONS });
  }
  const [encOid, ivNode] = expectSeq(enc, 2);
  const cipher = oidToString(expectTag(encOid, TAG.OID));
  if (cipher !== OID.aes256CBC) {
    throw notaryError('UNSUPPORTED_KEY', 'only aes-256-cbc encrypted keys are supported', { details: { cipher } });
  }
  const iv = expectTag(ivNode, TAG.OCTET_STRING).value;
  if (iv.length !== 16) bad('aes-256-cbc iv must be 16 bytes', { ivLength: iv.length });
  const ciphertext = expectTag(data, TAG.OCTET_STRING).value;
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    bad('encrypted key length is not a multiple of the aes block size', { length: ciphertext.length });
  }
  return { salt, iterations: Number(iter), iv, ciphertext };
}

/**
 * Decrypts an EncryptedPrivateKeyInfo to the inner (unencrypted) PKCS#8 DER. The padding is checked; the
 * caller must still parse the result, and should report a parse failure as a wrong passphrase too.
 * @throws NotaryError WRONG_PASSPHRASE when the padding is wrong; BAD_KEY_FILE, UNSUPPORTED_KEY on a bad file
 */
export async function decryptPrivateKeyInfo(der: Uint8Array, passphrase: string): Promise<Uint8Array> {
  const { salt, iterations, iv, ciphertext } = parseEncryptedPrivateKeyInfo(der);
  const key = await deriveKey(passphrase, salt, iterations);
  const decipher = createDecipheriv('aes-256-cbc', key, iv);
  decipher.setAutoPadding(false);
  const plain = new Uint8Array(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
  const pad = plain[plain.length - 1] as number;
  let ok = pad >= 1 && pad <= 16;
  for (let i = plain.length - pad; ok && i < plain.length; i++) ok = plain[i] === pad;
  if (!ok) throw notaryError('WRONG_PASSPHRASE', 'wrong passphrase: decrypted key has bad padding');
  return plain.subarray(0, plain.length - pad);
}

/**
 * Runs `parse` over decrypted bytes. Bytes that are not one well-formed DER SEQUENCE mean the passphrase was
 * wrong (the padding check alone passes about once in 256 tries); errors about a well-formed key pass through.
 * @throws NotaryError WRONG_PASSPHRASE, or whatever `parse` throws
 */
export function parseDecrypted<T>(plain: Uint8Array, parse: (der: Uint8Array) => T): T {
  try {
    expectSeq(decodeDer(plain), 1);
  } catch (e) {
    if (isNotaryError(e, 'BAD_KEY_FILE')) {
      throw notaryError('WRONG_PASSPHRASE', 'wrong passphrase: decrypted key does not parse', { cause: e });
    }
    throw e;
  }
  return parse(plain);
}
