// An in-memory notary-server for signer unit tests: stores uploads verbatim, enforces increasing versions, signs
// timestamps (and snapshots when it holds the key) with Ed25519 like the local trust service.

import { sha256 } from '../../../src/crypto/hash.js';
import { generateKey } from '../../../src/crypto/index.js';
import type { PrivateKey } from '../../../src/crypto/types.js';
import { toBase64 } from '../../../src/encoding/base64.js';
import { toHex } from '../../../src/encoding/hex.js';
import { utf8 } from '../../../src/encoding/utf8.js';
import { notaryError } from '../../../src/errors.js';
import {
  defaultExpiry,
  editSnapshot,
  fileMetaFromBytes,
  parseMetadata,
  parseRoot,
  parseSnapshot,
  Snapshot,
  signMetadataWithKeys,
  Timestamp,
  tufKeyId,
} from '../../../src/metadata/index.js';
import type { PublishFile } from '../../../src/remote/index.js';
import type { SignerRemote } from '../../../src/signer/index.js';

export class FakeServer {
  readonly current = new Map<string, Uint8Array>();
  readonly byChecksum = new Map<string, Uint8Array>();
  readonly versions = new Map<string, number>();
  readonly keys = new Map<'timestamp' | 'snapshot', PrivateKey>();
  /** Called before an upload is processed (e.g. to let a competing client publish first). */
  beforePublish: ((files: readonly PublishFile[]) => Promise<void>) | undefined;
  publishes = 0;
  now = () => new Date();

  key(role: 'timestamp' | 'snapshot'): PrivateKey {
    let k = this.keys.get(role);
    if (!k) {
      k = generateKey('ed25519');
      this.keys.set(role, k);
    }
    return k;
  }

  private store(role: string, bytes: Uint8Array): void {
    this.current.set(role, bytes);
    this.byChecksum.set(toHex(sha256(bytes)), bytes);
  }

  async publish(files: readonly PublishFile[]): Promise<void> {
    if (this.beforePublish) {
      const hook = this.beforePublish;
      this.beforePublish = undefined;
      await hook(files);
    }
    for (const f of files) {
      const v = parseMetadata(f.role, f.bytes).signed.version;
      const have = this.versions.get(f.role) ?? 0;
      if (v <= have) {
        throw notaryError('VERSION_CONFLICT', `publish: server holds a newer ${f.role}`, { details: { role: f.role } });
      }
    }
    for (const f of files) {
      this.store(f.role, f.bytes);
      this.versions.set(f.role, parseMetadata(f.role, f.bytes).signed.version);
    }
    this.publishes++;
    const root = parseRoot(this.current.get('root') as Uint8Array).signed;
    const now = this.now();
    if (!files.some((f) => f.role === 'snapshot')) {
      const sk = this.key('snapshot');
      if (!root.keysOf('snapshot').has(tufKeyId(sk.publicKey))) throw new Error('fake server: no snapshot key');
      const prev = this.current.get('snapshot');
      const meta = [...this.current].filter(([r]) => r === 'root' || r.startsWith('targets'));
      const snap = prev
        ? meta
            .reduce((ed, [r, b]) => ed.setMeta(r, fileMetaFromBytes(b)), editSnapshot(parseSnapshot(prev).signed))
            .bumpVersion()
            .setDefaultExpiry(now)
            .build()
        : Snapshot.create({
            expires: defaultExpiry('snapshot', now),
            meta: meta.map(([r, b]) => [r, fileMetaFromBytes(b)]),
          });
      const signed = signMetadataWithKeys(snap, [sk]);
      this.store('snapshot', signed.raw);
      this.versions.set('snapshot', snap.version);
    }
    const ts = Timestamp.create({
      version: (this.versions.get('timestamp') ?? 0) + 1,
      expires: defaultExpiry('timestamp', now),
      snapshot: fileMetaFromBytes(this.current.get('snapshot') as Uint8Array),
    });
    this.store('timestamp', signMetadataWithKeys(ts, [this.key('timestamp')]).raw);
    this.versions.set('timestamp', ts.version);
  }

  /** The signer's remote for one GUN, backed by this server; `failPublish` makes the next publishes throw. */
  remote(gun: string): FakeRemote {
    return new FakeRemote(this, gun);
  }
}

/** Implements only the signer's small remote interface: no URL, no HTTP. */
export class FakeRemote implements SignerRemote {
  failPublish: Error | undefined;
  readonly calls: string[] = [];
  constructor(
    readonly server: FakeServer,
    readonly gun: string,
  ) {}

  async getRole(role: string, opts: { maxBytes: number; checksum?: string; version?: number }): Promise<Uint8Array> {
    this.calls.push(`get ${role}${opts.checksum ? `.${opts.checksum.slice(0, 8)}` : ''}`);
    const b = opts.checksum ? this.server.byChecksum.get(opts.checksum) : this.server.current.get(role);
    if (b === undefined) {
      const root = role === 'root' && !opts.checksum && opts.version === undefined;
      throw notaryError(root ? 'REPOSITORY_NOT_FOUND' : 'METADATA_NOT_FOUND', `${role} not found`, {
        details: { role },
      });
    }
    if (b.length > opts.maxBytes) throw notaryError('RESPONSE_TOO_LARGE', `${role} too large`, { details: { role } });
    return b;
  }

  async getKey(role: 'timestamp' | 'snapshot'): Promise<Uint8Array> {
    this.calls.push(`key ${role}`);
    const k = this.server.key(role).publicKey;
    return utf8(`{"keytype":"ed25519","keyval":{"public":"${toBase64(k.public)}","private":null}}`);
  }

  async rotateKey(role: 'timestamp' | 'snapshot'): Promise<Uint8Array> {
    this.server.keys.delete(role);
    return this.getKey(role);
  }

  async publish(files: readonly PublishFile[]): Promise<void> {
    this.calls.push(`publish ${files.map((f) => f.role).join(',')}`);
    if (this.failPublish) throw this.failPublish;
    await this.server.publish(files);
  }
}
