// SPEC §6, §12: two cut days (i ≤ j) over whole UTC days minimising the largest relative
// error |share_k − target_k| / target_k, compared exactly; ties go to the smallest (i, j).
import { describe, expect, it } from 'vitest';

import { chooseCuts, splitCodes } from '../../src/features/split.js';

const SEP1 = Date.UTC(2022, 8, 1) / 1000;
const DEFAULT = ['0.6', '0.2', '0.2'];

/** Rows for the given daily counts, at varied hours and in reverse time order. */
function rowsFor(counts: number[], origin = SEP1): Float64Array {
  const ts: number[] = [];
  counts.forEach((c, d) => {
    for (let k = 0; k < c; k++) ts.push(origin + d * 86_400 + ((k * 7919) % 86_400));
  });
  return Float64Array.from(ts.reverse());
}

function cuts(counts: number[], shares = DEFAULT): [number, number] {
  const ts = rowsFor(counts);
  const c = chooseCuts(ts, ts.length, shares);
  return [c.i, c.j];
}

/**
 * Second implementation: targets as integer parts of `den`; every (i, j) scored by its worst
 * |n_k·den − p_k·N| / (p_k·N) as an exact fraction; strictly better replaces.
 */
function referenceCuts(counts: number[], parts: bigint[], den: bigint): [number, number] {
  const n = BigInt(counts.reduce((a, b) => a + b, 0));
  const prefix = [0n];
  for (const c of counts) prefix.push(prefix.at(-1)! + BigInt(c));
  let best: [number, number, bigint, bigint] | null = null;
  for (let i = 0; i <= counts.length; i++) {
    for (let j = i; j <= counts.length; j++) {
      const got = [prefix[i]!, prefix[j]! - prefix[i]!, n - prefix[j]!];
      let p = 0n;
      let q = 1n;
      got.forEach((g, k) => {
        const diff = g * den - parts[k]! * n;
        const ep = diff < 0n ? -diff : diff;
        const eq = parts[k]! * n;
        if (ep * q > p * eq) [p, q] = [ep, eq];
      });
      if (best === null || p * best[3] < best[2] * q) best = [i, j, p, q];
    }
  }
  return [best![0], best![1]];
}

describe('chooseCuts', () => {
  it('scores every (i, j) by its largest relative error on a small case', () => {
    // Daily counts [1, 2, 1], N = 4, targets 0.6 / 0.2 / 0.2. Prefixes 0, 1, 3, 4.
    // Train error |n/4 − 0.6| / 0.6: n = 0 → 1, 1 → 7/12, 3 → 1/4, 4 → 2/3.
    // Validation/test error |n/4 − 0.2| / 0.2: 0 → 1, 1 → 1/4, 2 → 3/2, 3 → 11/4, 4 → 4
    //   (0,0) 0,0,4 → 4      (0,1) 0,1,3 → 11/4   (0,2) 0,3,1 → 11/4   (0,3) 0,4,0 → 4
    //   (1,1) 1,0,3 → 11/4   (1,2) 1,2,1 → 3/2    (1,3) 1,3,0 → 11/4
    //   (2,2) 3,0,1 → 1      (2,3) 3,1,0 → 1      (3,3) 4,0,0 → 1
    // The least worst error is 1, at (2,2), (2,3) and (3,3): the smallest is (2,2).
    expect(cuts([1, 2, 1])).toEqual([2, 2]);
  });

  it('hits exact targets when the days allow it', () => {
    // [3, 1, 1]: (1, 2) gives 3/5, 1/5, 1/5 exactly.
    expect(cuts([3, 1, 1])).toEqual([1, 2]);
    // [14, 3, 3] with 0.7 / 0.15 / 0.15: 14/20, 3/20, 3/20 exactly.
    expect(cuts([14, 3, 3], ['0.7', '0.15', '0.15'])).toEqual([1, 2]);
  });

  it('breaks an exact tie that floating point would break the other way', () => {
    // [13, 2, 2, 3], N = 20, targets 0.7 / 0.15 / 0.15 (14, 3, 3 rows). Prefixes 0,13,15,17,20.
    // Test error |c − 3| / 3 is 0 only at j = 3; every j ≠ 3 errs by ≥ 2/3.
    //   (1,3): 13, 4, 3 → 1/14, 1/3 (4 rows vs 3), 0 → 1/3
    //   (2,3): 15, 2, 3 → 1/14, 1/3 (2 rows vs 3), 0 → 1/3
    //   (0,3) and (3,3) leave train or validation empty → 1.
    // Exactly equal, so (1,3) wins. In doubles |0.2 − 0.15| / 0.15 = 0.3333333333333335 and
    // |0.1 − 0.15| / 0.15 = 0.33333333333333326, which would wrongly pick (2,3).
    expect(Math.abs(0.2 - 0.15) / 0.15).toBeGreaterThan(Math.abs(0.1 - 0.15) / 0.15);
    expect(cuts([13, 2, 2, 3], ['0.7', '0.15', '0.15'])).toEqual([1, 3]);
  });

  it('counts empty days in the middle as days', () => {
    // [3, 0, 0, 1, 1]: (1,4), (2,4), (3,4) all give 3, 1, 1 exactly; the smallest is (1,4).
    const ts = rowsFor([3, 0, 0, 1, 1]);
    const c = chooseCuts(ts, ts.length, DEFAULT);
    // Days 0, 3 and 4 have rows: three of the five.
    expect(c).toEqual({ i: 1, j: 4, days: 5, firstDay: SEP1 / 86_400, daysWithRows: 3 });
    // Rows were written in reverse: the last day's row first.
    expect([...splitCodes(ts, ts.length, c)]).toEqual([2, 1, 0, 0, 0]);
  });

  it('counts days from the earliest UTC day, before 1970 too', () => {
    // 1969-12-31 23:00 is day −1; 1970-01-01 01:00 is day 0; 1970-01-03 00:00 is day 2.
    // From day −1 the counts are [1, 1, 0, 1] (4 days), N = 3, prefixes 0, 1, 2, 2, 3.
    // Train error: 1 row → 4/9, 2 rows → 1/9, 3 → 2/3, 0 → 1; validation/test: 1 row →
    // 2/3, 2 rows → 7/3, 0 → 1. (1,2) and (1,3) both give 1, 1, 1 → 2/3; any i ≥ 2 leaves an
    // empty validation or test split (→ 1), i = 0 an empty train (→ 1). So (1, 2).
    const ts = Float64Array.from([3600, -3600, 2 * 86_400]);
    const c = chooseCuts(ts, 3, DEFAULT);
    expect(c).toEqual({ i: 1, j: 2, days: 4, firstDay: -1, daysWithRows: 3 });
    expect([...splitCodes(ts, 3, c)]).toEqual([1, 0, 2]);
  });

  it('only reads the first `rows` timestamps', () => {
    const ts = Float64Array.from([SEP1, SEP1 + 86_400, SEP1 + 2 * 86_400, 0]);
    expect(chooseCuts(ts, 3, DEFAULT)).toMatchObject({ days: 3, firstDay: SEP1 / 86_400 });
  });

  it('agrees with an exact reference on random daily counts', () => {
    const shareSets: [string[], bigint[], bigint][] = [
      [['0.6', '0.2', '0.2'], [6n, 2n, 2n], 10n],
      [['0.7', '0.15', '0.15'], [70n, 15n, 15n], 100n],
      [['0.8', '0.1', '0.1'], [8n, 1n, 1n], 10n],
      [['0.5', '0.25', '0.25'], [50n, 25n, 25n], 100n],
      [['0.34', '0.33', '0.33'], [34n, 33n, 33n], 100n],
    ];
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4_294_967_296;
    const wrong: string[] = [];
    for (let n = 0; n < 600; n++) {
      const days = 1 + Math.floor(next() * 8);
      const counts = Array.from({ length: days }, () => Math.floor(next() * 5));
      counts[0] = Math.max(1, counts[0]!);
      counts[days - 1] = Math.max(1, counts[days - 1]!);
      const [shares, parts, den] = shareSets[n % shareSets.length]!;
      const got = cuts(counts, shares);
      const want = referenceCuts(counts, parts, den);
      if (got[0] !== want[0] || got[1] !== want[1]) {
        wrong.push(`${counts.join(',')} ${shares.join(',')}: ${got} vs ${want}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('finds the cuts when a stray row makes the span longer than 2^16 days', () => {
    // Daily counts [3, 1, 0, 2] and one row 70,000 days after the first (a year-2214 typo):
    // counted by Map past 2^16 days, by array below. N = 7; the candidate cuts are days 0, 1,
    // 2, 4 and 70,001, with 0, 3, 4, 6 and 7 rows before them. Cutting at (2, 4) gives
    // 4 / 2 / 1 rows, errors 1/21, 3/7 and 2/7; every other pair has an error of at least 1.
    const near = rowsFor([3, 1, 0, 2, 1]);
    const far = Float64Array.from(near);
    // rowsFor reverses: the last day's row comes first.
    far[0] = far[0]! + (70_000 - 4) * 86_400;

    const got = chooseCuts(far, far.length, DEFAULT);

    expect(got.days).toBe(70_001);
    expect([got.i, got.j]).toEqual([2, 4]);
    expect(cuts([3, 1, 0, 2, 1])).toEqual([2, 4]);
  });
});
