// Interactive passphrase source: prompts on the terminal without echo, confirms new passphrases, caches per role.
import { notaryError } from '../errors.js';
import {
  MAX_PASSPHRASE_ATTEMPTS,
  type PassphraseAnswer,
  type PassphraseRequest,
  type PassphraseSource,
} from './passphrase.js';

/** The streams of one terminal conversation. `input.setRawMode` (a real TTY) turns echo off. */
export interface TerminalStreams {
  readonly input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  readonly output: NodeJS.WritableStream;
  /** Called after each conversation when the streams were opened for it. */
  close?(): void;
}

export interface TtyPassphraseOptions {
  /**
   * Fixed streams (tests, embedding). Without them, /dev/tty is opened on the first prompt and kept for the
   * source's later prompts, so answers typed or pasted ahead (Notary's prompt reads them from one buffered
   * reader too) are not lost between keys.
   */
  readonly streams?: TerminalStreams;
  /** Alternative opener; resolve undefined when there is no terminal. */
  readonly open?: () => Promise<TerminalStreams | undefined>;
  /** Minimum length of a new passphrase; Notary's prompt demands 8. */
  readonly minLength?: number;
  /** Tries to enter a new passphrase twice identically. */
  readonly maxAttempts?: number;
}

/** Reads lines from a stream, keeping what arrives after a line for the next read. */
class LineReader {
  private buf = '';
  private ended = false;
  private waiter: { resolve(v: string | undefined): void; reject(e: unknown): void } | undefined;

  constructor(private readonly input: TerminalStreams['input']) {
    input.on('data', (chunk: Buffer | string) => {
      this.buf += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
      this.pump();
    });
    input.on('end', () => {
      this.ended = true;
      this.pump();
    });
    input.on('error', (e: unknown) => {
      this.waiter?.reject(notaryError('IO', 'cannot read from the terminal', { cause: e }));
      this.waiter = undefined;
    });
  }

  read(): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.input.resume();
      this.pump();
    });
  }

  private pump(): void {
    const w = this.waiter;
    if (!w) return;
    const raw = this.input.isTTY === true && typeof this.input.setRawMode === 'function';
    let line = '';
    for (let i = 0; i < this.buf.length; i++) {
      const c = this.buf[i] as string;
      if (c === '\n' || (raw && c === '\r')) {
        this.buf = this.buf.slice(i + 1);
        this.finish(w, line.endsWith('\r') ? line.slice(0, -1) : line);
        return;
      }
      if (raw && c === '\x03') {
        this.buf = '';
        this.waiter = undefined;
        this.input.pause();
        w.reject(notaryError('PASSPHRASE_REQUIRED', 'passphrase entry interrupted'));
        return;
      }
      if (raw && c === '\x04' && line === '') {
        this.buf = this.buf.slice(i + 1);
        this.finish(w, undefined);
        return;
      }
      if (raw && (c === '\x7f' || c === '\b')) line = [...line].slice(0, -1).join('');
      else line += c;
    }
    if (this.ended) {
      this.buf = '';
      this.finish(w, line === '' ? undefined : line);
    }
  }

  private finish(w: NonNullable<LineReader['waiter']>, value: string | undefined): void {
    this.waiter = undefined;
    this.input.pause();
    w.resolve(value);
  }
}

async function openDevTty(): Promise<TerminalStreams | undefined> {
  const [{ openSync, closeSync }, tty] = await Promise.all([import('node:fs'), import('node:tty')]);
  let rfd: number | undefined;
  try {
    rfd = openSync('/dev/tty', 'r');
    const wfd = openSync('/dev/tty', 'w');
    const input = new tty.ReadStream(rfd);
    const output = new tty.WriteStream(wfd);
    return {
      input,
      output,
      close() {
        input.destroy();
        output.destroy();
      },
    };
  } catch {
    if (rfd !== undefined) closeSync(rfd);
    return undefined;
  }
}

function describe(r: PassphraseRequest): string {
  return `${r.creating ? 'new ' : ''}${r.role || 'private'} key${r.keyId ? ` with ID ${r.keyId.slice(0, 7)}` : ''}`;
}

/**
 * A terminal passphrase source (Notary's PromptRetriever): reads without echo, trims surrounding whitespace as
 * Notary does, asks twice for a new passphrase (which must have `minLength` characters), and remembers the last
 * passphrase per role for the first ask of the next key. Answers are interactive, so wrong ones are retried.
 * @throws NotaryError PASSPHRASE_RETRIES_EXCEEDED when a new passphrase is not confirmed in `maxAttempts` tries;
 * PASSPHRASE_REQUIRED when entry is interrupted (Ctrl-C)
 */
export function ttyPassphrases(options: TtyPassphraseOptions = {}): PassphraseSource {
  const cache = new Map<string, string>();
  const readers = new WeakMap<object, LineReader>();
  const minLength = options.minLength ?? 8;
  const maxAttempts = options.maxAttempts ?? MAX_PASSPHRASE_ATTEMPTS;
  const open = options.open ?? (options.streams ? async () => options.streams : openDevTty);

  async function ask(t: TerminalStreams, prompt: string): Promise<string | undefined> {
    let reader = readers.get(t.input);
    if (!reader) {
      reader = new LineReader(t.input);
      readers.set(t.input, reader);
    }
    t.output.write(prompt);
    const raw = t.input.isTTY === true && typeof t.input.setRawMode === 'function';
    if (raw) t.input.setRawMode?.(true);
    try {
      const line = await reader.read();
      return line?.trim();
    } finally {
      if (raw) t.input.setRawMode?.(false);
      t.output.write('\n');
    }
  }

  async function converse(t: TerminalStreams, r: PassphraseRequest): Promise<string | undefined> {
    if (!r.creating) {
      if (r.attempt > 0) t.output.write('Passphrase incorrect. Please retry.\n');
      return ask(t, `Enter passphrase for ${describe(r)}: `);
    }
    for (let i = 0; i < maxAttempts; i++) {
      const first = await ask(t, `Enter passphrase for ${describe(r)}: `);
      if (first === undefined) return undefined;
      if (first.length < minLength) {
        t.output.write(`Passphrase is too short (at least ${minLength} characters). Please retry.\n`);
        continue;
      }
      const second = await ask(t, `Repeat passphrase for ${describe(r)}: `);
      if (second === undefined) return undefined;
      if (first === second) return first;
      t.output.write('Passphrases do not match. Please retry.\n');
    }
    throw notaryError('PASSPHRASE_RETRIES_EXCEEDED', `no new passphrase confirmed for ${r.role} key`, {
      details: { role: r.role, keyId: r.keyId },
    });
  }

  // The terminal, opened once: a new ReadStream per prompt would drop what the previous one had buffered.
  let terminal: Promise<TerminalStreams | undefined> | undefined;
  const refable = (t: TerminalStreams) => t.input as { ref?(): void; unref?(): void };

  return {
    async get(r): Promise<PassphraseAnswer | undefined> {
      const cached = cache.get(r.role);
      if (r.attempt === 0 && cached !== undefined) return { passphrase: cached, interactive: true };
      terminal ??= open();
      const t = await terminal;
      if (!t) return undefined;
      refable(t).ref?.();
      try {
        const passphrase = await converse(t, r);
        if (passphrase === undefined) return undefined;
        cache.set(r.role, passphrase);
        return { passphrase, interactive: true };
      } finally {
        // Kept open for the next prompt, but it must not keep the process alive in between.
        refable(t).unref?.();
      }
    },
  };
}
