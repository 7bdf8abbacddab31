// SPEC §6: z-scores (x − mean) / std with mean and population std fitted on the kept rows;
// statistics come in fixed blocks of rows so the sums do not depend on chunking.
import { describe, expect, it } from 'vitest';

import { E, EDGE_FEATURES, scaledIndices } from '../../src/features/definitions.js';
import { modelColumns, modelValue } from '../../src/features/model-input.js';
import { blockSquares, blockSums, MOMENT_BLOCK } from '../../src/features/moments.js';
import { column, makeMatrix, type Matrix } from '../../src/features/tables.js';
import { zScore } from '../../src/output/arrow-columns.js';
import type { ScalerStats } from '../../src/pipeline/normalized.js';

function matrixOf(columns: number[][]): Matrix {
  const m = makeMatrix(columns[0]!.length, columns.length);
  columns.forEach((col, c) => m.data.set(col, c * m.rows));
  return m;
}

/** Rows [from, to) of the z-score column an output file writes. */
function zScores(raw: Float64Array, mean: number, std: number, from: number, to: number) {
  return [...(zScore('x_z', raw, mean, std).slice(from, to).values as Float64Array)];
}

describe('block moments on a hand-worked column', () => {
  // Column 0: [1, 2, 3, 4]; column 1: [10, 10, 10, 10]; column 2: [−2, 0, 5, 1].
  const m = matrixOf([
    [1, 2, 3, 4],
    [10, 10, 10, 10],
    [-2, 0, 5, 1],
  ]);

  it('sums every row when nothing is filtered', () => {
    const s = blockSums(m, [0, 2], null, 0, 4);
    // Column 0: count 4, sum 10, min 1, max 4. Column 2: sum −2 + 0 + 5 + 1 = 4, min −2, max 5.
    expect([...s.count]).toEqual([4, 4]);
    expect([...s.sum]).toEqual([10, 4]);
    expect([...s.min]).toEqual([1, -2]);
    expect([...s.max]).toEqual([4, 5]);
  });

  it('skips rows whose keep flag is 0', () => {
    // Keep rows 0, 2, 3: column 0 → 1, 3, 4: count 3, sum 8; column 1 → 10 × 3.
    const keep = Uint8Array.from([1, 0, 1, 1]);
    const s = blockSums(m, [0, 1], keep, 0, 4);
    expect([...s.count]).toEqual([3, 3]);
    expect([...s.sum]).toEqual([8, 30]);
    expect([...s.min]).toEqual([1, 10]);
    expect([...s.max]).toEqual([4, 10]);
    // Squared deviations from 8/3: (5/3)² + (1/3)² + (4/3)² = 42/9 = 14/3; column 1: 0.
    const sq = blockSquares(m, [0, 1], keep, Float64Array.from([8 / 3, 10]), 0, 4);
    expect(sq[0]).toBeCloseTo(14 / 3, 12);
    expect(sq[1]).toBe(0);
  });
});

describe('z-scores on hand-worked columns', () => {
  // [1, 2, 3, 4]: mean 2.5, population std sqrt((2.25 + 0.25 + 0.25 + 2.25) / 4) = sqrt(1.25).
  const sd = Math.sqrt(1.25);

  /**
   * A raw edge matrix of four rows: amount_paid_log [1, 2, 3, 4], amount_ratio all 10, and
   * currency codes [−2, 0, 5, 1], with the edge scaler fitted on all four rows. amount_ratio
   * has min = max, so it is fitted with mean 10 and std 1 (SPEC §12), as src/steps/normalized.ts
   * does.
   */
  function fitted(): { raw: Matrix; stats: ScalerStats } {
    const raw = makeMatrix(4, EDGE_FEATURES.length);
    raw.data.set([1, 2, 3, 4], E.amount_paid_log * 4);
    raw.data.set([10, 10, 10, 10], E.amount_ratio * 4);
    raw.data.set([-2, 0, 5, 1], E.currency * 4);
    const cols = scaledIndices(EDGE_FEATURES);
    const fit = (c: number) => {
      if (c === E.amount_paid_log) return { mean: 2.5, std: sd, min: 1, max: 4 };
      if (c === E.amount_ratio) return { mean: 10, std: 1, min: 10, max: 10 };
      return { mean: 0, std: 1, min: 0, max: 0 };
    };
    const stats: ScalerStats = {
      cols,
      names: cols.map((c) => EDGE_FEATURES[c]!.name),
      mean: cols.map((c) => fit(c).mean),
      std: cols.map((c) => fit(c).std),
      min: cols.map((c) => fit(c).min),
      max: cols.map((c) => fit(c).max),
      fitted: 4,
    };
    return { raw, stats };
  }

  it('model input reads scaled columns as z-scores and codes as their raw values', () => {
    const { raw, stats } = fitted();
    const columns = modelColumns(raw, stats);
    const read = (c: number) => [0, 1, 2, 3].map((r) => modelValue(columns[c]!, r));

    expect(read(E.amount_paid_log).map((z) => z * sd)).toEqual([-1.5, -0.5, 0.5, 1.5]);
    // A constant column scales to exactly 0.
    expect(read(E.amount_ratio)).toEqual([0, 0, 0, 0]);
    expect(columns[E.currency]).toMatchObject({ scaled: false, mean: 0, std: 1 });
    expect(read(E.currency)).toEqual([-2, 0, 5, 1]);
  });

  it('output files write the same z-scores as the model input reads', () => {
    const { raw, stats } = fitted();
    const columns = modelColumns(raw, stats);
    const written = (c: number) => {
      const { values, mean, std } = columns[c]!;
      return zScores(values, mean, std, 0, 4);
    };

    expect(written(E.amount_paid_log).map((z) => z * sd)).toEqual([-1.5, -0.5, 0.5, 1.5]);
    expect(written(E.amount_ratio)).toEqual([0, 0, 0, 0]);
    for (const c of [E.amount_paid_log, E.amount_ratio]) {
      expect(written(c)).toEqual([0, 1, 2, 3].map((r) => modelValue(columns[c]!, r)));
    }
  });

  it('output files scale only the rows of a slice', () => {
    // [−2, 0, 5, 1] with mean 1 and std 2, rows [1, 3): (0 − 1) / 2 and (5 − 1) / 2.
    expect(zScores(Float64Array.from([-2, 0, 5, 1]), 1, 2, 1, 3)).toEqual([-0.5, 2]);
  });
});

describe('block moments over several blocks', () => {
  // Three columns over two and a half blocks, with a train mask that drops every third row.
  const rows = 2 * MOMENT_BLOCK + MOMENT_BLOCK / 2;
  let seed = 17;
  const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4_294_967_296;
  const cols = [0, 1, 2].map((c) => Array.from({ length: rows }, () => (next() - 0.3) * 10 ** c));
  const m = matrixOf(cols);
  const keep = Uint8Array.from({ length: rows }, (_, r) => (r % 3 === 2 ? 0 : 1));

  /** Direct per-block reference: the same additions in the same row order. */
  function direct(c: number, a: number, z: number) {
    let count = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let r = a; r < z; r++) {
      if (keep[r] === 0) continue;
      const x = cols[c]![r]!;
      count++;
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    return { count, sum, min, max };
  }

  it('gives one entry per block and column, block-major', () => {
    const s = blockSums(m, [2, 0], keep, 0, rows);
    expect(s.count.length).toBe(3 * 2);
    const bounds = [
      [0, MOMENT_BLOCK],
      [MOMENT_BLOCK, 2 * MOMENT_BLOCK],
      [2 * MOMENT_BLOCK, rows],
    ];
    bounds.forEach(([a, z], b) => {
      [2, 0].forEach((c, j) => {
        const want = direct(c, a!, z!);
        const k = b * 2 + j;
        expect([s.count[k], s.sum[k], s.min[k], s.max[k]]).toEqual([
          want.count,
          want.sum,
          want.min,
          want.max,
        ]);
      });
    });
  });

  it('gives the same blocks when started at a block boundary', () => {
    const whole = blockSums(m, [1], keep, 0, rows);
    const tail = blockSums(m, [1], keep, MOMENT_BLOCK, rows);
    expect([...tail.sum]).toEqual([...whole.sum.subarray(1)]);
    expect([...tail.count]).toEqual([...whole.count.subarray(1)]);
  });

  it('combines into the mean and population std of the kept rows', () => {
    const s = blockSums(m, [0, 1, 2], keep, 0, rows);
    const count = [0, 1, 2].map((j) => s.count[j]! + s.count[3 + j]! + s.count[6 + j]!);
    const mean = Float64Array.from(
      [0, 1, 2],
      (j) => (s.sum[j]! + s.sum[3 + j]! + s.sum[6 + j]!) / count[j]!,
    );
    const sq = blockSquares(m, [0, 1, 2], keep, mean, 0, rows);
    const std = Float64Array.from([0, 1, 2], (j) =>
      Math.sqrt((sq[j]! + sq[3 + j]! + sq[6 + j]!) / count[j]!),
    );

    [0, 1, 2].forEach((c) => {
      const kept = cols[c]!.filter((_, r) => keep[r] === 1);
      const mu = kept.reduce((a, x) => a + x, 0) / kept.length;
      const variance = kept.reduce((a, x) => a + (x - mu) ** 2, 0) / kept.length;
      expect(count[c]).toBe(kept.length);
      expect(mean[c]).toBeCloseTo(mu, 9 - c);
      expect(std[c]! / Math.sqrt(variance)).toBeCloseTo(1, 10);
    });

    [0, 1, 2].forEach((c) => {
      const z = zScores(column(m, c), mean[c]!, std[c]!, 0, rows);
      const input = { values: column(m, c), scaled: true, mean: mean[c]!, std: std[c]! };
      for (const r of [0, 1, MOMENT_BLOCK, rows - 1]) {
        const want = (cols[c]![r]! - mean[c]!) / std[c]!;
        expect(z[r]).toBe(want);
        expect(modelValue(input, r)).toBe(want);
      }
    });
  });
});
