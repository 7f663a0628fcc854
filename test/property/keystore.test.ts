// Property tests of the key store formats: PEM, PBES2 and key-file round trips for arbitrary inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKey } from '../../src/crypto/sign.js';
import { isNotaryError } from '../../src/errors.js';
import { decodeKeyBlock, encodeKeyBlock } from '../../src/keystore/key-file.js';
import { encodeLegacyBlock, parseLegacyBlock } from '../../src/keystore/legacy.js';
import { decryptPrivateKeyInfo, encryptPrivateKeyInfo } from '../../src/keystore/pbes2.js';
import { decodePemBlocks, encodePemBlocks, pemHeaders } from '../../src/keystore/pem.js';

const headerName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/);
// Values round-trip when they have no line breaks and no surrounding whitespace (Go trims it on decode).
const headerValue = fc.stringMatching(/^[^\s](?:[^\r\n]{0,30}[^\s])?$/);
const block = fc.record({
  type: fc.constantFrom('PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'EC PRIVATE KEY'),
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 5 }).map((h) => pemHeaders(h)),
  bytes: fc.uint8Array({ maxLength: 300 }),
});

describe('PEM', () => {
  it('decode(encode(blocks)) gives the blocks back, and encoding is stable', () => {
    fc.assert(
      fc.property(fc.array(block, { maxLength: 4 }), (blocks) => {
        const text = encodePemBlocks(blocks);
        const back = decodePemBlocks(text);
        expect(back.map((b) => ({ ...b, headers: { ...b.headers } }))).toEqual(
          blocks.map((b) => ({ ...b, headers: { ...b.headers } })),
        );
        expect(encodePemBlocks(back)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws anything but a NotaryError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          decodePemBlocks(`-----BEGIN K-----\n${s}`);
        } catch (e) {
          expect(isNotaryError(e, 'BAD_KEY_FILE')).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('PBES2 (PBKDF2 2048 iterations: few runs)', () => {
  it('decrypt(encrypt(x, p), p) = x for any passphrase, including non-ASCII', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        async (plain, pass) => {
          const der = await encryptPrivateKeyInfo(plain, pass);
          expect(await decryptPrivateKeyInfo(der, pass)).toEqual(plain);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('a key file encrypted with one passphrase never opens with another (WRONG_PASSPHRASE)', async () => {
    const key = generateKey('ecdsa');
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 30 }),
        fc.string({ minLength: 1, maxLength: 30 }),
        async (a, b) => {
          fc.pre(a !== b);
          const blk = await encodeKeyBlock(key, { role: 'root', passphrase: a });
          expect((await decodeKeyBlock(blk, a)).publicKey).toEqual(key.publicKey);
          await expect(decodeKeyBlock(blk, b)).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('legacy RFC 1421 encryption', () => {
  it('round-trips for any passphrase', () => {
    const key = generateKey('ed25519');
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (pass, iv) => {
        const blk = encodeLegacyBlock(key, pass, {}, iv);
        expect(parseLegacyBlock(blk, pass).publicKey).toEqual(key.publicKey);
      }),
      { numRuns: 50 },
    );
  });
});
