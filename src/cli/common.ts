// Options every command shares: trust dir, server, config, timeout, TLS CA, passphrase sources, clock.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { type ClientConfig, loadClientConfig } from '../client/config.js';
import { notaryError } from '../errors.js';
import { boolFlag, type ParsedArgs, parseDuration, stringFlag } from './args.js';
import type { CliIo } from './context.js';

export interface CommonOptions {
  trustDir: string;
  /** `-s/--server`; the remote layer falls back to DOCKER_CONTENT_TRUST_SERVER, the config, then the GUN. */
  server: string | undefined;
  config: ClientConfig | undefined;
  timeoutMs: number | undefined;
  tlsCaFile: string | undefined;
  passphraseFile: string | undefined;
  json: boolean;
  env: Record<string, string | undefined>;
  now: () => Date;
}

/** Default trust dir, shared with the Docker CLI. */
export function defaultTrustDir(env: Record<string, string | undefined>): string {
  return join(env['HOME'] ?? homedir(), '.docker', 'trust');
}

/** @throws NotaryError USAGE, INVALID_CONFIG */
export function commonOptions(args: ParsedArgs, io: CliIo): CommonOptions {
  const configFile = stringFlag(args, 'config');
  const config = configFile ? loadClientConfig(configFile, io.env['HOME'] ?? homedir()) : undefined;
  const trustDirFlag = stringFlag(args, 'trust-dir');
  const timeout = stringFlag(args, 'timeout');
  return {
    trustDir: resolve(trustDirFlag ?? config?.trustDir ?? defaultTrustDir(io.env)),
    server: stringFlag(args, 'server'),
    config,
    timeoutMs: timeout === undefined ? undefined : parseDuration(timeout),
    tlsCaFile: stringFlag(args, 'tlscacert') ?? config?.remoteServer?.rootCa,
    passphraseFile: stringFlag(args, 'passphrase-file'),
    json: boolFlag(args, 'json'),
    env: io.env,
    now: io.now ?? (() => new Date()),
  };
}

/** Exactly `n` positionals, or a USAGE error naming what is expected. */
export function positionals(args: ParsedArgs, names: string[], optional = 0): string[] {
  const p = args.positionals;
  if (p.length > names.length || p.length < names.length - optional) {
    throw notaryError('USAGE', `expected ${names.join(' ')}, got ${p.length} argument(s)`, {
      details: { expected: names },
    });
  }
  return p;
}

/** Splits `GUN:TAG` at the last colon after the last slash (a registry port stays in the GUN). */
export function splitGunTag(ref: string, tagRequired: boolean): { gun: string; tag: string | undefined } {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash && colon !== -1) {
    const gun = ref.slice(0, colon);
    const tag = ref.slice(colon + 1);
    if (gun === '' || tag === '') throw notaryError('USAGE', `invalid reference ${JSON.stringify(ref)}`);
    return { gun, tag };
  }
  if (tagRequired) throw notaryError('USAGE', `expected GUN:TAG, got ${JSON.stringify(ref)}`);
  return { gun: ref, tag: undefined };
}

/** The secrets directory passphrases may come from: NOTARY_TS_SECRETS_DIR, else /run/secrets when present. */
export function secretsDir(env: Record<string, string | undefined>): string | undefined {
  const d = env['NOTARY_TS_SECRETS_DIR'];
  if (d) return d;
  return existsSync('/run/secrets') ? '/run/secrets' : undefined;
}

/** A file named on the command line. @throws NotaryError INVALID_ARGUMENT when it cannot be read */
export async function readInputFile(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw notaryError('INVALID_ARGUMENT', `cannot read ${file}`, { cause, details: { file } });
  }
}
