// Lowercase hex, used for key IDs, URL checksums and error text.
import { notaryError } from '../errors.js';

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** @throws NotaryError INVALID_ARGUMENT on odd length or non-hex characters */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw notaryError('INVALID_ARGUMENT', 'not a hex string', { details: { value: text.slice(0, 80) } });
  }
  return new Uint8Array(Buffer.from(text, 'hex'));
}
