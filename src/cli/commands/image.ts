// What sign and verify share for image references: registry options from the command line, and resolving with progress.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { notaryError } from '../../errors.js';
import {
  type ImageReference,
  type RemoteTlsOptions,
  type ResolvedImage,
  type ResolveImageOptions,
  resolveImages,
} from '../../index.js';
import { listFlag, type ParsedArgs } from '../args.js';
import type { CommonOptions } from '../common.js';
import type { CliIo } from '../context.js';

/**
 * TLS for a registry host, found where docker's client keeps per-host material: `$DOCKER_CONFIG/tls/<host>/`
 * (default `~/.docker/tls/<host>/`) with `ca.crt` (replaces the system roots) and `cert.pem`/`key.pem` (client
 * certificate). Without them: the system roots (plus NODE_EXTRA_CA_CERTS).
 */
export function registryTls(env: Record<string, string | undefined>): (host: string) => RemoteTlsOptions {
  const base = env['DOCKER_CONFIG'] || join(env['HOME'] ?? homedir(), '.docker');
  return (host) => {
    const dir = join(base, 'tls', host);
    const tls: RemoteTlsOptions = {};
    if (existsSync(join(dir, 'ca.crt'))) tls.caFile = join(dir, 'ca.crt');
    if (existsSync(join(dir, 'cert.pem')) && existsSync(join(dir, 'key.pem'))) {
      tls.certFile = join(dir, 'cert.pem');
      tls.keyFile = join(dir, 'key.pem');
    }
    return tls;
  };
}

/** Registry options from the CLI's: insecure hosts, timeout, docker config credentials and per-host TLS. */
export function registryOptions(args: ParsedArgs, opts: CommonOptions): ResolveImageOptions {
  const insecure = listFlag(args, 'insecure-registry');
  for (const h of insecure) {
    if (!/^[A-Za-z0-9.[\]:-]+$/.test(h)) {
      throw notaryError('USAGE', `--insecure-registry needs HOST[:PORT], got ${JSON.stringify(h)}`, {
        details: { flag: 'insecure-registry', value: h },
      });
    }
  }
  return {
    insecureRegistries: insecure,
    env: opts.env,
    tls: registryTls(opts.env),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  };
}

/**
 * Resolves references against their registries (bounded concurrency); with a TTY on stderr and more than one
 * reference, a `resolving N/M` counter is shown there (never on stdout, never with --json).
 */
export async function resolveWithProgress(
  refs: readonly ImageReference[],
  options: ResolveImageOptions,
  io: CliIo,
  json: boolean,
): Promise<ResolvedImage[]> {
  const progress = io.stderr.isTTY === true && !json && refs.length > 1;
  const results = await resolveImages(refs, {
    ...options,
    ...(progress ? { onResolved: (done, total) => io.stderr.write(`\rresolving ${done}/${total}`) } : {}),
  }).finally(() => {
    if (progress) io.stderr.write('\n');
  });
  return results;
}
