// CLI entry: finds the command, parses its flags, runs it lazily imported, maps errors to exit statuses.
import { notaryError } from '../errors.js';
import { boolFlag, commandWords, GLOBAL_FLAGS, type ParsedArgs, parseCommandLine } from './args.js';
import type { CliIo } from './context.js';
import { type ExitStatus, exitStatusFor } from './exit-status.js';
import { nearest } from './nearest.js';
import { withNextStep } from './next-step.js';
import { asNotaryError, printError } from './output.js';
import { COMMANDS, type CommandEntry } from './registry.js';

export const VERSION = '0.1.0';

/** Runs the CLI and returns its exit status (never throws). */
export async function main(argv: string[], io: CliIo): Promise<ExitStatus> {
  const json = argv.includes('--json');
  try {
    const words = commandWords(argv, 2);
    if (words.length === 0) {
      if (argv.includes('--version')) return printVersion(io);
      io.stdout.write(helpText());
      return argv.includes('-h') || argv.includes('--help') ? 0 : 2;
    }
    const entry = findCommand(words);
    if (!entry) {
      if (words[0] === 'version') return printVersion(io);
      if (words[0] === 'help') {
        io.stdout.write(helpText());
        return 0;
      }
      const groupHelp = words.length === 1 && (argv.includes('-h') || argv.includes('--help'));
      if (groupHelp && COMMANDS.some((c) => c.words.length === 2 && c.words[0] === words[0])) {
        io.stdout.write(helpText());
        return 0;
      }
      throw unknownCommand(words);
    }
    const args = parseCommandLine(argv, entry.flags);
    args.positionals.splice(0, entry.words.length);
    if (boolFlag(args, 'help')) {
      io.stdout.write(commandHelp(entry));
      return 0;
    }
    const mod = await entry.load();
    return await mod.run(args, io);
  } catch (e) {
    const err = withNextStep(asNotaryError(e));
    printError(err, json, io.stderr, io.env['NOTARY_TS_DEBUG'] === '1');
    return exitStatusFor(err.code);
  }
}

function printVersion(io: CliIo): ExitStatus {
  io.stdout.write(`notary-ts ${VERSION} (Notary v1 / Docker Content Trust, compatible with notary 0.7.0)\n`);
  return 0;
}

/**
 * USAGE for a command line that names no command. Only the words that were meant as the command are named: in
 * `notary-ts frob GUN`, GUN is an argument, not part of the command; in `key frob`, `key` is a command group.
 */
function unknownCommand(words: string[]) {
  const first = words[0] as string;
  const group = COMMANDS.filter((c) => c.words.length === 2 && c.words[0] === first).map((c) => c.words[1] as string);
  if (group.length > 0 && words[1] === undefined) {
    return notaryError('USAGE', `${first} needs a subcommand: ${group.join(', ')}`, { details: { command: first } });
  }
  const command = group.length > 0 ? `${first} ${words[1]}` : first;
  const candidates =
    group.length > 0 ? group : [...new Set([...COMMANDS.map((c) => c.words[0] as string), 'version', 'help'])];
  const guess = nearest(group.length > 0 ? (words[1] as string) : first, candidates);
  const hint =
    guess !== undefined ? `did you mean ${group.length > 0 ? `${first} ${guess}` : guess}?` : 'see notary-ts --help';
  return notaryError('USAGE', `unknown command ${JSON.stringify(command)}; ${hint}`, {
    details: { command, ...(guess !== undefined ? { suggestion: guess } : {}) },
  });
}

function findCommand(words: string[]): CommandEntry | undefined {
  return (
    COMMANDS.find((c) => c.words.length === 2 && c.words[0] === words[0] && c.words[1] === words[1]) ??
    COMMANDS.find((c) => c.words.length === 1 && c.words[0] === words[0])
  );
}

function flagLines(flags: CommandEntry['flags']): string[] {
  return Object.entries(flags).map(([name, s]) => {
    const left = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.value ? ` ${s.value}` : ''}`;
    return `  ${left.padEnd(30)} ${s.description}`;
  });
}

function helpText(): string {
  const cmds = COMMANDS.map((c) => `  ${c.words.join(' ').padEnd(20)} ${c.summary}`);
  return [
    'notary-ts: a Notary v1 / Docker Content Trust client and signer',
    '',
    'usage: notary-ts [global flags] COMMAND [flags] [args]',
    '',
    'commands:',
    ...cmds,
    `  ${'version'.padEnd(20)} print the version`,
    '',
    'global flags:',
    ...flagLines(GLOBAL_FLAGS),
    '',
    'exit statuses: 0 ok, 1 trust failure, 2 usage, 3 not found, 4 remote unavailable, 5 key or passphrase,',
    '  6 (doctor) something to renew expires soon, 70 internal',
    '',
  ].join('\n');
}

function commandHelp(c: CommandEntry): string {
  // No empty `flags:` section for a command without flags of its own.
  const own = Object.keys(c.flags).length > 0 ? ['flags:', ...flagLines(c.flags), ''] : [];
  return [
    `usage: notary-ts ${c.usage}`,
    '',
    c.summary,
    '',
    ...own,
    'global flags:',
    ...flagLines(GLOBAL_FLAGS),
    '',
  ].join('\n');
}

export { useAgentModule } from '../index.js';
export type { ParsedArgs };
