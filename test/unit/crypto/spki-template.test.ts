// Keys whose SPKI is the standard template are imported from their coordinates (JWK), not through OpenSSL's DER
// decoder (SPEC §4 "Key import"): the result must be the key the DER import gives, and whatever is not exactly the
// template must still get the general path's verdict.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classify, resolveSpki } from '../../../src/crypto/spki.js';
import { thrownCode } from '../../helpers/error-code.js';

const CURVES = ['P-256', 'P-384', 'P-521'] as const;
const spkiOf = (k: ReturnType<typeof generateKeyPairSync>['publicKey']) =>
  new Uint8Array(k.export({ type: 'spki', format: 'der' }));

describe('resolveSpki on template SPKIs', () => {
  it('gives the key, curve and size the DER import gives, for every curve and Ed25519', () => {
    for (let i = 0; i < 20; i++) {
      for (const curve of CURVES) {
        const spki = spkiOf(generateKeyPairSync('ec', { namedCurve: curve }).publicKey);
        const r = resolveSpki(spki);
        const viaDer = classify(createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }));
        expect({ ...r, keyObject: undefined }).toEqual({ ...viaDer, keyObject: undefined });
        expect(new Uint8Array(r.keyObject.export({ type: 'spki', format: 'der' }))).toEqual(spki);
      }
      const ed = spkiOf(generateKeyPairSync('ed25519').publicKey);
      const r = resolveSpki(ed);
      expect(r.kind).toBe('ed25519');
      expect(new Uint8Array(r.keyObject.export({ type: 'spki', format: 'der' }))).toEqual(ed);
    }
  });

  it('a point off the curve, or a hybrid point of the same length, is UNSUPPORTED_KEY as before', () => {
    for (const curve of CURVES) {
      const spki = spkiOf(generateKeyPairSync('ec', { namedCurve: curve }).publicKey);
      const off = spki.slice();
      off[off.length - 1] = (off[off.length - 1] as number) ^ 1;
      expect(thrownCode(() => resolveSpki(off))).toBe('UNSUPPORTED_KEY');
      const hybrid = spki.slice();
      const at = spki.length - 2 * Math.ceil((curve === 'P-521' ? 521 : Number(curve.slice(2))) / 8) - 1;
      hybrid[at] = 0x06;
      expect(thrownCode(() => resolveSpki(hybrid))).toBe('UNSUPPORTED_KEY');
    }
  });
});
