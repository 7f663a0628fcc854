#!/bin/sh
":" //; [ -n "${NODE_EXTRA_CA_CERTS-}" ] && { NOTARY_TS_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS; export NOTARY_TS_NODE_EXTRA_CA_CERTS; unset NODE_EXTRA_CA_CERTS; }; exec node "$0" "$@"
// Thin launcher for the bundled CLI (`npm run build` makes dist/cli; no TypeScript runtime is needed). CommonJS
// (bin/package.json), not an ES module: an ESM entry costs Node 3-8 ms more to start (SPEC §9).
// This file is a shell script and a JavaScript file at once. Run as a command, /bin/sh reads the line above (for
// JavaScript a string and a comment) and starts node on this same file. On the way it moves NODE_EXTRA_CA_CERTS
// aside: Node parses that file into its own root store before any script runs (~30 ms for a 225 KB system bundle,
// at every start), and the CLI never uses Node's store: every TLS connection it makes gets its CAs, the
// NODE_EXTRA_CA_CERTS file among them, from the connection layer (SPEC §15), read only when TLS is used. The
// variable is put back first thing, so that layer, and any program the CLI starts, sees the environment unchanged.
// `node bin/notary-ts.js` skips the shell and works the same, paying Node's cost.
const movedExtraCa = process.env.NOTARY_TS_NODE_EXTRA_CA_CERTS;
if (movedExtraCa !== undefined) {
  delete process.env.NOTARY_TS_NODE_EXTRA_CA_CERTS;
  if (process.env.NODE_EXTRA_CA_CERTS === undefined) process.env.NODE_EXTRA_CA_CERTS = movedExtraCa;
}
const { createHash } = require('node:crypto');
const {
  closeSync,
  constants: fsConstants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} = require('node:fs');
const Module = require('node:module');
const { homedir, tmpdir } = require('node:os');
const { basename, dirname, isAbsolute, join } = require('node:path');
const { Script, constants: vmConstants } = require('node:vm');

const { createRequire } = Module;

// undici parses HTTP with a WebAssembly build of llhttp. V8 would compile it a second time in the background with
// its optimising tier, and the process cannot exit until that finishes: ~130 ms of CPU for a CLI run that makes a
// handful of requests. The baseline (Liftoff) code is plenty for that. Set just before undici is loaded (only a
// proxy or NOTARY_TS_TRANSPORT=undici loads it): node:v8 itself costs a cold start ~1-2 ms that node:http runs skip.
let liftoffSet = false;
function liftoffOnly() {
  if (liftoffSet) return;
  liftoffSet = true;
  require('node:v8').setFlagsFromString('--liftoff-only');
}

// A reader that closes early (`| head -1`) ends us as it ends any Unix tool: quietly, by SIGPIPE (status 141 in a
// shell). Node ignores SIGPIPE, so the default action is restored only now, never while sockets are in use.
function brokenPipe(err) {
  if (err?.code !== 'EPIPE') throw err;
  process.on('SIGPIPE', () => {});
  process.removeAllListeners('SIGPIPE'); // the last listener gone, libuv restores the default action
  process.kill(process.pid, 'SIGPIPE');
  process.exit(141); // only if the signal did not end us
}
process.stdout.on('error', brokenPipe);
process.stderr.on('error', brokenPipe);

/** Resolves once everything written to `stream` has reached the OS (pipe writes past its buffer are queued). */
function flushed(stream) {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableLength === 0) return resolve();
    stream.write('', () => resolve());
  });
}

// V8 code cache (SPEC §9 "Start-up"): the bundle is compiled through vm.Script with the cachedData a previous run
// left in a per-user cache directory, keyed by node version, architecture and the bundle's hash; never in the
// package directory, which may be read-only. A missing or rejected cache is (re)written, atomically, after the
// command's output is flushed. Any failure to read or write it is ignored: the cache only ever saves time.
// NOTARY_TS_NO_CODE_CACHE=1 turns it off.
const cacheOff = !!process.env.NOTARY_TS_NO_CODE_CACHE && process.env.NOTARY_TS_NO_CODE_CACHE !== '0';

function cacheDirectory(env) {
  if (cacheOff) return null;
  try {
    const xdg = env.XDG_CACHE_HOME;
    if (xdg && isAbsolute(xdg)) return join(xdg, 'notary-ts');
    if (process.platform === 'win32' && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, 'notary-ts', 'Cache');
    const home = homedir();
    if (!home) return null;
    return process.platform === 'darwin'
      ? join(home, 'Library', 'Caches', 'notary-ts')
      : join(home, '.cache', 'notary-ts');
  } catch {
    return null;
  }
}

const cacheDir = cacheDirectory(process.env);
const pendingWrites = [];

// When the per-user cache directory cannot be written (a read-only or missing HOME, as in many containers and test
// harnesses), the cache goes to `<tmpdir>/notary-ts-<euid>` instead of being lost on every run. A code cache is code,
// so that directory is used only when it is provably ours: a real directory (not a symlink) owned by this user with
// no group or other access, in a parent that others cannot rename it in (not world-writable, or sticky like /tmp);
// each file read from it must be a regular file owned by this user that no one else can write. POSIX only.
const fallbackDir =
  !cacheOff && process.platform !== 'win32' && typeof process.geteuid === 'function'
    ? join(tmpdir(), `notary-ts-${process.geteuid()}`)
    : null;

/** True when `dir` is the fallback directory described above (created 0700 first when `create`). */
function fallbackUsable(dir, create) {
  try {
    const parent = lstatSync(dirname(dir));
    if (!parent.isDirectory() || ((parent.mode & 0o002) !== 0 && (parent.mode & 0o1000) === 0)) return false;
    if (create) {
      try {
        mkdirSync(dir, { mode: 0o700 });
      } catch (e) {
        if (e?.code !== 'EEXIST') return false;
      }
    }
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === process.geteuid() && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** The bytes of a fallback cache file, if it is a regular file of ours that no one else can write. */
function readFallback(file) {
  let fd;
  try {
    fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW | fsConstants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.uid !== process.geteuid() || (st.mode & 0o022) !== 0) return undefined;
    return readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// Each command keeps a code cache of its own: a cache holds the functions compiled by the run that wrote it, and one
// written by `--help` or `version` would leave every later `verify` compiling its whole path again (~5 ms). The
// command word is found as the CLI finds it (global flags that take a value are skipped; the lists are held to
// src/cli by test/unit/cli/launcher-commands.test.ts); anything else shares one `other` cache. A wrong guess only
// ever costs time.
const CACHED_COMMANDS = [
  'add',
  'archive',
  'check',
  'delegation',
  'doctor',
  'help',
  'init',
  'inspect',
  'key',
  'list',
  'publish',
  'remove',
  'reset',
  'revoke',
  'rotate',
  'sign',
  'signer',
  'status',
  'verify',
  'version',
];
const VALUE_FLAGS = [
  '--config',
  '--passphrase-file',
  '--root-ca',
  '--root-key',
  '--server',
  '--timeout',
  '--tlscacert',
  '--tlscert',
  '--tlskey',
  '--trust-dir',
  '-c',
  '-d',
  '-s',
];

function cacheProfile(argv) {
  // `sign --help` runs none of sign's code: its cache would be a poor one for `sign`.
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') break;
    if (a.startsWith('-')) {
      if (VALUE_FLAGS.includes(a)) i++;
      continue;
    }
    if (a === 'lookup') return 'verify';
    return CACHED_COMMANDS.includes(a) ? a : 'other';
  }
  return 'help';
}

/**
 * Loads a CommonJS file as require() would, compiled with (and leaving behind) a V8 code cache; `profile` names the
 * cache among several for the same file (the command, for the CLI bundle).
 *
 * A cache holds the functions compiled by the run that wrote it, so a cache written by a run that failed early (a
 * usage error, an unreadable file) would leave every later successful run of that command compiling most of its path
 * again, for good (`sign` of 1k tags: +12 ms). A run that exits non-zero therefore writes its cache under
 * `…-failed-<file>.v8`; it is used like any other, and the next run that exits 0 replaces it with a complete one.
 */
function loadCached(filename, profile = '') {
  // The bytes are hashed as read (hashing the decoded string would encode its 570 KB to UTF-8 again).
  const bytes = readFileSync(filename);
  const source = bytes.toString('utf8');
  const suffix = `${basename(filename)}.v8`;
  const build = `${process.version}-${process.arch}-${createHash('sha256').update(bytes).digest('hex').slice(0, 24)}-`;
  const stem = `${build}${profile ? `${profile}-` : ''}`;
  const name = `${stem}${suffix}`;
  const failedName = `${stem}failed-${suffix}`;
  let cachedData;
  let fromFailed = false;
  if (cacheDir) {
    for (const n of [name, failedName]) {
      try {
        cachedData = readFileSync(join(cacheDir, n));
        fromFailed = n === failedName;
        break;
      } catch {}
    }
  }
  let fromFallback = false;
  if (cachedData === undefined && fallbackDir && fallbackUsable(fallbackDir, false)) {
    for (const n of [name, failedName]) {
      cachedData = readFallback(join(fallbackDir, n));
      if (cachedData !== undefined) {
        fromFallback = true;
        fromFailed = n === failedName;
        break;
      }
    }
  }
  // The same wrapper as Node's own CommonJS loader, on the first line so that line numbers stay the file's.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, {
    filename,
    cachedData,
    importModuleDynamically: vmConstants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const mod = new Module(filename, null);
  mod.filename = filename;
  mod.paths = Module._nodeModulePaths(dirname(filename));
  script.runInThisContext().call(mod.exports, mod.exports, createRequire(filename), mod, filename, dirname(filename));
  mod.loaded = true;
  if ((cacheDir || fallbackDir) && (cachedData === undefined || script.cachedDataRejected || fromFallback || fromFailed)) {
    // Made after the run (given its exit status), so that the functions this command compiled are in it too. The
    // per-user directory is preferred whenever it can be written (also over a good fallback copy); serialising is
    // skipped when nothing would be written.
    pendingWrites.push((status) => {
      const ok = status === 0;
      const usable = cachedData !== undefined && !script.cachedDataRejected;
      // A failed run's cache read by another failed run: nothing better to write.
      if (usable && fromFailed && !ok && !fromFallback) return;
      // What is written holds this run's functions and the ones it loaded: complete if either was.
      const complete = ok || (usable && !fromFailed);
      const target = complete ? name : failedName;
      let data;
      const made = () => {
        data ??= script.createCachedData();
        return data;
      };
      const put = (dir) => {
        if (!writeCache(join(dir, target), build, suffix, made())) return false;
        if (complete) {
          try {
            unlinkSync(join(dir, failedName));
          } catch {}
        }
        return true;
      };
      if (cacheDir && canCreateDir(cacheDir) && put(cacheDir)) return;
      if (fromFallback && usable && !(fromFailed && ok)) return;
      if (fallbackDir && fallbackUsable(fallbackDir, true)) put(fallbackDir);
    });
  }
  return mod.exports;
}

function canCreateDir(dir) {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return true;
  } catch {
    return false;
  }
}

/** Writes one cache file atomically into its (existing) directory; false if it could not be written. */
function writeCache(cacheFile, build, suffix, data) {
  const tmp = `${cacheFile}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, cacheFile);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {}
    return false;
  }
  // Caches of other builds or node versions are dead weight: drop them (this build's other commands stay).
  try {
    for (const name of readdirSync(dirname(cacheFile))) {
      if (name.endsWith(suffix) && !name.startsWith(build)) unlinkSync(join(dirname(cacheFile), name));
    }
  } catch {}
  return true;
}

/**
 * Serves `require(filename)` through `load` (default: from the code cache), but only when something first asks for
 * it (undici is needed only for a proxy or NOTARY_TS_TRANSPORT=undici), after setting `--liftoff-only`. A failure
 * falls back to the ordinary loader.
 */
function lazyOnRequire(filename, load) {
  const entry = new Module(filename, null);
  entry.filename = filename;
  entry.loaded = true;
  let exports;
  Object.defineProperty(entry, 'exports', {
    configurable: true,
    enumerable: true,
    get() {
      if (exports === undefined) {
        liftoffOnly();
        try {
          exports = load(filename);
        } catch {
          delete Module._cache[filename];
          exports = createRequire(filename)(filename);
        }
      }
      return exports;
    },
    set(value) {
      exports = value;
    },
  });
  Module._cache[filename] = entry;
}

const agentFile = join(__dirname, '..', 'dist', 'cli', 'undici-agent.cjs');
const mainFile = join(__dirname, '..', 'dist', 'cli', 'main.cjs');
// `verify` and `lookup` run from a bundle that holds no other command (scripts/bundle-cli.mjs): less to load.
const verifyFile = join(__dirname, '..', 'dist', 'cli', 'verify.cjs');
// Any other way undici is loaded (the package entry, for a proxy's EnvHttpProxyAgent; the Agent file without the
// code cache) sets the flag first too. The bundle requires only a few modules, so this hook costs nothing.
const originalLoad = Module._load;
Module._load = function load(request, ...rest) {
  if (typeof request === 'string' && request.includes('undici')) liftoffOnly();
  return originalLoad.call(this, request, ...rest);
};
const caching = cacheDir !== null || fallbackDir !== null;
if (caching) lazyOnRequire(agentFile, loadCached);
if (cacheDir) {
  // Node ≥ 22.1 caches whatever else is required (not on Node 20).
  try {
    Module.enableCompileCache?.(join(cacheDir, 'compile-cache'));
  } catch {}
}

async function run() {
  const profile = cacheProfile(process.argv.slice(2));
  const file = profile === 'verify' ? verifyFile : mainFile;
  const { main, useAgentModule } = caching ? loadCached(file, profile) : require(file);
  useAgentModule(agentFile);
  const status = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    // Made on first use: process.stdin builds a stream (for a file, fs.ReadStream, which loads fs/promises and
    // readline: ~7 ms of compiling) that most commands never read.
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  });
  // Wait until the output is flushed, however slow the reader, then exit at once rather than waiting for idle
  // keep-alive sockets and timers.
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  for (const write of pendingWrites) write(status);
  process.exit(status);
}

run();
