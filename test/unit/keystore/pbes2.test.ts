import { createCipheriv, createDecipheriv, createPrivateKey, generateKeyPairSync, pbkdf2Sync } from 'node:crypto';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  children,
  decodeDer,
  integer,
  intValue,
  OID,
  octets,
  oid,
  oidToString,
  seq,
} from '../../../src/encoding/der.js';
import {
  decryptPrivateKeyInfo,
  encryptPrivateKeyInfo,
  MAX_PBKDF2_ITERATIONS,
  parseDecrypted,
  parseEncryptedPrivateKeyInfo,
  SYNC_PBKDF2_ITERATIONS,
} from '../../../src/keystore/pbes2.js';
import { encodeNotaryPrivateKeyInfo, parsePrivateKeyInfo } from '../../../src/keystore/pkcs8.js';
import { ecdsaKey, expectCode, expectRejectCode } from './helpers.js';

const salt = Uint8Array.from([0x12, 0x5d, 0x02, 0xdd, 0x88, 0x2d, 0x6d, 0xf6]);
const iv = Uint8Array.from({ length: 16 }, (_, i) => i);

/** An EncryptedPrivateKeyInfo built by hand, with optional PBKDF2 extras (keyLength, PRF). */
function build(opts: {
  plain: Uint8Array;
  key: Uint8Array;
  iterations?: number;
  kdfExtra?: Uint8Array[];
  ivBytes?: Uint8Array;
  cipherOid?: string;
  scheme?: string;
  ciphertext?: Uint8Array;
}): Uint8Array {
  const ivb = opts.ivBytes ?? iv;
  const c = createCipheriv('aes-256-cbc', opts.key, iv);
  const ct = opts.ciphertext ?? new Uint8Array(Buffer.concat([c.update(opts.plain), c.final()]));
  const kdf = seq(oid(OID.pbkdf2), seq(octets(salt), integer(opts.iterations ?? 2048), ...(opts.kdfExtra ?? [])));
  const enc = seq(oid(opts.cipherOid ?? OID.aes256CBC), octets(ivb));
  return seq(seq(oid(opts.scheme ?? OID.pbes2), seq(kdf, enc)), octets(ct));
}

describe('encryptPrivateKeyInfo (convertTUFKeyToPKCS8Encrypted)', () => {
  it('writes PBES2{PBKDF2{salt, 2048}, AES-256-CBC{iv}} with no key length and no PRF', async () => {
    const plain = encodeNotaryPrivateKeyInfo(ecdsaKey());
    const der = await encryptPrivateKeyInfo(plain, 'secret', { salt, iv });
    const [alg, data] = children(decodeDer(der));
    const [scheme, params] = children(alg!);
    expect(oidToString(scheme!)).toBe(OID.pbes2);
    const [kdf, enc] = children(params!);
    const [kdfOid, kdfParams] = children(kdf!);
    expect(oidToString(kdfOid!)).toBe(OID.pbkdf2);
    const kp = children(kdfParams!);
    expect(kp).toHaveLength(2);
    expect(kp[0]!.value).toEqual(salt);
    expect(intValue(kp[1]!)).toBe(2048n);
    expect(kp[1]!.bytes).toEqual(Uint8Array.of(0x02, 0x02, 0x08, 0x00));
    const [encOid, ivNode] = children(enc!);
    expect(oidToString(encOid!)).toBe(OID.aes256CBC);
    expect(ivNode!.value).toEqual(iv);
    // independent check: PBKDF2-HMAC-SHA1 from noble, AES-CBC with PKCS#7 padding
    const key = pbkdf2(sha1, 'secret', salt, { c: 2048, dkLen: 32 });
    const d = createDecipheriv('aes-256-cbc', key, iv);
    expect(new Uint8Array(Buffer.concat([d.update(data!.value), d.final()]))).toEqual(plain);
    expect(der).toEqual(build({ plain, key }));
  });

  it('uses a fresh 8-byte salt and 16-byte IV by default', async () => {
    const plain = encodeNotaryPrivateKeyInfo(ecdsaKey());
    const a = parseEncryptedPrivateKeyInfo(await encryptPrivateKeyInfo(plain, 'x'));
    const b = parseEncryptedPrivateKeyInfo(await encryptPrivateKeyInfo(plain, 'x'));
    expect(a.salt).toHaveLength(8);
    expect(a.iv).toHaveLength(16);
    expect(a.iterations).toBe(2048);
    expect(a.salt).not.toEqual(b.salt);
    expect(a.iv).not.toEqual(b.iv);
  });

  it('is readable by OpenSSL (node:crypto) with the passphrase', async () => {
    const key = ecdsaKey();
    const der = await encryptPrivateKeyInfo(encodeNotaryPrivateKeyInfo(key), 'pässwörd');
    const k = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8', passphrase: 'pässwörd' });
    expect(k.export({ type: 'pkcs8', format: 'der' })).toEqual(Buffer.from(key.pkcs8));
  });

  it('refuses out-of-range options (RangeError)', async () => {
    await expect(encryptPrivateKeyInfo(new Uint8Array(1), 'x', { iterations: 0 })).rejects.toThrow(RangeError);
    await expect(encryptPrivateKeyInfo(new Uint8Array(1), 'x', { iv: new Uint8Array(8) })).rejects.toThrow(RangeError);
  });
});

describe('decryptPrivateKeyInfo (ParsePKCS8ToTufKey)', () => {
  it('round-trips', async () => {
    const plain = encodeNotaryPrivateKeyInfo(ecdsaKey());
    expect(await decryptPrivateKeyInfo(await encryptPrivateKeyInfo(plain, 'pw'), 'pw')).toEqual(plain);
    expect(await decryptPrivateKeyInfo(await encryptPrivateKeyInfo(plain, ''), '')).toEqual(plain);
  });

  it('uses the iteration count from the file', async () => {
    const plain = encodeNotaryPrivateKeyInfo(ecdsaKey());
    const key = pbkdf2(sha1, 'pw', salt, { c: 3000, dkLen: 32 });
    expect(await decryptPrivateKeyInfo(build({ plain, key, iterations: 3000 }), 'pw')).toEqual(plain);
    // Both sides of the synchronous limit derive the same key (the pool above it, the caller's thread below).
    for (const iterations of [SYNC_PBKDF2_ITERATIONS, SYNC_PBKDF2_ITERATIONS + 1]) {
      const k = pbkdf2(sha1, 'pw', salt, { c: iterations, dkLen: 32 });
      expect(await decryptPrivateKeyInfo(build({ plain, key: k, iterations }), 'pw'), `${iterations}`).toEqual(plain);
    }
  });

  it("derives up to SYNC_PBKDF2_ITERATIONS on the caller's thread, more on the pool (the event loop turns)", async () => {
    const plain = encodeNotaryPrivateKeyInfo(ecdsaKey());
    // Turns of the event loop while `p` runs: none for the synchronous derivation (only microtasks), at least one
    // while the pool derives 100k iterations (tens of milliseconds).
    const turnsWhile = async (p: Promise<unknown>) => {
      let turns = 0;
      let done = false;
      const tick = () => {
        if (done) return;
        turns++;
        setImmediate(tick);
      };
      setImmediate(tick);
      await p;
      done = true;
      return turns;
    };
    for (const [iterations, sync] of [
      [2048, true],
      [SYNC_PBKDF2_ITERATIONS, true],
      [100_000, false],
    ] as const) {
      const der = build({ plain, key: pbkdf2Sync('pw', salt, iterations, 32, 'sha1'), iterations });
      const turns = await turnsWhile(decryptPrivateKeyInfo(der, 'pw'));
      if (sync) expect(turns, `${iterations}`).toBe(0);
      else expect(turns, `${iterations}`).toBeGreaterThan(0);
    }
  });

  it('ignores keyLength and the PRF and always uses HMAC-SHA1, as Notary', async () => {
    const plain = encodeNotaryPrivateKeyInfo(ecdsaKey());
    const prf = seq(oid(OID.hmacWithSHA256), Uint8Array.of(0x05, 0x00));
    const sha1Key = pbkdf2(sha1, 'pw', salt, { c: 2048, dkLen: 32 });
    expect(await decryptPrivateKeyInfo(build({ plain, key: sha1Key, kdfExtra: [integer(32), prf] }), 'pw')).toEqual(
      plain,
    );
    // A file really encrypted with HMAC-SHA256 (OpenSSL 3's default) cannot be read, as with Notary.
    const sha256Key = pbkdf2(sha256, 'pw', salt, { c: 2048, dkLen: 32 });
    const der = build({ plain, key: sha256Key, kdfExtra: [prf] });
    await expect(
      decryptPrivateKeyInfo(der, 'pw').then((p) => parseDecrypted(p, parsePrivateKeyInfo)),
    ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });

  it('reports an OpenSSL 3 default-encrypted key (hmacWithSHA256) as a wrong passphrase, as Notary does', async () => {
    const k = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const der = k.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: 'pw' });
    await expect(
      decryptPrivateKeyInfo(new Uint8Array(der), 'pw').then((p) => parseDecrypted(p, parsePrivateKeyInfo)),
    ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });

  it('reports a wrong passphrase as WRONG_PASSPHRASE, from the padding or from the inner DER', async () => {
    const plain = encodeNotaryPrivateKeyInfo(ecdsaKey());
    const der = await encryptPrivateKeyInfo(plain, 'right');
    for (let i = 0; i < 20; i++) {
      await expect(
        decryptPrivateKeyInfo(der, `wrong${i}`).then((p) => parseDecrypted(p, parsePrivateKeyInfo)),
      ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    }
    // Well-padded garbage: only the DER check can tell.
    const garbage = await encryptPrivateKeyInfo(Uint8Array.of(1, 2, 3, 4, 5), 'pw');
    const p = await decryptPrivateKeyInfo(garbage, 'pw');
    expectCode(() => parseDecrypted(p, parsePrivateKeyInfo), 'WRONG_PASSPHRASE');
  });

  it('passes errors about a well-formed inner key through (UNSUPPORTED_KEY)', async () => {
    const x = generateKeyPairSync('x25519').privateKey.export({ type: 'pkcs8', format: 'der' });
    const p = await decryptPrivateKeyInfo(await encryptPrivateKeyInfo(new Uint8Array(x), 'pw'), 'pw');
    expectCode(() => parseDecrypted(p, parsePrivateKeyInfo), 'UNSUPPORTED_KEY');
  });

  it('refuses absurd iteration counts with BAD_KEY_FILE before deriving anything', async () => {
    const plain = Uint8Array.of(1);
    const key = new Uint8Array(32);
    await expectRejectCode(
      decryptPrivateKeyInfo(build({ plain, key, iterations: MAX_PBKDF2_ITERATIONS + 1 }), 'x'),
      'BAD_KEY_FILE',
    );
    await expectRejectCode(decryptPrivateKeyInfo(build({ plain, key, iterations: 2 ** 31 }), 'x'), 'BAD_KEY_FILE');
    await expectRejectCode(decryptPrivateKeyInfo(build({ plain, key, iterations: 0 }), 'x'), 'BAD_KEY_FILE');
  });

  it('refuses what would make Go panic or is not a PBES2 file', async () => {
    const plain = Uint8Array.of(1);
    const key = new Uint8Array(32);
    await expectRejectCode(
      decryptPrivateKeyInfo(build({ plain, key, ivBytes: new Uint8Array(8) }), 'x'),
      'BAD_KEY_FILE',
    );
    await expectRejectCode(
      decryptPrivateKeyInfo(build({ plain, key, ciphertext: new Uint8Array(15) }), 'x'),
      'BAD_KEY_FILE',
    );
    await expectRejectCode(
      decryptPrivateKeyInfo(build({ plain, key, ciphertext: new Uint8Array(0) }), 'x'),
      'BAD_KEY_FILE',
    );
    await expectRejectCode(
      decryptPrivateKeyInfo(build({ plain, key, cipherOid: '2.16.840.1.101.3.4.1.2' }), 'x'),
      'UNSUPPORTED_KEY',
    );
    await expectRejectCode(
      decryptPrivateKeyInfo(build({ plain, key, scheme: '1.2.840.113549.1.5.3' }), 'x'),
      'UNSUPPORTED_KEY',
    );
    const good = build({ plain, key });
    await expectRejectCode(decryptPrivateKeyInfo(good.subarray(0, good.length - 3), 'x'), 'BAD_KEY_FILE');
    await expectRejectCode(decryptPrivateKeyInfo(Uint8Array.of(0x04, 0x00), 'x'), 'BAD_KEY_FILE');
  });
});
