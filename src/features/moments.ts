import type { Matrix } from './tables.js';

/**
 * Column statistics in fixed blocks of rows. The blocks, not the chunks or workers, decide the
 * order of floating-point additions, so the fitted mean and std are the same bits whatever the
 * chunk size or worker count.
 */
export const MOMENT_BLOCK = 65_536;

/** Per block and column: count, sum, min, max (pass 1) or sum of squared deviations (pass 2). */
export interface BlockMoments {
  count: Float64Array;
  sum: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

/**
 * Pass 1 over rows [from, to), which must be a whole number of blocks (or end at the last
 * row). `keep` selects rows (the train split for edges); null keeps every row.
 */
export function blockSums(
  m: Matrix,
  cols: readonly number[],
  keep: Uint8Array | null,
  from: number,
  to: number,
): BlockMoments {
  const blocks = Math.ceil((to - from) / MOMENT_BLOCK);
  const size = blocks * cols.length;
  const out: BlockMoments = {
    count: new Float64Array(size),
    sum: new Float64Array(size),
    min: new Float64Array(size).fill(Infinity),
    max: new Float64Array(size).fill(-Infinity),
  };
  for (let b = 0; b < blocks; b++) {
    const a = from + b * MOMENT_BLOCK;
    const z = Math.min(to, a + MOMENT_BLOCK);
    cols.forEach((c, j) => {
      const base = c * m.rows;
      let count = 0;
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let r = a; r < z; r++) {
        if (keep !== null && keep[r] === 0) continue;
        const x = m.data[base + r] as number;
        count++;
        sum += x;
        if (x < min) min = x;
        if (x > max) max = x;
      }
      const k = b * cols.length + j;
      out.count[k] = count;
      out.sum[k] = sum;
      out.min[k] = min;
      out.max[k] = max;
    });
  }
  return out;
}

/** Pass 2: per block and column, the sum of squared deviations from `mean`. */
export function blockSquares(
  m: Matrix,
  cols: readonly number[],
  keep: Uint8Array | null,
  mean: Float64Array,
  from: number,
  to: number,
): Float64Array {
  const blocks = Math.ceil((to - from) / MOMENT_BLOCK);
  const out = new Float64Array(blocks * cols.length);
  for (let b = 0; b < blocks; b++) {
    const a = from + b * MOMENT_BLOCK;
    const z = Math.min(to, a + MOMENT_BLOCK);
    cols.forEach((c, j) => {
      const base = c * m.rows;
      const mu = mean[j] as number;
      let acc = 0;
      for (let r = a; r < z; r++) {
        if (keep !== null && keep[r] === 0) continue;
        const dev = (m.data[base + r] as number) - mu;
        acc += dev * dev;
      }
      out[b * cols.length + j] = acc;
    });
  }
  return out;
}
