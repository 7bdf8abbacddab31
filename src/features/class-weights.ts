import { MissingClassError } from '../errors.js';

/**
 * SPEC §8: balanced weights n / (2·count_c), both times a cost multiplier that grows as the
 * minority shrinks: 100 under 10 rows, 50 under 100, else 10.
 */
export function classWeights(labels: ArrayLike<number>): {
  weights: [number, number];
  multiplier: number;
} {
  let ones = 0;
  for (let i = 0; i < labels.length; i++) ones += labels[i] === 1 ? 1 : 0;
  const zeros = labels.length - ones;
  refuseMissingTrainClass(zeros, ones);
  return weightsOfCounts(zeros, ones);
}

/**
 * Stops a run whose train split lacks a class: `weights` cannot weigh it, and `imbalanced`
 * checks first, so that its SMOTE warning ("0 minority training rows") does not come before
 * the error that explains it (trial BB).
 */
export function refuseMissingTrainClass(zeros: number, ones: number): void {
  if (zeros > 0 && ones > 0) return;
  const n = zeros + ones;
  const missing = zeros === 0 ? 0 : 1;
  const what =
    n === 0 ? 'no rows' : `no rows of class ${missing} (${zeros} of class 0, ${ones} of class 1)`;
  throw new MissingClassError(
    `the train split has ${what}, so class weights cannot be computed; use more rows ` +
      '(--sample) or other --split shares',
  );
}

/** The weights of a train split of `zeros` and `ones` rows, both more than 0. */
export function weightsOfCounts(
  zeros: number,
  ones: number,
): { weights: [number, number]; multiplier: number } {
  const n = zeros + ones;
  const minority = Math.min(zeros, ones);
  const multiplier = minority < 10 ? 100 : minority < 100 ? 50 : 10;
  return {
    weights: [(n / (2 * zeros)) * multiplier, (n / (2 * ones)) * multiplier],
    multiplier,
  };
}
