// Standard base64 with padding (RFC 4648 §4), strict on decode: Notary writes and expects exactly this alphabet.
import { notaryError } from '../errors.js';

const STRICT_B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Unpadded base64url (RFC 4648 §5), as JWK members are written. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes padded standard base64; anything else (url alphabet, whitespace, missing padding) is rejected.
 * @throws NotaryError INVALID_METADATA
 */
export function fromBase64(text: string, what = 'base64 value'): Uint8Array {
  if (!STRICT_B64.test(text)) {
    throw notaryError('INVALID_METADATA', `${what} is not valid padded base64`, { details: { what } });
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Lenient decode for PEM bodies (line breaks allowed). */
export function fromBase64Loose(text: string): Uint8Array {
  const clean = text.replace(/[\r\n\t ]/g, '');
  if (!STRICT_B64.test(clean)) throw notaryError('BAD_KEY_FILE', 'PEM body is not valid base64');
  return new Uint8Array(Buffer.from(clean, 'base64'));
}
