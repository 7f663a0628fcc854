// Trust pinning without a config file: --root-key/--root-ca/--no-tofu and their environment variables, merged over
// the config's `trust_pinning` section.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { type NotaryErrorCode, notaryError } from '../errors.js';
import { emptyTrustPinning, type TrustPinning } from './config.js';

/** Pinning given outside a config file (flags, or a library caller). */
export interface PinningOptions {
  /** `[GUN=]ID` or `[PREFIX*=]ID`: a bare ID pins every GUN (key `*`), as Notary's `trust_pinning.certs`. */
  rootKeys?: readonly string[] | undefined;
  /** `[PREFIX=]FILE`: the root certificate must chain to a CA in FILE (a bare FILE applies to every GUN). */
  rootCas?: readonly string[] | undefined;
  /** Refuse trust on first use when nothing pins a GUN (Notary's `disable_tofu`). */
  noTofu?: boolean | undefined;
}

/** A root trusted on first use: the key IDs to pin it with (`--root-key GUN=ID`, `trust_pinning.certs`). */
export interface FirstUse {
  readonly gun: string;
  readonly rootKeyIds: readonly string[];
}

/** Environment equivalents of the pinning flags (lists are comma- or whitespace-separated). */
export const PINNING_ENV = {
  rootKeys: 'NOTARY_TS_ROOT_KEYS',
  rootCas: 'NOTARY_TS_ROOT_CAS',
  noTofu: 'NOTARY_TS_NO_TOFU',
} as const;

const KEY_ID = /^[0-9a-f]{64}$/;

function splitSpec(spec: string): [string, string] {
  const i = spec.lastIndexOf('=');
  return i < 0 ? ['*', spec] : [spec.slice(0, i), spec.slice(i + 1)];
}

function addRootKey(out: TrustPinning, spec: string, source: string, code: NotaryErrorCode): void {
  const [scope, idText] = splitSpec(spec.trim());
  const id = idText.toLowerCase();
  if (!KEY_ID.test(id) || scope === '') {
    throw notaryError(code, `${source}: expected [GUN=]ROOT_KEY_ID (64 hex digits), got ${JSON.stringify(spec)}`, {
      details: { source, value: spec.slice(0, 200) },
    });
  }
  const list = Object.hasOwn(out.certs, scope) ? (out.certs[scope] as string[]) : [];
  if (!list.includes(id)) list.push(id);
  out.certs[scope] = list;
}

function addRootCa(out: TrustPinning, spec: string, source: string, code: NotaryErrorCode, cwd: string): void {
  const whole = resolve(cwd, spec);
  const [prefix, file] = existsSync(whole) ? ['', spec] : spec.includes('=') ? splitSpec(spec) : ['', spec];
  if (file === '') {
    throw notaryError(code, `${source}: expected [PREFIX=]FILE, got ${JSON.stringify(spec)}`, {
      details: { source, value: spec.slice(0, 200) },
    });
  }
  // A missing file fails later with PINNING_FAILED (ca-unreadable), when a GUN under the prefix is bootstrapped.
  out.ca[prefix === '*' ? '' : prefix.replace(/\*$/, '')] = resolve(cwd, file);
}

function envList(v: string | undefined): string[] {
  return (v ?? '').split(/[\s,]+/).filter((x) => x !== '');
}

function envBool(v: string | undefined): boolean {
  return v !== undefined && /^(1|true|yes)$/i.test(v.trim());
}

/**
 * The pinning in force: the config's `trust_pinning`, then the environment (`NOTARY_TS_ROOT_KEYS`,
 * `NOTARY_TS_ROOT_CAS`, `NOTARY_TS_NO_TOFU`), then `options` (flags): later sources add to earlier ones, and a GUN
 * given root key IDs by a later source keeps only those. TOFU is off when any source turns it off.
 * @throws NotaryError INVALID_ARGUMENT (options) or INVALID_CONFIG (environment) on a malformed entry
 */
export function mergePinning(
  base: TrustPinning | undefined,
  env: Readonly<Record<string, string | undefined>>,
  options: PinningOptions = {},
  cwd: string = process.cwd(),
): TrustPinning {
  const out = emptyTrustPinning();
  if (base) {
    for (const [k, v] of Object.entries(base.certs)) out.certs[k] = [...v];
    Object.assign(out.ca, base.ca);
    out.disableTofu = base.disableTofu;
  }
  const layer = (keys: readonly string[], cas: readonly string[], source: string, code: NotaryErrorCode) => {
    const fresh = emptyTrustPinning();
    for (const k of keys) addRootKey(fresh, k, source, code);
    for (const c of cas) addRootCa(fresh, c, source, code, cwd);
    Object.assign(out.certs, fresh.certs);
    Object.assign(out.ca, fresh.ca);
  };
  layer(envList(env[PINNING_ENV.rootKeys]), envList(env[PINNING_ENV.rootCas]), 'environment', 'INVALID_CONFIG');
  layer(options.rootKeys ?? [], options.rootCas ?? [], '--root-key/--root-ca', 'INVALID_ARGUMENT');
  if (envBool(env[PINNING_ENV.noTofu]) || options.noTofu === true) out.disableTofu = true;
  return out;
}
