import { describe, expect, it } from 'vitest';
import { canonicalBytes, type JsonValue, parseJson } from '../../../src/canonical/index.js';
import type { KeyType, PublicKey, SignatureMethod } from '../../../src/crypto/types.js';
import { verifySignature } from '../../../src/crypto/verify.js';
import { fromBase64 } from '../../../src/encoding/base64.js';
import { GO_ROOT_JSON, GO_SNAPSHOT_JSON, GO_TARGETS_JSON } from './go-fixture.js';

interface Envelope {
  signed: JsonValue;
  signatures: Array<{ keyid: string; method: SignatureMethod; sig: string }>;
}

const root = parseJson(GO_ROOT_JSON) as unknown as Envelope & {
  signed: { keys: Record<string, { keytype: KeyType; keyval: { public: string } }> };
};
const keys = new Map<string, PublicKey>(
  Object.entries(root.signed.keys).map(([id, k]) => [id, { type: k.keytype, public: fromBase64(k.keyval.public) }]),
);

describe('signatures made by the Go notary CLI verify over our canonical bytes', () => {
  for (const [name, text] of [
    ['root', GO_ROOT_JSON],
    ['targets', GO_TARGETS_JSON],
    ['snapshot', GO_SNAPSHOT_JSON],
  ] as const) {
    it(`${name}.json`, () => {
      const env = parseJson(text) as unknown as Envelope;
      const data = canonicalBytes(env.signed);
      expect(env.signatures.length).toBeGreaterThan(0);
      for (const s of env.signatures) {
        const key = keys.get(s.keyid);
        expect(key).toBeDefined();
        const sig = { method: s.method, sig: fromBase64(s.sig) };
        expect(verifySignature(key!, sig, data)).toBe(true);
        const tampered = data.slice();
        tampered[tampered.length - 2] = (tampered[tampered.length - 2] as number) ^ 1;
        expect(verifySignature(key!, sig, tampered)).toBe(false);
      }
    });
  }
});
