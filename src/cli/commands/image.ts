// What sign and verify share for image references: registry options from the command line, and resolving with progress.
import { notaryError } from '../../errors.js';
import {
  type ImageReference,
  type ResolvedImage,
  type ResolveImageOptions,
  resolveConnection,
  resolveImages,
} from '../../index.js';
import { listFlag, type ParsedArgs } from '../args.js';
import type { CommonOptions } from '../common.js';
import type { CliIo } from '../context.js';

/** Registry options from the CLI's: insecure hosts, timeout, docker config credentials, TLS and proxy of the host. */
export function registryOptions(args: ParsedArgs, opts: CommonOptions): ResolveImageOptions {
  const insecure = listFlag(args, 'insecure-registry');
  for (const h of insecure) {
    if (!/^[A-Za-z0-9.[\]:-]+$/.test(h)) {
      throw notaryError('USAGE', `--insecure-registry needs HOST[:PORT], got ${JSON.stringify(h)}`, {
        details: { flag: 'insecure-registry', value: h },
      });
    }
  }
  const connection = opts.connection;
  return {
    insecureRegistries: insecure,
    env: opts.env,
    // The composition root resolves TLS (CA and client-certificate discovery) and proxy for the registry host exactly
    // as for a notary server at that address; credentials stay docker's config for the registry.
    transport: (host) => resolveConnection(host, { ...connection, server: `https://${host}` }).transport,
    ...(connection.onExchange ? { onExchange: connection.onExchange } : {}),
    ...(connection.transportFactory ? { transportFactory: connection.transportFactory } : {}),
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
