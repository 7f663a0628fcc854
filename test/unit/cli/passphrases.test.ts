// The CLI's passphrase chain (--passphrase-file, environment, secrets directory, terminal) and --from files. The
// terminal is asked whether it is one only when nothing before it answered; without one the chain answers nothing
// (the caller's PASSPHRASE_REQUIRED), never a prompt. The terminal itself is exercised by the interop cli-tty test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CommonOptions } from '../../../src/cli/common.js';
import { readInputFile } from '../../../src/cli/common.js';
import type { CliIo } from '../../../src/cli/context.js';
import { cliPassphrases } from '../../../src/cli/passphrases.js';
import { isNotaryError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/temp-dir.js';

const REQUEST = { role: 'root', keyId: 'k'.repeat(64), attempt: 0, creating: false } as const;

/** A stdin that is not a terminal and counts how often it is asked. */
function io(env: Record<string, string | undefined>) {
  let asked = 0;
  const stdin = new PassThrough() as unknown as CliIo['stdin'];
  Object.defineProperty(stdin, 'isTTY', {
    get: () => {
      asked++;
      return undefined;
    },
  });
  const cliIo: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, stdin, env };
  return { io: cliIo, asked: () => asked };
}

const opts = (env: Record<string, string | undefined>, passphraseFile?: string) =>
  ({ env, passphraseFile }) as unknown as CommonOptions;

describe('cliPassphrases', () => {
  it('takes the passphrase file first, then the environment, then a secrets directory', async () => {
    const dir = tempDir('cli-pass-');
    const file = join(dir, 'pass.txt');
    writeFileSync(file, 'from-file\n');
    const secrets = join(dir, 'secrets');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'notary_root_passphrase'), 'from-secrets\n');
    const envAll = { NOTARY_ROOT_PASSPHRASE: 'from-env', NOTARY_TS_SECRETS_DIR: secrets };
    const answer = async (env: Record<string, string | undefined>, f?: string) => {
      const t = io(env);
      const a = await cliPassphrases(opts(env, f), t.io).get(REQUEST);
      return [a?.passphrase, t.asked()];
    };
    expect(await answer(envAll, file)).toEqual(['from-file', 0]);
    expect(await answer(envAll)).toEqual(['from-env', 0]);
    expect(await answer({ NOTARY_TS_SECRETS_DIR: secrets })).toEqual(['from-secrets', 0]);
  });

  it('with nothing set and no terminal: no answer, stdin asked once for any number of requests', async () => {
    const t = io({});
    const source = cliPassphrases(opts({}), t.io);
    expect(t.asked()).toBe(0);
    expect(await source.get(REQUEST)).toBeUndefined();
    expect(await source.get({ ...REQUEST, role: 'targets' })).toBeUndefined();
    expect(t.asked()).toBe(1);
  });
});

describe('readInputFile', () => {
  it('returns the bytes; a missing file or a directory is INVALID_ARGUMENT naming the file', async () => {
    const dir = tempDir('cli-in-');
    const file = join(dir, 'in.json');
    writeFileSync(file, '{"a":1}');
    expect((await readInputFile(file)).toString()).toBe('{"a":1}');
    for (const bad of [join(dir, 'none'), dir]) {
      const e = await readInputFile(bad).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect(isNotaryError(e) && [e.code, e.details], bad).toEqual(['INVALID_ARGUMENT', { file: bad }]);
    }
  });
});
