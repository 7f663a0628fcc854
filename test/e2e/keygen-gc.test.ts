// Key generation must never deadlock (SPEC §7 "Key generation"). Node 20 locks a generated key's mutex when its
// garbage key-generation job is collected; a KeyObject taken straight from generateKeyPairSync shares that mutex,
// and a GC that collects the job while the key is exported as a JWK (ecComponents, ed25519Seed: what every new key
// file needs) hangs the process for good. A young generation of 1 MB makes such GCs frequent: the old
// generateKey hung within 12,000 keys in 6 runs of 6 (most within 8,000). Runs the built library (dist/src) in a
// child process, which is killed if it hangs.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const KEYS = 15_000;

const script = `
const { generateKey } = await import(${JSON.stringify(`${ROOT}dist/src/crypto/sign.js`)});
const { ecComponents, ed25519Seed } = await import(${JSON.stringify(`${ROOT}dist/src/keystore/key-material.js`)});
let made = 0;
for (let i = 0; i < ${KEYS}; i++) {
  if (i % 4 === 3) made += ed25519Seed(generateKey('ed25519')).length === 32 ? 1 : 0;
  else made += ecComponents(generateKey('ecdsa')).d.length === 32 ? 1 : 0;
}
process.stdout.write(String(made));
`;

it('generating and exporting keys under constant GC pressure never hangs', () => {
  const r = spawnSync(process.execPath, ['--max-semi-space-size=1', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 90_000,
    killSignal: 'SIGKILL',
  });
  expect(r.signal, 'the key generation loop hung and was killed').toBeNull();
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toBe(String(KEYS));
}, 120_000);
