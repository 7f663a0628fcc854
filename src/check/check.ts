// `check`: download everything a server holds for a GUN, verify all of it, and test the server against the Notary API.
import { resolveAnchor } from '../archive/anchor.js';
import { type ConnectOptions, connect, pinningOf, trustDirOf } from '../archive/connect.js';
import { RecordingSource, remoteSource, verifySource } from '../archive/source.js';
import { CACHE_READ_LIMIT } from '../client/cache.js';
import { TIMESTAMP_MAX_BYTES } from '../client/updater.js';
import { sha256 } from '../crypto/hash.js';
import { bytesEqual } from '../encoding/bytes.js';
import { toHex } from '../encoding/hex.js';
import { isNotaryError } from '../errors.js';
import type { Snapshot } from '../metadata/index.js';
import type { NotaryRemote } from '../remote/index.js';

/**
 * Stable codes of `check` findings (append-only):
 * - `VERIFY_FAILED`: the served data does not verify (details: the NotaryError code and role);
 * - `ROLE_NOT_SERVED`: a file the chain needs, or a role the snapshot lists, is not served (by hash or current);
 * - `BY_HASH_MISMATCH`: `<role>.<sha256>.json` answers bytes whose sha256 is not the one asked for;
 * - `BY_VERSION_MISMATCH`: `<N>.<role>.json` answers other bytes than the verified file of version N;
 * - `CURRENT_MISMATCH`: `<role>.json` answers other bytes than the file the verified chain names;
 * - `NOT_404`: a file that does not exist answers something other than 404;
 * - `CONTENT_TYPE`: a metadata answer with a Content-Type that is not text/plain, application/json or
 *   application/octet-stream (Notary answers text/plain);
 * - `HTTP_ERROR`: a request failed (network, timeout, 5xx) where an answer was required.
 */
export type CheckCode =
  | 'VERIFY_FAILED'
  | 'ROLE_NOT_SERVED'
  | 'BY_HASH_MISMATCH'
  | 'BY_VERSION_MISMATCH'
  | 'CURRENT_MISMATCH'
  | 'NOT_404'
  | 'CONTENT_TYPE'
  | 'HTTP_ERROR';

export interface CheckFinding {
  readonly code: CheckCode;
  /** The file (as the server names it: `2.root.json`, `targets.<hex>.json`) or role concerned. */
  readonly file: string;
  readonly message: string;
  /** HTTP status, when one was received. */
  readonly status?: number;
  /** The NotaryError code behind a VERIFY_FAILED/HTTP_ERROR finding. */
  readonly error?: string;
}

export interface CheckRepositoryReport {
  readonly gun: string;
  readonly server: string;
  readonly ok: boolean;
  /** Conformance requests made after the verifying download. */
  readonly requests: number;
  /** Files that verified (every root version, timestamp, snapshot, targets, delegations). */
  readonly verifiedFiles: number;
  readonly findings: readonly CheckFinding[];
}

export interface CheckReport {
  readonly ok: boolean;
  readonly checkedAt: string;
  readonly repositories: readonly CheckRepositoryReport[];
}

export interface CheckOptions extends ConnectOptions {
  readonly guns: readonly string[];
  /** Default the system clock. */
  readonly now?: (() => Date) | undefined;
}

const CONTENT_TYPES = /^(text\/plain|application\/json|application\/octet-stream)\s*(;.*)?$/i;
const ABSENT_ROLE = 'targets/notary-ts-check-absent';
const ZERO_HASH = '0'.repeat(64);

/**
 * Checks each GUN on its server: verifies every root version from 1, timestamp, snapshot, targets and every
 * delegation (as `archive` does, anchored the same way), then compares the server's answers to the Notary API:
 * current, by-hash and by-version downloads of each file agree with the verified chain; absent files are 404;
 * Content-Types; every role the snapshot lists is served. Never throws for what the server does wrong: every
 * deviation is a finding.
 * @throws NotaryError INVALID_GUN, INVALID_CONFIG (bad server URL or config), PINNING_FAILED (TOFU disabled)
 */
export async function check(options: CheckOptions): Promise<CheckReport> {
  const now = (options.now ?? (() => new Date()))();
  const trustDir = trustDirOf(options);
  const repositories: CheckRepositoryReport[] = [];
  for (const gun of new Set(options.guns)) {
    const { server, remote } = connect(gun, options);
    try {
      const config = { ...(options.config ?? {}), trustPinning: pinningOf(options) };
      const anchor = resolveAnchor(gun, trustDir, config, now);
      const source = new RecordingSource(remoteSource(remote));
      repositories.push(await checkOne(gun, server, remote, source, () => verifyAll(gun, source, now, anchor)));
    } finally {
      await remote.close();
    }
  }
  return { ok: repositories.every((r) => r.ok), checkedAt: now.toISOString(), repositories };
}

interface Verified {
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly rootVersion: number;
  readonly snapshot: Snapshot;
  readonly versions: ReadonlyMap<string, number>;
}

async function verifyAll(
  gun: string,
  source: RecordingSource,
  now: Date,
  anchor: ReturnType<typeof resolveAnchor>,
): Promise<{ verified: Verified; failures: CheckFinding[] }> {
  const failures: CheckFinding[] = [];
  const { repo, rootVersion } = await verifySource(source, { gun, now, anchor, offline: false });
  await repo.loadAll({
    failed: (name, e) => {
      failures.push(failure(`${name}.json`, e));
      return true;
    },
  });
  const versions = new Map<string, number>([
    ['timestamp', repo.timestamp.version],
    ['snapshot', repo.snapshot.version],
    ['targets', repo.targets.version],
  ]);
  for (const [name, t] of repo.delegations) versions.set(name, t.version);
  return { verified: { files: source.files, rootVersion, snapshot: repo.snapshot, versions }, failures };
}

/** The newest `N.root.json` downloaded, if any. */
function newestRoot(files: ReadonlyMap<string, Uint8Array>): number | undefined {
  let n: number | undefined;
  for (const name of files.keys()) {
    const m = /^(\d+)\.root\.json$/.exec(name);
    if (m && (n === undefined || Number(m[1]) > n)) n = Number(m[1]);
  }
  return n;
}

function failure(file: string, e: unknown): CheckFinding {
  if (!isNotaryError(e)) throw e;
  const code: CheckCode =
    e.category === 'not-found' ? 'ROLE_NOT_SERVED' : e.category === 'trust' ? 'VERIFY_FAILED' : 'HTTP_ERROR';
  const r = e.details['role'];
  const v = e.details['version'];
  const role = r === 'root' && typeof v === 'number' ? `${v}.root.json` : typeof r === 'string' ? `${r}.json` : file;
  return { code, file: role, message: e.message, error: e.code };
}

async function checkOne(
  gun: string,
  server: string,
  remote: NotaryRemote,
  source: RecordingSource,
  verify: () => Promise<{ verified: Verified; failures: CheckFinding[] }>,
): Promise<CheckRepositoryReport> {
  const findings: CheckFinding[] = [];
  let requests = 0;
  let verified: Verified | undefined;
  try {
    const r = await verify();
    verified = r.verified;
    findings.push(...r.failures);
  } catch (e) {
    // No repository at all is an answer, not a deviation: REPOSITORY_NOT_FOUND (exit 3).
    if (isNotaryError(e, 'REPOSITORY_NOT_FOUND')) throw e;
    findings.push(failure('root.json', e));
  }
  const get = async (role: string, sel: { version?: number; checksum?: string }, max: number) => {
    requests++;
    const name =
      sel.version !== undefined
        ? `${sel.version}.${role}.json`
        : `${role}${sel.checksum ? `.${sel.checksum}` : ''}.json`;
    try {
      const r = await remote.probe(role, sel, max);
      if (r.status === 200 && !CONTENT_TYPES.test(r.contentType ?? '')) {
        findings.push({
          code: 'CONTENT_TYPE',
          file: name,
          message: `${name} answered Content-Type ${JSON.stringify(r.contentType ?? '')}`,
          status: 200,
        });
      }
      return { name, ...r };
    } catch (e) {
      if (!isNotaryError(e)) throw e;
      findings.push({ code: 'HTTP_ERROR', file: name, message: e.message, error: e.code });
      return undefined;
    }
  };
  /** A file that must be served answered `status`. */
  const notServed = (r: { name: string; status: number }) =>
    findings.push({
      code: 'ROLE_NOT_SERVED',
      file: r.name,
      message: `${r.name} answered ${r.status}`,
      status: r.status,
    });
  /** The current `role` must answer 200 (its bytes may have been re-signed since). */
  const expectServed = async (role: string, max: number) => {
    const r = await get(role, {}, max);
    if (r !== undefined && r.status !== 200) notServed(r);
  };
  /** The answer must be 200 with exactly `want`. */
  const expectBytes = async (
    role: string,
    sel: { version?: number; checksum?: string },
    want: Uint8Array,
    code: CheckCode,
  ) => {
    const r = await get(role, sel, Math.max(want.length, 1) * 2 + 1024);
    if (r === undefined) return;
    if (r.status !== 200) notServed(r);
    else if (!bytesEqual(r.body, want)) {
      findings.push({ code, file: r.name, message: `${r.name} differs from the verified file`, status: 200 });
    }
  };

  // Root answers and 404s are checked even when verification failed, from what was downloaded, so one fault does
  // not hide the others.
  const rootVersion = verified?.rootVersion ?? newestRoot(source.files);
  const latest = rootVersion === undefined ? undefined : source.files.get(`${rootVersion}.root.json`);
  if (rootVersion !== undefined && latest !== undefined) {
    await expectBytes('root', { version: rootVersion }, latest, 'BY_VERSION_MISMATCH');
    await expectBytes('root', {}, latest, 'CURRENT_MISMATCH');
    await expectBytes('root', { checksum: toHex(sha256(latest)) }, latest, 'BY_HASH_MISMATCH');
  }
  const absent: [string, { version?: number; checksum?: string }][] = [
    ['root', { version: (rootVersion ?? 0) + 1 }],
    [ABSENT_ROLE, {}],
    ['snapshot', { checksum: ZERO_HASH }],
    ['targets', { version: (verified?.versions.get('targets') ?? 0) + 1000 }],
  ];
  for (const [role, sel] of absent) {
    const r = await get(role, sel, TIMESTAMP_MAX_BYTES);
    if (r !== undefined && r.status !== 404) {
      findings.push({
        code: 'NOT_404',
        file: r.name,
        message: `${r.name} does not exist but answered ${r.status}`,
        status: r.status,
      });
    }
  }
  if (verified === undefined) {
    await expectServed('timestamp', TIMESTAMP_MAX_BYTES);
  } else {
    const v = verified;
    const fileOf = (name: string) => v.files.get(name) as Uint8Array;
    // Timestamp, snapshot, targets, delegations: current, by version, by hash.
    for (const [role, version] of v.versions) {
      const bytes = fileOf(`${role}.json`);
      await expectBytes(role, { version }, bytes, 'BY_VERSION_MISMATCH');
      await expectBytes(role, { checksum: toHex(sha256(bytes)) }, bytes, 'BY_HASH_MISMATCH');
      // The current timestamp (and a server-managed snapshot) may have been re-signed since: compare versions only
      // by bytes for the roles the client signs.
      if (role !== 'timestamp' && role !== 'snapshot') await expectBytes(role, {}, bytes, 'CURRENT_MISMATCH');
      else await expectServed(role, role === 'timestamp' ? TIMESTAMP_MAX_BYTES : CACHE_READ_LIMIT);
    }
    // Every role the snapshot lists is served by its hash with those bytes.
    for (const [role, meta] of v.snapshot.meta) {
      if (role === 'root' || v.versions.has(role)) continue;
      const hex = meta.hashes.sha256;
      if (hex === undefined) continue;
      const r = await get(role, { checksum: toHex(hex) }, meta.length);
      if (r === undefined) continue;
      if (r.status !== 200) {
        findings.push({
          code: 'ROLE_NOT_SERVED',
          file: r.name,
          message: `the snapshot lists ${role}; ${r.name} answered ${r.status}`,
          status: r.status,
        });
      } else if (toHex(sha256(r.body)) !== toHex(hex)) {
        findings.push({
          code: 'BY_HASH_MISMATCH',
          file: r.name,
          message: `${r.name} answered other bytes`,
          status: 200,
        });
      }
    }
  }
  return {
    gun,
    server,
    ok: findings.length === 0,
    requests,
    verifiedFiles: verified?.files.size ?? 0,
    findings,
  };
}
