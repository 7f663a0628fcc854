// Choosing the trust anchor of an archive or an archive download: trust pinning, then the cached root, then TOFU.
import { MetadataCache } from '../client/cache.js';
import { createPinChecker } from '../client/trust-pinning.js';
import { ROOT_MAX_BYTES } from '../client/updater.js';
import { type ClientConfig, emptyTrustPinning } from '../connection/config.js';
import type { Anchor } from './source.js';

/**
 * The anchor for `gun`, in this order: trust pinning from the config (certs, wildcard certs or CA) when it names
 * the GUN; else the root cached in `<trustDir>/tuf/<gun>/metadata/root.json`; else trust on first use, unless
 * the config disables it.
 * @throws NotaryError PINNING_FAILED (TOFU disabled and nothing cached or pinned; unreadable CA file),
 *   CACHE_CORRUPT/IO (unreadable cached root), INVALID_GUN
 */
export function resolveAnchor(gun: string, trustDir: string, config: ClientConfig | undefined, now: Date): Anchor {
  const cached = new MetadataCache(trustDir, gun).read('root', ROOT_MAX_BYTES);
  const pin = createPinChecker(config?.trustPinning ?? emptyTrustPinning(), gun, {
    firstBootstrap: cached === undefined,
    now,
  });
  if (pin.mode !== 'tofu') return { kind: 'pinned', pin };
  if (cached !== undefined) return { kind: 'cached', bytes: cached };
  return { kind: 'tofu' };
}
