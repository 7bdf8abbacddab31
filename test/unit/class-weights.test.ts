// SPEC §8: balanced weight_c = n / (2 · count_c), times 100 when the minority count is under
// 10, 50 under 100, else 10; a class with no rows is an error explained to the user.
import { describe, expect, it } from 'vitest';

import { classWeights } from '../../src/features/class-weights.js';
import { AmlprepError, MissingClassError } from '../../src/errors.js';

function labels(zeros: number, ones: number): Uint8Array {
  const out = new Uint8Array(zeros + ones);
  // Interleave so the count, not the position, decides.
  for (let k = 0; k < ones; k++) out[Math.floor((k * out.length) / ones)] = 1;
  return out;
}

describe('classWeights', () => {
  it.each([
    // minority ones, majority = 3 × minority: n = 4m, w1 = 4m / 2m = 2, w0 = 4m / 6m = 2/3.
    [9, 100],
    [10, 50],
    [99, 50],
    [100, 10],
  ])('uses multiplier at minority count %i → %i', (minority, multiplier) => {
    const result = classWeights(labels(3 * minority, minority));
    expect(result.multiplier).toBe(multiplier);
    expect(result.weights[1]).toBe(2 * multiplier);
    expect(result.weights[0]).toBeCloseTo((2 / 3) * multiplier, 12);
  });

  it('treats class 0 as the minority when it has fewer rows', () => {
    // 9 zeros, 27 ones: n = 36, w0 = 36 / 18 = 2, w1 = 36 / 54 = 2/3, both × 100.
    const result = classWeights(labels(27, 9).map((y) => 1 - y));
    expect(result.multiplier).toBe(100);
    expect(result.weights[0]).toBe(200);
    expect(result.weights[1]).toBeCloseTo(200 / 3, 12);
  });

  it('gives equal classes weight 1 times the multiplier', () => {
    // 150 and 150: n / (2 · 150) = 1, minority 150 ≥ 100 → × 10.
    expect(classWeights(labels(150, 150))).toEqual({ weights: [10, 10], multiplier: 10 });
  });

  it('reads plain arrays of labels', () => {
    // [0, 0, 0, 1]: n = 4, w0 = 4 / 6 · 100, w1 = 4 / 2 · 100 = 200.
    const result = classWeights([0, 0, 0, 1]);
    expect(result.weights[1]).toBe(200);
    expect(result.weights[0]).toBeCloseTo(400 / 6, 12);
  });

  it.each([
    ['only class 0', [0, 0, 0]],
    ['only class 1', [1, 1]],
    ['no rows', []],
  ])('throws MissingClassError for %s', (_what, ys) => {
    let caught: unknown;
    try {
      classWeights(ys);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MissingClassError);
    expect(caught).toBeInstanceOf(AmlprepError);
    const error = caught as MissingClassError;
    expect(error.code).toBe('ERR_AMLPREP_NO_CLASS');
    expect(error.userFacing).toBe(true);
    expect(error.message).toMatch(/class/);
  });

  it('names the missing class in its message', () => {
    expect(() => classWeights([0, 0])).toThrow(/class 1/);
    expect(() => classWeights([1])).toThrow(/class 0/);
  });
});
