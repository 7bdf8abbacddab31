import { EDGE_FEATURES, NODE_FEATURES, scaledIndices } from '../features/definitions.js';
import { MOMENT_BLOCK, type BlockMoments } from '../features/moments.js';
import {
  chooseCuts,
  SPLIT_NAMES,
  TRAIN,
  writeSplitCodes,
  type SplitCuts,
} from '../features/split.js';
import type { Matrix } from '../features/tables.js';
import { ranges } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';
import { inSlices, Pacer } from '../pipeline/pacer.js';
import type { Normalized, ScalerStats } from '../pipeline/normalized.js';
import type { Task } from '../protocol/tasks.js';
import { blockCount, blockRange, readBlock, type EdgeSpill } from '../spill/edge-spill.js';
import type { EdgeFeatureStore } from '../spill/edge-store.js';
import { spillBuffer } from '../spill/write-spill.js';

export interface NormalizedRecord {
  cuts: Normalized['cuts'];
  edge: ScalerStats;
  node: ScalerStats;
}

/**
 * Step 4, `normalized` (SPEC §6). Reads edge timestamps and both feature matrices. Writes the
 * split and the scaler statistics: edges fitted on train rows, nodes on all nodes. The sums run
 * on the pool in fixed row blocks, so the fitted values do not depend on chunking, nor on
 * whether the edge matrix is in memory or read back from its spill block by block (a spill
 * block is a whole number of moment blocks). The loops over rows on the coordinator run in
 * paced slices, so a signal is not kept waiting.
 */
export async function fitNormalized(
  ctx: Context,
): Promise<{ rec: NormalizedRecord; split: Uint8Array }> {
  const e = ctx.loaded!.edges;
  const pace = new Pacer(ctx.signal);
  const cuts = chooseCuts(e.ts, e.rows, ctx.opts.split);
  await pace.breathe();
  const split = await splitOf(ctx, cuts, pace);
  const train = new Uint8Array(new SharedArrayBuffer(Math.max(1, e.rows)));
  await inSlices(pace, e.rows, (from, to) => {
    for (let r = from; r < to; r++) train[r] = split[r] === TRAIN ? 1 : 0;
  });

  const edgeCols = scaledIndices(EDGE_FEATURES);
  const edge = await fit(
    ctx,
    edgePasses(ctx, ctx.edgeFeatures!, train, pace),
    edgeCols,
    EDGE_NAMES,
  );
  const node = await fit(
    ctx,
    matrixPasses(ctx, ctx.nodeMatrix!, null),
    scaledIndices(NODE_FEATURES),
    NODE_NAMES,
  );
  return { rec: { cuts, edge, node }, split };
}

/**
 * The step's result from its record, with the split the fit made or (for a recorded step)
 * rebuilt from the cut days. The z-scores are not materialized: the output writer and SMOTE's
 * input read them through the statistics (src/features/model-input.ts), which saves a second
 * feature matrix (650 MB at HI-Small scale).
 */
export async function applyNormalized(
  ctx: Context,
  rec: NormalizedRecord,
  split?: Uint8Array,
): Promise<Normalized> {
  const codes = split ?? (await splitOf(ctx, rec.cuts, new Pacer(ctx.signal)));
  return { cuts: rec.cuts, split: codes, edge: rec.edge, node: rec.node };
}

/** Rows of each split, for the step record. */
export async function splitCounts(ctx: Context): Promise<Record<string, number>> {
  const split = ctx.normalized!.split;
  const counts = [0, 0, 0];
  await inSlices(new Pacer(ctx.signal), ctx.loaded!.edges.rows, (from, to) => {
    for (let r = from; r < to; r++) counts[split[r]!]!++;
  });
  return Object.fromEntries(SPLIT_NAMES.map((name, k) => [name, counts[k]!]));
}

/**
 * Says which splits came out empty: the cuts fall between whole days (SPEC §6), so rows on
 * few days cannot be shared out as asked, and a run with no validation or test rows is
 * otherwise finished without a word.
 */
export function noteEmptySplits(ctx: Context, counts: Record<string, number>, cuts: SplitCuts) {
  const empty = SPLIT_NAMES.filter((name) => counts[name] === 0);
  if (empty.length === 0 || ctx.loaded!.edges.rows === 0) return;
  const names =
    empty.length === 1 ? `the ${empty[0]} split is` : `the ${empty.join(' and ')} splits are`;
  const message =
    `${names} empty: ${daysOfRows(cuts)}, and the split is cut between whole days ` +
    `(--split ${ctx.opts.split.join(',')})`;
  ctx.emit({ kind: 'note', step: 'normalized', message });
}

/**
 * How many days the rows fall on: what leaves a split empty is few days with rows, which a
 * span alone hid (trial N: one row dated 0000/01/01 beside 50 of one day "span 738765 days").
 */
function daysOfRows(cuts: SplitCuts): string {
  const days = (n: number) => (n === 1 ? 'one day' : `${n} days`);
  const withRows = cuts.daysWithRows ?? cuts.days;
  if (withRows === cuts.days) return `the rows span ${days(cuts.days)}`;
  return `the rows fall on ${days(withRows)} of a ${cuts.days}-day span`;
}

/** The split code of every edge, in paced slices. */
async function splitOf(ctx: Context, cuts: SplitCuts, pace: Pacer): Promise<Uint8Array> {
  const e = ctx.loaded!.edges;
  const split = new Uint8Array(new SharedArrayBuffer(Math.max(1, e.rows)));
  await inSlices(pace, e.rows, (from, to) => writeSplitCodes(e.ts, cuts, split, from, to));
  return split;
}

const EDGE_NAMES = EDGE_FEATURES.map((f) => f.name);
const NODE_NAMES = NODE_FEATURES.map((f) => f.name);

/**
 * One pass of a moment kernel over a matrix's rows: `task` for each range of whole moment
 * blocks, results in block order. `keep` is indexed like the rows `task` is given.
 */
type Pass = <T>(
  task: (m: Matrix, keep: Uint8Array | null, from: number, to: number) => Task,
) => Promise<T[]>;

function matrixPasses(ctx: Context, m: Matrix, keep: Uint8Array | null): Pass {
  return <T>(task: (m: Matrix, keep: Uint8Array | null, from: number, to: number) => Task) =>
    Promise.all(
      blockAligned(m.rows, ctx.opts.chunkSize).map(({ from, to }) =>
        ctx.pool.run<T>(task(m, keep, from, to)),
      ),
    );
}

function edgePasses(ctx: Context, store: EdgeFeatureStore, keep: Uint8Array, pace: Pacer): Pass {
  if (store.kind === 'matrix') return matrixPasses(ctx, store.matrix, keep);
  return (task) => spillPass(ctx, store.spill, keep, pace, task);
}

/**
 * A pass over a spill, one block read back at a time. Each block's rows start a moment block,
 * so its ranges hold exactly the moment blocks of the in-memory pass, in the same order.
 */
async function spillPass<T>(
  ctx: Context,
  spill: EdgeSpill,
  keep: Uint8Array,
  pace: Pacer,
  task: (m: Matrix, keep: Uint8Array | null, from: number, to: number) => Task,
): Promise<T[]> {
  const out: T[] = [];
  const buffer = spillBuffer(ctx, spill);
  for (let k = 0; k < blockCount(spill); k++) {
    const { from, to } = blockRange(spill, k);
    // The previous block's tasks have all returned, so its buffer can be read over.
    const m = readBlock(spill, k, buffer);
    const blockKeep = keep.subarray(from, to);
    const parts = blockAligned(m.rows, ctx.opts.chunkSize);
    out.push(
      ...(await Promise.all(parts.map((p) => ctx.pool.run<T>(task(m, blockKeep, p.from, p.to))))),
    );
    await pace.breathe();
  }
  return out;
}

async function fit(
  ctx: Context,
  pass: Pass,
  cols: number[],
  names: string[],
): Promise<ScalerStats> {
  const pace = new Pacer(ctx.signal);
  const sums = await pass<BlockMoments>((m, keep, from, to) => ({
    kind: 'block-sums',
    m,
    cols,
    keep,
    from,
    to,
  }));
  // Work handed to the pool runs to its end; a stop takes effect between the passes.
  await pace.breathe();

  // Combine in block order: the same additions in the same order for any chunking.
  const w = cols.length;
  const count = new Array<number>(w).fill(0);
  const sum = new Array<number>(w).fill(0);
  const min = new Array<number>(w).fill(Infinity);
  const max = new Array<number>(w).fill(-Infinity);
  for (const s of sums) {
    for (let k = 0; k < s.count.length; k++) {
      const j = k % w;
      count[j]! += s.count[k]!;
      sum[j]! += s.sum[k]!;
      min[j] = Math.min(min[j]!, s.min[k]!);
      max[j] = Math.max(max[j]!, s.max[k]!);
    }
  }
  const mean = sum.map((v, j) => (count[j]! > 0 ? v / count[j]! : 0));

  const meanArray = new Float64Array(new SharedArrayBuffer(w * 8));
  meanArray.set(mean);
  const squares = await pass<Float64Array>((m, keep, from, to) => ({
    kind: 'block-squares',
    m,
    cols,
    keep,
    mean: meanArray,
    from,
    to,
  }));
  await pace.breathe();
  const ss = new Array<number>(w).fill(0);
  for (const s of squares) for (let k = 0; k < s.length; k++) ss[k % w]! += s[k]!;

  // A column whose fitted values are all equal scales to exactly 0 on those rows (SPEC §12).
  const fittedMean = mean.map((v, j) => (count[j]! > 0 && min[j] === max[j] ? min[j]! : v));
  const std = ss.map((v, j) => {
    if (count[j] === 0 || min[j] === max[j]) return 1;
    const sd = Math.sqrt(v / count[j]!);
    return sd === 0 ? 1 : sd;
  });
  return {
    cols,
    names: cols.map((c) => names[c]!),
    mean: fittedMean,
    std,
    min: min.map((v, j) => (count[j] === 0 ? 0 : v)),
    max: max.map((v, j) => (count[j] === 0 ? 0 : v)),
    fitted: count[0] ?? 0,
  };
}

/** Ranges of about `size` rows whose bounds fall on moment blocks. */
function blockAligned(total: number, size: number): { from: number; to: number }[] {
  const step = Math.max(1, Math.ceil(size / MOMENT_BLOCK)) * MOMENT_BLOCK;
  return ranges(total, step);
}
