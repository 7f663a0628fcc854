import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import {
  children,
  decodeDer,
  explicit,
  integer,
  intValue,
  nullValue,
  OID,
  octets,
  oid,
  oidToString,
  seq,
} from '../../../src/encoding/der.js';
import { encodeNotaryPrivateKeyInfo, encodeSec1, parsePrivateKeyInfo, parseSec1 } from '../../../src/keystore/pkcs8.js';
import { ecdsaKey, ed25519Key, expectCode, rsaKey } from './helpers.js';

const der = (k: ReturnType<typeof generateKeyPairSync>['privateKey']): Uint8Array =>
  new Uint8Array(k.export({ type: 'pkcs8', format: 'der' }));

describe('Notary PKCS#8 layouts (convertTUFKeyToPKCS8)', () => {
  it('ECDSA: version 1, {id-ecPublicKey, prime256v1}, SEC1 with [0] curve and [1] public key', () => {
    const key = ecdsaKey();
    const top = children(decodeDer(encodeNotaryPrivateKeyInfo(key)));
    expect(top).toHaveLength(3);
    expect(intValue(top[0]!)).toBe(1n);
    expect(children(top[1]!).map(oidToString)).toEqual([OID.ecPublicKey, OID.prime256v1]);
    const sec1 = children(decodeDer(top[2]!.value));
    expect(sec1.map((n) => n.tag)).toEqual([0x02, 0x04, 0xa0, 0xa1]);
    expect(intValue(sec1[0]!)).toBe(1n);
    expect(sec1[1]!.value).toHaveLength(32);
    expect(oidToString(children(sec1[2]!)[0]!)).toBe(OID.prime256v1);
    // the [1] point is the SPKI's point
    expect(Buffer.from(children(sec1[3]!)[0]!.value).subarray(1)).toEqual(
      Buffer.from(key.publicKey.public).subarray(-65),
    );
  });

  it('ECDSA: the SEC1 part equals what OpenSSL writes for the same key (Go and OpenSSL agree on SEC1)', () => {
    const key = ecdsaKey();
    const openssl = createPrivateKey({ key: Buffer.from(key.pkcs8), format: 'der', type: 'pkcs8' }).export({
      type: 'sec1',
      format: 'der',
    });
    expect(Buffer.from(encodeSec1(key))).toEqual(openssl);
  });

  it('RSA: version 0 and an algorithm identifier without the NULL parameter', () => {
    const top = children(decodeDer(encodeNotaryPrivateKeyInfo(rsaKey())));
    expect(intValue(top[0]!)).toBe(0n);
    const alg = children(top[1]!);
    expect(alg).toHaveLength(1);
    expect(oidToString(alg[0]!)).toBe(OID.rsaEncryption);
  });

  it('Ed25519: private OID and a 96-byte pub ‖ seed ‖ pub blob (not RFC 8410)', () => {
    const key = ed25519Key();
    const top = children(decodeDer(encodeNotaryPrivateKeyInfo(key)));
    expect(intValue(top[0]!)).toBe(0n);
    expect(children(top[1]!).map(oidToString)).toEqual([OID.notaryEd25519]);
    const blob = top[2]!.value;
    expect(blob).toHaveLength(96);
    expect(blob.subarray(0, 32)).toEqual(key.publicKey.public);
    expect(blob.subarray(64)).toEqual(key.publicKey.public);
    // the middle is the seed: noble derives the same public key from it
    expect(ed25519.getPublicKey(blob.subarray(32, 64))).toEqual(key.publicKey.public);
  });
});

describe('parsePrivateKeyInfo', () => {
  it.each([
    ['ecdsa', ecdsaKey],
    ['ed25519', ed25519Key],
    ['rsa', rsaKey],
  ] as const)('round-trips Notary %s and returns a standard PKCS#8 node:crypto loads', (_, make) => {
    const key = make();
    const back = parsePrivateKeyInfo(encodeNotaryPrivateKeyInfo(key));
    expect(back.algorithm).toBe(key.algorithm);
    expect(back.publicKey).toEqual(key.publicKey);
    expect(back.pkcs8).toEqual(key.pkcs8);
    expect(() => createPrivateKey({ key: Buffer.from(back.pkcs8), format: 'der', type: 'pkcs8' })).not.toThrow();
  });

  it('reads standard layouts: OpenSSL v0 ECDSA (P-256/384/521), RSA with NULL, RFC 8410 Ed25519', () => {
    for (const namedCurve of ['P-256', 'P-384', 'P-521']) {
      const k = generateKeyPairSync('ec', { namedCurve });
      const parsed = parsePrivateKeyInfo(der(k.privateKey));
      expect(Buffer.from(parsed.publicKey.public)).toEqual(k.publicKey.export({ type: 'spki', format: 'der' }));
      // Notary writes the curve it found, with a scalar padded to the curve size
      expect(parsePrivateKeyInfo(encodeNotaryPrivateKeyInfo(parsed)).publicKey).toEqual(parsed.publicKey);
    }
    expect(parsePrivateKeyInfo(rsaKey().pkcs8).algorithm).toBe('rsa');
    const ed = generateKeyPairSync('ed25519');
    const parsed = parsePrivateKeyInfo(der(ed.privateKey));
    expect(Buffer.from(parsed.publicKey.public)).toEqual(
      ed.publicKey.export({ type: 'spki', format: 'der' }).subarray(12),
    );
  });

  it('reads an RFC 8410 v1 Ed25519 key with its [1] public key, and rejects a mismatching one', () => {
    const key = ed25519Key();
    const seed = children(decodeDer(encodeNotaryPrivateKeyInfo(key)))[2]!.value.subarray(32, 64);
    const v1 = (pub: Uint8Array): Uint8Array => {
      const implicitPub = Uint8Array.from([0x81, pub.length + 1, 0, ...pub]);
      return seq(integer(1), seq(oid(OID.ed25519)), octets(octets(seed)), implicitPub);
    };
    expect(parsePrivateKeyInfo(v1(key.publicKey.public)).publicKey).toEqual(key.publicKey);
    expectCode(() => parsePrivateKeyInfo(v1(new Uint8Array(32))), 'BAD_KEY_FILE');
  });

  it('rejects inconsistent key parts with BAD_KEY_FILE', () => {
    const key = ed25519Key();
    const info = encodeNotaryPrivateKeyInfo(key);
    const tampered = Uint8Array.from(info);
    tampered[tampered.length - 1]! ^= 1; // last byte of the trailing public key copy
    expectCode(() => parsePrivateKeyInfo(tampered), 'BAD_KEY_FILE');
    const shortBlob = seq(integer(0), seq(oid(OID.notaryEd25519)), octets(new Uint8Array(64)));
    expectCode(() => parsePrivateKeyInfo(shortBlob), 'BAD_KEY_FILE');

    const ec = ecdsaKey();
    const other = ecdsaKey();
    const otherPoint = children(decodeDer(encodeSec1(other)))[3]!;
    const [v, d, params] = children(decodeDer(encodeSec1(ec)));
    const mixed = seq(v!.bytes, d!.bytes, params!.bytes, otherPoint.bytes);
    expectCode(
      () => parsePrivateKeyInfo(seq(integer(1), seq(oid(OID.ecPublicKey), oid(OID.prime256v1)), octets(mixed))),
      'BAD_KEY_FILE',
    );
    const wrongCurve = seq(v!.bytes, d!.bytes, explicit(0, oid(OID.secp384r1)));
    expectCode(
      () => parsePrivateKeyInfo(seq(integer(1), seq(oid(OID.ecPublicKey), oid(OID.prime256v1)), octets(wrongCurve))),
      'BAD_KEY_FILE',
    );
    const zeroScalar = seq(integer(1), octets(new Uint8Array(32)));
    expectCode(() => parseSec1(zeroScalar, OID.prime256v1), 'BAD_KEY_FILE');
    expectCode(() => parseSec1(seq(integer(1), octets(Uint8Array.of(1)))), 'BAD_KEY_FILE');
    expectCode(() => parseSec1(seq(integer(2), octets(Uint8Array.of(1))), OID.prime256v1), 'BAD_KEY_FILE');
    const unusedBits = seq(integer(1), octets(d!.value), explicit(1, Uint8Array.of(0x03, 0x02, 0x01, 0x04)));
    expectCode(() => parseSec1(unusedBits, OID.prime256v1), 'BAD_KEY_FILE');
  });

  it('tolerates a SEC1 scalar with extra leading zeros or without padding, as Go does', () => {
    const key = ecdsaKey();
    const [, d, , pub] = children(decodeDer(encodeSec1(key)));
    const padded = seq(integer(1), octets(Uint8Array.from([0, 0, ...d!.value])), pub!.bytes);
    expect(parseSec1(padded, OID.prime256v1).publicKey).toEqual(key.publicKey);
  });

  it('rejects malformed DER and wrong versions with BAD_KEY_FILE', () => {
    expectCode(() => parsePrivateKeyInfo(new Uint8Array(0)), 'BAD_KEY_FILE');
    expectCode(() => parsePrivateKeyInfo(Uint8Array.of(0x30, 0x05, 0x02, 0x01)), 'BAD_KEY_FILE');
    const info = encodeNotaryPrivateKeyInfo(ecdsaKey());
    expectCode(() => parsePrivateKeyInfo(info.subarray(0, info.length - 1)), 'BAD_KEY_FILE');
    expectCode(() => parsePrivateKeyInfo(Uint8Array.from([...info, 0])), 'BAD_KEY_FILE');
    const inner = children(decodeDer(info));
    expectCode(() => parsePrivateKeyInfo(seq(integer(2), inner[1]!.bytes, inner[2]!.bytes)), 'BAD_KEY_FILE');
    expectCode(
      () => parsePrivateKeyInfo(seq(integer(0), seq(oid(OID.rsaEncryption), integer(5)), octets(Uint8Array.of(1)))),
      'BAD_KEY_FILE',
    );
    expectCode(
      () => parsePrivateKeyInfo(seq(integer(0), seq(oid(OID.rsaEncryption), nullValue()), octets(Uint8Array.of(1)))),
      'BAD_KEY_FILE',
    );
    expectCode(
      () =>
        parsePrivateKeyInfo(seq(integer(0), seq(oid(OID.ed25519), nullValue()), octets(octets(new Uint8Array(32))))),
      'BAD_KEY_FILE',
    );
  });

  it('rejects algorithms and curves Notary does not use with UNSUPPORTED_KEY', () => {
    expectCode(() => parsePrivateKeyInfo(der(generateKeyPairSync('x25519').privateKey)), 'UNSUPPORTED_KEY');
    expectCode(
      () =>
        parsePrivateKeyInfo(der(generateKeyPairSync('dsa', { modulusLength: 1024, divisorLength: 160 }).privateKey)),
      'UNSUPPORTED_KEY',
    );
    expectCode(
      () => parsePrivateKeyInfo(der(generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey)),
      'UNSUPPORTED_KEY',
    );
    expectCode(
      () => parsePrivateKeyInfo(der(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey)),
      'UNSUPPORTED_KEY',
    );
  });
});
