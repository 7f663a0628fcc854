// The CLI's passphrase chain: --passphrase-file, then environment, then a secrets directory, then the terminal.
import {
  chainPassphrases,
  envPassphrases,
  type PassphraseSource,
  passphraseFile,
  secretsDirPassphrases,
  ttyPassphrases,
} from '../index.js';
import { type CommonOptions, secretsDir } from './common.js';
import type { CliIo } from './context.js';

export function cliPassphrases(opts: CommonOptions, io: CliIo): PassphraseSource {
  const sources: PassphraseSource[] = [];
  if (opts.passphraseFile) sources.push(passphraseFile(opts.passphraseFile));
  sources.push(envPassphrases(opts.env));
  const dir = secretsDir(opts.env);
  if (dir) sources.push(secretsDirPassphrases(dir));
  // Only prompt when a person is there: in CI (no TTY) a missing passphrase is PASSPHRASE_REQUIRED, not a hang.
  // Whether there is one is asked only when no source above answered: making process.stdin costs a run ~1 ms.
  let tty: PassphraseSource | null | undefined;
  sources.push({
    get(request) {
      // Once: null (no terminal) is remembered too, which `??=` would not do.
      if (tty === undefined) tty = io.stdin.isTTY ? ttyPassphrases() : null;
      return tty === null ? Promise.resolve(undefined) : tty.get(request);
    },
  });
  return chainPassphrases(...sources);
}
