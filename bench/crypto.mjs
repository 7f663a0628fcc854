// Crypto micro-benchmarks: notary-ts (node:crypto) against @noble, ops/s per operation.
// Run after a build: `npx tsc -p tsconfig.build.json && node bench/crypto.mjs` (BENCH_MS=<ms per case>, default 800).
import { verify as nodeVerify } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { generateKey, sha256, signData, verifySignature } from '../dist/src/crypto/index.js';

const MS = Number(process.env.BENCH_MS ?? 800);

function bench(fn) {
  for (let i = 0; i < 20; i++) fn(); // warm up (JIT, key caches)
  let n = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(MS) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    elapsed = process.hrtime.bigint() - start;
  }
  return n / (Number(elapsed) / 1e9);
}

const msg = new TextEncoder().encode(`{"signed":${'x'.repeat(400)}}`);
const kib = new Uint8Array(1024).map((_, i) => i & 0xff);
const mib = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);

// Same P-256 key material for both libraries.
const ec = generateKey('ecdsa');
const ecPoint = ec.publicKey.public.subarray(ec.publicKey.public.length - 65);
const ecSig = signData(ec, msg);
const nobleSecret = p256.utils.randomSecretKey();
const noblePoint = p256.getPublicKey(nobleSecret, false);
const nobleSig = p256.sign(msg, nobleSecret, { lowS: false });

const ed = generateKey('ed25519');
const edSig = signData(ed, msg);
const nobleEdSecret = ed25519.utils.randomSecretKey();

const rows = [
  [
    'P-256 verify',
    () => verifySignature(ec.publicKey, ecSig, msg),
    () => p256.verify(ecSig.sig, msg, ecPoint, { lowS: false }),
  ],
  [
    'P-256 verify, key parsed every call',
    () =>
      nodeVerify(
        'sha256',
        msg,
        { key: Buffer.from(ec.publicKey.public), format: 'der', type: 'spki', dsaEncoding: 'ieee-p1363' },
        ecSig.sig,
      ),
    null,
  ],
  ['P-256 sign', () => signData(ec, msg), () => p256.sign(msg, nobleSecret, { lowS: false })],
  [
    'Ed25519 verify',
    () => verifySignature(ed.publicKey, edSig, msg),
    () => ed25519.verify(edSig.sig, msg, ed.publicKey.public),
  ],
  ['Ed25519 sign', () => signData(ed, msg), () => ed25519.sign(msg, nobleEdSecret)],
  ['SHA-256 1 KiB', () => sha256(kib), () => nobleSha256(kib)],
  ['SHA-256 1 MiB', () => sha256(mib), () => nobleSha256(mib)],
];

// Sanity: both sides really verify.
if (!verifySignature(ec.publicKey, ecSig, msg) || !p256.verify(ecSig.sig, msg, ecPoint, { lowS: false })) {
  throw new Error('p256 cross-check failed');
}
if (!p256.verify(nobleSig, msg, noblePoint, { lowS: false })) throw new Error('noble self-check failed');

const fmt = (x) => (x === null ? '-' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));
console.log(`node ${process.version}, ${MS} ms per case`);
console.log(
  `${'operation'.padEnd(38)} ${'notary-ts ops/s'.padStart(16)} ${'@noble ops/s'.padStart(14)} ${'ratio'.padStart(7)}`,
);
for (const [name, ours, noble] of rows) {
  const a = bench(ours);
  const b = noble ? bench(noble) : null;
  const ratio = b ? `${(a / b).toFixed(1)}x` : '-';
  console.log(`${name.padEnd(38)} ${fmt(a).padStart(16)} ${fmt(b).padStart(14)} ${ratio.padStart(7)}`);
}
