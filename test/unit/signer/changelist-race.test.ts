// A change removed between the directory listing and its read (a concurrent publish applied it): no longer staged,
// so scan skips it instead of reporting it unreadable. The removal is simulated at the open of that one file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { utf8 } from '../../../src/encoding/utf8.js';
import { FileChangelist } from '../../../src/signer/changelist.js';
import { tempDir } from '../../helpers/temp-dir.js';

const GONE = '01795434379603687743_gone.change';

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  return {
    ...fs,
    openSync: (path: string, ...rest: unknown[]) => {
      if (String(path).endsWith(GONE)) {
        fs.rmSync(path, { force: true });
        throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT', syscall: 'open', path });
      }
      return (fs.openSync as (...a: unknown[]) => number)(path, ...rest);
    },
  };
});

it('a change removed between listing and reading is skipped, the others are read', async () => {
  const dir = tempDir('cl-race-');
  const change = utf8('{"action":"delete","role":"targets","type":"target","path":"p","data":null}');
  writeFileSync(join(dir, '01795434379603687742_a.change'), change);
  writeFileSync(join(dir, GONE), change);
  writeFileSync(join(dir, '01795434379603687744_b.change'), change);
  const scanned = await new FileChangelist(dir).scan();
  expect(scanned.map((s) => [s.file, s.error?.code])).toEqual([
    ['01795434379603687742_a.change', undefined],
    ['01795434379603687744_b.change', undefined],
  ]);
});
