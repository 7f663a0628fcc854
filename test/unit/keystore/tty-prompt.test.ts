import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { notaryError } from '../../../src/errors.js';
import { type PassphraseRequest, withPassphrase } from '../../../src/keystore/passphrase.js';
import { type TerminalStreams, ttyPassphrases } from '../../../src/keystore/tty-prompt.js';
import { expectRejectCode } from './helpers.js';

const keyId = '0123456789abcdef'.repeat(4);
const req = (role: string, creating = false, attempt = 0): PassphraseRequest => ({ role, keyId, attempt, creating });

function terminal(tty = false): TerminalStreams & {
  typed(s: string): void;
  end(): void;
  shown(): string;
  rawModes: boolean[];
} {
  const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?(m: boolean): void };
  const rawModes: boolean[] = [];
  if (tty) {
    input.isTTY = true;
    input.setRawMode = (m: boolean) => {
      rawModes.push(m);
    };
  }
  const output = new PassThrough();
  let shown = '';
  output.on('data', (c: Buffer) => {
    shown += c.toString();
  });
  return { input, output, typed: (s) => input.write(s), end: () => input.end(), shown: () => shown, rawModes };
}

describe('ttyPassphrases', () => {
  it('prompts with the role and short key id, trims like Notary, and is interactive', async () => {
    const t = terminal();
    const src = ttyPassphrases({ streams: t });
    t.typed('  my pass \n');
    expect(await src.get(req('targets'))).toEqual({ passphrase: 'my pass', interactive: true });
    expect(t.shown()).toContain('Enter passphrase for targets key with ID 0123456: ');
  });

  it('turns echo off (raw mode) on a real terminal and handles backspace and CR', async () => {
    const t = terminal(true);
    const src = ttyPassphrases({ streams: t });
    t.typed('abx\x7fc\r');
    expect((await src.get(req('root')))?.passphrase).toBe('abc');
    expect(t.rawModes).toEqual([true, false]);
    expect(t.shown()).not.toContain('abc');
  });

  it('Ctrl-C aborts with PASSPHRASE_REQUIRED; EOF means no passphrase', async () => {
    const t = terminal(true);
    t.typed('ab\x03');
    await expectRejectCode(ttyPassphrases({ streams: t }).get(req('root')), 'PASSPHRASE_REQUIRED');
    expect(t.rawModes).toEqual([true, false]);
    const e = terminal();
    e.end();
    expect(await ttyPassphrases({ streams: e }).get(req('root'))).toBeUndefined();
  });

  it('asks twice for a new passphrase, retrying short and mismatched ones', async () => {
    const t = terminal();
    const src = ttyPassphrases({ streams: t });
    t.typed('short\nlongenough1\nlongenough2\nlongenough1\nlongenough1\n');
    expect((await src.get(req('root', true)))?.passphrase).toBe('longenough1');
    const shown = t.shown();
    expect(shown).toContain('Enter passphrase for new root key with ID 0123456: ');
    expect(shown).toContain('Repeat passphrase for new root key');
    expect(shown).toContain('too short');
    expect(shown).toContain('do not match');
  });

  it('gives up after 3 unconfirmed tries with PASSPHRASE_RETRIES_EXCEEDED', async () => {
    const t = terminal();
    t.typed('aaaaaaaa\nbbbbbbbb\naaaaaaaa\nbbbbbbbb\naaaaaaaa\nbbbbbbbb\n');
    await expectRejectCode(ttyPassphrases({ streams: t }).get(req('root', true)), 'PASSPHRASE_RETRIES_EXCEEDED');
  });

  it('reuses the last passphrase of a role on the first ask, and prompts again on a retry', async () => {
    const t = terminal();
    const src = ttyPassphrases({ streams: t });
    t.typed('first\n');
    await src.get(req('targets'));
    expect((await src.get(req('targets')))?.passphrase).toBe('first');
    t.typed('second\n');
    expect((await src.get(req('targets', false, 1)))?.passphrase).toBe('second');
    expect(t.shown()).toContain('Passphrase incorrect. Please retry.');
  });

  it('resolves undefined when no terminal can be opened', async () => {
    expect(await ttyPassphrases({ open: async () => undefined }).get(req('root'))).toBeUndefined();
  });

  it('opens the terminal once and keeps answers typed ahead for later keys', async () => {
    const t = terminal();
    let opened = 0;
    const src = ttyPassphrases({
      open: async () => {
        opened++;
        return t;
      },
    });
    t.typed('first-root\nfirst-targets\n');
    expect(await src.get(req('root'))).toEqual({ passphrase: 'first-root', interactive: true });
    expect(await src.get(req('targets'))).toEqual({ passphrase: 'first-targets', interactive: true });
    expect(opened).toBe(1);
  });

  it('with withPassphrase: two wrong entries then the right one succeeds; three wrong ones fail', async () => {
    const check = async (p: string) => {
      if (p !== 'right') throw notaryError('WRONG_PASSPHRASE', 'wrong');
      return p;
    };
    const t = terminal();
    t.typed('bad1\nbad2\nright\n');
    expect(await withPassphrase(ttyPassphrases({ streams: t }), { role: 'root', keyId }, check)).toBe('right');
    const u = terminal();
    u.typed('bad1\nbad2\nbad3\nright\n');
    await expectRejectCode(
      withPassphrase(ttyPassphrases({ streams: u }), { role: 'root', keyId }, check),
      'PASSPHRASE_RETRIES_EXCEEDED',
    );
  });
});
