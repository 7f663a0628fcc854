import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notaryError } from '../../../src/errors.js';
import {
  chainPassphrases,
  choosePassphrase,
  constantPassphrase,
  envPassphrases,
  type PassphraseRequest,
  type PassphraseSource,
  passphraseEnvNames,
  passphraseFile,
  secretsDirPassphrases,
  withPassphrase,
} from '../../../src/keystore/passphrase.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { expectRejectCode } from './helpers.js';

const req = (role: string, attempt = 0): PassphraseRequest => ({
  role,
  keyId: 'ab'.repeat(32),
  attempt,
  creating: false,
});

describe('passphraseEnvNames', () => {
  it('maps roles to Notary then Docker variables; DELEGATION covers every non-base role; none of notary for timestamp', () => {
    expect(passphraseEnvNames('root')).toEqual(['NOTARY_ROOT_PASSPHRASE', 'DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE']);
    expect(passphraseEnvNames('targets')).toEqual([
      'NOTARY_TARGETS_PASSPHRASE',
      'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE',
    ]);
    expect(passphraseEnvNames('snapshot')[0]).toBe('NOTARY_SNAPSHOT_PASSPHRASE');
    expect(passphraseEnvNames('timestamp')).toEqual(['DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE']);
    for (const role of ['targets/releases', 'delegation', 'alice', '']) {
      expect(passphraseEnvNames(role)).toEqual([
        'NOTARY_DELEGATION_PASSPHRASE',
        'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE',
      ]);
    }
  });
});

describe('envPassphrases', () => {
  const src = envPassphrases({
    NOTARY_ROOT_PASSPHRASE: 'nroot',
    DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE: 'droot',
    NOTARY_TARGETS_PASSPHRASE: '',
    DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE: 'drepo',
  });

  it('prefers notary variables, falls back to docker ones, treats empty as unset', async () => {
    expect(await src.get(req('root'))).toEqual({ passphrase: 'nroot', interactive: false });
    expect((await src.get(req('targets')))?.passphrase).toBe('drepo');
    expect((await src.get(req('targets/releases')))?.passphrase).toBe('drepo');
    expect(await envPassphrases({}).get(req('root'))).toBeUndefined();
  });

  it('never answers a retry (non-interactive)', async () => {
    expect(await src.get(req('root', 1))).toBeUndefined();
  });
});

describe('passphraseFile and secretsDirPassphrases', () => {
  it('uses the first line of a passphrase file, CR/LF stripped, for any role', async () => {
    const dir = tempDir('pass-');
    const f = join(dir, 'pass');
    writeFileSync(f, ' spaced pass \r\nsecond line\n');
    const src = passphraseFile(f);
    expect(await src.get(req('root'))).toEqual({ passphrase: ' spaced pass ', interactive: false });
    expect((await src.get(req('targets/x')))?.passphrase).toBe(' spaced pass ');
    expect(await src.get(req('root', 1))).toBeUndefined();
    await expectRejectCode(passphraseFile(join(dir, 'missing')).get(req('root')), 'INVALID_ARGUMENT');
    mkdirSync(join(dir, 'adir'));
    await expectRejectCode(passphraseFile(join(dir, 'adir')).get(req('root')), 'INVALID_ARGUMENT');
  });

  it('reads secrets named like the variables, lower case first, skipping missing and empty ones', async () => {
    const dir = tempDir('secrets-');
    writeFileSync(join(dir, 'notary_root_passphrase'), 'lower\n');
    writeFileSync(join(dir, 'NOTARY_ROOT_PASSPHRASE'), 'upper\n');
    writeFileSync(join(dir, 'NOTARY_TARGETS_PASSPHRASE'), 'targets-upper');
    writeFileSync(join(dir, 'notary_delegation_passphrase'), '\n');
    writeFileSync(join(dir, 'docker_content_trust_repository_passphrase'), 'repo\n');
    const src = secretsDirPassphrases(dir);
    expect((await src.get(req('root')))?.passphrase).toBe('lower');
    expect((await src.get(req('targets')))?.passphrase).toBe('targets-upper');
    expect((await src.get(req('targets/releases')))?.passphrase).toBe('repo');
    expect(await secretsDirPassphrases(join(dir, 'none')).get(req('root'))).toBeUndefined();
  });
});

describe('chainPassphrases', () => {
  it('returns the first answer', async () => {
    const src = chainPassphrases(envPassphrases({}), constantPassphrase('c'), constantPassphrase('d'));
    expect((await src.get(req('root')))?.passphrase).toBe('c');
    expect(await chainPassphrases().get(req('root'))).toBeUndefined();
  });
});

function scripted(answers: (string | undefined)[], interactive: boolean): PassphraseSource & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    async get(r) {
      asked.push(r.attempt);
      const a = answers[r.attempt];
      return a === undefined ? undefined : { passphrase: a, interactive };
    },
  };
}

const check = (right: string) => async (p: string) => {
  if (p !== right) throw notaryError('WRONG_PASSPHRASE', 'wrong');
  return 'ok';
};

describe('withPassphrase', () => {
  const base = { role: 'targets', keyId: 'ab'.repeat(32) };

  it('PASSPHRASE_REQUIRED when no source answers', async () => {
    await expectRejectCode(withPassphrase(envPassphrases({}), base, check('x')), 'PASSPHRASE_REQUIRED');
  });

  it('WRONG_PASSPHRASE at once for a non-interactive answer', async () => {
    const src = scripted(['bad', 'right'], false);
    await expectRejectCode(withPassphrase(src, base, check('right')), 'WRONG_PASSPHRASE');
    expect(src.asked).toEqual([0]);
  });

  it('retries interactive answers, up to 3 tries in all', async () => {
    const ok = scripted(['bad', 'bad', 'right'], true);
    expect(await withPassphrase(ok, base, check('right'))).toBe('ok');
    expect(ok.asked).toEqual([0, 1, 2]);
    const tooMany = scripted(['bad', 'bad', 'bad', 'right'], true);
    await expectRejectCode(withPassphrase(tooMany, base, check('right')), 'PASSPHRASE_RETRIES_EXCEEDED');
    expect(tooMany.asked).toEqual([0, 1, 2]);
  });

  it('WRONG_PASSPHRASE when an interactive source gives up after a wrong answer', async () => {
    await expectRejectCode(withPassphrase(scripted(['bad'], true), base, check('right')), 'WRONG_PASSPHRASE');
  });

  it('passes other errors through untouched', async () => {
    const boom = async () => {
      throw notaryError('BAD_KEY_FILE', 'x');
    };
    await expectRejectCode(withPassphrase(constantPassphrase('p'), base, boom), 'BAD_KEY_FILE');
  });

  it('choosePassphrase asks with creating: true and needs an answer', async () => {
    const seen: PassphraseRequest[] = [];
    const src: PassphraseSource = {
      async get(r) {
        seen.push(r);
        return { passphrase: 'new', interactive: false };
      },
    };
    expect(await choosePassphrase(src, base)).toBe('new');
    expect(seen[0]).toMatchObject({ creating: true, attempt: 0, role: 'targets' });
    await expectRejectCode(choosePassphrase(envPassphrases({}), base), 'PASSPHRASE_REQUIRED');
  });
});
