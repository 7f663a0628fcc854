// `verify --ref|--registry IMAGE:TAG` and `verify --from FILE|-`: trust answers for docker image references.
import { isNotaryError, type NotaryError, notaryError } from '../../errors.js';
import {
  DEFAULT_TAG,
  type ImageReference,
  type LookupResult,
  parseImageReference,
  RegistryPool,
  type Repository,
} from '../../index.js';
import { boolFlag, listFlag, type ParsedArgs, stringFlag } from '../args.js';
import { commonOptions, positionals, readInputFile } from '../common.js';
import type { CliIo } from '../context.js';
import { type ExitStatus, exitStatusFor } from '../exit-status.js';
import { asNotaryError, printJson } from '../output.js';
import { registryOptions } from './image.js';
import { type Opened, open } from './verify.js';

/** Parses a reference to verify: a tag (default `latest`, as `docker pull`), never a digest (already pinned). */
function verifyTarget(text: string): ImageReference & { tag: string } {
  const ref = parseImageReference(text);
  if (ref.digest !== undefined) {
    throw notaryError('INVALID_REFERENCE', `${text} is already pinned by digest; verify takes IMAGE[:TAG]`, {
      details: { reference: text },
    });
  }
  return { ...ref, tag: ref.tag ?? DEFAULT_TAG };
}

interface Checked {
  ref: ImageReference & { tag: string };
  result: LookupResult & { offline: boolean };
  /** `name@digest`: what to pull, deploy or admit. */
  reference: string;
}

/** Verifies the signed digest of `ref`, and with `registry` that the registry serves the same manifest now. */
async function check(
  ref: ImageReference & { tag: string },
  repo: Repository,
  args: ParsedArgs,
  pool: RegistryPool | undefined,
): Promise<Checked> {
  const role = stringFlag(args, 'role');
  const signers = listFlag(args, 'signer');
  const result = await repo.lookup(ref.tag, { ...(role ? { role } : {}), ...(signers.length ? { signers } : {}) });
  if (pool) {
    const now = await pool.resolve(ref);
    if (now.digest !== result.digest || now.size !== result.size) {
      throw notaryError('REGISTRY_MISMATCH', `${ref.name}:${ref.tag} on the registry is not the signed manifest`, {
        details: {
          reference: `${ref.name}:${ref.tag}`,
          signed: { digest: result.digest, size: result.size },
          registry: { digest: now.digest, size: now.size },
        },
      });
    }
  }
  return { ref, result, reference: `${ref.name}@${result.digest}` };
}

function answer(c: Checked, asOf: string | undefined, input?: string): Record<string, unknown> {
  const r = c.result;
  return {
    ok: true,
    ...(input !== undefined ? { input } : {}),
    reference: c.reference,
    gun: r.gun,
    tag: r.tag,
    digest: r.digest,
    size: r.size,
    role: r.role,
    ...(r.signedBy ? { signedBy: r.signedBy } : {}),
    offline: r.offline,
    ...(asOf !== undefined ? { asOf } : {}),
  };
}

/** `verify --ref|--registry IMAGE[:TAG]`: prints `NAME@sha256:…` (or the JSON answer with `reference`). */
export async function verifyImage(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  const [text] = positionals(args, ['IMAGE[:TAG]']);
  const ref = verifyTarget(text as string);
  const opts = commonOptions(args, io);
  const pool = boolFlag(args, 'registry') ? new RegistryPool(registryOptions(args, opts)) : undefined;
  const { repo, asOf } = await open(ref.name, opts, args, io);
  try {
    const c = await check(ref, repo, args, pool);
    if (opts.json) printJson(io.stdout, answer(c, asOf));
    else io.stdout.write(boolFlag(args, 'ref') ? `${c.reference}\n` : `${c.result.digest}\n`);
    return 0;
  } finally {
    await Promise.all([repo.close(), pool?.close()]);
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `verify --from FILE|-`: one image reference per line (blank lines and `#` comments skipped), one JSON line per
 * reference on stdout, in input order: `{ok:true, input, reference, …}` or `{ok:false, input, code, message,
 * details}`. Each repository is opened (updated) once. Exit status: 0 when every reference verified, otherwise the
 * status of the first failure.
 */
export async function verifyMany(args: ParsedArgs, io: CliIo): Promise<ExitStatus> {
  positionals(args, []);
  const from = stringFlag(args, 'from') as string;
  const opts = commonOptions(args, io);
  const text = from === '-' ? await readAll(io.stdin) : (await readInputFile(from)).toString('utf8');
  const inputs = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (inputs.length === 0) throw notaryError('USAGE', `no image references in ${from}`);
  const pool = boolFlag(args, 'registry') ? new RegistryPool(registryOptions(args, opts)) : undefined;
  const repos = new Map<string, Promise<Opened>>();
  let status: ExitStatus = 0;
  try {
    for (const input of inputs) {
      let line: Record<string, unknown>;
      try {
        const ref = verifyTarget(input);
        let repo = repos.get(ref.name);
        if (!repo) {
          repo = open(ref.name, opts, args, io);
          // A failed open is answered for every line of that repository without asking the server again.
          repo.catch(() => undefined);
          repos.set(ref.name, repo);
        }
        const opened = await repo;
        line = answer(await check(ref, opened.repo, args, pool), opened.asOf, input);
      } catch (e) {
        const err: NotaryError = asNotaryError(e);
        if (!isNotaryError(e)) throw e;
        if (status === 0) status = exitStatusFor(err.code);
        line = { input, ...err.toJSON() };
      }
      io.stdout.write(`${JSON.stringify(line)}\n`);
    }
    return status;
  } finally {
    const opened = await Promise.allSettled(repos.values());
    await Promise.all([
      ...opened.map((o) => (o.status === 'fulfilled' ? o.value.repo.close() : undefined)),
      pool?.close(),
    ]);
  }
}
