import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { fingerprintFile, hashOf, type FileFingerprint } from './checkpoint/fingerprint.js';
import { CheckpointStore } from './checkpoint/store.js';
import { AbortedError } from './errors.js';
import { makeEmitter } from './events.js';
import { classWeights } from './features/class-weights.js';
import { TRAIN } from './features/split.js';
import { rejectsCsv } from './ingest/rejects.js';
import { acquireLock } from './checkpoint/lock.js';
import {
  resolveOptions,
  STEPS,
  type ResolvedOptions,
  type RunOptions,
  type StepName,
} from './options.js';
import type { RunSummary } from './output/manifest.js';
import { OUTPUT_FILES } from './output/outputs.js';
import type { ChunkTally } from './pipeline/chunks.js';
import type { Context, StepOutcome } from './pipeline/context.js';
import { recordProblem, recordStep } from './pipeline/step-record.js';
import { WorkerPool } from './pool/worker-pool.js';
import { dataLoaded } from './steps/data-loaded.js';
import { edgeFeatures } from './steps/edge-features.js';
import { createGraph, MANIFEST_FILE, outputsIntact } from './steps/graph-created.js';
import { resample } from './steps/imbalanced.js';
import { nodeFeatures } from './steps/node-features.js';
import { applyNormalized, fitNormalized, type NormalizedRecord } from './steps/normalized.js';

/**
 * Version of each step's definition. Bump one when its output changes for the same input, so
 * checkpoints written by an older amlprep are recomputed instead of reused.
 */
const STEP_VERSIONS: Record<StepName, number> = {
  data_loaded: 2,
  node_features: 1,
  edge_features: 1,
  normalized: 1,
  imbalanced: 1,
  weights: 1,
  graph_created: 2,
};

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
}

/** Runs the seven steps, resuming from the checkpoints in the output folder by default. */
export async function run(options: RunOptions): Promise<RunResult> {
  const opts = resolveOptions(options);
  const started = performance.now();
  const emit = makeEmitter(options.onProgress);
  // Inputs are checked before anything is created, so a typo leaves no folder behind.
  const { fingerprints, bases, inputs } = fingerprintSteps(opts);
  mkdirSync(opts.out, { recursive: true });
  const lock = acquireLock(opts.out);
  let store: CheckpointStore | null = null;
  let pool: WorkerPool | null = null;

  try {
    store = CheckpointStore.open(opts.out, { fresh: opts.fresh });
    pool = new WorkerPool(opts.workers);
    const ctx: Context = {
      opts,
      store,
      pool,
      emit,
      signal: options.signal,
      fingerprints,
      bases,
      outcomes: [],
      records: {},
      resuming: !opts.fresh && STEPS.some((s) => store!.step(s) !== undefined),
    };
    await prepareStore(ctx);
    const summary = (await allValid(ctx)) ?? (await runSteps(ctx, inputs));
    return {
      out: opts.out,
      outputs: outputPaths(opts.out, summary.rejectedRows > 0),
      summary,
      steps: ctx.outcomes,
      resumed: ctx.outcomes.filter((o) => o.how === 'loaded').map((o) => o.step),
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await pool?.close();
    await store?.close();
    lock.release();
  }
}

/** `--fresh` forgets everything; `--resume-from` forgets the steps after the named one. */
async function prepareStore(ctx: Context): Promise<void> {
  if (ctx.opts.fresh) {
    await ctx.store.clearAll();
    return;
  }
  if (ctx.opts.resumeFrom !== null) {
    const later = STEPS.slice(STEPS.indexOf(ctx.opts.resumeFrom) + 1);
    await ctx.store.dropSteps(later);
    for (const step of later) await ctx.store.dropStaleChunks(step, null);
  }
}

/** When every step and the outputs are intact, nothing runs: the summary comes from the record. */
async function allValid(ctx: Context): Promise<RunSummary | null> {
  if (STEPS.some((s) => recordProblem(ctx, s) !== null)) return null;
  const graph = ctx.store.step('graph_created')!;
  const result = graph.result as { hashes: Record<string, string>; summary: RunSummary };
  const problem = await outputsIntact(ctx.opts.out, result.hashes);
  if (problem !== null) {
    ctx.emit({ kind: 'note', step: 'graph_created', message: `outputs rewritten: ${problem}` });
    return null;
  }
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
    ctx.emit({ kind: 'step-end', step, loaded: true, seconds: 0 });
  }
  return result.summary;
}

async function runSteps(ctx: Context, inputs: Record<string, FileFingerprint | null>) {
  await step(ctx, 'data_loaded', async () => {
    const { tally, loaded } = await dataLoaded(ctx);
    ctx.loaded = loaded;
    if (loaded.rejects.length > 0) {
      writeFileSync(join(ctx.opts.out, 'rejected_rows.csv'), rejectsCsv(loaded.rejects));
    }
    return {
      tally,
      counts: {
        rows: loaded.edges.rows,
        nodes: loaded.nodes.count,
        rejected: loaded.rejects.length,
        sample: ctx.opts.sample ?? -1,
      },
    };
  });
  await step(ctx, 'node_features', async () => {
    const { tally, matrix } = await nodeFeatures(ctx);
    ctx.nodeMatrix = matrix;
    return { tally, counts: { nodes: matrix.rows, features: matrix.cols } };
  });
  await step(ctx, 'edge_features', async () => {
    const { tally, matrix } = await edgeFeatures(ctx);
    ctx.edgeMatrix = matrix;
    return { tally, counts: { edges: matrix.rows, features: matrix.cols } };
  });
  await step(ctx, 'normalized', async (record) => {
    const rec = (record?.result as NormalizedRecord | undefined) ?? (await fitNormalized(ctx));
    ctx.normalized = await applyNormalized(ctx, rec);
    return { tally: null, counts: splitCounts(ctx), result: rec };
  });
  await step(ctx, 'imbalanced', async () => {
    const { tally, out } = await resample(ctx);
    ctx.resampled = out;
    return {
      tally,
      counts: {
        rows: out.x.rows,
        synthetic: out.syntheticRows,
        minority: out.minority,
        majority: out.majority,
      },
    };
  });
  await step(ctx, 'weights', async (record) => {
    ctx.weights = (record?.result as typeof ctx.weights) ?? trainWeights(ctx);
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

/** Steps whose work may run through `runChunks`, which emits their `step-start`. */
const CHUNKED: ReadonlySet<StepName> = new Set([
  'data_loaded',
  'node_features',
  'edge_features',
  'imbalanced',
]);

interface StepWork {
  tally: ChunkTally | null;
  counts: Record<string, number>;
  result?: unknown;
  alwaysRecord?: boolean;
}

/**
 * Materializes one step: loaded whole when its record is valid and no chunk had to be
 * computed, otherwise (re)computed and recorded. Emits the step's start and end.
 */
async function step(
  ctx: Context,
  name: StepName,
  work: (validRecord: ReturnType<CheckpointStore['step']>) => Promise<StepWork>,
  how: { alwaysCompute?: boolean } = {},
): Promise<void> {
  const started = performance.now();
  const problem = recordProblem(ctx, name);
  const record = problem === null && how.alwaysCompute !== true ? ctx.store.step(name) : undefined;
  // Say why a checkpoint is not used. A step the previous run never reached needs no note;
  // one that is missing while a later step has a record (or under --resume-from) does.
  const later = STEPS.slice(STEPS.indexOf(name) + 1).some((s) => ctx.store.step(s) !== undefined);
  const worthSaying = problem !== 'no checkpoint' || later || ctx.opts.resumeFrom !== null;
  if (problem !== null && worthSaying && (ctx.resuming || ctx.opts.resumeFrom !== null)) {
    ctx.emit({ kind: 'note', step: name, message: `${name}: ${problem}; recomputing it` });
  }
  if (ctx.signal?.aborted === true) throw new AbortedError();

  // Chunked steps announce themselves with their chunk count; the others are announced here.
  let announced = false;
  const emit = ctx.emit;
  ctx.emit = (event) => {
    if (event.kind === 'step-start' && event.step === name) announced = true;
    emit(event);
  };
  if (!CHUNKED.has(name)) emit({ kind: 'step-start', step: name, chunks: 0, reused: 0 });
  let done: StepWork;
  try {
    done = await work(record);
  } finally {
    ctx.emit = emit;
  }
  if (CHUNKED.has(name) && !announced)
    emit({ kind: 'step-start', step: name, chunks: 0, reused: 0 });
  const computed = done.tally?.computed ?? (record === undefined ? 1 : 0);
  const loaded = problem === null && computed === 0 && how.alwaysCompute !== true;
  if (!loaded || done.alwaysRecord === true) {
    ctx.records[name] = await recordStep(ctx, name, started, done.tally, done.counts, done.result);
  } else {
    ctx.records[name] = ctx.store.step(name)!;
  }

  const seconds = (performance.now() - started) / 1000;
  const outcome: StepOutcome = {
    step: name,
    how: loaded ? 'loaded' : 'computed',
    seconds,
    chunksReused: done.tally?.reused ?? 0,
    chunksComputed: done.tally?.computed ?? 0,
  };
  if (done.tally !== null && done.tally.notes.length > 0)
    outcome.note = done.tally.notes.join('; ');
  ctx.outcomes.push(outcome);
  ctx.emit({ kind: 'step-end', step: name, loaded, seconds });
}

function trainWeights(ctx: Context) {
  const e = ctx.loaded!.edges;
  const split = ctx.normalized!.split;
  const labels: number[] = [];
  for (let r = 0; r < e.rows; r++) if (split[r] === TRAIN) labels.push(e.label[r]!);
  return classWeights(labels);
}

function splitCounts(ctx: Context): Record<string, number> {
  const split = ctx.normalized!.split;
  const counts = { train: 0, validation: 0, test: 0 };
  for (let r = 0; r < ctx.loaded!.edges.rows; r++) {
    counts[(['train', 'validation', 'test'] as const)[split[r]!]!]++;
  }
  return counts;
}

/**
 * Each step's fingerprint hashes its version, the options it depends on and the previous
 * step's fingerprint, so a change reaches exactly that step and everything after it.
 */
function fingerprintSteps(opts: ResolvedOptions) {
  const inputs = {
    transactions: fingerprintFile(opts.transactions),
    accounts: opts.accounts === null ? null : fingerprintFile(opts.accounts),
    patterns: opts.patterns === null ? null : fingerprintFile(opts.patterns),
  };
  const own: Record<StepName, Record<string, unknown>> = {
    data_loaded: {
      inputs: strip(inputs),
      sample: opts.sample,
      chunkSize: opts.chunkSize,
      onBadRow: opts.onBadRow,
    },
    node_features: {},
    edge_features: {},
    normalized: { split: opts.split.join(',') },
    imbalanced: { imbalance: opts.imbalance, smoteRatio: opts.smoteRatio, seed: opts.seed },
    weights: {},
    graph_created: {},
  };
  const fingerprints = {} as Record<StepName, string>;
  const bases = {} as Record<StepName, Record<string, unknown>>;
  let previous = '';
  for (const s of STEPS) {
    bases[s] = { version: STEP_VERSIONS[s], previous, ...own[s] };
    fingerprints[s] = hashOf(bases[s]);
    previous = fingerprints[s];
  }
  return { fingerprints, bases, inputs };
}

/** Paths differ between machines; the fingerprint is about the bytes. */
function strip(inputs: Record<string, FileFingerprint | null>) {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [
      k,
      v === null ? null : { size: v.size, mtimeMs: v.mtimeMs, sample: v.sample },
    ]),
  );
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
