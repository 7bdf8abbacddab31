import { UsageError } from '../errors.js';
import { clean } from '../status.js';
import { parse } from './args.js';
import { COMMAND_OPTIONS } from './command-options.js';
import { EXIT, type CliIo } from './io.js';
import { withJsonErrors } from './log-format.js';

const HELP = `Usage: amlprep clean <dir> [--outputs] [--json]

Removes the checkpoint store of an output folder, and what a killed run left behind: a
spill file, half-written *.arrow.tmp files, a stale amlprep.lock, and output files no
manifest.json describes. The Arrow outputs and manifest stay unless --outputs is given,
which is refused on a folder amlprep did not write. Lists every file it removed.

Options:
  --outputs    also remove the Arrow outputs, manifest.json and rejected_rows.csv
  --json       print the removed paths as one JSON array (errors as one JSON object)
  -h, --help   this text
`;

export async function cleanCommand(argv: string[], io: CliIo): Promise<number> {
  // A script that asked for JSON reads its errors as JSON too, as with status (a trial).
  return withJsonErrors(argv, io, () => cleanParsed(argv, io));
}

async function cleanParsed(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('clean', argv, COMMAND_OPTIONS.clean);
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1 || positionals[0] === '')
    throw new UsageError("clean takes one folder (see 'amlprep clean --help')");

  const removed = clean(positionals[0] as string, { outputs: values.outputs === true });
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(removed)}\n`);
    return EXIT.ok;
  }
  io.stdout.write(
    removed.length === 0 ? 'nothing to remove\n' : removed.map((p) => `removed ${p}\n`).join(''),
  );
  return EXIT.ok;
}
