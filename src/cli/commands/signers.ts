// `notary-ts key generate | signer add/remove | delegation add/remove/list | rotate`: who may sign what.
import { notaryError } from '../../errors.js';
import {
  addDelegation,
  addSigner,
  type DelegationInfo,
  generateSignerKey,
  listDelegations,
  type PublicKey,
  parsePublicKeyPem,
  removeDelegation,
  removeSigner,
  rotate as rotateKey,
} from '../../index.js';
import { boolFlag, intFlag, listFlag, type ParsedArgs, stringFlag } from '../args.js';
import { commonOptions, positionals, readInputFile } from '../common.js';
import type { CliIo } from '../context.js';
import type { ExitStatus } from '../exit-status.js';
import { compareBytes, goTable, printJson } from '../output.js';
import { cliPassphrases } from '../passphrases.js';
import { signerOptions } from './sign.js';

async function readKeys(files: string[]): Promise<PublicKey[]> {
  const keys: PublicKey[] = [];
  for (const f of files) keys.push(parsePublicKeyPem(await readInputFile(f)));
  return keys;
}

export async function keyGenerate(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [name] = positionals(args, ['NAME']);
  const opts = commonOptions(args, io);
  const g = await generateSignerKey({
    name: name as string,
    dir: stringFlag(args, 'dir') ?? '.',
    trustDir: opts.trustDir,
    passphrase: cliPassphrases(opts, io),
  });
  if (opts.json) printJson(io.stdout, { ok: true, keyId: g.keyId, publicKeyPath: g.publicKeyPath });
  else io.stdout.write(`generated key ${g.keyId} for ${name}; public key in ${g.publicKeyPath}\n`);
  return 0;
}

export async function signerAdd(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [name, gun] = positionals(args, ['NAME', 'GUN']);
  const opts = commonOptions(args, io);
  const files = listFlag(args, 'key');
  if (files.length === 0) throw notaryError('USAGE', 'signer add needs --key NAME.pub');
  const publicKeys = await readKeys(files);
  await addSigner({ ...signerOptions(opts, io), gun: gun as string, name: name as string, publicKeys });
  io.stdout.write(`added signer ${name} to ${gun} (targets/${name}, targets/releases)\n`);
  return 0;
}

export async function signerRemove(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [name, gun] = positionals(args, ['NAME', 'GUN']);
  const opts = commonOptions(args, io);
  await removeSigner({
    ...signerOptions(opts, io),
    gun: gun as string,
    name: name as string,
    force: boolFlag(args, 'force'),
  });
  io.stdout.write(`removed signer ${name} from ${gun}\n`);
  return 0;
}

export async function delegationAdd(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [gun, role, ...keyFiles] = args.positionals;
  if (!gun || !role) throw notaryError('USAGE', 'expected GUN ROLE [KEY.pem...]');
  const opts = commonOptions(args, io);
  const keys = await readKeys(keyFiles);
  const paths = listFlag(args, 'paths');
  const threshold = intFlag(args, 'threshold', 1);
  const publish = boolFlag(args, 'publish');
  await addDelegation({
    ...signerOptions(opts, io),
    gun,
    role,
    keys,
    ...(paths.length ? { paths } : {}),
    allPaths: boolFlag(args, 'all-paths'),
    ...(threshold !== undefined ? { threshold } : {}),
    publish,
  });
  io.stdout.write(`${publish ? 'published' : 'staged'} delegation ${role} in ${gun}\n`);
  return 0;
}

export async function delegationRemove(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [gun, role, ...keyIds] = args.positionals;
  if (!gun || !role) throw notaryError('USAGE', 'expected GUN ROLE [KEY_ID...]');
  const opts = commonOptions(args, io);
  const paths = listFlag(args, 'paths');
  const publish = boolFlag(args, 'publish');
  await removeDelegation({
    ...signerOptions(opts, io),
    gun,
    role,
    ...(keyIds.length ? { keyIds } : {}),
    ...(paths.length ? { paths } : {}),
    allPaths: boolFlag(args, 'all-paths'),
    publish,
  });
  io.stdout.write(`${publish ? 'published' : 'staged'} removal from delegation ${role} in ${gun}\n`);
  return 0;
}

export async function delegationList(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [gun] = positionals(args, ['GUN']);
  const opts = commonOptions(args, io);
  const list = await listDelegations({ ...signerOptions(opts, io), gun: gun as string });
  if (opts.json) printJson(io.stdout, list);
  else if (list.length === 0) io.stdout.write('\n\nNo delegations present in this repository.\n\n\n');
  else io.stdout.write(`\n${goTable(['ROLE', 'PATHS', 'KEY IDS', 'THRESHOLD'], delegationRows(list))}\n`);
  return 0;
}

/**
 * `notary delegation list`'s rows: roles by name; paths sorted, `"" <all paths>` for the empty prefix; one path and
 * one key ID per row, extra rows for the rest.
 */
function delegationRows(list: readonly DelegationInfo[]): string[][] {
  const rows: string[][] = [];
  for (const d of [...list].sort((a, b) => compareBytes(a.name, b.name))) {
    const paths = [...d.paths].sort(compareBytes).map((p) => (p === '' ? '"" <all paths>' : p));
    const n = Math.max(1, paths.length, d.keyIds.length);
    for (let i = 0; i < n; i++) {
      const first = i === 0;
      rows.push([first ? d.name : '', paths[i] ?? '', d.keyIds[i] ?? '', first ? String(d.threshold) : '']);
    }
  }
  return rows;
}

export async function rotate(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [gun, role] = positionals(args, ['GUN', 'ROLE']);
  if (role !== 'root' && role !== 'targets' && role !== 'snapshot' && role !== 'timestamp') {
    throw notaryError('USAGE', `cannot rotate ${JSON.stringify(role)}: expected root, targets, snapshot or timestamp`);
  }
  const opts = commonOptions(args, io);
  const r = await rotateKey({
    ...signerOptions(opts, io),
    gun: gun as string,
    role,
    serverManaged: boolFlag(args, 'server-managed'),
  });
  if (opts.json) printJson(io.stdout, { ok: true, gun, role, newKeyId: r.newKeyId, roles: r.roles });
  else io.stdout.write(`rotated the ${role} key of ${gun}: new key ${r.newKeyId}\n`);
  return 0;
}
