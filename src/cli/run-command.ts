import { AbortedError, InputError, UsageError } from '../errors.js';
import { readFileSync, statSync } from 'node:fs';

import { asOutputError } from '../checkpoint/folder.js';
import { requireCurrentFolder } from '../current-folder.js';
import {
  inputsOf,
  leftoverScratch,
  refuseForeignOutputs,
  refuseInputsAmongOutputs,
  refuseOtherFilesDefaultOut,
} from '../checkpoint/ownership.js';
import { CheckpointStore } from '../checkpoint/store.js';
import { fingerprintSteps } from '../pipeline/fingerprints.js';
import { changedKeys } from '../pipeline/step-record.js';
import { readAccounts } from '../ingest/accounts.js';
import { BadRows } from '../ingest/bad-rows.js';
import { noDataRows, readHeader, TRANSACTION_COLUMNS } from '../ingest/header.js';
import { readPatterns } from '../ingest/patterns.js';
import { Pacer } from '../pipeline/pacer.js';
import { planChunks } from '../ingest/scan.js';
import {
  DEFAULTS,
  MAX_SEED,
  MAX_WORKERS,
  kebab,
  resolveOptions,
  type ResolvedOptions,
  STEPS,
  type Imbalance,
  type OnBadRow,
  type RunOptions,
  type StepName,
} from '../options.js';
import type { ProgressEvent } from '../events.js';
import { status, type StepStatus } from '../status.js';
import { run, unusedOptionsNote, workersWarning } from '../run.js';
import { decimal, integer, parse } from './args.js';
import { COMMAND_OPTIONS } from './command-options.js';
import { handOverSignals } from './early-signals.js';
import { checkWritable } from '../checkpoint/folder.js';
import { refuseIfHeld } from '../checkpoint/lock.js';
import { shortSampleNote } from '../steps/data-loaded.js';
import { otherInputPath } from '../steps/graph-created.js';
import { EXIT, signalExitCode, type CliIo } from './io.js';
import {
  exitCodeOf,
  jsonError,
  jsonInterrupted,
  jsonMessage,
  jsonProgressPrinter,
  jsonSummary,
  parseLogFormat,
  type LogFormat,
} from './log-format.js';
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
  --workers N            worker threads, 1 to 256 (default: available cores)
  --worker-heap-mb N     heap limit of each worker thread in MB (default: 1024); a chunk
                         that runs out of it twice is split in half and retried
  --memory-budget SIZE   memory the run should stay under: bytes, or with a k, m, g or t
                         suffix (binary: 4g is 4 GiB); when the edge features would not
                         fit in it they are streamed through a file, with the same
                         outputs (default: 3/4 of the memory available at start)
  --resume-from STEP     load STEP and the steps before it, recompute the rest
  --fresh                ignore every checkpoint
  --imbalance M          smote | undersample | none (default: smote)
  --smote-ratio R        minority:majority ratio to reach (default: 1.0)
  --seed N               seed of every random choice (default: 42)
  --split A,B,C          train,validation,test shares, positive decimals summing to
                         exactly 1 (default: 0.6,0.2,0.2)
  --on-bad-row P         fail | skip (default: fail; skip writes rejected_rows.csv)
  --quiet                print only warnings and the summary
  --log-format F         text (default) or json: one JSON object per line on stderr for
                         each progress event, and the summary as one JSON object on stdout
  --dry-run              check the options and inputs, count rows and chunks, list the
                         recorded steps, and stop; nothing is written
  -h, --help             this text

Numbers accept 250k, 2.5k, 5m and 5_000_000. Exit codes: 0 done, 2 usage or data error,
1 internal fault, 130/143 interrupted (rerun the same command to resume).
Progress is a redrawn bar on a terminal and one line per event elsewhere; NO_COLOR
turns off the terminal escapes.
`;

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  try {
    return await runParsed(argv, io);
  } catch (error) {
    // A usage error found before the flags are read (an unknown flag, a missing file name)
    // still answers in the format asked for.
    if (!asksForJson(argv)) throw error;
    const code = exitCodeOf(error);
    io.stderr.write(jsonError(error, code));
    return code;
  }
}

/** Flags whose range is narrower than 2^53, named when a value is past 2^53 too. */
const WORKERS_RANGE = { min: 1, max: MAX_WORKERS };
const SEED_RANGE = { min: 0, max: MAX_SEED };

/** Whether the raw arguments ask for `--log-format json`, in either spelling. */
function asksForJson(argv: string[]): boolean {
  return argv.some(
    (a, i) => a === '--log-format=json' || (a === '--log-format' && argv[i + 1] === 'json'),
  );
}

async function runParsed(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse('run', argv, COMMAND_OPTIONS.run);
  if (values.help === true) {
    io.stdout.write(RUN_HELP);
    return EXIT.ok;
  }
  const format = parseLogFormat(values['log-format'] as string | undefined);
  const quiet = values.quiet === true;
  if (positionals.length !== 1) {
    throw new UsageError(
      `run takes one transactions file, got ${positionals.length} ` + `(see 'amlprep run --help')`,
    );
  }

  const options = (): RunOptions => ({
    transactions: positionals[0] as string,
    accounts: values.accounts as string | undefined,
    patterns: values.patterns as string | undefined,
    out: values.out as string | undefined,
    sample: integer('--sample', values.sample as string | undefined),
    chunkSize: integer('--chunk-size', values['chunk-size'] as string | undefined),
    workers: integer('--workers', values.workers as string | undefined, WORKERS_RANGE),
    workerHeapMb: integer('--worker-heap-mb', values['worker-heap-mb'] as string | undefined),
    memoryBudget: values['memory-budget'] as string | undefined,
    resumeFrom: values['resume-from'] as StepName | undefined,
    fresh: values.fresh as boolean | undefined,
    imbalance: values.imbalance as Imbalance | undefined,
    smoteRatio: decimal('--smote-ratio', values['smote-ratio'] as string | undefined),
    seed: integer('--seed', values.seed as string | undefined, SEED_RANGE),
    split: values.split as string | undefined,
    onBadRow: values['on-bad-row'] as OnBadRow | undefined,
  });
  if (values['dry-run'] === true) return dryRun(options, format, io);

  const controller = new AbortController();
  const stop = installSignalHandlers(controller, io, format);
  const print = format === 'json' ? jsonProgressPrinter(io, quiet) : progressPrinter(io, quiet);
  try {
    const result = await run({
      ...options(),
      onProgress: (event) => {
        stop.follow(event);
        print(event);
      },
      signal: controller.signal,
    });
    const imbalance = (values.imbalance as Imbalance | undefined) ?? DEFAULTS.imbalance;
    io.stdout.write(format === 'json' ? jsonSummary(result) : formatSummary(result, imbalance));
    // A signal that came after the last point where the run could stop: the handler said it
    // would finish the chunks in flight, so say how that ended. The outputs are whole.
    if (stop.signal !== null) {
      const message = `${stop.signal} came as the run was finishing; it completed`;
      io.stderr.write(format === 'json' ? jsonMessage('note', message) : `amlprep: ${message}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof AbortedError && stop.signal !== null) {
      const code = signalExitCode(stop.signal);
      const message =
        `stopped by ${stop.signal}; finished chunks are recorded. ` +
        `Rerun the same command to resume.`;
      io.stderr.write(
        format === 'json'
          ? jsonInterrupted(stop.signal, code, message, stop.step)
          : `amlprep: ${message}\n`,
      );
      return code;
    }
    if (format === 'text') return reportError(error, io, 'run');
    const mapped = asOutputError(error);
    const code = exitCodeOf(mapped);
    io.stderr.write(jsonError(mapped, code));
    return code;
  } finally {
    stop.remove();
  }
}

/**
 * What a run does with a step that has no record: computes it, reusing the chunks an
 * unfinished run recorded with the same inputs and options (a trial found --dry-run saying
 * only "no checkpoint" where `status` showed 1,601 of 3,000 chunks recorded).
 */
function unfinishedFate(
  entry: StepStatus | undefined,
  dropped: '--fresh' | '--resume-from' | null,
  matching: number,
): string {
  const done = entry?.chunksDone ?? 0;
  if (done === 0) return 'compute (no checkpoint)';
  // Chunks the options throw away are said to go, not to be missing (trial KK).
  if (dropped !== null) return `compute (${dropped}: its ${done} recorded chunks are dropped)`;
  const total =
    entry?.chunksTotal === null || entry === undefined ? '' : ` of ${entry.chunksTotal}`;
  // Only chunks made under this run's fingerprint serve (trial JJ: after a change that
  // recomputes an earlier step, "those made with these inputs are reused" promised some).
  const reused =
    matching === done
      ? 'made with these inputs and options: they are reused'
      : matching === 0
        ? 'made with other inputs or options: none is reused'
        : `${matching} made with these inputs and options are reused`;
  return `compute (unfinished: ${done}${total} chunks recorded, ${reused})`;
}

/** Per step, the chunks the store holds under the fingerprint this run would have. */
async function matchingChunks(
  dir: string,
  fingerprints: Record<StepName, string>,
): Promise<Map<StepName, number>> {
  const counts = new Map<StepName, number>();
  if (!CheckpointStore.exists(dir) || CheckpointStore.isUnfinished(dir)) return counts;
  const store = CheckpointStore.open(dir, { readOnly: true });
  try {
    const all = store.chunkCounts();
    for (const step of STEPS) {
      const other = store.otherChunks(step, fingerprints[step]);
      counts.set(step, (all.get(step) ?? 0) - other);
    }
  } finally {
    await store.close().catch(() => undefined);
  }
  return counts;
}

/**
 * `--dry-run`: validates the options as `run()` would, checks the transactions header (and
 * that rows follow it), reads the accounts and patterns files whole, counts the rows and
 * chunks, and lists what a run would do with each step the checkpoint store holds.
 */
async function dryRun(options: () => RunOptions, format: LogFormat, io: CliIo): Promise<number> {
  try {
    const opts = resolveOptions(options());
    const header = readHeader(opts.transactions, TRANSACTION_COLUMNS, { 4: 'Account.1' });
    const scan = planChunks(
      opts.transactions,
      header.dataStart,
      header.dataLine,
      opts.chunkSize,
      opts.sample,
    );
    if (scan.rows === 0) throw noDataRows(opts.transactions, header.dataLine);
    // The accounts and patterns files are small: read whole, in the run's order, they stop
    // the dry run on the bad rows that would stop the run (`fail`) or are counted (`skip`).
    const side = await readSideFiles(opts);
    const inputs = Object.fromEntries(
      (['transactions', 'accounts', 'patterns'] as const).map((k) => [
        k,
        opts[k] === null ? null : { path: opts[k], bytes: fileSize(opts[k]), ...side[k] },
      ]),
    );
    // Inputs first: the foreign-outputs check opens the store, which rewrites LMDB's lock file.
    refuseInputsAmongOutputs(inputsOf(opts), opts.out);
    refuseForeignOutputs(opts.out);
    requireCurrentFolder("a run's worker threads cannot start without it");
    if (options().out == null) await refuseOtherFilesDefaultOut(opts.transactions, opts.out);
    checkWritable(opts.out);
    refuseIfHeld(opts.out);
    const warning = workersWarning(opts.workers);
    if (warning !== null) {
      io.stderr.write(
        format === 'json' ? jsonMessage('warning', warning) : `warning: ${warning}\n`,
      );
    }
    const scratch = leftoverScratch(opts.out);
    const notes = [
      unusedOptionsNote(options(), opts.imbalance),
      shortSampleNote(opts.sample, opts.transactions, scan.rows),
      // What the run removes as it starts, said beforehand too (trial KK).
      scratch.length === 0
        ? null
        : `the run will remove what an earlier run left at amlprep's scratch names: ` +
          scratch.join(', '),
    ];
    for (const note of notes.filter((n) => n !== null)) {
      io.stderr.write(format === 'json' ? jsonMessage('note', note) : `note: ${note}\n`);
    }
    const recorded = CheckpointStore.exists(opts.out) ? await status(opts.out) : null;
    // The same fingerprints run() computes, so the plan says exactly what would be reused.
    const { fingerprints, bases, inputs: prints } = fingerprintSteps(opts);
    // A renamed input loads every step but writes the outputs again (src/run.ts).
    const renamed = otherInputPath(opts.out, prints);
    const matching = recorded === null ? null : await matchingChunks(opts.out, fingerprints);
    const steps = STEPS.map((step) => {
      const entry = recorded?.find((s) => s.step === step);
      const record = entry?.record ?? null;
      const later =
        opts.resumeFrom !== null && STEPS.indexOf(step) > STEPS.indexOf(opts.resumeFrom);
      const droppedBy = opts.fresh ? '--fresh' : later ? '--resume-from' : null;
      const fate =
        record === null
          ? unfinishedFate(entry, droppedBy, matching?.get(step) ?? 0)
          : opts.fresh
            ? 'compute (--fresh)'
            : later
              ? 'compute (--resume-from)'
              : record.fingerprint === fingerprints[step]
                ? step !== 'graph_created'
                  ? 'reuse'
                  : renamed === null
                    ? 'reuse (if the outputs still have their recorded SHA-256)'
                    : `compute (${renamed})`
                : `compute (${changedKeys(record.basis, bases[step])})`;
      return { step, recordedAt: record?.finishedAt ?? null, fate };
    });
    // The outputs are taken as they are only when nothing before them runs (src/run.ts).
    const last = steps[steps.length - 1]!;
    if (last.fate.startsWith('reuse') && steps.some((s) => s.fate.startsWith('compute'))) {
      last.fate = 'compute (an earlier step is computed)';
    }
    const plan = {
      out: opts.out,
      inputs,
      rows: scan.rows,
      chunks: scan.chunks.length,
      chunkSize: opts.chunkSize,
      workers: opts.workers,
      steps,
      ...estimateOutputBytes(scan.rows, opts),
      options: {
        sample: opts.sample,
        imbalance: opts.imbalance,
        smoteRatio: opts.smoteRatio,
        seed: opts.seed,
        split: opts.split.join(','),
        onBadRow: opts.onBadRow,
      },
    };
    io.stdout.write(
      format === 'json'
        ? `${JSON.stringify({ time: new Date().toISOString(), kind: 'plan', ...plan })}\n`
        : formatPlan(plan),
    );
    return EXIT.ok;
  } catch (error) {
    if (format === 'text') return reportError(error, io, 'run');
    io.stderr.write(jsonError(error, exitCodeOf(error)));
    return exitCodeOf(error);
  }
}

/** What `--dry-run` says of the accounts and patterns files after reading them whole. */
interface SideFileCounts {
  rows: number;
  badRows: number;
  blocks?: number;
}

async function readSideFiles(
  opts: ResolvedOptions,
): Promise<Partial<Record<'transactions' | 'accounts' | 'patterns', SideFileCounts>>> {
  const out: Partial<Record<'accounts' | 'patterns', SideFileCounts>> = {};
  if (opts.accounts !== null) {
    const bad = new BadRows(opts.onBadRow);
    const table = await readAccounts(opts.accounts, bad, new Pacer(undefined));
    out.accounts = { rows: table.rows, badRows: bad.rows.length };
  }
  if (opts.patterns !== null) {
    const bad = new BadRows(opts.onBadRow);
    const index = readPatterns(opts.patterns, bad);
    out.patterns = { rows: index.rows, blocks: index.blocks, badRows: bad.rows.length };
  }
  return out;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new InputError(`${path}: cannot open (${code})`, error);
  }
}

/** `, 1,000 rows in 12 blocks, 2 bad rows` for a side file the dry run has read. */
function sideCounts(input: Partial<SideFileCounts>): string {
  if (input.rows === undefined) return '';
  const n = (x: number, one: string, many: string) =>
    `${x.toLocaleString('en-US')} ${x === 1 ? one : many}`;
  const blocks = input.blocks === undefined ? '' : ` in ${n(input.blocks, 'block', 'blocks')}`;
  const bad = input.badRows ? `, ${n(input.badRows, 'bad row', 'bad rows')}` : '';
  return `, ${n(input.rows, 'row', 'rows')}${blocks}${bad}`;
}

function formatPlan(plan: {
  out: string;
  inputs: Record<string, ({ path: string; bytes: number } & Partial<SideFileCounts>) | null>;
  rows: number;
  chunks: number;
  chunkSize: number;
  workers: number;
  options: Record<string, unknown>;
  steps: { step: string; recordedAt: string | null; fate: string }[];
  estimatedOutputBytes: number;
  estimatedOutputBytesAtMost: number;
}): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = ['dry run: nothing was written', ''];
  for (const [name, input] of Object.entries(plan.inputs)) {
    if (input === null) continue;
    lines.push(`${name.padEnd(14)} ${input.path} (${n(input.bytes)} bytes${sideCounts(input)})`);
  }
  lines.push(
    `${'rows'.padEnd(14)} ${n(plan.rows)} in ${n(plan.chunks)} ` +
      `${plan.chunks === 1 ? 'chunk' : 'chunks'} of up to ${n(plan.chunkSize)}, ` +
      `${plan.workers} ${plan.workers === 1 ? 'worker' : 'workers'}`,
  );
  lines.push(`${'out'.padEnd(14)} ${plan.out}`);
  lines.push(
    `${'outputs'.padEnd(14)} about ${size(plan.estimatedOutputBytes)}, at most about ` +
      `${size(plan.estimatedOutputBytesAtMost)} if most transactions bring new accounts`,
  );
  lines.push(
    `${'options'.padEnd(14)} ${Object.entries(plan.options)
      .map(([k, v]) => `${kebab(k)}=${v === null ? '-' : String(v)}`)
      .join(' ')}`,
    '',
    'steps',
  );
  for (const s of plan.steps) {
    const recorded = s.recordedAt === null ? 'not recorded' : `recorded ${s.recordedAt}`;
    lines.push(`  ${s.step.padEnd(14)} ${recorded.padEnd(34)} ${s.fate}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * SIGINT/SIGTERM: stop taking chunks, let those in flight finish and be recorded, then exit
 * 130/143. A second signal exits at once; the store stays consistent because every record is
 * written in a transaction. `follow` is given every progress event, so that the JSON lines of
 * a stop name the step it came in (null between steps).
 */
function installSignalHandlers(controller: AbortController, io: CliIo, format: LogFormat) {
  const state = {
    signal: null as NodeJS.Signals | null,
    step: null as StepName | null,
    follow(event: ProgressEvent): void {
      if (event.kind === 'step-start') state.step = event.step;
      if (event.kind === 'step-end') state.step = null;
    },
    remove: () => {},
  };
  // On a terminal the line break ends the progress bar, or the `^C` the terminal echoed;
  // elsewhere it would be a blank line in the log.
  const lineBreak = io.stderr.isTTY === true ? '\n' : '';
  const say = (signal: NodeJS.Signals, text: string, json: string): void => {
    io.stderr.write(
      format === 'json'
        ? `${JSON.stringify({
            time: new Date().toISOString(),
            kind: 'signal',
            step: state.step,
            signal,
            message: json,
          })}\n`
        : text,
    );
  };
  const handler = (signal: NodeJS.Signals): void => {
    if (state.signal !== null) {
      // In JSON, the last line is the `interrupted` event with the exit code, as after one
      // signal: a log reader waits for it (a trial found only a `signal` line).
      const code = signalExitCode(signal);
      const message = 'second signal; exiting now (rerun to resume)';
      io.stderr.write(
        format === 'json'
          ? jsonInterrupted(signal, code, message, state.step)
          : `amlprep: second ${signal}; exiting now (rerun to resume)\n`,
      );
      process.exit(code);
    }
    state.signal = signal;
    say(
      signal,
      // Not "the chunks in flight": graph_created has none, it stops between record batches
      // (a trial).
      `${lineBreak}amlprep: ${signal} received; stopping once the work in flight is done…\n`,
      'stopping once the work in flight is done',
    );
    controller.abort();
  };
  state.remove = handOverSignals(handler);
  return state;
}

/**
 * Rough size of the Arrow outputs before any row is parsed: per edge, ids, timestamp, label,
 * two dictionary codes and 36 float64 features (20 raw, 16 z); per resampled row, 20 float64
 * and a label; per node, 41 float64 features, an id and its text. Train is taken as the
 * split's first share; SMOTE to ratio r adds at most r times the majority rows, so train
 * times 1 + r bounds it (a trial found ratio 20 sized as 1). Nodes are likely the accounts file's
 * lines or a tenth of the edges (HI-Small's ratio), whichever is more; at most, every edge
 * brings two new accounts.
 */
function estimateOutputBytes(
  rows: number,
  opts: {
    split: readonly string[];
    imbalance: string;
    smoteRatio: number;
    accounts: string | null;
  },
) {
  const edges = rows * (8 + 4 + 4 + 8 + 1 + 4 + 4 + 36 * 8);
  const grown = opts.imbalance === 'smote' ? 1 + Math.max(0, opts.smoteRatio) : 1;
  const train = rows * Number(opts.split[0]) * grown;
  const listed = opts.accounts === null ? 0 : lineCount(opts.accounts);
  const perNode = 41 * 8 + 4 + 24;
  const fixed = edges + train * (20 * 8 + 1);
  return {
    estimatedOutputBytes: Math.round(fixed + Math.max(rows / 10, listed) * perNode),
    estimatedOutputBytesAtMost: Math.round(fixed + (2 * rows + listed) * perNode),
  };
}

/** A size for people: a small run's outputs read "12 KiB" or "0.4 MiB", not "0 MiB". */
function size(bytes: number): string {
  const m = bytes / 2 ** 20;
  if (m < 1) return `${Math.max(1, Math.round(bytes / 1024))} KiB`;
  if (m < 10) return `${m.toFixed(1)} MiB`;
  // Past 10 GiB a larger unit: a large --smote-ratio made "494,592,020 MiB" (a trial).
  const [value, unit] =
    m < 10 * 2 ** 10 ? [m, 'MiB'] : m < 10 * 2 ** 20 ? [m / 2 ** 10, 'GiB'] : [m / 2 ** 20, 'TiB'];
  return `${Math.round(value).toLocaleString('en-US')} ${unit}`;
}

function lineCount(path: string): number {
  const text = readFileSync(path);
  let lines = 0;
  for (let at = text.indexOf(10); at !== -1; at = text.indexOf(10, at + 1)) lines++;
  return lines;
}
