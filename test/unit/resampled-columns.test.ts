// train_resampled.arrow is written batch by batch from a recipe (src/output/resampled-columns.ts):
// kept train rows read through the scaler, then SMOTE rows generated per batch. Whatever the
// batch bounds, a column must hold exactly the values of the whole set built at once.
import { describe, expect, it } from 'vitest';

import type { ModelColumn } from '../../src/features/model-input.js';
import { resampledColumn, SyntheticBlock } from '../../src/output/resampled-columns.js';
import type { ResampledSpec } from '../../src/output/resampled-columns.js';
import { uniform } from '../../src/resample/random.js';
import type { SmoteInput } from '../../src/resample/smote.js';

// Eight edges, three model columns: a scaled one (mean 2, std 4), a code, a scaled one (mean
// -1, std 0.5). Kept train rows are edges 6, 1, 3 in that order; the minority rows of SMOTE
// are two rows given directly (already in model units), each the other's neighbour.
const RAW = [
  [10, 2, 6, 18, 0, 4, -2, 1],
  [3, 1, 4, 1, 5, 9, 2, 6],
  [0, -1, 1, -3, 2, 0.5, -0.5, 4],
];
const COLUMNS: ModelColumn[] = [
  { values: Float64Array.from(RAW[0]!), scaled: true, mean: 2, std: 4 },
  { values: Float64Array.from(RAW[1]!), scaled: false, mean: 0, std: 1 },
  { values: Float64Array.from(RAW[2]!), scaled: true, mean: -1, std: 0.5 },
];
const KEPT = Int32Array.from([6, 1, 3]);
const MINORITY = [
  [1, 7, -2],
  [3, 8, 2],
];
const SYNTHETIC = 5;
const SEED = 11;

function smote(): SmoteInput {
  return {
    rows: Float64Array.from(MINORITY.flat()),
    m: 2,
    width: 3,
    scaled: Uint8Array.from([1, 0, 1]),
    neighbours: Int32Array.from([1, 0]),
    k: 1,
    seed: SEED,
  };
}

/** The whole set by hand: z-scores of the kept rows, then SPEC §7's synthetic rows. */
function expectedColumn(j: number): number[] {
  const c = COLUMNS[j]!;
  const kept = [...KEPT].map((r) => (c.scaled ? (RAW[j]![r]! - c.mean) / c.std : RAW[j]![r]!));
  const synthetic = Array.from({ length: SYNTHETIC }, (_, s) => {
    const base = Math.floor(uniform(SEED, s, 0) * 2);
    const nn = 1 - base; // k = 1: each row's only neighbour is the other row
    const g = uniform(SEED, s, 2);
    const a = MINORITY[base]![j]!;
    const b = MINORITY[nn]![j]!;
    return c.scaled ? a + g * (b - a) : g < 0.5 ? a : b;
  });
  return [...kept, ...synthetic];
}

/** Column j read in batches ending at `cuts`, all columns of a batch before the next. */
function readInBatches(cuts: number[]): number[][] {
  const spec: ResampledSpec = {
    rows: KEPT,
    columns: COLUMNS,
    smote: smote(),
    synthetic: SYNTHETIC,
    spill: null,
  };
  const block = new SyntheticBlock();
  const sources = [0, 1, 2].map((j) => resampledColumn(`c${j}`, spec, j, block));
  const out: number[][] = [[], [], []];
  const bounds = [0, ...cuts, KEPT.length + SYNTHETIC];
  for (let b = 0; b + 1 < bounds.length; b++) {
    sources.forEach((source, j) => {
      const data = source.slice(bounds[b]!, bounds[b + 1]!);
      out[j]!.push(...(data.values as Float64Array));
    });
  }
  return out;
}

describe('the resampled set written batch by batch', () => {
  it('holds the kept rows through the scaler, then the synthetic rows', () => {
    const columns = readInBatches([]);

    expect(columns[0]!.slice(0, 3)).toEqual([(-2 - 2) / 4, (2 - 2) / 4, (18 - 2) / 4]);
    expect(columns[1]!.slice(0, 3)).toEqual([2, 1, 1]);
    for (const j of [0, 1, 2]) expect(columns[j]).toEqual(expectedColumn(j));
  });

  it('gives the same values whatever the batch bounds, including one across the seam', () => {
    const whole = readInBatches([]);

    for (const cuts of [[1], [2, 4], [3], [4, 5, 6], [1, 2, 3, 4, 5, 6, 7]]) {
      expect(readInBatches(cuts)).toEqual(whole);
    }
  });
});
