import { asOutputError } from '../checkpoint/folder.js';
import { AmlprepError, OptionError, UsageError, WorkerError } from '../errors.js';
import { nearestName } from '../api-arguments.js';
import { asFlags } from './args.js';
import { packageVersion } from '../version.js';
import { cleanCommand } from './clean-command.js';
import { generateCommand } from './generate-command.js';
import { exportCommand } from './export-command.js';
import { inspectCommand } from './inspect-command.js';
import { afterLmdbText, EXIT, processIo, type CliIo } from './io.js';
import { runCommand } from './run-command.js';
import { statusCommand } from './status-command.js';

type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  status: statusCommand,
  clean: cleanCommand,
  generate: generateCommand,
  export: exportCommand,
  inspect: inspectCommand,
};

/** `help`, `--help` or `-h`: after `help`, they ask for the general help too. */
function isHelpWord(word: string | undefined): boolean {
  return word === 'help' || word === '--help' || word === '-h';
}

/** The command of that name; not what an object inherits (`amlprep toString` crashed). */
function commandNamed(name: string | undefined): Command | undefined {
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** Refuses `name`, with the command it was likely meant as (trial EE: `stats`, `rn`). */
function unknownCommand(name: string, io: CliIo): number {
  // `amlprep version` is a flag's word (trial GG).
  const global = ['--version', '--help'];
  const flag = global.includes(`--${name}`)
    ? `amlprep --${name}`
    : name.startsWith('-')
      ? nearestName(name, global)
      : undefined;
  const near = nearestName(name, Object.keys(COMMANDS)) ?? flag;
  const hint = near === undefined ? '' : ` (did you mean ${near}?)`;
  io.stderr.write(`amlprep: unknown command '${name}'${hint} (see 'amlprep --help')\n`);
  return EXIT.usage;
}

const HELP = `amlprep — turn AMLworld transaction CSVs into graph-ML inputs

Usage: amlprep <command> [options]

Commands:
  run <transactions.csv>   run the seven preprocessing steps (resumes by default)
  status <dir>             list the checkpoints of an output folder
  clean <dir>              remove the checkpoints of an output folder
  generate                 write synthetic data in the AMLworld layout
  export <dir>             convert a finished run to npy, csv or Multi-GNN's layout
  inspect <dir>            counts, column statistics and top accounts of a finished run

Run 'amlprep <command> --help' for the options of a command.
Global: --help, --version
Exit codes: 0 success, 1 internal fault, 2 usage or data error, 130/143 interrupted.
`;

/** Runs one CLI invocation and resolves to its exit code; never throws. */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;

  // `amlprep help run` is `amlprep run --help`, as in git and npm.
  if (name === 'help' && rest.length > 0 && !isHelpWord(rest[0])) {
    const topic = commandNamed(rest[0]);
    if (rest.length > 1) {
      io.stderr.write(
        `amlprep: help takes one command name, got '${rest.join(' ')}' (see 'amlprep --help')\n`,
      );
      return EXIT.usage;
    }
    if (topic !== undefined) return topic(['--help'], io);
    return unknownCommand(rest[0]!, io);
  }
  // Asked for, the help is the answer (stdout, 0); with no command at all it is the usage
  // error's message (stderr, 2), as a trial expected.
  if (name === undefined) {
    io.stderr.write(HELP);
    return EXIT.usage;
  }
  if (isHelpWord(name)) {
    // `amlprep --help run` asks for run's help as `amlprep help run` does, and a misspelt
    // command there is said as `help expor` says it (a trial got the general help).
    const topic = rest.length === 1 ? commandNamed(rest[0]) : undefined;
    if (topic !== undefined) return topic(['--help'], io);
    const word = rest.length === 1 ? rest[0]! : '-';
    if (!isHelpWord(word) && !word.startsWith('-')) return unknownCommand(word, io);
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }

  const command = commandNamed(name);
  if (command === undefined) return unknownCommand(name, io);
  try {
    return await command(rest, io);
  } catch (error) {
    return reportError(error, io, name);
  }
}

/**
 * User-facing errors print one line; internal faults print the stack for the bug report. A
 * bad flag value of `command` is said as its unknown flags are: the command first, its help
 * last (a trial found `--workers=abc` answered without either).
 */
export function reportError(thrown: unknown, io: CliIo, command?: string): number {
  const error = asOutputError(thrown);
  const start = afterLmdbText(error);
  if (error instanceof AmlprepError && error.userFacing) {
    const message = asFlags(error.message);
    const said = command === undefined ? message : asUsage(error, message, command);
    io.stderr.write(`${start}amlprep: ${said}\n`);
    return EXIT.usage;
  }
  // A worker that died twice (out of memory, killed) is the machine's limit, not a bug: its
  // message names the chunk, the reason and how to resume, and that is all the user needs.
  if (error instanceof WorkerError) {
    io.stderr.write(`${start}amlprep: ${asFlags(error.message)}\n`);
    return EXIT.internal;
  }
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`${start}amlprep: internal error (please report): ${text}\n`);
  return EXIT.internal;
}

/**
 * A flag's refusal (an option or usage error whose message starts with the flag) with
 * `command` and its help. Other option errors (an input that is an output file, a removed
 * current folder) are about the files, not the flags: the help would not help.
 */
function asUsage(error: AmlprepError, message: string, command: string): string {
  if (!(error instanceof OptionError || error instanceof UsageError)) return message;
  if (!message.startsWith('--')) return message;
  return `${command}: ${message} (see 'amlprep ${command} --help')`;
}
