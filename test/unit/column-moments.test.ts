// SPEC §6: z-scores (x − mean) / std with mean and population std fitted on the kept rows;
// statistics come in fixed blocks of rows so the sums do not depend on chunking.
import { describe, expect, it } from 'vitest';

import { applyScaler, blockSquares, blockSums, MOMENT_BLOCK } from '../../src/features/moments.js';
import { makeMatrix, type Matrix } from '../../src/features/tables.js';

function matrixOf(columns: number[][]): Matrix {
  const m = makeMatrix(columns[0]!.length, columns.length);
  columns.forEach((col, c) => m.data.set(col, c * m.rows));
  return m;
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

  it('writes z-scores with the given mean and std into a narrower matrix', () => {
    // Column 0: mean 2.5, population std sqrt((2.25 + 0.25 + 0.25 + 2.25) / 4) = sqrt(1.25).
    // Column 1: std 0 is passed as 1 by the caller (SPEC §6), so every value becomes 0.
    const out = makeMatrix(4, 2);
    const sd = Math.sqrt(1.25);
    applyScaler(m, [0, 1], Float64Array.from([2.5, 10]), Float64Array.from([sd, 1]), out, 0, 4);
    expect([...out.data.subarray(0, 4)].map((z) => z * sd)).toEqual([-1.5, -0.5, 0.5, 1.5]);
    expect([...out.data.subarray(4, 8)]).toEqual([0, 0, 0, 0]);
  });

  it('scales only rows [from, to)', () => {
    const out = makeMatrix(4, 1);
    out.data.fill(NaN);
    applyScaler(m, [2], Float64Array.from([1]), Float64Array.from([2]), out, 1, 3);
    // (0 − 1) / 2 and (5 − 1) / 2.
    expect([...out.data]).toEqual([NaN, -0.5, 2, NaN]);
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

    const out = makeMatrix(rows, 3);
    applyScaler(m, [0, 1, 2], mean, std, out, 0, rows);
    for (const r of [0, 1, MOMENT_BLOCK, rows - 1]) {
      [0, 1, 2].forEach((c) => {
        expect(out.data[c * rows + r]).toBe((cols[c]![r]! - mean[c]!) / std[c]!);
      });
    }
  });
});
