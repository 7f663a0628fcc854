// Every DER blob in the corpus the real Go Notary wrote (fixtures/) passes the strict DER reader — each length
// minimal, every constructed value's headers checked — and the parser that reads it in production.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertificateChain, resolveSpki } from '../../../src/crypto/index.js';
import { decodeDerTree } from '../../../src/encoding/der.js';
import { decodeKeyBlock, isKeyBlockType } from '../../../src/keystore/key-file.js';
import { isEncryptedLegacyBlock } from '../../../src/keystore/legacy.js';
import { decodePemBlocks } from '../../../src/keystore/pem.js';
import { FIXTURES_DIR, loadManifest } from '../../helpers/fixtures.js';

const PASS = loadManifest().passphrase;

function files(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

/** Public keys (`keytype` + `keyval.public`) anywhere in a JSON value, base64-encoded JSON `data` included. */
function publicKeys(v: unknown, out: { keytype: string; pub: Uint8Array }[] = []): typeof out {
  if (Array.isArray(v)) for (const x of v) publicKeys(x, out);
  else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keyval = o['keyval'] as { public?: unknown } | undefined;
    if (typeof o['keytype'] === 'string' && typeof keyval?.public === 'string') {
      out.push({ keytype: o['keytype'], pub: new Uint8Array(Buffer.from(keyval.public, 'base64')) });
    }
    for (const [k, x] of Object.entries(o)) {
      if (k === 'data' && typeof x === 'string') {
        try {
          publicKeys(JSON.parse(Buffer.from(x, 'base64').toString('utf8')), out);
        } catch {
          // not base64 JSON: no keys in it
        }
      } else publicKeys(x, out);
    }
  }
  return out;
}

describe('the Go-written fixture corpus through the strict DER reader', () => {
  const all = files(FIXTURES_DIR);

  it('every PEM block (key files, exports, imported inputs, certificates) parses', async () => {
    const seen = { certificates: 0, keys: 0, encryptedLegacy: 0, strictDer: 0 };
    for (const file of all.filter((f) => /\.(key|pem|crt)$/.test(f))) {
      const text = readFileSync(file, 'utf8');
      if (text.trimStart().startsWith('{')) continue; // the server's public key JSON (timestamp.key), below
      const blocks = decodePemBlocks(text);
      expect(blocks.length, file).toBeGreaterThan(0);
      for (const block of blocks) {
        if (isEncryptedLegacyBlock(block)) seen.encryptedLegacy++;
        else {
          expect(decodeDerTree(block.bytes).bytes.length, file).toBe(block.bytes.length);
          seen.strictDer++;
        }
        if (block.type === 'CERTIFICATE') {
          expect(parseCertificateChain(new TextEncoder().encode(text)).length, file).toBeGreaterThan(0);
          seen.certificates++;
        } else {
          expect(isKeyBlockType(block.type), `${file}: ${block.type}`).toBe(true);
          const key = await decodeKeyBlock(block, PASS);
          expect(key.publicKey.public.length, file).toBeGreaterThan(0);
          seen.keys++;
        }
      }
    }
    // the corpus's layout (the same on every regeneration): key files, inputs and export bundles; 9 RFC 1423
    // encrypted legacy blocks (their DER is read after decryption, by decodeKeyBlock)
    expect(seen).toEqual({ certificates: 4, keys: 53, encryptedLegacy: 9, strictDer: 48 });
  });

  it('every public key in the metadata and changelists (certificates and SPKIs) parses', () => {
    const seen: Record<string, number> = {};
    for (const file of all.filter((f) => /\.(json|change|key)$/.test(f))) {
      const text = readFileSync(file, 'utf8');
      if (!text.trimStart().startsWith('{')) continue;
      for (const { keytype, pub } of publicKeys(JSON.parse(text))) {
        seen[keytype] = (seen[keytype] ?? 0) + 1;
        if (keytype.endsWith('-x509')) {
          for (const cert of parseCertificateChain(pub)) expect(decodeDerTree(cert.der).bytes, file).toEqual(cert.der);
        } else if (keytype === 'ecdsa' || keytype === 'rsa') {
          expect(decodeDerTree(pub).bytes, file).toEqual(pub);
          expect(resolveSpki(pub).kind, file).toBe(keytype);
        } else expect(keytype, file).toBe('ed25519'); // raw 32 bytes, no DER
      }
    }
    expect(seen['ecdsa-x509']).toBeGreaterThan(10);
    expect(seen['ecdsa']).toBeGreaterThan(10);
  });
});
