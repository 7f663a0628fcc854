// Helper commands for scripts/make-fixtures.sh: a free port, a Go-format Ed25519 key, the legacy 0.1/0.3 trust
// dirs rebuilt from real 0.7 keys, and fixtures/manifest.json. Plain Node, no project code (fixtures come first).
import { execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';

const [, , command, ...args] = process.argv;

const sha256hex = (b) => createHash('sha256').update(b).digest('hex');
const sha256b64 = (b) => createHash('sha256').update(b).digest('base64');

function walk(dir, base = dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, base));
    else out.push(relative(base, p));
  }
  return out;
}

/** PEM blocks with their headers: [{type, headers: {k: v}, body (base64 text), text}]. */
function pemBlocks(text) {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----\n([\s\S]*?)-----END \1-----\n?/g;
  const blocks = [];
  for (const m of text.matchAll(re)) {
    const [head, body] = m[2].includes('\n\n') ? m[2].split('\n\n', 2) : ['', m[2]];
    const headers = {};
    for (const line of head.split('\n')) {
      const i = line.indexOf(': ');
      if (i > 0) headers[line.slice(0, i)] = line.slice(i + 2);
    }
    blocks.push({ type: m[1], headers, body: body.replace(/\n/g, ''), text: m[0] });
  }
  return blocks;
}

function gunOf(trustDir) {
  const tuf = join(trustDir, 'tuf');
  const meta = walk(tuf).find((p) => p.includes('/metadata/'));
  if (!meta) throw new Error(`no cached metadata under ${trustDir}`);
  return meta.slice(0, meta.indexOf('/metadata/'));
}

function privateKeys(trustDir, rel) {
  return walk(join(trustDir, 'private')).map((p) => {
    const [block] = pemBlocks(readFileSync(join(trustDir, 'private', p), 'utf8'));
    return {
      path: join(rel, 'private', p),
      keyId: p.replace(/^.*\//, '').replace(/(_[a-z]+)?\.key$/, ''),
      role: block?.headers.role ?? null,
      gun: block?.headers.gun ?? null,
      pemType: block?.type ?? null,
    };
  });
}

// ------------------------------------------------------------------------------------------------------------

function port() {
  const srv = createServer();
  srv.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${srv.address().port}\n`);
    srv.close();
  });
}

function version() {
  const doc = JSON.parse(readFileSync(0, 'utf8'));
  process.stdout.write(`${doc.signed.version}\n`);
}

/** Notary's own Ed25519 PKCS#8: OID 1.3.6.1.4.1.11591.15.1, OCTET STRING of pub ‖ seed ‖ pub (96 bytes). */
function ed25519GoPkcs8() {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d, 'base64url');
  const pub = Buffer.from(jwk.x, 'base64url');
  const blob = Buffer.concat([pub, seed, pub]);
  const tlv = (tag, body) => Buffer.concat([Buffer.from([tag, body.length]), body]);
  const oid = tlv(0x06, Buffer.from([0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01]));
  const der = tlv(0x30, Buffer.concat([tlv(0x02, Buffer.from([0])), tlv(0x30, oid), tlv(0x04, blob)]));
  const b64 = der
    .toString('base64')
    .match(/.{1,64}/g)
    .join('\n');
  process.stdout.write(`-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`);
}

// ------------------------------------------------------------------------------------------------------------
// Legacy layouts. 0.1: private/root_keys/<id>_root.key, private/tuf_keys/<gun>/<id>_<role>.key, PEM
// `EC PRIVATE KEY` encrypted RFC 1421 style, no headers but Proc-Type/DEK-Info, plus
// trusted_certificates/<gun>/<root cert key id>.crt. 0.3: the same dirs without the `_role` suffix, a `role:`
// header, and delegation keys at private/tuf_keys/<id>.key.

/** Decrypts a notary 0.7 PKCS#8 file and re-encrypts it as legacy `EC PRIVATE KEY` with `openssl ec -aes256`. */
function legacyPem(file, passphrase, role) {
  const [block] = pemBlocks(readFileSync(file, 'utf8'));
  // OpenSSL refuses PEM headers on PKCS#8 blocks, so strip notary's gun/role lines first.
  const bare = `-----BEGIN ${block.type}-----\n${block.body.match(/.{1,64}/g).join('\n')}\n-----END ${block.type}-----\n`;
  const plain = execFileSync('openssl', ['pkey', '-passin', `pass:${passphrase}`], { input: bare });
  const enc = execFileSync('openssl', ['ec', '-aes256', '-passout', `pass:${passphrase}`], {
    input: plain,
    stdio: ['pipe', 'pipe', 'ignore'],
  }).toString('utf8');
  // Go's x509.EncryptPEMBlock writes the IV in lower-case hex; pem.Encode puts Proc-Type first, then the other
  // headers sorted (DEK-Info < role).
  let out = enc.replace(/^(DEK-Info: AES-256-CBC,)([0-9A-F]+)$/m, (_m, p, iv) => p + iv.toLowerCase());
  if (role !== undefined) out = out.replace(/^(DEK-Info: .*)$/m, `$1\nrole: ${role}`);
  return out;
}

function legacy(out, passphrase) {
  const sources = [
    { version: '0.1', from: join(out, 'repos/odd/trust') },
    { version: '0.3', from: join(out, 'repos/delegated/trust') },
  ];
  for (const { version: v, from } of sources) {
    const dest = join(out, `legacy/notary${v}`);
    const gun = gunOf(from);
    cpSync(join(from, 'tuf'), join(dest, 'tuf'), { recursive: true });
    for (const k of privateKeys(from, '')) {
      const src = join(from, k.path);
      let target;
      if (v === '0.1') {
        target =
          k.role === 'root'
            ? `private/root_keys/${k.keyId}_root.key`
            : `private/tuf_keys/${gun}/${k.keyId}_${k.role}.key`;
        if (k.role.includes('/')) continue; // 0.1 had no delegations
      } else if (k.role === 'root') {
        target = `private/root_keys/${k.keyId}.key`;
      } else if (k.gun) {
        target = `private/tuf_keys/${gun}/${k.keyId}.key`;
      } else {
        target = `private/tuf_keys/${k.keyId}.key`;
      }
      mkdirSync(dirname(join(dest, target)), { recursive: true });
      writeFileSync(join(dest, target), legacyPem(src, passphrase, v === '0.1' ? undefined : k.role), { mode: 0o600 });
    }
    if (v === '0.1') {
      // 0.1 also kept the root certificate, named by the root role's key ID in root.json.
      const root = JSON.parse(readFileSync(join(from, 'tuf', gun, 'metadata/root.json'), 'utf8')).signed;
      for (const id of root.roles.root.keyids) {
        const pem = Buffer.from(root.keys[id].keyval.public, 'base64');
        mkdirSync(join(dest, 'trusted_certificates', gun), { recursive: true });
        writeFileSync(join(dest, 'trusted_certificates', gun, `${id}.crt`), pem);
      }
    }
  }
}

// ------------------------------------------------------------------------------------------------------------
// Manifest

const DESCRIPTIONS = {
  odd: 'target names that need byte-order key sorting and HTML escaping, a target with canonical custom JSON; client signed in TZ Asia/Kolkata (+05:30); two staged, unpublished changes in the changelist',
  delegated:
    'targets/releases (all paths), targets/releases/sub (paths ["sub/"]), targets/qa (all paths); `latest` exists in releases and qa, releases wins; one staged change for targets/releases',
  'snapshot-rotated': 'snapshot key rotated to the server (`notary key rotate GUN snapshot -r`) after the first target',
  'root-rotated':
    'root key rotated three times (root v1..v4, each N.root.json kept); trust-at-root-v1/ is a client cache that still trusts root v1',
  'targets-rotated': 'targets key rotated (`notary key rotate GUN targets`) between the two targets',
};

const KEY_IMPORTS = {
  'targets/releases': { input: 'keys/inputs/ecdsa-sec1.pem', algorithm: 'ecdsa' },
  'targets/ecdsa-pkcs8': { input: 'keys/inputs/ecdsa-pkcs8.pem', algorithm: 'ecdsa' },
  'targets/rsa': { input: 'keys/inputs/rsa-pkcs1.pem', algorithm: 'rsa' },
  'targets/rsa-pkcs8': { input: 'keys/inputs/rsa-pkcs8.pem', algorithm: 'rsa' },
  'targets/ed25519': { input: 'keys/inputs/ed25519-go-pkcs8.pem', algorithm: 'ed25519' },
};

function fileEntry(out, rel) {
  const b = readFileSync(join(out, rel));
  return { path: rel, sha256: sha256hex(b), length: b.length };
}

/** server/<role>.json, server/<N>.<role>.json (roles may contain `/`), server/*.key. */
function classify(rel) {
  const m = /^(?:(\d+)\.)?(root|snapshot|timestamp|targets(?:\/[^/]+)*)\.json$/.exec(rel);
  if (m) return { role: m[2], version: m[1] === undefined ? null : Number(m[1]) };
  return { role: null, version: null };
}

function parseLookup(stdout) {
  const m = /^(.*) sha256:([0-9a-f]{64}) (\d+)\n$/s.exec(stdout);
  return m ? { name: m[1], sha256: m[2], size: Number(m[3]) } : null;
}

function repoManifest(out, name, passphrase) {
  const dir = `repos/${name}`;
  const abs = join(out, dir);
  const trust = `${dir}/trust`;
  const gun = gunOf(join(out, trust));
  const server = walk(join(abs, 'server')).map((p) => ({ ...fileEntry(out, `${dir}/server/${p}`), ...classify(p) }));
  const current = {};
  for (const f of server) {
    if (f.role && f.version === null) {
      const doc = JSON.parse(readFileSync(join(out, f.path), 'utf8'));
      current[f.role] = {
        path: f.path,
        version: doc.signed.version,
        expires: doc.signed.expires,
        sha256: f.sha256,
        length: f.length,
      };
    }
  }
  const roleDoc = (role) => JSON.parse(readFileSync(join(out, current[role].path), 'utf8')).signed;

  const targets = [];
  for (const line of readFileSync(join(abs, 'expected.tsv'), 'utf8').split('\n')) {
    if (line === '') continue;
    const [tname, payload, role, custom] = line.split('\t');
    const bytes = readFileSync(join(abs, payload));
    const t = {
      name: tname,
      sha256: sha256hex(bytes),
      size: bytes.length,
      role,
      payload: `${dir}/${payload}`,
      custom: custom ? JSON.parse(readFileSync(join(abs, custom), 'utf8')) : null,
    };
    // Cross-check with what the server actually serves.
    const meta = roleDoc(role).targets[tname];
    if (!meta) throw new Error(`${gun}: ${tname} missing from ${role}`);
    if (meta.hashes.sha256 !== sha256b64(bytes) || meta.length !== bytes.length)
      throw new Error(`${gun}: ${tname} digest/size differ`);
    if (JSON.stringify(meta.custom ?? null) !== JSON.stringify(t.custom))
      throw new Error(`${gun}: ${tname} custom differs`);
    targets.push(t);
  }

  const cli = { list: readFileSync(join(abs, 'cli/list.txt'), 'utf8'), lookups: [], other: {} };
  for (const f of walk(join(abs, 'cli'))) {
    const m = /^lookup-(\d+)\.txt$/.exec(f);
    if (m) {
      const lname = readFileSync(join(abs, `cli/lookup-${m[1]}.name`), 'utf8').replace(/\n$/, '');
      const stdout = readFileSync(join(abs, 'cli', f), 'utf8');
      const parsed = parseLookup(stdout);
      const winner = targets.find(
        (t) => t.name === lname && parsed && t.sha256 === parsed.sha256 && t.size === parsed.size,
      );
      if (!winner)
        throw new Error(
          `${gun}: notary lookup ${lname} answered ${JSON.stringify(stdout)}, matching no expected target`,
        );
      cli.lookups.push({ name: lname, stdout, role: winner.role });
    } else if (f !== 'list.txt' && f.endsWith('.txt')) {
      cli.other[f.replace(/\.txt$/, '')] = readFileSync(join(abs, 'cli', f), 'utf8');
    }
  }

  const serverBytes = new Map(server.filter((f) => f.role && f.version === null).map((f) => [f.role, f.sha256]));
  const cache = (t) =>
    walk(join(out, t, 'tuf', gun, 'metadata')).map((p) => {
      const e = fileEntry(out, `${t}/tuf/${gun}/metadata/${p}`);
      const role = p.replace(/\.json$/, '');
      return { ...e, role, sameAsServer: serverBytes.get(role) === e.sha256 };
    });
  const changelist = walk(join(out, trust, 'tuf', gun, 'changelist')).map((p) => `${trust}/tuf/${gun}/changelist/${p}`);

  const m = {
    name,
    gun,
    description: DESCRIPTIONS[name] ?? '',
    passphrase,
    dir,
    current,
    rootVersions: server.filter((f) => f.role === 'root' && f.version !== null).map((f) => f.version),
    delegations: Object.keys(current)
      .filter((r) => r.startsWith('targets/'))
      .sort(),
    serverManagedSnapshot: existsSync(join(abs, 'server/snapshot.key')),
    timestampKey: JSON.parse(readFileSync(join(abs, 'server/timestamp.key'), 'utf8')),
    serverFiles: server,
    targets,
    cli,
    trust: { dir: trust, privateKeys: privateKeys(join(out, trust), trust), metadata: cache(trust), changelist },
  };
  if (existsSync(join(abs, 'trust-at-root-v1'))) {
    m.trustAtRootV1 = { dir: `${dir}/trust-at-root-v1`, metadata: cache(`${dir}/trust-at-root-v1`) };
  }
  return m;
}

function keysManifest(out) {
  const trust = 'keys/trust';
  const keys = privateKeys(join(out, trust), trust).map((k) => {
    const imp = KEY_IMPORTS[k.role];
    return {
      ...k,
      algorithm: imp?.algorithm ?? 'ecdsa',
      source: imp ? `notary key import ${imp.input}` : 'generated by notary init',
      importedFrom: imp?.input ?? null,
    };
  });
  const imports = Object.entries(KEY_IMPORTS).map(([role, imp]) => ({
    role,
    ...imp,
    stored: keys.some((k) => k.role === role),
  }));
  const exports = walk(join(out, 'keys'))
    .filter((p) => /^export-.*\.pem$/.test(p))
    .map((p) => ({
      path: `keys/${p}`,
      blocks: pemBlocks(readFileSync(join(out, 'keys', p), 'utf8')).map((b) => ({
        type: b.type,
        keyId: b.headers.path ?? null,
        role: b.headers.role ?? null,
        gun: b.headers.gun ?? null,
      })),
    }));
  const certs = walk(join(out, 'repos/delegated/certs')).map((p) => {
    const rel = `repos/delegated/certs/${p}`;
    const c = new X509Certificate(readFileSync(join(out, rel)));
    const role = { 'releases.crt': 'targets/releases', 'sub.crt': 'targets/releases/sub', 'qa.crt': 'targets/qa' }[p];
    return { path: rel, subject: c.subject, role: role ?? null };
  });
  return {
    dir: trust,
    gun: gunOf(join(out, trust)),
    privateKeys: keys,
    imports,
    exports,
    delegationCerts: certs,
    keyList: readFileSync(join(out, 'keys/key-list.txt'), 'utf8'),
    keyListReimported: readFileSync(join(out, 'keys/key-list-reimported.txt'), 'utf8'),
  };
}

function legacyManifest(out) {
  return ['0.1', '0.3'].map((v) => {
    const dir = `legacy/notary${v}`;
    const gun = gunOf(join(out, dir));
    const keyList = readFileSync(join(out, `${dir}.key-list-after-migration.txt`), 'utf8');
    const original = privateKeys(join(out, v === '0.1' ? 'repos/odd/trust' : 'repos/delegated/trust'), '');
    for (const k of original) {
      if (v === '0.1' && k.role.includes('/')) continue;
      if (!keyList.includes(k.keyId)) throw new Error(`${dir}: notary did not migrate key ${k.keyId} (${k.role})`);
    }
    return {
      name: `notary${v}`,
      dir,
      gun,
      basedOn: v === '0.1' ? 'repos/odd/trust' : 'repos/delegated/trust',
      keyFormat:
        'PEM EC PRIVATE KEY, RFC 1421 encrypted (Proc-Type 4,ENCRYPTED; DEK-Info AES-256-CBC), openssl ec -aes256',
      privateKeys: walk(join(out, dir, 'private')).map((p) => {
        const [b] = pemBlocks(readFileSync(join(out, dir, 'private', p), 'utf8'));
        const base = p.replace(/^.*\//, '').replace(/\.key$/, '');
        const [keyId, suffixRole] = base.split('_');
        return {
          path: `${dir}/private/${p}`,
          keyId,
          role: b.headers.role ?? suffixRole ?? null,
          roleFrom: b.headers.role ? 'header' : 'filename',
        };
      }),
      trustedCertificates: walk(join(out, dir, 'trusted_certificates')).map((p) => `${dir}/trusted_certificates/${p}`),
      afterMigration: {
        keyList,
        files: readFileSync(join(out, `${dir}.files-after-migration.txt`), 'utf8')
          .split('\n')
          .filter(Boolean),
        list: readFileSync(join(out, `${dir}.list.txt`), 'utf8'),
      },
    };
  });
}

function manifest(out, passphrase) {
  const repos = walk(join(out, 'repos'))
    .filter((p) => p.endsWith('/expected.tsv'))
    .map((p) => p.split('/')[0]);
  const m = {
    format: 1,
    generatedBy: 'scripts/make-fixtures.sh',
    // All metadata was signed before this instant and (timestamps: 14 days) expires after it: inject it as `now`.
    generatedAt: new Date().toISOString(),
    notaryVersion: readFileSync(join(out, 'notary-version.txt'), 'utf8').trim(),
    passphrase,
    note: 'all paths are relative to fixtures/; sha256 values are lower-case hex of the exact file bytes',
    repos: repos.map((r) => repoManifest(out, r, passphrase)),
    keys: keysManifest(out),
    legacy: legacyManifest(out),
  };
  writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(m, null, 2)}\n`);
}

switch (command) {
  case 'port':
    port();
    break;
  case 'version':
    version();
    break;
  case 'ed25519-go-pkcs8':
    ed25519GoPkcs8();
    break;
  case 'legacy':
    legacy(args[0], args[1]);
    break;
  case 'manifest':
    manifest(args[0], args[1]);
    break;
  default:
    process.stderr.write('usage: fixtures-tool.mjs port|version|ed25519-go-pkcs8|legacy OUT PASS|manifest OUT PASS\n');
    process.exit(2);
}
