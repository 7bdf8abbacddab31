import { OptionError } from '../errors.js';
import { EDGE_FEATURE_COUNT } from '../features/definitions.js';
import { MODEL_SCALED, modelColumn } from '../features/model-input.js';
import { TRAIN } from '../features/split.js';
import { makeMatrix, type Matrix } from '../features/tables.js';
import { ranges, runChunks, type ChunkTally } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';
import { inSlices, Pacer, SLICE } from '../pipeline/pacer.js';
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
  // The gathers below touch every train row (seconds at HI-Small scale): paced slices.
  const pace = new Pacer(ctx.signal);
  const train = await trainRows(ctx, pace);
  const y = await labelsOf(ctx, train, pace);
  const ones = y.reduce((n, v) => n + v, 0);
  const zeros = train.length - ones;
  const minorityLabel = ones <= zeros ? 1 : 0;
  const minority = Math.min(ones, zeros);
  const majority = train.length - minority;
  const base = { originalRows: train.length, minorityLabel, minority, majority, k: 0 };

  if (ctx.opts.imbalance === 'undersample') {
    const x = await gatherRows(ctx, train, train.length, pace);
    return {
      tally: null,
      out: { ...base, ...(await undersample(ctx, x, y, minorityLabel, pace)), syntheticRows: 0 },
    };
  }
  const want = ctx.opts.imbalance === 'smote' ? syntheticCount(ctx, minority, majority) : 0;
  // One matrix holds the train rows and, after them, room for the synthetic ones.
  const x = await gatherRows(ctx, train, train.length + want, pace);
  if (want === 0) return { tally: null, out: { ...base, x, y, syntheticRows: 0 } };
  return smote(ctx, x, y, base, want, pace);
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
  pace: Pacer,
): Promise<{ tally: ChunkTally | null; out: Resampled }> {
  const m = base.minority;
  const trainRows = y.length;

  const k = Math.min(MAX_K, m - 1);
  const input = await minorityInput(ctx, x, y, base.minorityLabel, { m, k }, pace);
  const { points, d } = await scaledPoints(input, pace);
  const parts = ranges(m, KNN_CHUNK);
  const tally = await runChunks(ctx, {
    step: 'imbalanced',
    count: parts.length,
    compute: async (i, hints) => {
      const { from, to } = parts[i]!;
      await ctx.pool.run({ kind: 'knn', points, m, d, k, out: input.neighbours, from, to }, hints);
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
  // Work handed to the pool runs to its end; a stop takes effect once it has.
  await pace.breathe();
  const yOut = new Int8Array(x.rows);
  yOut.set(y);
  yOut.fill(base.minorityLabel, trainRows);
  return { tally, out: { ...base, x, y: yOut, syntheticRows: want, k } };
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

/**
 * Model-input columns of `rows`, into a matrix of `capacity` rows (the rest left for later).
 * Slices of rows take every column: the first writes to the new matrix fault its pages in,
 * which is most of the time this takes.
 */
async function gatherRows(
  ctx: Context,
  rows: Int32Array,
  capacity: number,
  pace: Pacer,
): Promise<Matrix> {
  const out = makeMatrix(capacity, EDGE_FEATURE_COUNT);
  const columns = Array.from({ length: EDGE_FEATURE_COUNT }, (_, j) =>
    modelColumn(ctx.edgeMatrix!, ctx.normalized!.edgeZ!, j),
  );
  await inSlices(
    pace,
    rows.length,
    (from, to) => {
      columns.forEach((src, j) => {
        const dst = out.data.subarray(j * capacity, j * capacity + to);
        for (let i = from; i < to; i++) dst[i] = src[rows[i]!]!;
      });
    },
    SLICE / 4,
  );
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

/** Minority rows, row-major with every model column, plus room for their neighbours. */
async function minorityInput(
  ctx: Context,
  x: Matrix,
  y: Int8Array,
  label: number,
  { m, k }: { m: number; k: number },
  pace: Pacer,
): Promise<SmoteInput> {
  const width = EDGE_FEATURE_COUNT;
  const rows = new Float64Array(new SharedArrayBuffer(m * width * 8));
  let at = 0;
  await inSlices(pace, y.length, (from, to) => {
    for (let r = from; r < to; r++) {
      if (y[r] !== label) continue;
      for (let j = 0; j < width; j++) rows[at * width + j] = x.data[j * x.rows + r]!;
      at++;
    }
  });
  const neighbours = new Int32Array(new SharedArrayBuffer(m * k * 4));
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

/** Every minority row and the majority rows with the smallest draws, in edge order. */
async function undersample(
  ctx: Context,
  x: Matrix,
  y: Int8Array,
  minorityLabel: number,
  pace: Pacer,
) {
  const majorityRows = await rowsWhere(x.rows, (r) => y[r] !== minorityLabel, pace);
  const minority = x.rows - majorityRows.length;
  const ratio = ctx.opts.smoteRatio;
  const keepCount =
    ratio > 0 ? Math.min(majorityRows.length, Math.ceil(minority / ratio)) : majorityRows.length;

  const chosen = await smallestDraws(ctx.opts.seed, majorityRows.length, keepCount, pace);
  const keep = new Uint8Array(x.rows);
  await inSlices(pace, x.rows, (from, to) => {
    for (let r = from; r < to; r++) if (y[r] === minorityLabel) keep[r] = 1;
  });
  await inSlices(pace, majorityRows.length, (from, to) => {
    for (let r = from; r < to; r++) if (chosen[r] === 1) keep[majorityRows[r]!] = 1;
  });

  const kept = await rowsWhere(x.rows, (r) => keep[r] === 1, pace);
  const out = makeMatrix(kept.length, EDGE_FEATURE_COUNT);
  await inSlices(
    pace,
    kept.length,
    (from, to) => {
      for (let j = 0; j < EDGE_FEATURE_COUNT; j++) {
        for (let i = from; i < to; i++) {
          out.data[j * kept.length + i] = x.data[j * x.rows + kept[i]!]!;
        }
      }
    },
    SLICE / 4,
  );
  return { x: out, y: Int8Array.from(kept, (r) => y[r]!) };
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
