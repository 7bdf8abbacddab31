import { OptionError } from '../errors.js';
import { EDGE_FEATURE_COUNT } from '../features/definitions.js';
import { MODEL_SCALED, modelColumn } from '../features/model-input.js';
import { TRAIN } from '../features/split.js';
import { makeMatrix, type Matrix } from '../features/tables.js';
import { ranges, runChunks, type ChunkTally } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';
import type { Resampled } from '../pipeline/resampled.js';
import { UNDERSAMPLE_DRAW, uniform } from '../resample/random.js';
import type { SmoteInput } from '../resample/smote.js';

const MAX_K = 3;
const KNN_CHUNK = 1024;

/**
 * Step 5, `imbalanced` (SPEC §7). Reads the split, both edge matrices and the labels. Writes
 * the resampled training set. The neighbour search runs in chunks of query rows on the pool and
 * is recorded; synthetic rows are a pure function of (seed, row) and the neighbours, so they are
 * generated again, in chunks, rather than stored twice.
 */
export async function resample(
  ctx: Context,
): Promise<{ tally: ChunkTally | null; out: Resampled }> {
  const train = trainRows(ctx);
  const y = labelsOf(ctx, train);
  const ones = y.reduce((n, v) => n + v, 0);
  const zeros = train.length - ones;
  const minorityLabel = ones <= zeros ? 1 : 0;
  const minority = Math.min(ones, zeros);
  const majority = train.length - minority;
  const base = { originalRows: train.length, minorityLabel, minority, majority, k: 0 };

  if (ctx.opts.imbalance === 'undersample') {
    const x = gatherRows(ctx, train, train.length);
    return {
      tally: null,
      out: { ...base, ...undersample(ctx, x, y, minorityLabel), syntheticRows: 0 },
    };
  }
  const want = ctx.opts.imbalance === 'smote' ? syntheticCount(ctx, minority, majority) : 0;
  // One matrix holds the train rows and, after them, room for the synthetic ones.
  const x = gatherRows(ctx, train, train.length + want);
  if (want === 0) return { tally: null, out: { ...base, x, y, syntheticRows: 0 } };
  return smote(ctx, x, y, base, want);
}

/** ceil(ratio · majority) − minority rows, or 0 when SMOTE cannot or need not run. */
function syntheticCount(ctx: Context, minority: number, majority: number): number {
  const want = Math.ceil(ctx.opts.smoteRatio * majority) - minority;
  if (minority < 2) {
    ctx.emit({
      kind: 'warning',
      step: 'imbalanced',
      message: `SMOTE skipped: ${minority} minority training row(s), at least 2 are needed`,
    });
    return 0;
  }
  // The resampled matrix must fit in one typed array (and, realistically, in memory).
  if (want > MAX_SYNTHETIC) {
    throw new OptionError(
      `options.smoteRatio ${ctx.opts.smoteRatio} asks for ${want.toLocaleString('en-US')} ` +
        `synthetic rows (${majority} majority train rows); at most ` +
        `${MAX_SYNTHETIC.toLocaleString('en-US')} are supported`,
    );
  }
  return Math.max(0, want);
}

/** Rows × 20 float64 columns must stay under the 2^31-element typed-array limit. */
const MAX_SYNTHETIC = Math.floor((2 ** 31 - 1) / 20) - 1;

async function smote(
  ctx: Context,
  x: Matrix,
  y: Int8Array,
  base: Omit<Resampled, 'x' | 'y' | 'syntheticRows'>,
  want: number,
): Promise<{ tally: ChunkTally | null; out: Resampled }> {
  const m = base.minority;
  const trainRows = y.length;

  const k = Math.min(MAX_K, m - 1);
  const input = minorityInput(ctx, x, y, base.minorityLabel, m, k);
  const { points, d } = scaledPoints(input);
  const parts = ranges(m, KNN_CHUNK);
  const tally = await runChunks(ctx, {
    step: 'imbalanced',
    count: parts.length,
    compute: async (i) => {
      const { from, to } = parts[i]!;
      await ctx.pool.run({ kind: 'knn', points, m, d, k, out: input.neighbours, from, to });
      return { rows: to - from, arrays: { nn: input.neighbours.subarray(from * k, to * k) } };
    },
    restore: (i, payload) => {
      input.neighbours.set(payload.arrays.nn as Int32Array, parts[i]!.from * k);
    },
  });

  await Promise.all(
    ranges(want, ctx.opts.chunkSize).map(({ from, to }) =>
      ctx.pool.run({
        kind: 'smote',
        input,
        out: x.data,
        outRows: x.rows,
        offset: trainRows,
        from,
        to,
      }),
    ),
  );
  const yOut = new Int8Array(x.rows);
  yOut.set(y);
  yOut.fill(base.minorityLabel, trainRows);
  return { tally, out: { ...base, x, y: yOut, syntheticRows: want, k } };
}

function trainRows(ctx: Context): Int32Array {
  const split = ctx.normalized!.split;
  const rows = ctx.loaded!.edges.rows;
  let n = 0;
  for (let r = 0; r < rows; r++) if (split[r] === TRAIN) n++;
  const out = new Int32Array(n);
  n = 0;
  for (let r = 0; r < rows; r++) if (split[r] === TRAIN) out[n++] = r;
  return out;
}

/** Model-input columns of `rows`, into a matrix of `capacity` rows (the rest left for later). */
function gatherRows(ctx: Context, rows: Int32Array, capacity: number): Matrix {
  const out = makeMatrix(capacity, EDGE_FEATURE_COUNT);
  const n = rows.length;
  for (let j = 0; j < EDGE_FEATURE_COUNT; j++) {
    const src = modelColumn(ctx.edgeMatrix!, ctx.normalized!.edgeZ!, j);
    const dst = out.data.subarray(j * capacity, j * capacity + n);
    for (let i = 0; i < n; i++) dst[i] = src[rows[i]!]!;
  }
  return out;
}

function labelsOf(ctx: Context, rows: Int32Array): Int8Array {
  const label = ctx.loaded!.edges.label;
  const out = new Int8Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = label[rows[i]!]!;
  return out;
}

/** Minority rows, row-major with every model column, plus room for their neighbours. */
function minorityInput(
  ctx: Context,
  x: Matrix,
  y: Int8Array,
  label: number,
  m: number,
  k: number,
): SmoteInput {
  const width = EDGE_FEATURE_COUNT;
  const rows = new Float64Array(new SharedArrayBuffer(m * width * 8));
  let at = 0;
  for (let r = 0; r < y.length; r++) {
    if (y[r] !== label) continue;
    for (let j = 0; j < width; j++) rows[at * width + j] = x.data[j * x.rows + r]!;
    at++;
  }
  const neighbours = new Int32Array(new SharedArrayBuffer(m * k * 4));
  return { rows, m, width, scaled: MODEL_SCALED, neighbours, k, seed: ctx.opts.seed };
}

/** The scaled columns only: distances ignore codes and flags (SPEC §7). */
function scaledPoints(input: SmoteInput): { points: Float64Array; d: number } {
  const cols = [...input.scaled.keys()].filter((j) => input.scaled[j] === 1);
  const d = cols.length;
  const points = new Float64Array(new SharedArrayBuffer(Math.max(1, input.m * d) * 8));
  for (let r = 0; r < input.m; r++) {
    cols.forEach((j, c) => (points[r * d + c] = input.rows[r * input.width + j]!));
  }
  return { points, d };
}

/** Every minority row and the majority rows with the smallest draws, in edge order. */
function undersample(ctx: Context, x: Matrix, y: Int8Array, minorityLabel: number) {
  const majorityRows: number[] = [];
  for (let r = 0; r < x.rows; r++) if (y[r] !== minorityLabel) majorityRows.push(r);
  const minority = x.rows - majorityRows.length;
  const ratio = ctx.opts.smoteRatio;
  const keepCount =
    ratio > 0 ? Math.min(majorityRows.length, Math.ceil(minority / ratio)) : majorityRows.length;

  const ranked = majorityRows
    .map((row, r) => ({ row, draw: uniform(ctx.opts.seed, r, UNDERSAMPLE_DRAW), r }))
    .sort((a, b) => a.draw - b.draw || a.r - b.r);
  const keep = new Uint8Array(x.rows);
  for (let r = 0; r < x.rows; r++) if (y[r] === minorityLabel) keep[r] = 1;
  for (const { row } of ranked.slice(0, keepCount)) keep[row] = 1;

  const kept = [...keep.keys()].filter((r) => keep[r] === 1);
  const out = makeMatrix(kept.length, EDGE_FEATURE_COUNT);
  for (let j = 0; j < EDGE_FEATURE_COUNT; j++) {
    kept.forEach((r, i) => (out.data[j * kept.length + i] = x.data[j * x.rows + r]!));
  }
  return { x: out, y: Int8Array.from(kept, (r) => y[r]!) };
}
