// What a CLI command gets: parsed arguments, streams and environment (injected, so commands are testable in-process).

export interface WritableLike {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: WritableLike;
  stderr: WritableLike;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** Injected clock for tests; defaults to the system clock. */
  now?: () => Date;
}
