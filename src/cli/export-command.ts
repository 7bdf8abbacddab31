import { relative } from 'node:path';

import { nearestName } from '../api-arguments.js';
import { AmlprepError, UsageError } from '../errors.js';
import {
  EXPORT_FORMATS,
  exportRun,
  type AmountSource,
  type ExportFormat,
} from '../export/index.js';
import { parse } from './args.js';
import { COMMAND_OPTIONS } from './command-options.js';
import { EXIT, type CliIo } from './io.js';
import { withJsonErrors } from './log-format.js';
import { fmtSeconds } from './progress.js';

const HELP = `Usage: amlprep export <dir> --format npy|csv|multignn [options]

Converts the outputs of a finished run in <dir> for tools that do not read Arrow.

Formats:
  npy        NumPy arrays: x, edge_index, edge_attr, y, edge_id, train/val/test masks,
             train_resampled_x/_y, and arrays.json naming the columns of each
  csv        nodes.csv, edges.csv, train_resampled.csv (same columns as the Arrow files)
  multignn   formatted_transactions.csv in the layout IBM Multi-GNN reads

Options:
  --format F           npy, csv or multignn (required)
  --out DIR            where to write (default: <dir>/<format>)
  --transactions F     multignn: the transactions CSV the run read (default: the path in
                       manifest.json); raw amounts are read from it and checked row by row
  --amounts M          multignn: source (default) or derived (rebuild amounts from
                       amount_paid_log when the transactions file is not at hand)
  --json               print the result as JSON
  -h, --help           this text
`;

export async function exportCommand(argv: string[], io: CliIo): Promise<number> {
  return withJsonErrors(argv, io, () => exportParsed(argv, io));
}

async function exportParsed(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('export', argv, COMMAND_OPTIONS.export);
  if (values.help === true) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw usage('export takes one folder');
  }
  const format = values.format as string | undefined;
  if (format === undefined) {
    throw usage(`--format is required: ${EXPORT_FORMATS.join(', ')}`);
  }
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    const near = nearestName(format, EXPORT_FORMATS);
    const hint = near === undefined ? '' : ` (did you mean ${near}?)`;
    throw usage(
      `--format must be one of ${EXPORT_FORMATS.join(', ')}, got ${JSON.stringify(format)}${hint}`,
    );
  }
  const amounts = values.amounts as string | undefined;
  if (amounts !== undefined && amounts !== 'source' && amounts !== 'derived') {
    throw usage(`--amounts must be source or derived, got ${JSON.stringify(amounts)}`);
  }
  const multiGnnOnly = (['transactions', 'amounts'] as const).filter(
    (k) => values[k] !== undefined,
  );
  if (format !== 'multignn' && multiGnnOnly.length > 0) {
    throw usage(
      `--${multiGnnOnly.join(' and --')} ${multiGnnOnly.length === 1 ? 'applies' : 'apply'} ` +
        `to --format multignn only, not ${format}`,
    );
  }
  if (amounts === 'derived' && values.transactions !== undefined) {
    throw usage(
      '--transactions is not read with --amounts derived (the amounts are rebuilt from ' +
        'edges.arrow): give one or the other',
    );
  }
  if (values.out === '') throw usage('--out must name a folder, not be empty');
  if (values.transactions === '') throw usage('--transactions must name a file, not be empty');

  const started = performance.now();
  const result = await exportRun(
    positionals[0] as string,
    format as ExportFormat,
    values.out as string | undefined,
    {
      transactions: values.transactions as string | undefined,
      amounts: amounts as AmountSource | undefined,
    },
  ).catch((error: unknown) => {
    throw withExportFlags(error);
  });
  if (values.json === true) {
    io.stdout.write(`${JSON.stringify(result)}\n`);
    return EXIT.ok;
  }
  const seconds = (performance.now() - started) / 1000;
  io.stdout.write(`exported ${result.format} to ${result.out} in ${fmtSeconds(seconds)}:\n`);
  for (const file of result.files) io.stdout.write(`  ${relative(result.out, file)}\n`);
  for (const note of result.notes) io.stdout.write(`note: ${note}\n`);
  return EXIT.ok;
}

/**
 * exportRun's messages name its options as a library caller gives them; here they are this
 * command's flags. Done before the words every command shares (`asFlags`), which take
 * `options.transactions` for `run`'s file argument.
 */
function withExportFlags(error: unknown): unknown {
  if (error instanceof AmlprepError) {
    error.message = error.message
      .replace(/options\.transactions\b/g, '--transactions F')
      .replace(/options\.amounts 'derived'/g, '--amounts derived');
  }
  return error;
}

/** A usage error in the words of the other commands: `export: <what> (see … --help)`. */
function usage(message: string): UsageError {
  const what = message.startsWith('export ') ? message : `export: ${message}`;
  return new UsageError(`${what} (see 'amlprep export --help')`);
}
