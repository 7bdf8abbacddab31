// Class imbalance (SPEC §7) under the deterministic randomness contract.
import { describe, expect, it } from 'vitest';
import { EDGE_FEATURES, EDGE_SCALED, modelColumn } from './reference/names.js';
import { hash32, uniform } from './reference/random.js';
import { neighbours, smote, splitClasses, undersample } from './reference/resample.js';
import type { Row } from './reference/table.js';

const SCALED = EDGE_SCALED.map((f) => `${f}_z`);
const UNSCALED = EDGE_FEATURES.filter((f) => modelColumn(f) === f);

/** A train row: hour_sin_z = x, other scaled columns 0, every code = `code`. */
function trainRow(x: number, y: number, code: number): Row {
  const row: Row = {};
  for (const c of SCALED) row[c] = 0;
  for (const c of UNSCALED) row[c] = code;
  row['hour_sin_z'] = x;
  row['y'] = y;
  return row;
}

const num = (row: Row | undefined, c: string): number => row?.[c] as number;
const majority = (count: number): Row[] =>
  Array.from({ length: count }, (_, i) => trainRow(100 + i, 0, 90 + i));

// Minority rows at hour_sin_z = 0, 1, 3, 3, 10 (two exact duplicates at 3).
const MINORITY = [0, 1, 3, 3, 10].map((x, i) => trainRow(x, 1, i));

describe('the randomness contract', () => {
  it('mixes like a BigInt evaluation of the same steps', () => {
    const mul = (a: number, b: number): number => Number((BigInt(a) * BigInt(b)) % 2n ** 32n);
    const slow = (x: number): number => {
      let a = x >>> 0;
      a = (a ^ (a >>> 16)) >>> 0;
      a = mul(a, 0x7feb352d);
      a = (a ^ (a >>> 15)) >>> 0;
      a = mul(a, 0x846ca68b);
      return (a ^ (a >>> 16)) >>> 0;
    };
    expect(hash32(0)).toBe(0);
    for (const x of [1, 42, 0x9e3779b9, 0xffffffff, 123_456_789]) expect(hash32(x)).toBe(slow(x));
  });

  it('gives numbers in [0, 1) that depend on seed, s and t', () => {
    const u = [uniform(42, 0, 0), uniform(42, 0, 1), uniform(42, 1, 0), uniform(7, 0, 0)];
    for (const x of u) expect(x >= 0 && x < 1).toBe(true);
    expect(new Set(u).size).toBe(4);
    expect(uniform(42, 5, 2)).toBe(uniform(42, 5, 2));
  });
});

describe('minority class', () => {
  it('is the class with fewer train rows, class 1 on a tie', () => {
    expect(
      splitClasses([trainRow(0, 0, 0), trainRow(0, 1, 0), trainRow(0, 1, 0)]).minorityLabel,
    ).toBe(0);
    expect(splitClasses([trainRow(0, 0, 0), trainRow(0, 1, 0)]).minorityLabel).toBe(1);
  });
});

describe('SMOTE neighbours', () => {
  it('takes the 3 nearest by index, duplicates at distance 0, ties to the smaller index', () => {
    // From 0: 1 (d 1), 2 and 3 (d 3, tie → 2 first), 4 (d 10).
    // From 1: 0 (1), 2 and 3 (2). From 2: its duplicate 3 (0), 1 (2), 0 (3).
    // From 3: 2 (0), 1, 0. From 4: 2 and 3 (7), then 1 (9).
    expect(neighbours(MINORITY, 3)).toEqual([
      [1, 2, 3],
      [0, 2, 3],
      [3, 1, 0],
      [2, 1, 0],
      [2, 3, 1],
    ]);
  });

  it('uses k = m − 1 when there are fewer than 4 minority rows', () => {
    // m = 3 → k = 2: every row's two others.
    const three = [...majority(5), ...MINORITY.slice(0, 3)];
    const out = smote(three, { imbalance: 'smote', ratio: 1, seed: 42 });
    const rows = MINORITY.slice(0, 3);
    expect(neighbours(rows, 2)).toEqual([
      [1, 2],
      [0, 2],
      [1, 0],
    ]);
    expect(out).toHaveLength(8 + 2);
  });
});

describe('SMOTE rows', () => {
  const train = [...majority(10), ...MINORITY];
  const out = smote(train, { imbalance: 'smote', ratio: 1, seed: 42 });
  const synthetic = out.slice(train.length);

  it('keeps the train rows first and adds ceil(ratio · majority) − minority rows', () => {
    expect(out.slice(0, train.length)).toEqual(train);
    expect(synthetic).toHaveLength(10 - 5);
    expect(smote(train, { imbalance: 'smote', ratio: 0.8, seed: 42 })).toHaveLength(15 + 3);
    expect(smote(train, { imbalance: 'smote', ratio: 0.5, seed: 42 })).toHaveLength(15);
  });

  it('interpolates scaled columns and copies whole codes from one side', () => {
    const nn = neighbours(MINORITY, 3);
    synthetic.forEach((row, s) => {
      const base = Math.floor(uniform(42, s, 0) * 5);
      const partner = nn[base]?.[Math.floor(uniform(42, s, 1) * 3)] as number;
      const g = uniform(42, s, 2);
      const x = num(MINORITY[base], 'hour_sin_z');
      const xn = num(MINORITY[partner], 'hour_sin_z');
      expect(row['hour_sin_z']).toBe(x + g * (xn - x));
      expect(row['y']).toBe(1);
      // Codes were set to the minority row's index: whole, and from one side only.
      for (const c of UNSCALED) expect(row[c]).toBe(g < 0.5 ? base : partner);
    });
  });

  it('adds nothing when the minority class has fewer than 2 rows', () => {
    const one = [...majority(4), trainRow(0, 1, 0)];
    expect(smote(one, { imbalance: 'smote', ratio: 1, seed: 42 })).toEqual(one);
  });

  it('turns to class 0 when it is the smaller one', () => {
    const flipped = [...majority(2), ...MINORITY];
    const rows = smote(flipped, { imbalance: 'smote', ratio: 1, seed: 42 }).slice(7);
    // Two class-0 rows, five class-1 rows → 3 synthetic class-0 rows between rows 0 and 1.
    expect(rows.map((r) => r['y'])).toEqual([0, 0, 0]);
    for (const r of rows) expect(num(r, 'hour_sin_z')).toBeGreaterThanOrEqual(100);
  });
});

describe('undersampling', () => {
  it('keeps every minority row and the ceil(m / ratio) majority rows drawn lowest', () => {
    const train = [...majority(10), ...MINORITY];
    const kept = undersample(train, { imbalance: 'undersample', ratio: 1, seed: 42 });
    const draws = Array.from({ length: 10 }, (_, r) => ({ r, u: uniform(42, r, 7) }))
      .sort((a, b) => a.u - b.u)
      .slice(0, 5)
      .map((d) => d.r)
      .sort((a, b) => a - b);
    expect(kept).toEqual([...draws.map((r) => train[r]), ...MINORITY]);
    // ratio 0.5 → ceil(5 / 0.5) = 10: all majority rows.
    expect(undersample(train, { imbalance: 'undersample', ratio: 0.5, seed: 42 })).toEqual(train);
  });
});
