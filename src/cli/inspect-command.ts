import { UsageError } from '../errors.js';
import { formatInspection } from '../inspect/format.js';
import { inspectRun } from '../inspect/inspect.js';
import { integer, parse } from './args.js';
import { COMMAND_OPTIONS } from './command-options.js';
import { EXIT, type CliIo } from './io.js';
import { withJsonErrors } from './log-format.js';

const HELP = `Usage: amlprep inspect <dir> [--json] [--top N]

Reads the outputs of a finished run and reports: edges per split and class, typology
counts, the top accounts by degree (out_degree + in_degree), and min / mean / max / nulls
of every column of nodes.arrow, edges.arrow and train_resampled.arrow.

Options:
  --top N      accounts to list by degree (default: 10)
  --json       print the report as one JSON object
  -h, --help   this text
`;

export async function inspectCommand(argv: string[], io: CliIo): Promise<number> {
  return withJsonErrors(argv, io, () => inspectParsed(argv, io));
}

async function inspectParsed(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('inspect', argv, COMMAND_OPTIONS.inspect);
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw new UsageError("inspect takes one folder (see 'amlprep inspect --help')");
  }

  const report = await inspectRun(positionals[0] as string, {
    top: integer('--top', values.top as string | undefined),
  });
  io.stdout.write(
    values.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatInspection(report),
  );
  // Also where a redirected report does not hide them (the JSON keeps them under `warnings`).
  if (values.json !== true) for (const w of report.warnings) io.stderr.write(`warning: ${w}\n`);
  return EXIT.ok;
}
