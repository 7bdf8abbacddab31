import assert from 'node:assert';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import type { FileFingerprint } from './checkpoint/fingerprint.js';
import { CheckpointStore, damagedStoreError } from './checkpoint/store.js';
import { AbortedError } from './errors.js';
import { makeEmitter, type Emit } from './events.js';
import {
  NO_REJECTS,
  REJECTED_ROWS_FILE,
  placeRejectedRows,
  removeStrayRejects,
  STRAY_REJECTS_NOTE,
} from './output/rejected-rows.js';
import { makeOutputFolder } from './checkpoint/folder.js';
import { folderIdentity, removedFolderError, sameFolder } from './checkpoint/folder-identity.js';
import { acquireLock } from './checkpoint/lock.js';
import {
  inputsOf,
  refuseForeignOutputs,
  refuseInputsAmongOutputs,
  removeLeftoverScratch,
  refuseOtherFilesDefaultOut,
} from './checkpoint/ownership.js';
import { ACCOUNT_COLUMNS, noDataRows, readHeader, TRANSACTION_COLUMNS } from './ingest/header.js';
import { refuseOtherInputAsPatterns } from './ingest/patterns.js';
import { lineCount, type RejectedRow } from './ingest/rejects.js';
import {
  resolveOptions,
  STEPS,
  type Imbalance,
  type ResolvedOptions,
  type RunOptions,
  type StepName,
} from './options.js';
import type { RunSummary } from './output/manifest.js';
import { OUTPUT_FILES } from './output/outputs.js';
import type { Context, StepOutcome } from './pipeline/context.js';
import { fingerprintSteps } from './pipeline/fingerprints.js';
import { resampledRows } from './pipeline/resampled.js';
import { recordProblem } from './pipeline/step-record.js';
import { step } from './pipeline/step-runner.js';
import { WorkerPool } from './pool/worker-pool.js';
import { dataLoaded } from './steps/data-loaded.js';
import { edgeFeatures } from './steps/edge-features.js';
import { EDGE_FEATURE_COUNT } from './features/definitions.js';
import { announceMemoryPlan, planMemory, type MemoryPlan } from './memory/plan.js';
import { collectGarbage } from './pipeline/collect-garbage.js';
import { removeSpill } from './spill/write-spill.js';
import { SPILL_BLOCK_ROWS } from './spill/edge-spill.js';
import { MOMENT_BLOCK } from './features/moments.js';
import { MANIFEST_FILE } from './output/manifest-file.js';
import { createGraph, otherInputPath, outputsIntact } from './steps/graph-created.js';
import { resample } from './steps/imbalanced.js';
import { requireCurrentFolder } from './current-folder.js';
import { nodeFeatures } from './steps/node-features.js';
import {
  applyNormalized,
  fitNormalized,
  splitCounts,
  noteEmptySplits,
  type NormalizedRecord,
} from './steps/normalized.js';
import { trainWeights } from './steps/weights.js';

export interface RunResult {
  out: string;
  outputs: {
    nodes: string;
    edges: string;
    trainResampled: string;
    manifest: string;
    rejectedRows: string | null;
  };
  summary: RunSummary;
  steps: StepOutcome[];
  /** Steps taken whole from checkpoints. */
  resumed: StepName[];
  seconds: number;
  /**
   * The memory budget, the footprint estimate and whether the edge features were streamed
   * through a file; null when every step and output was already done. Not in the manifest:
   * like the worker count, it changes how a run goes, never its output bytes.
   */
  memory: MemoryPlan | null;
}

/** Runs the seven steps, resuming from the checkpoints in the output folder by default. */
export async function run(options: RunOptions): Promise<RunResult> {
  return runWith(options, {});
}

/** Internal switches of `runWith`; not part of the library API (index.ts exports `run`). */
export interface RunInternals {
  /** A worker script in place of the chunk worker, for tests that make workers misbehave. */
  workerFile?: string;
  /**
   * Rows per block of a streamed run's spill file, in place of SPILL_BLOCK_ROWS, so tests reach
   * several blocks with small inputs. A multiple of MOMENT_BLOCK, as the fit requires.
   */
  spillBlockRows?: number;
}

/**
 * The transactions and accounts headers, read before the output folder is made: a compressed,
 * empty or foreign file then leaves nothing behind (data_loaded reads them again). So does a
 * transactions file of a header alone (trial Q: it left a store with an unfinished step).
 */
function checkHeaders(opts: ResolvedOptions): void {
  const header = readHeader(opts.transactions, TRANSACTION_COLUMNS, { 4: 'Account.1' });
  if (header.noRows) throw noDataRows(opts.transactions, header.dataLine);
  if (opts.accounts !== null) readHeader(opts.accounts, ACCOUNT_COLUMNS);
  if (opts.patterns !== null) refuseOtherInputAsPatterns(opts.patterns);
}

/** `run` with internal switches; tests import it from here. */
export async function runWith(options: RunOptions, internals: RunInternals): Promise<RunResult> {
  const opts = resolveOptions(options);
  // Already stopped: nothing to do, so nothing is created (not even the output folder).
  if (options.signal?.aborted === true) throw AbortedError.of(options.signal);
  requireCurrentFolder("a run's worker threads cannot start without it");
  const started = performance.now();
  const emit = makeEmitter(options.onProgress);
  warnAboutWorkers(opts.workers, emit);
  const unused = unusedOptionsNote(options, opts.imbalance);
  if (unused !== null) emit({ kind: 'note', step: null, message: unused });
  // Inputs are checked before anything is created, so a typo leaves no folder behind.
  const { fingerprints, bases, inputs, identities } = fingerprintSteps(opts);
  checkHeaders(opts);
  // Inputs first: the foreign-outputs check opens the store, which rewrites LMDB's lock file.
  refuseInputsAmongOutputs(inputsOf(opts), opts.out);
  refuseForeignOutputs(opts.out);
  if (options.out == null) await refuseOtherFilesDefaultOut(opts.transactions, opts.out);
  makeOutputFolder(opts.out);
  const folder = folderIdentity(opts.out);
  const lock = acquireLock(opts.out);
  let store: CheckpointStore | null = null;
  let pool: WorkerPool | null = null;
  let failed = false;

  try {
    const scratch = removeLeftoverScratch(opts.out);
    if (scratch.length > 0) {
      const names = scratch.join(', ');
      const message = `removed what an earlier run left at amlprep's scratch names: ${names}`;
      emit({ kind: 'note', step: null, message });
    }
    store = CheckpointStore.open(opts.out, { fresh: opts.fresh });
    pool = new WorkerPool(opts.workers, {
      heapMb: opts.workerHeapMb,
      filename: internals.workerFile,
    });
    const ctx: Context = {
      opts,
      folder,
      store,
      pool,
      emit,
      signal: options.signal ?? undefined,
      fingerprints,
      bases,
      identities,
      outcomes: [],
      records: {},
      spillBlockRows: spillBlockRows(internals),
      resuming: !opts.fresh && STEPS.some((s) => store!.step(s) !== undefined),
    };
    await prepareStore(ctx);
    const summary = (await allValid(ctx, inputs)) ?? (await runSteps(ctx, inputs));
    const removed = removedFolderError(opts.out, folder);
    if (removed !== null) throw removed;
    return {
      out: opts.out,
      outputs: outputPaths(opts.out, summary.rejectedRows > 0),
      summary,
      steps: ctx.outcomes,
      resumed: ctx.outcomes.filter((o) => o.how === 'loaded').map((o) => o.step),
      seconds: (performance.now() - started) / 1000,
      memory: ctx.memory ?? null,
    };
  } catch (error) {
    failed = true;
    // Whatever failed in a folder that is gone (ENOENT, LMDB's errors), that is the cause.
    const removed =
      error instanceof AbortedError ? null : removedFolderError(opts.out, folder, error);
    throw removed ?? damagedStoreError(error, opts.out);
  } finally {
    try {
      await pool?.close();
      // After a failure its own error is the one to tell; the store's close then says no more.
      await store?.close().catch((error: unknown) => {
        if (!failed) throw damagedStoreError(error, opts.out);
      });
    } finally {
      // A streamed run's spill is never reused (see src/spill/edge-spill.ts): it goes with the
      // run, done or failed. One left by a killed run goes when the next run ends. In a folder
      // that is no longer the run's, the spill went with the run's folder, and the name is
      // another's (a file at the path made it ENOTDIR, an internal error: trial O).
      if (sameFolder(opts.out, folder)) removeSpill(opts.out);
      lock.release();
    }
  }
}

/** `--resume-from` forgets the steps after the named one (`--fresh` opened a new store). */
async function prepareStore(ctx: Context): Promise<void> {
  if (ctx.opts.resumeFrom !== null) {
    const later = STEPS.slice(STEPS.indexOf(ctx.opts.resumeFrom) + 1);
    // An unfinished step's chunks go too, and are said to (trial KK read "no checkpoint").
    const chunks = ctx.store.chunkCounts();
    const held = (step: StepName) =>
      ctx.store.step(step) !== undefined || (chunks.get(step) ?? 0) > 0;
    ctx.dropped = new Set(later.filter(held));
    await ctx.store.dropSteps(later);
    for (const step of later) await ctx.store.dropStaleChunks(step, null);
  }
}

/** When every step and the outputs are intact, nothing runs: the summary comes from the record. */
async function allValid(
  ctx: Context,
  inputs: Record<string, FileFingerprint | null>,
): Promise<RunSummary | null> {
  if (STEPS.some((s) => recordProblem(ctx, s) !== null)) return null;
  const graph = ctx.store.step('graph_created')!;
  const result = graph.result as { hashes: Record<string, string>; summary: RunSummary };
  const problem =
    (await outputsIntact(ctx.opts.out, result.hashes)) ?? otherInputPath(ctx.opts.out, inputs);
  if (problem !== null) {
    // Said before any step starts, so as the run's own note, not graph_created's. The check
    // stops at the first file found changed: the others are written again all the same.
    ctx.emit({ kind: 'note', step: null, message: `rewriting all outputs: ${problem}` });
    return null;
  }
  const strayRejects =
    result.hashes.rejectedRows === NO_REJECTS && removeStrayRejects(ctx.opts.out);
  for (const step of STEPS) {
    const record = ctx.store.step(step)!;
    ctx.records[step] = record;
    const outcome: StepOutcome = {
      step,
      how: 'loaded',
      seconds: 0,
      chunksReused: record.chunks,
      chunksComputed: 0,
    };
    ctx.outcomes.push(outcome);
    ctx.emit({ kind: 'step-start', step, chunks: record.chunks, reused: record.chunks });
    if (step === 'graph_created' && strayRejects) {
      ctx.emit({ kind: 'note', step, message: STRAY_REJECTS_NOTE });
    }
    ctx.emit({ kind: 'step-end', step, loaded: true, seconds: 0 });
  }
  return result.summary;
}

/**
 * Rows `--on-bad-row skip` dropped, said as the run goes and not only in its summary: a
 * caller that logs only the events learnt nothing of them (a fresh-user trial).
 */
function rejectedRowsWarning(rejects: readonly RejectedRow[], listed: string): string {
  const perFile = new Map<string, number>();
  for (const r of rejects) perFile.set(r.file, (perFile.get(r.file) ?? 0) + 1);
  const files = [...perFile].map(([file, n]) => `${n.toLocaleString('en-US')} in ${file}`);
  const first = rejects[0]!;
  const rows =
    rejects.length === 1 ? '1 bad row' : `${rejects.length.toLocaleString('en-US')} bad rows`;
  return (
    `skipped ${rows} (${files.join(', ')})${spanned(rejects)}; the first, ${first.file} ` +
    `line ${first.line}: ${first.reason}; all are listed in ${listed}`
  );
}

/**
 * How many lines the rejected rows hold, when a quoted field made one of them span several:
 * a trial saw "skipped 1 bad row" for 400 lines, 399 of them good rows, and had to count the
 * line breaks in rejected_rows.csv to find out.
 */
function spanned(rejects: readonly RejectedRow[]): string {
  let lines = 0;
  let long: RejectedRow | null = null;
  for (const r of rejects) {
    const n = lineCount(r.text);
    lines += n;
    if (n > 1 && long === null) long = r;
  }
  if (long === null) return '';
  const they = rejects.length === 1 ? 'it holds' : 'they hold';
  // The first row's reason says it already.
  const which = long === rejects[0] ? '' : ` (the first such row: ${long.file} line ${long.line})`;
  const count = lines.toLocaleString('en-US');
  return `; ${they} ${count} lines, as a quoted field holds line breaks${which}`;
}

async function runSteps(ctx: Context, inputs: Record<string, FileFingerprint | null>) {
  await step(ctx, 'data_loaded', async () => {
    const { tally, loaded } = await dataLoaded(ctx);
    ctx.loaded = loaded;
    ctx.rejectedRows = placeRejectedRows(ctx.opts.out, loaded.rejects, ctx.folder, (message) =>
      ctx.emit({ kind: 'note', step: 'data_loaded', message }),
    );
    if (loaded.rejects.length > 0) {
      const message = rejectedRowsWarning(loaded.rejects, join(ctx.opts.out, REJECTED_ROWS_FILE));
      ctx.emit({ kind: 'warning', step: 'data_loaded', message });
    }
    return {
      tally,
      counts: {
        rows: loaded.edges.rows,
        nodes: loaded.nodes.count,
        rejected: loaded.rejects.length,
        // The sample size, when there is one (SPEC §3 saves it with this step).
        ...(ctx.opts.sample === null ? {} : { sample: ctx.opts.sample }),
      },
    };
  });
  ctx.memory = planMemory(ctx);
  // The coordinator's heap is small beside the shared columns, so V8 frees let-go columns
  // late; under a tight budget they are collected where a step has just let them go.
  if (ctx.memory.streaming) collectGarbage();
  await step(ctx, 'node_features', async () => {
    const { tally, matrix } = await nodeFeatures(ctx);
    ctx.nodeMatrix = matrix;
    return { tally, counts: { nodes: matrix.rows, features: matrix.cols } };
  });
  await step(ctx, 'edge_features', async () => {
    announceMemoryPlan(ctx, ctx.memory!);
    const { tally, store } = await edgeFeatures(ctx, ctx.memory!.streaming);
    ctx.edgeFeatures = store;
    // Streaming let go of the columns features 1-16 read and of the ports (1 GB at 30 M rows).
    if (ctx.memory!.streaming) collectGarbage();
    return { tally, counts: { edges: ctx.loaded!.edges.rows, features: EDGE_FEATURE_COUNT } };
  });
  await step(ctx, 'normalized', async (record) => {
    const recorded = record?.result as NormalizedRecord | undefined;
    const fitted = recorded === undefined ? await fitNormalized(ctx) : null;
    const rec = recorded ?? fitted!.rec;
    ctx.normalized = await applyNormalized(ctx, rec, fitted?.split);
    const counts = await splitCounts(ctx);
    if (fitted !== null) noteEmptySplits(ctx, counts, rec.cuts);
    return { tally: null, counts, result: rec };
  });
  await step(ctx, 'imbalanced', async () => {
    const { tally, out } = await resample(ctx);
    ctx.resampled = out;
    return {
      tally,
      counts: {
        rows: resampledRows(out),
        synthetic: out.syntheticRows,
        minority: out.minority,
        majority: out.majority,
      },
    };
  });
  await step(ctx, 'weights', async (record) => {
    ctx.weights = (record?.result as typeof ctx.weights) ?? (await trainWeights(ctx));
    return {
      tally: null,
      counts: { class0: ctx.weights.weights[0], class1: ctx.weights.weights[1] },
      result: ctx.weights,
    };
  });
  let summary: RunSummary | undefined;
  await step(
    ctx,
    'graph_created',
    async () => {
      const created = await createGraph(ctx, inputs);
      summary = created.summary;
      const hashes = created.hashes;
      return {
        tally: null,
        counts: { nodes: summary.nodes, edges: summary.edges },
        result: { hashes, summary },
        alwaysRecord: true,
      };
    },
    { alwaysCompute: true },
  );
  return summary!;
}

function spillBlockRows(internals: RunInternals): number {
  const rows = internals.spillBlockRows ?? SPILL_BLOCK_ROWS;
  // Blocks cut the fit's passes: off a moment block, the statistics would change bits.
  assert(rows > 0 && rows % MOMENT_BLOCK === 0, 'spill blocks must be whole moment blocks');
  return rows;
}

function outputPaths(out: string, rejected: boolean): RunResult['outputs'] {
  return {
    nodes: join(out, OUTPUT_FILES.nodes),
    edges: join(out, OUTPUT_FILES.edges),
    trainResampled: join(out, OUTPUT_FILES.trainResampled),
    manifest: join(out, MANIFEST_FILE),
    rejectedRows: rejected ? join(out, 'rejected_rows.csv') : null,
  };
}

/**
 * More workers than cores only share the cores (the fresh-user trial's 200 made the sample
 * six times slower), and each holds its own heap: a warning, not an error, since a batch job
 * may know better (a cgroup quota Node does not see).
 */
function warnAboutWorkers(workers: number, emit: Emit): void {
  const message = workersWarning(workers);
  if (message !== null) emit({ kind: 'warning', step: null, message });
}

/** The warning for more workers than cores, or null; `--dry-run` says it too. */
export function workersWarning(workers: number): string | null {
  const cores = availableParallelism();
  if (workers <= cores) return null;
  return (
    `${workers} workers on ${cores} cores: the threads beyond the cores only share them, ` +
    'and each holds its own memory'
  );
}

/**
 * `--imbalance none` reads neither the ratio nor the seed: one given with it does nothing,
 * which is said (fresh-user trials saw `--smote-ratio 3` and `--seed 7` taken without a
 * word). `--dry-run` says it too.
 */
export function unusedOptionsNote(
  given: Pick<RunOptions, 'smoteRatio' | 'seed'>,
  imbalance: Imbalance,
): string | null {
  if (imbalance !== 'none') return null;
  const flags = [
    given.smoteRatio == null ? null : `--smote-ratio ${given.smoteRatio}`,
    given.seed == null ? null : `--seed ${given.seed}`,
  ].filter((flag) => flag !== null);
  if (flags.length === 0) return null;
  const verb = flags.length === 1 ? 'has' : 'have';
  return `${flags.join(' and ')} ${verb} no effect with --imbalance none`;
}
