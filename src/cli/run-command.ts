import { AbortedError, UsageError } from '../errors.js';
import { STEPS, type Imbalance, type OnBadRow, type StepName } from '../options.js';
import { run } from '../run.js';
import { decimal, integer, parse } from './args.js';
import { EXIT, type CliIo } from './io.js';
import { reportError } from './main.js';
import { progressPrinter } from './progress.js';
import { formatSummary } from './summary.js';

export const RUN_HELP = `Usage: amlprep run <transactions.csv> [options]

Runs the seven steps (${STEPS.join(', ')}),
resuming from the checkpoints in the output folder unless told otherwise.

Options:
  --accounts F           accounts file (Bank Name,Bank ID,Account Number,Entity ID,Entity Name)
  --patterns F           *_Patterns.txt file, for typologies
  --out DIR              output folder (default: checkpoints_<N|all> beside the input)
  --sample N             keep the first N data rows (default: all)
  --chunk-size N         rows (and accounts) per chunk (default: 100000)
  --workers N            worker threads (default: available cores)
  --resume-from STEP     load STEP and the steps before it, recompute the rest
  --fresh                ignore every checkpoint
  --imbalance M          smote | undersample | none (default: smote)
  --smote-ratio R        minority:majority ratio to reach (default: 1.0)
  --seed N               seed of every random choice (default: 42)
  --split A,B,C          train,validation,test shares (default: 0.6,0.2,0.2)
  --on-bad-row P         fail | skip (default: fail; skip writes rejected_rows.csv)
  --quiet                print only warnings and the summary
  -h, --help             this text

Numbers accept 250k, 5m and 5_000_000. Exit codes: 0 done, 2 usage or data error,
1 internal fault, 130/143 interrupted (rerun the same command to resume).
`;

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('run', argv, {
    accounts: { type: 'string' }, patterns: { type: 'string' }, out: { type: 'string' },
    sample: { type: 'string' }, 'chunk-size': { type: 'string' }, workers: { type: 'string' },
    'resume-from': { type: 'string' }, fresh: { type: 'boolean' }, imbalance: { type: 'string' },
    'smote-ratio': { type: 'string' }, seed: { type: 'string' }, split: { type: 'string' },
    'on-bad-row': { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
  });
  if (values.help === true) {
    io.stdout.write(RUN_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw new UsageError(`run takes one transactions file, got ${positionals.length} ` +
      `(see 'amlprep run --help')`);
  }

  const controller = new AbortController();
  const stop = installSignalHandlers(controller, io);
  try {
    const result = await run({
      transactions: positionals[0] as string,
      accounts: values.accounts as string | undefined,
      patterns: values.patterns as string | undefined,
      out: values.out as string | undefined,
      sample: integer('--sample', values.sample as string | undefined),
      chunkSize: integer('--chunk-size', values['chunk-size'] as string | undefined),
      workers: integer('--workers', values.workers as string | undefined),
      resumeFrom: values['resume-from'] as StepName | undefined,
      fresh: values.fresh as boolean | undefined,
      imbalance: values.imbalance as Imbalance | undefined,
      smoteRatio: decimal('--smote-ratio', values['smote-ratio'] as string | undefined),
      seed: integer('--seed', values.seed as string | undefined),
      split: values.split as string | undefined,
      onBadRow: values['on-bad-row'] as OnBadRow | undefined,
      onProgress: progressPrinter(io, values.quiet === true),
      signal: controller.signal,
    });
    io.stdout.write(formatSummary(result));
    return EXIT.ok;
  } catch (error) {
    if (error instanceof AbortedError && stop.signal !== null) {
      io.stderr.write(`amlprep: stopped by ${stop.signal}; finished chunks are recorded. ` +
        `Rerun the same command to resume.\n`);
      return stop.signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
    }
    return reportError(error, io);
  } finally {
    stop.remove();
  }
}

/**
 * SIGINT/SIGTERM: stop taking chunks, let those in flight finish and be recorded, then exit
 * 130/143. A second signal exits at once; the store stays consistent because every record is
 * written in a transaction.
 */
function installSignalHandlers(controller: AbortController, io: CliIo) {
  const state = { signal: null as NodeJS.Signals | null, remove: () => {} };
  const handler = (signal: NodeJS.Signals): void => {
    if (state.signal !== null) {
      io.stderr.write(`amlprep: second ${signal}; exiting now (rerun to resume)\n`);
      process.exit(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
    }
    state.signal = signal;
    io.stderr.write(`\namlprep: ${signal} received; finishing the chunks in flight…\n`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  state.remove = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
  return state;
}
