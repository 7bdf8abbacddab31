// z-scores (SPEC §6, §12): edge statistics from the train split only.
import { describe, expect, it } from 'vitest';
import { rowOf, transactionsCsv, txLine, values } from './reference/fixtures.js';
import { fitColumn } from './reference/scale.js';
import { prepareReference } from './reference/spec-reference.js';

// Five days, one row a day at 00:00 → split (3, 4): train rows 0–2.
// Paid 10 on train days, 20 and 30 afterwards.
const r = prepareReference({
  transactions: transactionsCsv([
    txLine('2022/09/01 00:00', '1/P', '2/Q', '10'),
    txLine('2022/09/02 00:00', '1/P', '2/Q', '10'),
    txLine('2022/09/03 00:00', '1/P', '2/Q', '10'),
    txLine('2022/09/04 00:00', '1/P', '2/Q', '20'),
    txLine('2022/09/05 00:00', '1/P', '2/Q', '30'),
  ]),
});

describe('edge z-scores', () => {
  it('fits mean and population std on the train rows only', () => {
    // time on train: 0, 86400, 172800 → mean 86400, std 86400·√(2/3).
    // Row 4: (345600 − 86400) / (86400·√(2/3)) = 3 / √(2/3) = 3·√1.5.
    expect(values(r.edges, 'split')).toEqual(['train', 'train', 'train', 'validation', 'test']);
    expect(rowOf(r.edges, 4)['time_z']).toBeCloseTo(3 * Math.sqrt(1.5), 12);
    expect(rowOf(r.edges, 0)['time_z']).toBeCloseTo(-Math.sqrt(1.5), 12);
    expect(r.scaler.edges['time']?.mean).toBe(86400);
  });

  it('scales a column that is constant on train to exactly 0 there, by a std of 1', () => {
    // amount_paid_log is ln 11 on every train row → mean ln 11, std 1.
    expect(values(r.edges, 'amount_paid_log_z').slice(0, 3)).toEqual([0, 0, 0]);
    expect(rowOf(r.edges, 3)['amount_paid_log_z']).toBeCloseTo(Math.log(21 / 11), 12);
    expect(rowOf(r.edges, 4)['amount_paid_log_z']).toBeCloseTo(Math.log(31 / 11), 12);
  });

  it('leaves codes, flags and ports unscaled', () => {
    for (const c of [
      'currency',
      'format',
      'bank',
      'received_currency',
      'is_self_transfer',
      'is_cross_currency',
      'in_port',
      'out_port',
    ]) {
      expect(r.edges.columns).not.toContain(`${c}_z`);
    }
    expect(r.edges.columns.filter((c) => c.endsWith('_z'))).toHaveLength(12);
  });
});

describe('fitting one column', () => {
  it('uses the common value as mean when all values are equal', () => {
    // 0.1 + 0.1 + 0.1 = 0.30000000000000004, so a summed mean would miss 0.1.
    expect(fitColumn([0.1, 0.1, 0.1])).toEqual({ mean: 0.1, std: 1 });
  });

  it('uses ddof 0', () => {
    // 1, 3: mean 2, deviations ±1 → variance 1 (ddof 1 would give 2).
    expect(fitColumn([1, 3])).toEqual({ mean: 2, std: 1 });
    expect(fitColumn([0, 4])).toEqual({ mean: 2, std: 2 });
  });
});
