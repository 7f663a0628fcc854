// The URL paths built from GUNs and roles (the name grammar itself: test/unit/grammar).
import { describe, expect, it } from 'vitest';
import { NotaryRemote } from '../../../src/remote/index.js';
import { metadataFileName, tufBasePath } from '../../../src/remote/paths.js';

describe('the remote checks names with the grammar', () => {
  it('refuses a bad GUN or server URL at construction', () => {
    expect(() => new NotaryRemote({ serverUrl: 'http://127.0.0.1:1', gun: 'a/../b' })).toThrow(
      expect.objectContaining({ code: 'INVALID_GUN' }),
    );
    expect(() => new NotaryRemote({ serverUrl: 'ftp://x', gun: 'a' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG' }),
    );
  });
});

describe('file names', () => {
  it('builds Notary file names', () => {
    const hex = 'a'.repeat(64);
    expect(metadataFileName('root')).toBe('root.json');
    expect(metadataFileName('targets/releases', { checksum: hex })).toBe(`targets/releases.${hex}.json`);
    expect(metadataFileName('root', { version: 12 })).toBe('12.root.json');
    expect(metadataFileName('snapshot', { checksum: 'b'.repeat(128) })).toBe(`snapshot.${'b'.repeat(128)}.json`);
    expect(() => metadataFileName('root', { checksum: 'A'.repeat(64) })).toThrow(RangeError);
    expect(() => metadataFileName('root', { version: 1.5 })).toThrow(RangeError);
    expect(tufBasePath('localhost:5000/a~b')).toBe('/v2/localhost:5000/a~b/_trust/tuf/');
  });
});
