// Class weights (SPEC §8): balanced weights times a cost multiplier.
import { describe, expect, it } from 'vitest';
import { classWeights, costMultiplier } from './reference/weights.js';

const labels = (zeros: number, ones: number): number[] => [
  ...new Array<number>(zeros).fill(0),
  ...new Array<number>(ones).fill(1),
];

describe('class weights', () => {
  it('switches the multiplier at minority counts 10 and 100', () => {
    expect([9, 10, 99, 100].map(costMultiplier)).toEqual([100, 50, 50, 10]);
  });

  it('multiplies the balanced weights n / (2 · count)', () => {
    // 91 + 9 = 100 rows: 100 / 182 and 100 / 18, times 100.
    expect(classWeights(labels(91, 9))).toEqual({ 0: (100 / 182) * 100, 1: (100 / 18) * 100 });
    // 90 + 10: 100 / 180 and 100 / 20 = 5, times 50.
    expect(classWeights(labels(90, 10))).toEqual({ 0: (100 / 180) * 50, 1: 250 });
    // 99 + 101 = 200: the minority is class 0 with 99 → 50.
    expect(classWeights(labels(99, 101))).toEqual({ 0: (200 / 198) * 50, 1: (200 / 202) * 50 });
    // 100 + 300 = 400: 400 / 200 = 2 and 400 / 600, times 10.
    expect(classWeights(labels(100, 300))).toEqual({ 0: 20, 1: (400 / 600) * 10 });
  });

  it('refuses a train split without one of the classes', () => {
    expect(() => classWeights(labels(5, 0))).toThrow(/no rows of class 1/);
    expect(() => classWeights(labels(0, 5))).toThrow(/no rows of class 0/);
  });
});
