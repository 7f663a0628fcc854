// `doctor`: how healthy repositories are and what the user must do before something expires.
import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveAnchor } from '../archive/anchor.js';
import { type ConnectOptions, connect, pinningOf, trustDirOf } from '../archive/connect.js';
import { remoteSource, type VerifiedSource, verifySource } from '../archive/source.js';
import { parseJson } from '../canonical/index.js';
import type { PublicKey } from '../crypto/index.js';
import { isNotaryError, type NotaryError } from '../errors.js';
import { canonicalKeyId, parseExpiry, parseKey, tufKeyId } from '../metadata/index.js';
import type { NotaryRemote } from '../remote/index.js';
import { status } from '../signer/stage.js';
import {
  type DoctorReport,
  type DoctorRepositoryReport,
  describeKey,
  type Finding,
  type KeyHealth,
  type KeyLocation,
  type RoleHealth,
  verdictOf,
} from './report.js';

/** Default warning window: 30 days. */
export const DEFAULT_WARN_MS = 30 * 86_400_000;

export interface DoctorOptions extends ConnectOptions {
  readonly guns: readonly string[];
  /** Something the user must renew that expires within this many ms is a warning (default 30 days). */
  readonly warnMs?: number | undefined;
  /** Default the system clock. */
  readonly now?: (() => Date) | undefined;
}

const fixFor = (gun: string, role: string): string => {
  if (role === 'root') return `notary-ts rotate ${gun} root`;
  if (role === 'targets') return `notary-ts rotate ${gun} targets (or sign any change into targets)`;
  if (role === 'snapshot') return `notary-ts rotate ${gun} snapshot --server-managed (the server then renews it)`;
  if (role === 'timestamp') return 'none: the server re-signs the timestamp';
  return `notary-ts sign ${gun}:TAG --role ${role} (any signed change renews it)`;
};

/**
 * Downloads and verifies each repository (as `verify` would, anchored as `archive` is), then reports per role its
 * version, expiry, keys (type, size, where held) and threshold, root certificate windows, delegations, and staged
 * changes, with findings that name their fix. Read-only except that asking the server for its snapshot key makes
 * it create one when it never held one (Notary's key endpoint).
 * @throws NotaryError remote codes, REPOSITORY_NOT_FOUND, INVALID_GUN, and trust failures doctor cannot explain
 *   (e.g. a forged signature: THRESHOLD_NOT_MET)
 */
export async function doctor(options: DoctorOptions): Promise<DoctorReport> {
  const now = (options.now ?? (() => new Date()))();
  const warnMs = options.warnMs ?? DEFAULT_WARN_MS;
  const trustDir = trustDirOf(options);
  const local = localKeyIds(trustDir);
  const repositories: DoctorRepositoryReport[] = [];
  for (const gun of new Set(options.guns)) {
    const { server, remote } = connect(gun, options);
    try {
      repositories.push(await examine(gun, server, remote, { trustDir, now, warnMs, local, options }));
    } finally {
      await remote.close();
    }
  }
  return {
    verdict: verdictOf(repositories.flatMap((r) => r.findings)),
    checkedAt: now.toISOString(),
    warnMs,
    repositories,
  };
}

interface Ctx {
  readonly trustDir: string;
  readonly now: Date;
  readonly warnMs: number;
  readonly local: ReadonlySet<string>;
  readonly options: DoctorOptions;
}

async function examine(gun: string, server: string, remote: NotaryRemote, c: Ctx): Promise<DoctorRepositoryReport> {
  const findings: Finding[] = [];
  const anchor = resolveAnchor(
    gun,
    c.trustDir,
    { ...(c.options.config ?? {}), trustPinning: pinningOf(c.options) },
    c.now,
  );
  // An expired role stops verification; note it and look again just before it expired, to report the rest.
  let at = c.now;
  let verified: VerifiedSource | undefined;
  for (let attempt = 0; verified === undefined; attempt++) {
    try {
      verified = await verifySource(remoteSource(remote), { gun, now: at, anchor, offline: false });
    } catch (e) {
      if (!isNotaryError(e) || attempt >= 8) throw e;
      const expired = expiredAt(e);
      if (expired === undefined) {
        if (!isNotaryError(e, 'BAD_CERTIFICATE')) throw e;
        findings.push(invalid('ROOT_CERT_INVALID', 'root', `${e.message}`, fixFor(gun, 'root')));
        return report(gun, server, [], findings, await stagedCount(gun, c.trustDir));
      }
      const role = String(e.details['role']);
      findings.push({
        ...invalid('ROLE_EXPIRED', role, `${role} expired at ${expired.text}`, fixFor(gun, role)),
        expires: expired.text,
      });
      at = new Date(Number(expired.epochNs / 1_000_000n) - 1);
    }
  }
  const repo = verified.repo;
  await repo.loadAll({
    failed: (name, e) => {
      const exp = expiredAt(e);
      findings.push(
        exp !== undefined
          ? { ...invalid('ROLE_EXPIRED', name, `${name} expired at ${exp.text}`, fixFor(gun, name)), expires: exp.text }
          : invalid('DELEGATION_INVALID', name, `${name}: ${e.message}`, fixFor(gun, name)),
      );
      return true;
    },
  });

  const serverHeld = await serverKeyIds(remote, repo.root, c.local);
  const locate = (id: string, key: PublicKey | undefined): KeyLocation => {
    if (c.local.has(id) || (key !== undefined && c.local.has(safeCanonical(key)))) return 'local';
    return serverHeld.has(id) ? 'server' : 'nowhere';
  };
  const roles: RoleHealth[] = [];
  const root = repo.root;
  for (const name of ['root', 'targets', 'snapshot', 'timestamp'] as const) {
    const rk = root.baseRole(name);
    const file = name === 'root' ? root : repo[name];
    const keys = rk.keyIds.map((id) => keyHealth(id, root.keys.get(id), locate));
    const serverRenewed = name === 'timestamp' || (name === 'snapshot' && keys.some((k) => k.held === 'server'));
    roles.push(health(name, file.version, file.expires.text, rk.threshold, keys, serverRenewed));
  }
  const seen = new Set<string>();
  for (const parent of [repo.targets, ...repo.delegations.values()]) {
    for (const d of parent.delegations.roles) {
      if (seen.has(d.name)) continue;
      seen.add(d.name);
      const t = repo.delegations.get(d.name);
      const keys = d.keyIds.map((id) => keyHealth(id, parent.delegations.keys.get(id), locate));
      roles.push(health(d.name, t?.version ?? 0, t?.expires.text ?? '', d.threshold, keys, false));
    }
  }
  for (const r of roles) judge(gun, r, c, findings);
  const staged = await stagedCount(gun, c.trustDir);
  if (staged > 0) {
    findings.push({
      code: 'STAGED_CHANGES',
      severity: 'info',
      role: '',
      message: `${staged} staged change(s) not published`,
      fix: `notary-ts publish ${gun} (or notary-ts reset ${gun} --all)`,
    });
  }
  return report(gun, server, roles, findings, staged);
}

function judge(gun: string, r: RoleHealth, c: Ctx, findings: Finding[]): void {
  const nowMs = c.now.getTime();
  if (r.keys.length < r.threshold) {
    findings.push(
      invalid(
        'THRESHOLD_UNREACHABLE',
        r.role,
        `${r.role} needs ${r.threshold} signature(s) but lists ${r.keys.length} key(s)`,
        r.role.startsWith('targets/') ? `notary-ts delegation add ${gun} ${r.role} KEY.pem` : fixFor(gun, r.role),
      ),
    );
  }
  if (r.expires !== '' && !findings.some((f) => f.role === r.role && f.code === 'ROLE_EXPIRED')) {
    const left = Number(parseExpiry(r.expires).epochNs / 1_000_000n) - nowMs;
    if (left < c.warnMs) {
      findings.push(
        r.serverRenewed
          ? {
              code: 'SERVER_RENEWED',
              severity: 'info',
              role: r.role,
              message: `${r.role} expires ${r.expires}; the server re-signs it`,
              fix: '',
              expires: r.expires,
            }
          : {
              code: left <= 0 ? 'ROLE_EXPIRED' : 'ROLE_EXPIRING',
              severity: left <= 0 ? 'invalid' : 'expiring',
              role: r.role,
              message: `${r.role} expires ${r.expires} (in ${formatLeft(left)})`,
              fix: fixFor(gun, r.role),
              expires: r.expires,
            },
      );
    }
  }
  if (!r.serverRenewed && r.keys.filter((k) => k.held !== 'nowhere').length < r.threshold) {
    findings.push({
      code: 'KEYS_NOT_HELD',
      severity: 'info',
      role: r.role,
      message: `this trust dir holds fewer than ${r.threshold} of ${r.role}'s keys: it cannot re-sign ${r.role}`,
      fix: `notary-ts key import (on the machine that signs ${r.role})`,
    });
  }
  for (const k of r.keys) {
    if (k.notAfter === undefined || k.notBefore === undefined) continue;
    const end = Date.parse(k.notAfter);
    if (end <= nowMs || Date.parse(k.notBefore) > nowMs) {
      findings.push(
        invalid(
          'ROOT_CERT_INVALID',
          'root',
          `root certificate ${k.id} is valid ${k.notBefore} to ${k.notAfter}`,
          fixFor(gun, 'root'),
        ),
      );
    } else if (end - nowMs < c.warnMs) {
      findings.push({
        code: 'ROOT_CERT_EXPIRING',
        severity: 'expiring',
        role: 'root',
        message: `root certificate ${k.id} expires ${k.notAfter} (in ${formatLeft(end - nowMs)})`,
        fix: fixFor(gun, 'root'),
        expires: k.notAfter,
      });
    }
  }
}

function invalid(code: Finding['code'], role: string, message: string, fix: string): Finding {
  return { code, severity: 'invalid', role, message, fix };
}

function expiredAt(e: NotaryError): { text: string; epochNs: bigint } | undefined {
  if (e.code !== 'EXPIRED' || typeof e.details['expires'] !== 'string') return undefined;
  try {
    return parseExpiry(e.details['expires'] as string);
  } catch {
    return undefined;
  }
}

function health(
  role: string,
  version: number,
  expires: string,
  threshold: number,
  keys: KeyHealth[],
  serverRenewed: boolean,
): RoleHealth {
  return { role, version, expires, threshold, keys, serverRenewed };
}

function keyHealth(id: string, key: PublicKey | undefined, locate: (id: string, k?: PublicKey) => KeyLocation) {
  if (key === undefined) return { id, type: 'unknown', bits: 0, held: locate(id, undefined) } satisfies KeyHealth;
  const { cert: _cert, ...k } = describeKey(id, key, locate(id, key));
  return k;
}

function safeCanonical(key: PublicKey): string {
  try {
    return canonicalKeyId(key);
  } catch {
    return '';
  }
}

function report(
  gun: string,
  server: string,
  roles: RoleHealth[],
  findings: Finding[],
  staged: number,
): DoctorRepositoryReport {
  return { gun, server, verdict: verdictOf(findings), roles, findings, staged };
}

async function stagedCount(gun: string, trustDir: string): Promise<number> {
  return (await status({ gun, trustDir })).length;
}

/** Key IDs of private keys in the trust dir (file names; no passphrase needed, nothing is decrypted). */
function localKeyIds(trustDir: string): Set<string> {
  const ids = new Set<string>();
  const walk = (dir: string, depth: number): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.slice(0, 10_000)) {
      if (e.isDirectory() && depth < 4) walk(join(dir, e.name), depth + 1);
      const m = /^([0-9a-f]{64})(?:_[a-z0-9_/-]+)?\.key$/.exec(e.name);
      if (e.isFile() && m) ids.add(m[1] as string);
    }
  };
  walk(join(trustDir, 'private'), 0);
  return ids;
}

/** IDs of the keys the server holds for timestamp (always) and snapshot (asked only when not held locally). */
async function serverKeyIds(
  remote: NotaryRemote,
  root: { baseRole(n: 'snapshot'): { keyIds: readonly string[] } },
  local: ReadonlySet<string>,
): Promise<Set<string>> {
  const ids = new Set<string>();
  const roles: ('timestamp' | 'snapshot')[] = ['timestamp'];
  if (!root.baseRole('snapshot').keyIds.some((id) => local.has(id))) roles.push('snapshot');
  for (const role of roles) {
    try {
      ids.add(tufKeyId(parseKey(parseJson(await remote.getKey(role)), role, 'key')));
    } catch (e) {
      if (!isNotaryError(e)) throw e;
      // The server would not say: the key counts as held nowhere we can see.
    }
  }
  return ids;
}

function formatLeft(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  return h >= 48 ? `${Math.floor(h / 24)}d` : `${Math.max(h, 0)}h`;
}
