// Cost-sensitive class weights (SPEC §8) on the train split's labels.

export interface ClassWeights {
  readonly 0: number;
  readonly 1: number;
}

/** 100 when the minority count is under 10, 50 when under 100, else 10. */
export function costMultiplier(minorityCount: number): number {
  if (minorityCount < 10) return 100;
  if (minorityCount < 100) return 50;
  return 10;
}

export function classWeights(labels: readonly number[]): ClassWeights {
  const n1 = labels.filter((y) => y === 1).length;
  const n0 = labels.length - n1;
  if (n0 === 0 || n1 === 0) {
    throw new Error(
      `the train split has no rows of class ${n0 === 0 ? 0 : 1}: ` +
        'class weights need both classes',
    );
  }
  const multiplier = costMultiplier(Math.min(n0, n1));
  const n = labels.length;
  return { 0: (n / (2 * n0)) * multiplier, 1: (n / (2 * n1)) * multiplier };
}
