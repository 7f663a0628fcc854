// A simulator whose root key is a leaf (CN = GUN) issued by an intermediate issued by a CA, for trust-pinning tests
// (unit and CLI): the leaf is listed bundled with the intermediate, and a new root is signed with it.
import { certificatePem, generateKey, privateKeyObject } from '../../src/crypto/index.js';
import { buildCert, testKey } from '../unit/crypto/cert-builder.js';
import type { RepoSimulator } from './repo-simulator.js';

const DAY = 86_400_000;

export interface CaChain {
  /** The CA's certificate (DER), valid from a day before `now` for a year. */
  readonly caDer: Uint8Array;
  /** An unrelated CA's certificate (DER), same validity. */
  readonly otherCaDer: Uint8Array;
}

/** Issues the chain at `now`, makes its leaf `sim`'s root key and signs a new root with it. */
export function caChainRoot(sim: RepoSimulator, now: number): CaChain {
  const ca = testKey('ec-P-256-ca');
  const inter = testKey('ec-P-256-int');
  const other = testKey('ec-P-256-other');
  const leafKey = generateKey('ecdsa');
  const window = { notBefore: new Date(now - DAY), notAfter: new Date(now + 365 * DAY) };
  const usage = { isCA: true, keyUsage: 32 | 1 };
  const caDer = buildCert({ subjectCN: 'Test CA', key: ca, signer: ca, ...usage, ...window });
  const otherCaDer = buildCert({ subjectCN: 'Other CA', key: other, signer: other, ...usage, ...window });
  const intDer = buildCert({
    subjectCN: 'Test Int',
    issuerCN: 'Test CA',
    key: inter,
    signer: ca,
    ...usage,
    serial: 2n,
    ...window,
  });
  const leafDer = buildCert({
    subjectCN: sim.gun,
    issuerCN: 'Test Int',
    key: privateKeyObject(leafKey),
    signer: inter,
    keyUsage: 1 | 4,
    serial: 3n,
    ...window,
  });
  sim.rootKeys = [{ key: leafKey, cert: { type: 'ecdsa-x509', public: certificatePem([leafDer, intDer]) } }];
  sim.signRoot([]);
  return { caDer, otherCaDer };
}
