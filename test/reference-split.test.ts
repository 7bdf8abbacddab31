// Temporal split (SPEC §6, §12): cut days chosen exactly over daily counts.
import { describe, expect, it } from 'vitest';
import { rowOf, tiny, transactionsCsv, txLine, values } from './reference/fixtures.js';
import { chooseCuts, decimalRatio } from './reference/split.js';
import { prepareReference } from './reference/spec-reference.js';

const DEFAULT = [0.6, 0.2, 0.2];

describe('choosing cut days', () => {
  it('finds the cuts that hit the targets exactly', () => {
    // [3, 1, 1]: i = 1, j = 2 gives 3/5, 1/5, 1/5.
    expect(chooseCuts([3, 1, 1], DEFAULT)).toEqual([1, 2]);
  });

  it('minimises the largest relative error, not the train error', () => {
    // [1, 1, 1]: (1, 2) gives 1/3 each: errors 4/9, 2/3, 2/3 → 2/3.
    // (2, 3) gives 2/3, 1/3, 0: errors 1/9, 2/3, 1 → 1. (3, 3): 2/3, 1, 1 → 1.
    expect(chooseCuts([1, 1, 1], DEFAULT)).toEqual([1, 2]);
  });

  it('puts everything in train when no cut does better', () => {
    // [5, 5]: (2, 2) → errors 2/3, 1, 1 → 1; (1, 1) → 1/6, 1, 3/2; (1, 2) → 1/6, 3/2, 1;
    // (0, 1) → 1, 3/2, 3/2. Only (2, 2) reaches 1.
    expect(chooseCuts([5, 5], DEFAULT)).toEqual([2, 2]);
    // A single day: (1, 1) → 2/3, 1, 1 beats (0, 0) and (0, 1), which err by 4.
    expect(chooseCuts([99], DEFAULT)).toEqual([1, 1]);
  });

  it('takes the smallest (i, j) when an empty day makes cuts tie', () => {
    // [6, 2, 0, 2]: (1, 2) and (1, 3) both give 6, 2, 2 exactly.
    expect(chooseCuts([6, 2, 0, 2], DEFAULT)).toEqual([1, 2]);
    // [3, 0, 1, 1]: (1, 3) and (2, 3) both give 3, 1, 1 exactly.
    expect(chooseCuts([3, 0, 1, 1], DEFAULT)).toEqual([1, 3]);
  });

  it('takes the smallest (i, j) when different cuts tie on the worst error', () => {
    // [6, 1, 1, 1], N = 9. (1, 2): 6, 1, 2 → errors 1/9, 4/9, 1/9 → 4/9.
    // (1, 3): 6, 2, 1 → 1/9, 1/9, 4/9 → 4/9. (2, 3): 7, 1, 1 → 8/27, 4/9, 4/9 → 4/9.
    // Nothing does better: i = 3 makes train 8/9 (13/27 > 4/9); i ≤ 1 leaves train ≤ 6.
    expect(chooseCuts([6, 1, 1, 1], DEFAULT)).toEqual([1, 2]);
  });

  it('reads the target shares as the decimals written', () => {
    expect(decimalRatio(0.6)).toEqual({ p: 6n, q: 10n });
    expect(decimalRatio(1e-7)).toEqual({ p: 1n, q: 10_000_000n });
    // [7, 3, 0]: with shares 0.7 / 0.3 / … the first cut lands after day 0.
    expect(chooseCuts([7, 2, 1], [0.7, 0.2, 0.1])).toEqual([1, 2]);
  });

  it('ties on decimals where doubles would not, and then takes the smallest (i, j)', () => {
    // [4, 4, 4, 4, 4] with 0.5 / 0.3 / 0.2: (2, 4) gives 8, 8, 4 → errors 1/5, 1/3, 0;
    // (3, 4) gives 12, 4, 4 → 1/5, 1/3, 0. With the double nearest 0.3 (just below it),
    // |0.2 − 0.3| would come out smaller than |0.4 − 0.3| and pick (3, 4).
    expect(chooseCuts([4, 4, 4, 4, 4], [0.5, 0.3, 0.2])).toEqual([2, 4]);
  });
});

describe('split labels', () => {
  it('labels rows by day, counting empty days from the earliest UTC day', () => {
    // features.csv days: 09/01 (1 row), 09/02 empty, 09/03 (1), 09/04 (2), 09/05 (2).
    // (3, 4) gives 2, 2, 2: errors 4/9, 2/3, 2/3; every other cut errs by 1 or more.
    const r = prepareReference({ transactions: tiny('features.csv') });
    expect(r.splitCuts).toEqual([3, 4]);
    expect(values(r.edges, 'split')).toEqual([
      'train',
      'train',
      'validation',
      'validation',
      'test',
      'test',
    ]);
  });

  it('cuts at UTC midnight', () => {
    const r = prepareReference({
      transactions: transactionsCsv([
        txLine('2022/09/01 23:59', '1/P', '2/Q', '1'),
        txLine('2022/09/01 23:59:59', '1/P', '2/Q', '1'),
        txLine('2022/09/01 00:00', '1/P', '2/Q', '1'),
        txLine('2022/09/02 00:00', '1/P', '2/Q', '1'),
        txLine('2022/09/03 00:00', '1/P', '2/Q', '1'),
      ]),
    });
    // Days [3, 1, 1] → (1, 2).
    expect(values(r.edges, 'split')).toEqual(['train', 'train', 'train', 'validation', 'test']);
    expect(rowOf(r.edges, 3)['time']).toBe(86400);
  });
});
