// SPEC §7: ceil(ratio · majority) − minority synthetic rows; undersampling keeps
// ceil(minority / ratio) majority rows at most. Trial X (session 22) found both one row off
// where floating point lands just above a whole number: 0.07 · 100 is 7.000000000000001.
import { describe, expect, it } from 'vitest';

import { majorityToKeep, syntheticRows } from '../../src/resample/ratio-counts.js';
import { ceilOfRatio } from '../reference/resample.js';

describe('the rows a resampling ratio asks for', () => {
  it.each([
    // ratio, minority, majority, by hand
    [0.07, 7, 100, 0], // ceil(7) − 7
    [0.14, 7, 100, 7], // ceil(14) − 7
    [1.1, 7, 100, 103], // ceil(110) − 7
    [0.55, 7, 100, 48], // ceil(55) − 7
    [1, 5, 8, 3],
    [0.5, 2, 7, 2], // ceil(3.5) − 2
    [0.0000001, 0, 10_000_000, 1], // 1e-7 · 10^7
    [0, 3, 9, -3],
    [-0.5, 3, 9, -7], // ceil(−4.5) − 3
  ])('SMOTE at ratio %d with %i minority and %i majority rows adds %i', (r, mi, ma, rows) => {
    expect(syntheticRows(r, mi, ma)).toBe(rows);
  });

  it.each([
    // ratio, minority, by hand
    [0.7, 21, 30], // ceil(30)
    [0.35, 21, 60],
    [1.4, 42, 30],
    [3, 10, 4], // ceil(3.33…)
    [0.3, 1, 4], // ceil(3.33…)
  ])('undersampling at ratio %d with %i minority rows keeps %i majority rows', (r, mi, rows) => {
    expect(majorityToKeep(r, mi)).toBe(rows);
  });

  it("agrees with the reference's integer arithmetic on every two-decimal ratio", () => {
    for (let k = 1; k <= 300; k++) {
      const ratio = Number((k / 100).toFixed(2));
      for (const [minority, majority] of [
        [7, 100],
        [21, 179],
        [42, 9_958],
      ] as const) {
        expect(syntheticRows(ratio, minority, majority)).toBe(
          ceilOfRatio(ratio, majority, 1) - minority,
        );
        expect(majorityToKeep(ratio, minority)).toBe(ceilOfRatio(1, minority, ratio));
      }
    }
  });
});
