// The command table: words, usage, flags and a lazy loader per command (keeps start-up lean).

import type { FlagSpecs, ParsedArgs } from './args.js';
import type { CliIo } from './context.js';
import type { ExitStatus } from './exit-status.js';

export type RunFn = (args: ParsedArgs, io: CliIo) => Promise<ExitStatus>;

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
const signCmd = () => import('./commands/sign.js');
const signersCmd = () => import('./commands/signers.js');

const PUBLISH = { publish: { type: 'boolean', short: 'p', description: 'publish right away' } } as const;
const DIGEST = {
  digest: { type: 'string', value: 'sha256:HEX', description: 'the manifest digest to sign' },
  size: { type: 'string', value: 'BYTES', description: 'the manifest size' },
} as const;
const ROLES = {
  roles: { type: 'strings', short: 'r', value: 'ROLE', description: 'stage into this role (default targets)' },
} as const;

const INSECURE_REGISTRY = {
  'insecure-registry': {
    type: 'strings',
    value: 'HOST[:PORT]',
    description: 'allow plain HTTP to this registry (loopback registries always may); repeatable',
  },
} as const;

const OFFLINE = {
  offline: { type: 'boolean', description: 'use only the cached trust data (says so on stderr); fetch nothing' },
  archive: { type: 'string', value: 'FILE', description: 'verify from an archive file (see archive); no network' },
  at: {
    type: 'string',
    value: 'TIME',
    description: 'evaluate expiry and certificates as of TIME (RFC 3339, not future)',
  },
} as const;
const archiveCmd = () => import('./commands/archive.js');
const doctorCmd = () => import('./commands/doctor.js');
const checkCmd = () => import('./commands/check.js');

const VERIFY_FLAGS: FlagSpecs = {
  role: { type: 'string', value: 'ROLE', description: 'look only in this role (e.g. targets, targets/releases)' },
  signer: {
    type: 'strings',
    value: 'NAME',
    description: 'require that signer targets/NAME signed the same digest (repeatable)',
  },
  ...OFFLINE,
};

export const COMMANDS: CommandEntry[] = [
  {
    words: ['verify'],
    usage:
      'verify GUN:TAG | GUN TAG | --ref IMAGE[:TAG] | --registry IMAGE[:TAG] | --from FILE|- [--role R] ' +
      '[--signer NAME]... [--offline | --archive FILE] [--at TIME] [--json]',
    summary: 'print the digest GUN:TAG is signed for (targets/releases first, then targets)',
    flags: {
      ...VERIFY_FLAGS,
      ref: { type: 'boolean', description: 'the argument is an image reference: print NAME@sha256:... to pull' },
      registry: {
        type: 'boolean',
        description: 'also check that the registry serves the signed manifest now (else REGISTRY_MISMATCH)',
      },
      from: { type: 'string', value: 'FILE', description: 'verify the image references in FILE (- stdin), JSON lines' },
      ...INSECURE_REGISTRY,
    },
    load: lazy(verifyCmd, (m) => m.verify),
  },
  {
    words: ['lookup'],
    usage: 'lookup GUN TAG | GUN:TAG [--role R] [--signer NAME]... [--offline | --archive FILE] [--at TIME] [--json]',
    summary: 'the same as verify (as notary lookup GUN TAG)',
    flags: VERIFY_FLAGS,
    load: lazy(verifyCmd, (m) => m.verify),
  },
  {
    words: ['list'],
    usage: 'list GUN [--roles R]... [--offline | --archive FILE] [--at TIME] [--json]',
    summary: 'list the signed targets of a repository (as notary list)',
    flags: {
      roles: { type: 'strings', short: 'r', value: 'ROLE', description: 'only targets of this role (repeatable)' },
      ...OFFLINE,
    },
    load: lazy(verifyCmd, (m) => m.list),
  },
  {
    words: ['inspect'],
    usage: 'inspect GUN[:TAG]... [--pretty] [--offline | --archive FILE] [--at TIME]',
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
    usage: 'key export [--key ID]... [--gun G] [-o FILE [--force]]',
    summary: 'export encrypted keys as a bundle (as notary key export)',
    flags: {
      key: { type: 'strings', value: 'ID', description: 'key ID to export (repeatable; default all)' },
      gun: { type: 'string', value: 'GUN', description: 'export only keys of this GUN' },
      output: {
        type: 'string',
        short: 'o',
        value: 'FILE',
        description: 'write to a new FILE (mode 0600) instead of stdout',
      },
      force: { type: 'boolean', description: 'replace FILE if it exists' },
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
  {
    words: ['sign'],
    usage: 'sign IMAGE:TAG | sign GUN:TAG --digest sha256:HEX --size BYTES | sign GUN --from FILE [--role R]',
    summary:
      'sign tags and publish in one step (as docker trust sign); IMAGE:TAG alone is resolved from its registry; ' +
      'FILE lines: TAG sha256:HEX SIZE, or TAG alone (resolved), - for stdin',
    flags: {
      ...DIGEST,
      ...INSECURE_REGISTRY,
      from: { type: 'string', value: 'FILE', description: 'sign many tags in one publish' },
      role: { type: 'string', value: 'ROLE', description: 'sign into this role only' },
      'no-init': { type: 'boolean', description: 'never create the repository: a GUN the server lacks exits 3' },
    },
    load: lazy(signCmd, (m) => m.sign),
  },
  {
    words: ['revoke'],
    usage: 'revoke GUN:TAG | revoke GUN -y',
    summary: 'remove the signature of a tag (or of all tags) and publish',
    flags: { yes: { type: 'boolean', short: 'y', description: 'revoke every tag without asking' } },
    load: lazy(signCmd, (m) => m.revoke),
  },
  {
    words: ['init'],
    usage: 'init GUN [--server-managed-snapshot] [--rootkey ID] [-p]',
    summary: 'create a repository locally (keys, root certificate, signed metadata)',
    flags: {
      'server-managed-snapshot': { type: 'boolean', description: 'let the server hold the snapshot key' },
      rootkey: { type: 'string', value: 'ID', description: 'use this root key from the store' },
      ...PUBLISH,
    },
    load: lazy(signCmd, (m) => m.init),
  },
  {
    words: ['add'],
    usage: 'add GUN TAG [FILE | --digest sha256:HEX --size BYTES] [--roles R]... [-p]',
    summary: 'stage a target (as notary add)',
    flags: { ...DIGEST, ...ROLES, ...PUBLISH },
    load: lazy(signCmd, (m) => m.add),
  },
  {
    words: ['remove'],
    usage: 'remove GUN TAG [--roles R]... [-p]',
    summary: 'stage the removal of a target (as notary remove)',
    flags: { ...ROLES, ...PUBLISH },
    load: lazy(signCmd, (m) => m.remove),
  },
  {
    words: ['status'],
    usage: 'status GUN [--json]',
    summary: 'list the staged, unpublished changes',
    flags: {},
    load: lazy(signCmd, (m) => m.status),
  },
  {
    words: ['reset'],
    usage: 'reset GUN --all | -n NUMBER...',
    summary: 'drop staged changes',
    flags: {
      all: { type: 'boolean', description: 'drop every staged change' },
      number: { type: 'strings', short: 'n', value: 'N', description: 'drop change number N (see status)' },
    },
    load: lazy(signCmd, (m) => m.reset),
  },
  {
    words: ['publish'],
    usage: 'publish GUN',
    summary: 'sign and publish the staged changes',
    flags: {},
    load: lazy(signCmd, (m) => m.publish),
  },
  {
    words: ['key', 'generate'],
    usage: 'key generate NAME [--dir DIR]',
    summary: 'new signer key: private key in the store, DIR/NAME.pub (as docker trust key generate)',
    flags: { dir: { type: 'string', value: 'DIR', description: 'where NAME.pub is written (default .)' } },
    load: lazy(signersCmd, (m) => m.keyGenerate),
  },
  {
    words: ['signer', 'add'],
    usage: 'signer add NAME GUN --key NAME.pub',
    summary: 'add a signer: its key goes to targets/NAME and targets/releases (as docker trust signer add)',
    flags: { key: { type: 'strings', value: 'FILE', description: 'public key PEM (repeatable)' } },
    load: lazy(signersCmd, (m) => m.signerAdd),
  },
  {
    words: ['signer', 'remove'],
    usage: 'signer remove NAME GUN [--force]',
    summary: 'remove a signer and its keys',
    flags: {
      force: {
        type: 'boolean',
        description: 'removing the last signer also removes targets/releases (its tags are then no longer found)',
      },
    },
    load: lazy(signersCmd, (m) => m.signerRemove),
  },
  {
    words: ['delegation', 'add'],
    usage: 'delegation add GUN ROLE [KEY.pem...] [--paths P]... [--all-paths] [--threshold N] [-p]',
    summary: 'add keys or paths to a delegation (as notary delegation add)',
    flags: {
      paths: { type: 'strings', value: 'PATH', description: 'path prefix the role may sign (repeatable)' },
      'all-paths': { type: 'boolean', description: 'the role may sign any path' },
      threshold: { type: 'string', value: 'N', description: 'signatures required (default 1)' },
      ...PUBLISH,
    },
    load: lazy(signersCmd, (m) => m.delegationAdd),
  },
  {
    words: ['delegation', 'remove'],
    usage: 'delegation remove GUN ROLE [KEY_ID...] [--paths P]... [--all-paths] [-p]',
    summary: 'remove keys, paths or the whole delegation',
    flags: {
      paths: { type: 'strings', value: 'PATH', description: 'path prefix to remove (repeatable)' },
      'all-paths': { type: 'boolean', description: 'remove every path' },
      ...PUBLISH,
    },
    load: lazy(signersCmd, (m) => m.delegationRemove),
  },
  {
    words: ['delegation', 'list'],
    usage: 'delegation list GUN [--json]',
    summary: 'list the delegations of a repository',
    flags: {},
    load: lazy(signersCmd, (m) => m.delegationList),
  },
  {
    words: ['rotate'],
    usage: 'rotate GUN root|targets|snapshot|timestamp [--server-managed]',
    summary: 'rotate a role key and publish a root signed by old and new root keys',
    flags: { 'server-managed': { type: 'boolean', description: 'let the server hold the new snapshot key' } },
    load: lazy(signersCmd, (m) => m.rotate),
  },
  {
    words: ['archive'],
    usage: 'archive GUN... -o FILE [--json]',
    summary: 'download, verify and save every metadata file of repositories in one tar (.gz: gzip)',
    flags: { output: { type: 'string', short: 'o', value: 'FILE', description: 'the archive to write (atomically)' } },
    load: lazy(archiveCmd, (m) => m.archive),
  },
  {
    words: ['doctor'],
    usage: 'doctor GUN... [--warn DURATION] [--json]',
    summary: 'role versions, expiry, keys and certificates; exit 6 when something to renew expires within --warn',
    flags: {
      warn: { type: 'string', value: 'DURATION', description: 'warning window, e.g. 30d (default), 2w, 36h' },
    },
    load: lazy(doctorCmd, (m) => m.doctor),
  },
  {
    words: ['check'],
    usage: 'check GUN... [--json]',
    summary:
      "verify everything the server holds for GUN and test its answers against Notary's API (exit 0: all correct)",
    flags: {},
    load: lazy(checkCmd, (m) => m.check),
  },
];
