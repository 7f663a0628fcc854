// Output arrives whole: multi-megabyte `list`/`inspect` output through a slow pipe reader is complete, and a reader
// that closes early (`| head -1`) ends the command quietly by SIGPIPE, as any Unix tool. Through the shipped
// launcher against a real notary-server. Needs `npm run build` first.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BIN, binEnv, runBin } from '../helpers/bin-run.js';
import { describeInterop, type NotaryServer, PASSPHRASE_ENV, startNotaryServer, tempDir } from '../helpers/notary.js';

const GUN = 'example.com/output/app';
const TAGS = 8000;
// Long tag names make every row ~300 bytes: several megabytes, far past a 64 KiB pipe buffer.
const tagName = (i: number) => `release-${String(i).padStart(5, '0')}-${'x'.repeat(100)}`;
const digestOf = (i: number) => `sha256:${i.toString(16).padStart(64, '0')}`;

/** Runs the CLI with stdout read slowly: nothing for a second, then one small chunk at a time. */
function runSlowReader(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: binEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout.pause();
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    setTimeout(() => {
      child.stdout.on('data', (c: Buffer) => {
        chunks.push(c);
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), 2);
      });
      child.stdout.resume();
    }, 1000);
    child.on('error', fail);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout: Buffer.concat(chunks).toString('utf8'), stderr });
    });
  });
}

/** `bash -c` with pipefail: PIPESTATUS of our command comes back on the last stderr line. */
function runShell(script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn('bash', ['-c', script], { env: binEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', fail);
    child.on('close', (status) => {
      clearTimeout(timer);
      done({ status, stdout, stderr });
    });
  });
}

describeInterop('CLI output through pipes', () => {
  let server: NotaryServer;
  let trustDir: string;
  let common: string[];
  beforeAll(async () => {
    server = await startNotaryServer();
    trustDir = tempDir('output-trust');
    common = ['-s', server.url, '-d', trustDir];
    const lines = Array.from({ length: TAGS }, (_, i) => `${tagName(i)} ${digestOf(i)} ${i + 1}`).join('\n');
    const s = await runBin([...common, 'sign', GUN, '--from', '-'], {
      env: { ...PASSPHRASE_ENV },
      input: lines,
      timeoutMs: 120_000,
    });
    expect(s.status, s.stderr).toBe(0);
  }, 180_000);
  afterAll(async () => server?.stop());

  it('list --json of several megabytes reaches a slow reader whole', async () => {
    const r = await runSlowReader([...common, 'list', GUN, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(2 * 1024 * 1024);
    const parsed = JSON.parse(r.stdout) as { name: string }[];
    expect(parsed).toHaveLength(TAGS);
    expect(new Set(parsed.map((t) => t.name)).size).toBe(TAGS);
  }, 120_000);

  it('inspect JSON reaches a slow reader whole', async () => {
    const r = await runSlowReader([...common, 'inspect', GUN]);
    expect(r.status, r.stderr).toBe(0);
    const parsed = JSON.parse(r.stdout) as { SignedTags: unknown[] }[];
    expect(parsed[0]?.SignedTags).toHaveLength(TAGS);
  }, 120_000);

  it('the list table through a shell pipe with a late reader: every row arrives, status 0', async () => {
    const r = await runShell(
      `set -o pipefail; "${process.execPath}" "${BIN}" ${common.join(' ')} list ${GUN} | (sleep 1; grep -c '^release-')`,
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(String(TAGS));
  }, 120_000);

  it('| head -1 ends the command quietly by SIGPIPE (status 141), no stack trace', async () => {
    for (const cmd of [`list ${GUN}`, `list ${GUN} --json`, `inspect ${GUN}`]) {
      const r = await runShell(
        `"${process.execPath}" "${BIN}" ${common.join(' ')} ${cmd} | head -1; echo "status=\${PIPESTATUS[0]}" >&2`,
      );
      expect(r.stdout.split('\n').filter((l) => l !== '')).toHaveLength(1);
      expect(r.stderr).toBe('status=141\n');
    }
  }, 120_000);

  it('small output still exits at once (the fast exit is kept) and errors still reach a pipe', async () => {
    const started = Date.now();
    const v = await runBin([...common, 'verify', `${GUN}:${tagName(7)}`]);
    expect(v.status, v.stderr).toBe(0);
    expect(v.stdout).toBe(`${digestOf(7)}\n`);
    const missing = await runBin([...common, 'verify', `${GUN}:nope`]);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/TARGET_NOT_FOUND/);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});
