import { EDGE_FEATURES, NODE_FEATURES, scaledIndices } from '../features/definitions.js';
import { MOMENT_BLOCK, type BlockMoments } from '../features/moments.js';
import { chooseCuts, splitCodes, TRAIN } from '../features/split.js';
import { makeMatrix, type Matrix } from '../features/tables.js';
import { ranges } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';
import type { Normalized, ScalerStats } from '../pipeline/normalized.js';

export interface NormalizedRecord {
  cuts: Normalized['cuts'];
  edge: ScalerStats;
  node: ScalerStats;
}

/**
 * Step 4, `normalized` (SPEC §6). Reads edge timestamps and both feature matrices. Writes the
 * split and the scaler statistics: edges fitted on train rows, nodes on all nodes. The sums run
 * on the pool in fixed row blocks, so the fitted values do not depend on chunking.
 */
export async function fitNormalized(ctx: Context): Promise<NormalizedRecord> {
  const e = ctx.loaded!.edges;
  const cuts = chooseCuts(e.ts, e.rows, ctx.opts.split);
  const split = splitCodes(e.ts, e.rows, cuts);
  const train = new Uint8Array(new SharedArrayBuffer(Math.max(1, e.rows)));
  for (let r = 0; r < e.rows; r++) train[r] = split[r] === TRAIN ? 1 : 0;

  const edge = await fit(ctx, ctx.edgeMatrix!, scaledIndices(EDGE_FEATURES), train, EDGE_NAMES);
  const node = await fit(ctx, ctx.nodeMatrix!, scaledIndices(NODE_FEATURES), null, NODE_NAMES);
  return { cuts, edge, node };
}

/** Rebuilds the split and the z matrices from the record's statistics. */
export async function applyNormalized(ctx: Context, rec: NormalizedRecord): Promise<Normalized> {
  const e = ctx.loaded!.edges;
  const split = splitCodes(e.ts, e.rows, rec.cuts);
  const edgeZ = await scale(ctx, ctx.edgeMatrix!, rec.edge);
  const nodeZ = await scale(ctx, ctx.nodeMatrix!, rec.node);
  return { cuts: rec.cuts, split, edge: rec.edge, node: rec.node, edgeZ, nodeZ };
}

const EDGE_NAMES = EDGE_FEATURES.map((f) => f.name);
const NODE_NAMES = NODE_FEATURES.map((f) => f.name);

async function fit(
  ctx: Context,
  m: Matrix,
  cols: number[],
  keep: Uint8Array | null,
  names: string[],
): Promise<ScalerStats> {
  const parts = blockAligned(m.rows, ctx.opts.chunkSize);
  const sums = await Promise.all(
    parts.map(({ from, to }) =>
      ctx.pool.run<BlockMoments>({ kind: 'block-sums', m, cols, keep, from, to }),
    ),
  );

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
  const squares = await Promise.all(
    parts.map(({ from, to }) =>
      ctx.pool.run<Float64Array>({
        kind: 'block-squares',
        m,
        cols,
        keep,
        mean: meanArray,
        from,
        to,
      }),
    ),
  );
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

async function scale(ctx: Context, m: Matrix, stats: ScalerStats): Promise<Matrix> {
  const out = makeMatrix(m.rows, stats.cols.length);
  const mean = new Float64Array(new SharedArrayBuffer(stats.cols.length * 8));
  const std = new Float64Array(new SharedArrayBuffer(stats.cols.length * 8));
  mean.set(stats.mean);
  std.set(stats.std);
  await Promise.all(
    ranges(m.rows, ctx.opts.chunkSize).map(({ from, to }) =>
      ctx.pool.run({ kind: 'scale', m, cols: stats.cols, mean, std, out, from, to }),
    ),
  );
  return out;
}

/** Ranges of about `size` rows whose bounds fall on moment blocks. */
function blockAligned(total: number, size: number): { from: number; to: number }[] {
  const step = Math.max(1, Math.ceil(size / MOMENT_BLOCK)) * MOMENT_BLOCK;
  return ranges(total, step);
}
