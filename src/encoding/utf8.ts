// UTF-8 text <-> bytes. Encoding is exact; decoding of untrusted bytes is fatal on invalid sequences.
import { notaryError } from '../errors.js';

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** @throws NotaryError INVALID_JSON when the bytes are not valid UTF-8 */
export function fromUtf8(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch (cause) {
    throw notaryError('INVALID_JSON', 'data is not valid utf-8', { cause });
  }
}
