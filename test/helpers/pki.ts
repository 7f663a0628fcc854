// A throw-away PKI made with openssl for TLS tests: root CA → intermediate CA → leaf certificates (server, client).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp-dir.js';

/** One issued certificate: its files (PEM). `chain` is the leaf followed by the intermediate. */
export interface IssuedCert {
  cert: string;
  key: string;
  chain: string;
}

export interface IssueOptions {
  /** Subject CN (default the first SAN, else the file name). */
  cn?: string;
  /** DNS names and IP addresses (IPs are recognised by shape). */
  sans?: readonly string[];
  /** `server` (serverAuth), `client` (clientAuth) or `both`. Default `server`. */
  usage?: 'server' | 'client' | 'both';
  /** Validity in days (default 2). */
  days?: number;
  /** Sign with the root instead of the intermediate. */
  byRoot?: boolean;
}

export interface TestPki {
  /** Directory that holds every file. */
  readonly dir: string;
  /** Self-signed root CA certificate (PEM file). */
  readonly rootCa: string;
  /** Intermediate CA certificate (PEM file), signed by the root. */
  readonly intermediateCa: string;
  /** Root + intermediate in one PEM file. */
  readonly caBundle: string;
  /** Server certificate for `127.0.0.1`, `localhost` and `::1`, signed by the intermediate. */
  readonly server: IssuedCert;
  /** Client certificate (clientAuth, CN `notary-ts-client`), signed by the intermediate. */
  readonly client: IssuedCert;
  /** Issues another leaf certificate under the intermediate (or the root), files `<name>.pem`, `<name>.key`. */
  issue(name: string, opts?: IssueOptions): IssuedCert;
}

const IP = /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:]*)$/i;

/**
 * Creates a root CA, an intermediate CA (pathlen 0) and server/client leaves with EC P-256 keys, all valid for
 * `days` (default 2) from now. Costs ~100 ms of openssl runs. Files land in a temp dir removed after the test file.
 */
export function createPki(opts: { dir?: string; days?: number } = {}): TestPki {
  const dir = opts.dir ?? tempDir('pki-');
  const days = String(opts.days ?? 2);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

  writeFileSync(
    join(dir, 'ca.ext'),
    [
      '[intermediate]',
      'basicConstraints=critical,CA:true,pathlen:0',
      'keyUsage=critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'root.cnf'),
    '[req]\ndistinguished_name=dn\nx509_extensions=root\nprompt=no\n[dn]\nCN=notary-ts test root CA\n[root]\n' +
      'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n',
  );
  openssl('req', '-x509', ...ecKey, '-keyout', 'root.key', '-out', 'root.pem', '-days', days, '-config', 'root.cnf');
  openssl(
    'req',
    ...ecKey,
    '-keyout',
    'intermediate.key',
    '-out',
    'intermediate.csr',
    '-subj',
    '/CN=notary-ts test CA 2',
  );
  openssl(
    'x509',
    '-req',
    '-in',
    'intermediate.csr',
    '-CA',
    'root.pem',
    '-CAkey',
    'root.key',
    '-CAcreateserial',
    '-out',
    'intermediate.pem',
    '-days',
    days,
    '-extfile',
    'ca.ext',
    '-extensions',
    'intermediate',
  );
  writeFileSync(
    join(dir, 'ca-bundle.pem'),
    readFileSync(join(dir, 'root.pem'), 'utf8') + readFileSync(join(dir, 'intermediate.pem'), 'utf8'),
  );

  const issue = (name: string, o: IssueOptions = {}): IssuedCert => {
    const sans = o.sans ?? [];
    const cn = o.cn ?? sans[0] ?? name;
    const usage = o.usage ?? 'server';
    const eku = usage === 'both' ? 'serverAuth,clientAuth' : usage === 'client' ? 'clientAuth' : 'serverAuth';
    const ext = [
      'basicConstraints=critical,CA:false',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      `extendedKeyUsage=${eku}`,
      ...(sans.length ? [`subjectAltName=${sans.map((s) => (IP.test(s) ? `IP:${s}` : `DNS:${s}`)).join(',')}`] : []),
      '',
    ].join('\n');
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl('req', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    const [ca, caKey] = o.byRoot ? ['root.pem', 'root.key'] : ['intermediate.pem', 'intermediate.key'];
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      ca,
      '-CAkey',
      caKey,
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      String(o.days ?? days),
      '-extfile',
      `${name}.ext`,
    );
    const chainText =
      readFileSync(join(dir, `${name}.pem`), 'utf8') +
      (o.byRoot ? '' : readFileSync(join(dir, 'intermediate.pem'), 'utf8'));
    writeFileSync(join(dir, `${name}-chain.pem`), chainText);
    return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`), chain: join(dir, `${name}-chain.pem`) };
  };

  return {
    dir,
    rootCa: join(dir, 'root.pem'),
    intermediateCa: join(dir, 'intermediate.pem'),
    caBundle: join(dir, 'ca-bundle.pem'),
    server: issue('server', { sans: ['127.0.0.1', 'localhost', '::1'] }),
    client: issue('client', { cn: 'notary-ts-client', usage: 'client' }),
    issue,
  };
}
