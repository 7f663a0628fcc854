// Passphrase sources (env, file, secrets directory, chain) and the retry policy shared by every key operation.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { isNotaryError, notaryError } from '../errors.js';

/** What a key operation asks a passphrase source for. */
export interface PassphraseRequest {
  /** The key's role header (`root`, `targets`, `targets/releases`, a docker signer name, ...). */
  readonly role: string;
  /** Canonical key ID. */
  readonly keyId: string;
  readonly gun?: string;
  /** 0 on the first ask, n after n wrong answers (only interactive sources are asked again). */
  readonly attempt: number;
  /** True when choosing a passphrase for a key about to be written. */
  readonly creating: boolean;
}

export interface PassphraseAnswer {
  readonly passphrase: string;
  /** A person typed it, so after a wrong answer asking again makes sense. */
  readonly interactive: boolean;
}

/** Where passphrases come from. `get` resolves undefined when this source has nothing for the request. */
export interface PassphraseSource {
  get(request: PassphraseRequest): Promise<PassphraseAnswer | undefined>;
}

/** Attempts a person gets for a passphrase (Notary's prompt allows 3 retries; we allow 3 tries in all). */
export const MAX_PASSPHRASE_ATTEMPTS = 3;

/**
 * Environment variable names consulted for `role`, in order: Notary's `NOTARY_<ROLE>_PASSPHRASE` (DELEGATION for
 * any non-base role; none for timestamp, as in Notary), then Docker's `DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE` for
 * root and `DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE` for every other role.
 */
export function passphraseEnvNames(role: string): string[] {
  switch (role) {
    case 'root':
      return ['NOTARY_ROOT_PASSPHRASE', 'DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE'];
    case 'targets':
    case 'snapshot':
      return [`NOTARY_${role.toUpperCase()}_PASSPHRASE`, 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE'];
    case 'timestamp':
      return ['DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE'];
    default:
      return ['NOTARY_DELEGATION_PASSPHRASE', 'DOCKER_CONTENT_TRUST_REPOSITORY_PASSPHRASE'];
  }
}

/** A source that never asks twice: a retry after a wrong answer gets nothing. */
function once(lookup: (r: PassphraseRequest) => Promise<string | undefined>): PassphraseSource {
  return {
    async get(request) {
      if (request.attempt > 0) return undefined;
      const passphrase = await lookup(request);
      return passphrase === undefined ? undefined : { passphrase, interactive: false };
    },
  };
}

/**
 * Passphrases from environment variables (see `passphraseEnvNames`). Empty values count as unset, as in Notary.
 * `env` is injected; pass `process.env` in production.
 */
export function envPassphrases(env: Readonly<Record<string, string | undefined>>): PassphraseSource {
  return once(async ({ role }) => {
    for (const name of passphraseEnvNames(role)) {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
    }
    return undefined;
  });
}

/** The same passphrase for every key (tests, library callers). */
export function constantPassphrase(passphrase: string): PassphraseSource {
  return once(async () => passphrase);
}

const MAX_SECRET_FILE = 64 * 1024;

function firstLine(text: string): string {
  const nl = text.indexOf('\n');
  const line = nl < 0 ? text : text.slice(0, nl);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Reads at most `MAX_SECRET_FILE` bytes until end of file. @throws NotaryError INVALID_ARGUMENT when longer */
async function readCapped(handle: fsp.FileHandle, path: string): Promise<string> {
  const buf = Buffer.alloc(MAX_SECRET_FILE + 1);
  let off = 0;
  while (off < buf.length) {
    const { bytesRead } = await handle.read(buf, off, buf.length - off, null);
    if (bytesRead === 0) break;
    off += bytesRead;
  }
  if (off > MAX_SECRET_FILE) {
    throw notaryError('INVALID_ARGUMENT', `${path} is not a passphrase file (too long)`, { details: { path } });
  }
  return buf.subarray(0, off).toString('utf8');
}

/**
 * The first line of a secret file. `stream`: a pipe, FIFO or character device (`/dev/fd/N`, `<(vault read …)`)
 * is read to its end (bounded) as well as a regular file; otherwise only a small regular file is accepted.
 */
async function readSecret(path: string, stream = false): Promise<string | undefined> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(path, 'r');
    const st = await handle.stat();
    const streamed = stream && (st.isFIFO() || st.isCharacterDevice() || st.isSocket());
    if (!(st.isFile() || streamed) || st.size > MAX_SECRET_FILE) {
      throw notaryError('INVALID_ARGUMENT', `${path} is not a passphrase file`, { details: { path } });
    }
    return firstLine(await readCapped(handle, path));
  } catch (e) {
    if (e instanceof Error && 'syscall' in e && (e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (isNotaryError(e)) throw e;
    throw notaryError('IO', `cannot read passphrase file ${path}`, { details: { path }, cause: e });
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * One passphrase for every key, from the first line of a file (`--passphrase-file`), trailing CR/LF stripped. A
 * regular file, or a pipe/FIFO/character device such as `/dev/fd/N` or a shell's `<(command)`, read to its end
 * (at most 64 KiB).
 * @throws NotaryError INVALID_ARGUMENT when the file is missing, too long, or a directory/other kind; IO
 */
export function passphraseFile(path: string): PassphraseSource {
  // Read once (a FIFO or `/dev/fd/N` can be read only once), then used for every key.
  let read: Promise<string> | undefined;
  return once(() => {
    read ??= readSecret(path, true).then((v) => {
      if (v === undefined) throw notaryError('INVALID_ARGUMENT', `passphrase file ${path} does not exist`);
      return v;
    });
    return read;
  });
}

/**
 * Passphrases from a secrets directory such as `/run/secrets`: for each name of `passphraseEnvNames(role)`, a
 * file named in lower case (`notary_root_passphrase`), else exactly as the variable (`NOTARY_ROOT_PASSPHRASE`).
 * The first line is used; missing files are skipped; an empty first line counts as unset.
 * @throws NotaryError IO on unreadable files
 */
export function secretsDirPassphrases(dir: string): PassphraseSource {
  return once(async ({ role }) => {
    for (const name of passphraseEnvNames(role)) {
      for (const file of [name.toLowerCase(), name]) {
        const v = await readSecret(join(dir, file));
        if (v !== undefined && v !== '') return v;
      }
    }
    return undefined;
  });
}

/** Asks each source in turn; the first answer wins. Typical: env, file, secrets directory, then the terminal. */
export function chainPassphrases(...sources: readonly PassphraseSource[]): PassphraseSource {
  return {
    async get(request) {
      for (const s of sources) {
        const answer = await s.get(request);
        if (answer !== undefined) return answer;
      }
      return undefined;
    },
  };
}

/**
 * Runs `use` with passphrases from `source` until it stops failing with WRONG_PASSPHRASE. A non-interactive
 * answer is never retried; an interactive one gets `maxAttempts` tries in all.
 * @throws NotaryError PASSPHRASE_REQUIRED (no source had one), WRONG_PASSPHRASE (non-interactive answer was
 * wrong), PASSPHRASE_RETRIES_EXCEEDED (interactive tries used up), or whatever `use` throws otherwise
 */
export async function withPassphrase<T>(
  source: PassphraseSource,
  request: Omit<PassphraseRequest, 'attempt' | 'creating'>,
  use: (passphrase: string) => Promise<T>,
  maxAttempts = MAX_PASSPHRASE_ATTEMPTS,
): Promise<T> {
  const details = { role: request.role, keyId: request.keyId };
  for (let attempt = 0; ; attempt++) {
    const answer = await source.get({ ...request, attempt, creating: false });
    if (answer === undefined) {
      if (attempt === 0) {
        throw notaryError('PASSPHRASE_REQUIRED', `no passphrase available for ${request.role} key ${request.keyId}`, {
          details,
        });
      }
      throw notaryError('WRONG_PASSPHRASE', `wrong passphrase for ${request.role} key ${request.keyId}`, { details });
    }
    try {
      return await use(answer.passphrase);
    } catch (e) {
      if (!isNotaryError(e, 'WRONG_PASSPHRASE')) throw e;
      if (!answer.interactive) {
        throw notaryError('WRONG_PASSPHRASE', `wrong passphrase for ${request.role} key ${request.keyId}`, {
          details,
          cause: e,
        });
      }
      if (attempt + 1 >= maxAttempts) {
        throw notaryError(
          'PASSPHRASE_RETRIES_EXCEEDED',
          `too many wrong passphrases for ${request.role} key ${request.keyId}`,
          { details: { ...details, attempts: attempt + 1 }, cause: e },
        );
      }
    }
  }
}

/**
 * Asks `source` for the passphrase of a key about to be written.
 * @throws NotaryError PASSPHRASE_REQUIRED when no source has one
 */
export async function choosePassphrase(
  source: PassphraseSource,
  request: Omit<PassphraseRequest, 'attempt' | 'creating'>,
): Promise<string> {
  const answer = await source.get({ ...request, attempt: 0, creating: true });
  if (answer === undefined) {
    throw notaryError('PASSPHRASE_REQUIRED', `no passphrase available for new ${request.role} key ${request.keyId}`, {
      details: { role: request.role, keyId: request.keyId },
    });
  }
  return answer.passphrase;
}
