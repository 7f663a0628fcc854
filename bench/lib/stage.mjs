// Synthetic targets for the benchmarks: Go changelist files (staged without `notary add`) and `sign --from` files.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Target `i` of a GUN: deterministic tag, sha256 digest (hex and base64) and length. */
export function target(gun, i) {
  const digest = createHash('sha256').update(`${gun}#${i}`).digest();
  return { tag: `t${i}`, hex: digest.toString('hex'), b64: digest.toString('base64'), length: 1024 + i };
}

/** `<trustDir>/tuf/<gun>/changelist`, as the Go client places it. */
export function changelistDir(trustDir, gun) {
  return join(trustDir, 'tuf', ...gun.split('/'), 'changelist');
}

/**
 * The bytes Go's `json.Marshal(TUFChange)` writes for a `create` of target `t` in `targets` (sha256 only, as Docker
 * writes targets). Tags here are plain ASCII, so no HTML escaping is ever needed.
 */
export function goChangeBytes(t) {
  const data = Buffer.from(`{"length":${t.length},"hashes":{"sha256":"${t.b64}"}}`).toString('base64');
  return `{"action":"create","role":"targets","type":"target","path":"${t.tag}","data":"${data}"}`;
}

/**
 * When the build has our change writer, checks that it produces the same bytes for one target (a cheap guard that
 * both sides of the benchmark stage identical data). Returns a note for the report.
 */
export async function crossCheckChangeWriter(distDir, gun) {
  let mod;
  try {
    mod = await import(join(distDir, 'src/signer/change.js'));
  } catch {
    return 'dist/src/signer/change.js not importable: no cross-check';
  }
  if (typeof mod.encodeChange !== 'function' || typeof mod.encodeTargetMeta !== 'function') {
    return 'encodeChange/encodeTargetMeta not exported: no cross-check';
  }
  const t = target(gun, 0);
  const ours = mod.encodeChange({
    action: 'create',
    role: 'targets',
    type: 'target',
    path: t.tag,
    data: mod.encodeTargetMeta({ length: t.length, hashes: { sha256: Buffer.from(t.b64, 'base64') } }),
  });
  const same = Buffer.from(ours).toString('utf8') === goChangeBytes(t);
  if (!same) throw new Error(`our change writer and the bench's Go-format writer disagree:\n${Buffer.from(ours)}`);
  return 'bench change files are byte-identical to src/signer/change.ts output';
}

/**
 * Stages targets [0, n) of `gun` as Go change files `%020d_<uuid>.change` (one nanosecond apart, so name order is
 * staging order). Returns the elapsed ms.
 */
export async function stageGoChanges(trustDir, gun, n) {
  const start = performance.now();
  const dir = changelistDir(trustDir, gun);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const base = BigInt(Date.now()) * 1_000_000n;
  const width = 32; // concurrent writes: enough to hide syscall latency without flooding the fd table
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const name = `${(base + BigInt(i)).toString().padStart(20, '0')}_${randomUUID()}.change`;
      await writeFile(join(dir, name), goChangeBytes(target(gun, i)), { mode: 0o600 });
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, n) }, worker));
  return performance.now() - start;
}

/** Writes the `sign --from` file: one `TAG sha256:<hex> SIZE` line per target [0, n). */
export async function writeFromFile(path, gun, n) {
  const lines = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = target(gun, i);
    lines[i] = `${t.tag} sha256:${t.hex} ${t.length}`;
  }
  await writeFile(path, `${lines.join('\n')}\n`);
}

/** The first `sha256:<hex>` (or bare 64-hex) digest in a tool's output, lowercased; null if none. */
export function digestIn(text) {
  const m = /sha256:([0-9a-fA-F]{64})/.exec(text) ?? /\b([0-9a-fA-F]{64})\b/.exec(text);
  return m ? m[1].toLowerCase() : null;
}
