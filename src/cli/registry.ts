// The command table: words, usage, flags and a lazy loader per command (keeps start-up lean).
import type { FlagSpecs, ParsedArgs } from './args.js';
import type { CliIo } from './context.js';

export type RunFn = (args: ParsedArgs, io: CliIo) => Promise<0 | 1 | 2 | 3 | 4 | 5 | 70>;

export interface CommandModule {
  run: RunFn;
}

export interface CommandEntry {
  words: string[];
  usage: string;
  summary: string;
  flags: FlagSpecs;
  load: () => Promise<CommandModule>;
}

const lazy =
  <M>(importer: () => Promise<M>, pick: (m: M) => RunFn) =>
  async (): Promise<CommandModule> => ({ run: pick(await importer()) });

const keyCmd = () => import('./commands/key.js');
const verifyCmd = () => import('./commands/verify.js');

const OFFLINE = {
  offline: { type: 'boolean', description: 'use only the cached trust data (says so on stderr); fetch nothing' },
} as const;

export const COMMANDS: CommandEntry[] = [
  {
    words: ['verify'],
    usage: 'verify GUN:TAG [--role R] [--signer NAME]... [--offline] [--json]',
    summary: 'print the digest GUN:TAG is signed for (targets/releases first, then targets)',
    flags: {
      role: { type: 'string', value: 'ROLE', description: 'look only in this role (e.g. targets, targets/releases)' },
      signer: {
        type: 'strings',
        value: 'NAME',
        description: 'require that signer targets/NAME signed the same digest (repeatable)',
      },
      ...OFFLINE,
    },
    load: lazy(verifyCmd, (m) => m.verify),
  },
  {
    words: ['list'],
    usage: 'list GUN [--roles R]... [--offline] [--json]',
    summary: 'list the signed targets of a repository (as notary list)',
    flags: {
      roles: { type: 'strings', short: 'r', value: 'ROLE', description: 'only targets of this role (repeatable)' },
      ...OFFLINE,
    },
    load: lazy(verifyCmd, (m) => m.list),
  },
  {
    words: ['inspect'],
    usage: 'inspect GUN[:TAG]... [--pretty] [--offline]',
    summary: 'signatures, signers and administrative keys (as docker trust inspect)',
    flags: { pretty: { type: 'boolean', description: 'human-readable tables instead of JSON' }, ...OFFLINE },
    load: lazy(verifyCmd, (m) => m.inspect),
  },
  {
    words: ['key', 'list'],
    usage: 'key list [--json]',
    summary: 'list the private keys in the trust dir (no passphrase needed)',
    flags: {},
    load: lazy(keyCmd, (m) => m.list),
  },
  {
    words: ['key', 'import'],
    usage: 'key import FILE... [--role R] [--gun G] [--overwrite]',
    summary: 'import unencrypted PEM keys or a notary export bundle',
    flags: {
      role: { type: 'string', value: 'ROLE', description: 'role for keys without a role header (default delegation)' },
      gun: { type: 'string', value: 'GUN', description: 'GUN for targets/snapshot keys without a gun header' },
      overwrite: { type: 'boolean', description: 'replace keys that are already in the store' },
    },
    load: lazy(keyCmd, (m) => m.importKeys),
  },
  {
    words: ['key', 'export'],
    usage: 'key export [--key ID]... [--gun G] [-o FILE]',
    summary: 'export encrypted keys as a bundle (as notary key export)',
    flags: {
      key: { type: 'strings', value: 'ID', description: 'key ID to export (repeatable; default all)' },
      gun: { type: 'string', value: 'GUN', description: 'export only keys of this GUN' },
      output: { type: 'string', short: 'o', value: 'FILE', description: 'write to FILE (mode 0600) instead of stdout' },
    },
    load: lazy(keyCmd, (m) => m.exportKeys),
  },
  {
    words: ['key', 'remove'],
    usage: 'key remove KEY_ID -y',
    summary: 'delete a private key',
    flags: { yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' } },
    load: lazy(keyCmd, (m) => m.remove),
  },
  {
    words: ['key', 'passwd'],
    usage: 'key passwd KEY_ID',
    summary: 'change the passphrase of a key (new one from NOTARY_TS_NEW_PASSPHRASE or the terminal)',
    flags: {},
    load: lazy(keyCmd, (m) => m.passwd),
  },
];
