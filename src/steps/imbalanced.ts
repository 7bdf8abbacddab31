import { OptionError } from '../errors.js';
import { MAX_SYNTHETIC } from '../options.js';
import { refuseMissingTrainClass } from '../features/class-weights.js';
import { EDGE_FEATURE_COUNT } from '../features/definitions.js';
import { MODEL_SCALED, modelColumns, scaledValue } from '../features/model-input.js';
import { TRAIN } from '../features/split.js';
import { pieces, ranges, runChunks, type ChunkTally } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';
import { inSlices, Pacer } from '../pipeline/pacer.js';
import type { Resampled } from '../pipeline/resampled.js';
import { UNDERSAMPLE_DRAW, uniform } from '../resample/random.js';
import { majorityKept, smoteNeighbours, syntheticRows } from '../resample/ratio-counts.js';
import type { SmoteInput } from '../resample/smote.js';
import { matrixOf, rowReader } from '../spill/edge-store.js';
import { refuseMissingClass } from './missing-class.js';

const KNN_CHUNK = 1024;

/**
 * Step 5, `imbalanced` (SPEC §7). Reads the split, the edge matrix with the edge scaler, and
 * the labels. Writes the recipe of the resampled training set (see Resampled): which edge rows
 * it keeps, and what generates its synthetic rows. The neighbour search runs in chunks of
 * query rows on the pool and is recorded. The rows themselves, 1 GB at HI-Small scale, are
 * produced batch by batch by the output writer: train rows are read through the scaler, and
 * synthetic rows are a pure function of (seed, row) and the neighbours.
 */
export async function resample(
  ctx: Context,
): Promise<{ tally: ChunkTally | null; out: Resampled }> {
  // The passes below touch every edge or train row (seconds at HI-Small scale): paced slices.
  const pace = new Pacer(ctx.signal);
  await refuseMissingClass(ctx, pace);
  const train = await trainRows(ctx, pace);
  const y = await labelsOf(ctx, train, pace);
  const ones = y.reduce((n, v) => n + v, 0);
  const zeros = train.length - ones;
  refuseMissingTrainClass(zeros, ones);
  const minorityLabel = ones <= zeros ? 1 : 0;
  const minority = Math.min(ones, zeros);
  const majority = train.length - minority;
  const base = { originalRows: train.length, minorityLabel, minority, majority, k: 0 };
  const plain = { smote: null, syntheticRows: 0 };

  if (ctx.opts.imbalance === 'undersample') {
    const kept = await undersample(ctx, y, minorityLabel, pace);
    const rows = Int32Array.from(kept, (i) => train[i]!);
    return { tally: null, out: { ...base, ...plain, rows, y: Int8Array.from(kept, (i) => y[i]!) } };
  }
  const want = ctx.opts.imbalance === 'smote' ? syntheticCount(ctx, minority, majority) : 0;
  if (want === 0) return { tally: null, out: { ...base, ...plain, rows: train, y } };
  return smote(ctx, train, y, base, want, pace);
}

/** ceil(ratio · majority) − minority rows, or 0 when SMOTE cannot or need not run. */
function syntheticCount(ctx: Context, minority: number, majority: number): number {
  const want = syntheticRows(ctx.opts.smoteRatio, minority, majority);
  if (minority < 2) {
    ctx.emit({
      kind: 'warning',
      step: 'imbalanced',
      // Named as the step's other notes are.
      message:
        `imbalanced: SMOTE skipped: ${minority} minority training row(s), ` +
        'at least 2 are needed',
    });
    return 0;
  }
  // A ceiling against a mistyped ratio: past it the file would pass 16 GB of float64 rows.
  if (want > MAX_SYNTHETIC) {
    throw new OptionError(
      `options.smoteRatio ${ctx.opts.smoteRatio} asks for ${want.toLocaleString('en-US')} ` +
        `synthetic rows (${majority.toLocaleString('en-US')} majority train rows); at most ` +
        `${MAX_SYNTHETIC.toLocaleString('en-US')} are supported`,
    );
  }
  return Math.max(0, want);
}

async function smote(
  ctx: Context,
  train: Int32Array,
  y: Int8Array,
  base: Omit<Resampled, 'rows' | 'y' | 'smote' | 'syntheticRows'>,
  want: number,
  pace: Pacer,
): Promise<{ tally: ChunkTally | null; out: Resampled }> {
  const m = base.minority;

  const k = smoteNeighbours(m);
  const input = await minorityInput(ctx, train, y, base.minorityLabel, { m, k }, pace);
  const { points, d } = await scaledPoints(input, pace);
  const parts = ranges(m, KNN_CHUNK);
  const tally = await runChunks(ctx, {
    step: 'imbalanced',
    count: parts.length,
    compute: async (i, hints) => {
      const { from, to } = parts[i]!;
      // Query rows are independent: pieces find the neighbours the whole chunk would.
      await Promise.all(
        pieces(from, to, ctx.pool.size).map((p) =>
          ctx.pool.run({ kind: 'knn', points, m, d, k, out: input.neighbours, ...p }, hints),
        ),
      );
      return { rows: to - from, arrays: { nn: input.neighbours.subarray(from * k, to * k) } };
    },
    restore: (i, payload) => {
      input.neighbours.set(payload.arrays.nn as Int32Array, parts[i]!.from * k);
    },
  });

  const yOut = new Int8Array(train.length + want);
  yOut.set(y);
  yOut.fill(base.minorityLabel, train.length);
  const out = { ...base, rows: train, y: yOut, smote: input, syntheticRows: want, k };
  return { tally, out };
}

async function trainRows(ctx: Context, pace: Pacer): Promise<Int32Array> {
  const split = ctx.normalized!.split;
  const rows = ctx.loaded!.edges.rows;
  let n = 0;
  await inSlices(pace, rows, (from, to) => {
    for (let r = from; r < to; r++) if (split[r] === TRAIN) n++;
  });
  const out = new Int32Array(n);
  n = 0;
  await inSlices(pace, rows, (from, to) => {
    for (let r = from; r < to; r++) if (split[r] === TRAIN) out[n++] = r;
  });
  return out;
}

async function labelsOf(ctx: Context, rows: Int32Array, pace: Pacer): Promise<Int8Array> {
  const label = ctx.loaded!.edges.label;
  const out = new Int8Array(rows.length);
  await inSlices(pace, rows.length, (from, to) => {
    for (let i = from; i < to; i++) out[i] = label[rows[i]!]!;
  });
  return out;
}

/** Minority train rows, row-major with every model column, plus room for their neighbours. */
async function minorityInput(
  ctx: Context,
  train: Int32Array,
  y: Int8Array,
  label: number,
  { m, k }: { m: number; k: number },
  pace: Pacer,
): Promise<SmoteInput> {
  const width = EDGE_FEATURE_COUNT;
  const store = ctx.edgeFeatures!;
  const columns = modelColumns(matrixOf(store), ctx.normalized!.edge);
  // Train rows ascend, so a spilled matrix is read forward, each block once.
  const raw = rowReader(store);
  const rows = new Float64Array(new SharedArrayBuffer(Math.max(1, m * width) * 8));
  let at = 0;
  await inSlices(pace, y.length, (from, to) => {
    for (let i = from; i < to; i++) {
      if (y[i] !== label) continue;
      for (let j = 0; j < width; j++) {
        rows[at * width + j] = scaledValue(columns[j]!, raw(j, train[i]!));
      }
      at++;
    }
  });
  const neighbours = new Int32Array(new SharedArrayBuffer(Math.max(1, m * k) * 4));
  return { rows, m, width, scaled: MODEL_SCALED, neighbours, k, seed: ctx.opts.seed };
}

/** The scaled columns only: distances ignore codes and flags (SPEC §7). */
async function scaledPoints(
  input: SmoteInput,
  pace: Pacer,
): Promise<{ points: Float64Array; d: number }> {
  const cols = [...input.scaled.keys()].filter((j) => input.scaled[j] === 1);
  const d = cols.length;
  const points = new Float64Array(new SharedArrayBuffer(Math.max(1, input.m * d) * 8));
  await inSlices(pace, input.m, (from, to) => {
    for (let r = from; r < to; r++) {
      cols.forEach((j, c) => (points[r * d + c] = input.rows[r * input.width + j]!));
    }
  });
  return { points, d };
}

/**
 * Every minority row and the majority rows with the smallest draws: the kept indices into the
 * train rows, in edge order.
 */
async function undersample(
  ctx: Context,
  y: Int8Array,
  minorityLabel: number,
  pace: Pacer,
): Promise<Int32Array> {
  const majorityRows = await rowsWhere(y.length, (r) => y[r] !== minorityLabel, pace);
  const minority = y.length - majorityRows.length;
  const keepCount = majorityKept(ctx.opts.smoteRatio, minority, majorityRows.length);

  const chosen = await smallestDraws(ctx.opts.seed, majorityRows.length, keepCount, pace);
  const keep = new Uint8Array(y.length);
  await inSlices(pace, y.length, (from, to) => {
    for (let r = from; r < to; r++) if (y[r] === minorityLabel) keep[r] = 1;
  });
  await inSlices(pace, majorityRows.length, (from, to) => {
    for (let r = from; r < to; r++) if (chosen[r] === 1) keep[majorityRows[r]!] = 1;
  });
  return rowsWhere(y.length, (r) => keep[r] === 1, pace);
}

/** Rows r < rows for which `test(r)`, in order. */
async function rowsWhere(
  rows: number,
  test: (r: number) => boolean,
  pace: Pacer,
): Promise<Int32Array> {
  let n = 0;
  await inSlices(pace, rows, (from, to) => {
    for (let r = from; r < to; r++) if (test(r)) n++;
  });
  const out = new Int32Array(n);
  n = 0;
  await inSlices(pace, rows, (from, to) => {
    for (let r = from; r < to; r++) if (test(r)) out[n++] = r;
  });
  return out;
}

const DRAW_BUCKETS = 1 << 16;

/**
 * Marks the `keep` indices r < count with the smallest (uniform(seed, r, 7), r): the first
 * `keep` of a sort by that pair, without one long sort. Draws fall in buckets by value; every
 * bucket below the one holding the keep-th smallest draw is kept whole, and only that bucket
 * (about count / 65,536 draws) is sorted.
 */
async function smallestDraws(
  seed: number,
  count: number,
  keep: number,
  pace: Pacer,
): Promise<Uint8Array> {
  const chosen = new Uint8Array(count);
  if (keep >= count) return chosen.fill(1);
  if (keep <= 0) return chosen;

  const draws = new Float64Array(count);
  const bucketOf = (draw: number): number => Math.floor(draw * DRAW_BUCKETS);
  const sizes = new Int32Array(DRAW_BUCKETS);
  await inSlices(pace, count, (from, to) => {
    for (let r = from; r < to; r++) {
      draws[r] = uniform(seed, r, UNDERSAMPLE_DRAW);
      sizes[bucketOf(draws[r]!)]!++;
    }
  });
  let edge = 0;
  let below = 0;
  while (below + sizes[edge]! < keep) below += sizes[edge++]!;

  const boundary: number[] = [];
  await inSlices(pace, count, (from, to) => {
    for (let r = from; r < to; r++) {
      const b = bucketOf(draws[r]!);
      if (b < edge) chosen[r] = 1;
      else if (b === edge) boundary.push(r);
    }
  });
  boundary.sort((a, b) => draws[a]! - draws[b]! || a - b);
  for (const r of boundary.slice(0, keep - below)) chosen[r] = 1;
  return chosen;
}
