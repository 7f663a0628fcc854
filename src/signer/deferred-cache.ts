// A metadata cache whose writes wait for the publish to succeed, so a failed publish leaves the trust dir untouched.

import { type CacheEntry, MetadataCache } from '../client/cache.js';
import { notaryError } from '../errors.js';

/**
 * Reads see pending writes first, then the disk. `commit()` writes what the refresh verified (parents last, as the
 * cache orders them); a publish that fails simply drops them, and the next run downloads them again.
 */
export class DeferredCache extends MetadataCache {
  readonly #pending = new Map<string, Uint8Array>();

  override read(role: string, maxBytes?: number): Uint8Array | undefined {
    const p = this.#pending.get(role);
    if (p === undefined) return super.read(role, maxBytes);
    if (maxBytes !== undefined && p.length > maxBytes) {
      throw notaryError('CACHE_CORRUPT', `cached ${role} is ${p.length} bytes, more than the ${maxBytes} allowed`, {
        details: { role, size: p.length, limit: maxBytes },
      });
    }
    return p;
  }

  override write(role: string, bytes: Uint8Array): void {
    this.pathOf(role); // validates the role name now, as a real write would
    this.#pending.set(role, bytes);
  }

  override writeAll(entries: readonly CacheEntry[]): void {
    for (const e of entries) this.write(e.role, e.bytes);
  }

  /** Nothing is written ahead: pending writes stay in memory until `commit()`. */
  override stage(): undefined {
    return undefined;
  }

  override commitAll(entries: readonly CacheEntry[]): Promise<void> {
    this.writeAll(entries);
    return Promise.resolve();
  }

  /**
   * Writes every pending file, parents last, as one staged commit of the real cache (`MetadataCache.commitAll`,
   * which writes through its own staging, not through this class's deferring `write`).
   * @throws NotaryError IO
   */
  async commit(): Promise<void> {
    const entries = [...this.#pending].map(([role, bytes]) => ({ role, bytes }));
    this.#pending.clear();
    if (entries.length > 0) await super.commitAll(entries);
  }

  /** Forgets pending writes. */
  discard(): void {
    this.#pending.clear();
  }
}
