// The command table: words, usage, flags and a lazy loader per command (keeps start-up lean).
import type { FlagSpecs, ParsedArgs } from './args.js';
import type { CliIo } from './context.js';

export interface CommandModule {
  run(args: ParsedArgs, io: CliIo): Promise<0 | 1 | 2 | 3 | 4 | 5 | 70>;
}

export interface CommandEntry {
  words: string[];
  usage: string;
  summary: string;
  flags: FlagSpecs;
  load: () => Promise<CommandModule>;
}

export const COMMANDS: CommandEntry[] = [];
