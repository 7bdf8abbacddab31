// Readers check summary.resampled and train_resampled.arrow's classes against what the
// manifest's options make of the train split (SPEC §7); the counts here are worked by hand.
import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';

import type { Manifest } from '../../src/index.js';
import { ResampledCounts, resampledProblem } from '../../src/output/resampled-counts.js';

interface Case {
  imbalance: string;
  ratio: number;
  train: [number, number];
  resampled: { rows: number; synthetic: number; k: number };
}

function manifestOf({ imbalance, ratio, train, resampled }: Case): Manifest {
  return {
    options: { imbalance, smoteRatio: ratio },
    summary: { splits: { train }, resampled: { ...resampled, minorityLabel: 1 } },
    columns: { trainResampled: [{ name: 'y', type: 'int8', role: 'label' }] },
  } as unknown as Manifest;
}

describe('the resampling a manifest states', () => {
  it.each<[string, Case]>([
    // ceil(1 · 10) − 3 = 7 synthetic rows; k = min(3, 3 − 1).
    ['SMOTE to 1:1', { imbalance: 'smote', ratio: 1, train: [10, 3], resampled: r(20, 7, 2) }],
    // ceil(0.07 · 100) − 3 = 4 (in floating point 0.07 · 100 is 7.000000000000001).
    [
      'SMOTE to 0.07',
      { imbalance: 'smote', ratio: 0.07, train: [100, 3], resampled: r(107, 4, 2) },
    ],
    // One minority row: SMOTE is skipped.
    ['one minority row', { imbalance: 'smote', ratio: 1, train: [10, 1], resampled: r(11, 0, 0) }],
    // A ratio the minority meets already: none added.
    ['ratio met', { imbalance: 'smote', ratio: 0.2, train: [10, 3], resampled: r(13, 0, 0) }],
    // Class 0 the minority: 2 + 3 synthetic rows against 5.
    ['class 0 fewer', { imbalance: 'smote', ratio: 1, train: [2, 5], resampled: r(10, 3, 1) }],
    // ceil(3 / 0.5) = 6 majority rows kept of 10.
    [
      'undersampling',
      { imbalance: 'undersample', ratio: 0.5, train: [10, 3], resampled: r(9, 0, 0) },
    ],
    [
      'ratio 0 keeps all',
      { imbalance: 'undersample', ratio: 0, train: [10, 3], resampled: r(13, 0, 0) },
    ],
    ['none', { imbalance: 'none', ratio: 1, train: [10, 3], resampled: r(13, 0, 0) }],
  ])('passes what amlprep writes: %s', (_, c) => {
    expect(resampledProblem(manifestOf(c))).toBeNull();
  });

  it('names the first count that differs, with what the options give', () => {
    const c: Case = { imbalance: 'smote', ratio: 1, train: [10, 3], resampled: r(20, 7, 3) };
    expect(resampledProblem(manifestOf(c))).toBe(
      '"summary.resampled.k" is 3, but SMOTE to ratio 1 of the train split\'s 10/3 edges of ' +
        'class 0/1 give 2',
    );
  });
});

describe("train_resampled.arrow's classes", () => {
  const smote: Case = { imbalance: 'smote', ratio: 1, train: [10, 3], resampled: r(20, 7, 2) };

  function problemOf(labels: number[]): string | null {
    const counts = new ResampledCounts(manifestOf(smote));
    // Two batches, as a reader meets them.
    for (const part of [labels.slice(0, 8), labels.slice(8)]) {
      const batch = tableFromArrays({ y: Int8Array.from(part) }).batches[0]!;
      counts.add(batch);
    }
    return counts.problem();
  }

  it('passes 10 rows of each class after SMOTE to 1:1', () => {
    expect(problemOf([...Array(10).fill(0), ...Array(10).fill(1)])).toBeNull();
  });

  it('says how many rows of each class the file holds and the options give', () => {
    expect(problemOf([...Array(11).fill(0), ...Array(9).fill(1)])).toBe(
      "the file holds 11/9 rows of class 0/1, but SMOTE to ratio 1 of the train split's 10/3 " +
        'edges of class 0/1 give 10/10',
    );
  });
});

function r(rows: number, synthetic: number, k: number) {
  return { rows, synthetic, k };
}
