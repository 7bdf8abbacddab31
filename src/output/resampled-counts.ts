import type { RecordBatch } from 'apache-arrow';

import { i8 } from '../export/batch-columns.js';
import { columnWithRole } from '../export/roles.js';
import { majorityKept, smoteNeighbours, syntheticRows } from '../resample/ratio-counts.js';
import type { Manifest } from './manifest.js';

/** What resampling the train split under the manifest's options gives (SPEC §7). */
interface Recipe {
  rows: number;
  synthetic: number;
  k: number;
  /** Rows of class 0 and of class 1. */
  classes: [number, number];
  /** Said of the figures: "SMOTE to ratio 1 of the train split's 3/2 edges of class 0/1". */
  how: string;
}

const IMBALANCE = ['smote', 'undersample', 'none'];

/**
 * Why the options resampling depends on cannot be read, or null. A problem of the manifest's
 * shape, which every reader refuses (`manifestShapeProblem`).
 */
export function resamplingOptionsProblem(manifest: Manifest): string | null {
  const { imbalance, smoteRatio: ratio } = manifest.options as Record<string, unknown>;
  // Not named `options.imbalance`, which the CLI would print as the flag --imbalance.
  if (typeof imbalance !== 'string' || !IMBALANCE.includes(imbalance)) {
    const known = IMBALANCE.join(', ');
    return `the options record the imbalance ${JSON.stringify(imbalance ?? null)}, not ${known}`;
  }
  // Written null with `none`, which reads no ratio; older runs wrote the one given.
  if (imbalance === 'none' && ratio === null) return null;
  if (typeof ratio !== 'number' || !Number.isFinite(ratio)) {
    return `the options record the SMOTE ratio ${JSON.stringify(ratio ?? null)}, not a number`;
  }
  return null;
}

/**
 * The resampled rows `options.imbalance` and `options.smoteRatio` make of the train split's
 * counts, or null when the options cannot be read (refused as the manifest's shape). Trial
 * Z: `summary.resampled.synthetic` and `k`, and the options, edited alone, were handed on
 * beside a train_resampled.arrow they did not describe.
 */
function recipeOf(manifest: Manifest): Recipe | null {
  if (resamplingOptionsProblem(manifest) !== null) return null;
  const { imbalance, smoteRatio } = manifest.options as {
    imbalance: string;
    smoteRatio: number | null;
  };
  const ratio = smoteRatio ?? 0;

  const train = manifest.summary.splits.train;
  const label = train[1] <= train[0] ? 1 : 0;
  const minority = train[label];
  const majority = train[1 - label]!;
  const counted = `the train split's ${train[0]}/${train[1]} edges of class 0/1`;
  const classes = (kept: number, synthetic = 0): [number, number] =>
    label === 1 ? [kept, minority + synthetic] : [minority + synthetic, kept];

  if (imbalance === 'undersample') {
    const kept = majorityKept(ratio, minority, majority);
    const how = `undersampling to ratio ${ratio} of ${counted}`;
    return { rows: minority + kept, synthetic: 0, k: 0, classes: classes(kept), how };
  }
  const wanted = imbalance === 'smote' && minority >= 2;
  const synthetic = wanted ? Math.max(0, syntheticRows(ratio, minority, majority)) : 0;
  const k = synthetic > 0 ? smoteNeighbours(minority) : 0;
  const how =
    imbalance === 'smote'
      ? `SMOTE to ratio ${ratio} of ${counted}`
      : `${counted} without resampling`;
  const rows = minority + majority + synthetic;
  return { rows, synthetic, k, classes: classes(majority, synthetic), how };
}

/** How `summary.resampled` differs from what the options make of the train split, or null. */
export function resampledProblem(manifest: Manifest): string | null {
  const recipe = recipeOf(manifest);
  if (recipe === null) return null;
  const stated = manifest.summary.resampled;
  for (const key of ['synthetic', 'k', 'rows'] as const) {
    if (stated[key] !== recipe[key]) {
      return `"summary.resampled.${key}" is ${stated[key]}, but ${recipe.how} give ${recipe[key]}`;
    }
  }
  return null;
}

/**
 * train_resampled.arrow's rows of each class against what the manifest's options make of the
 * train split, as a reader reads the file batch by batch.
 */
export class ResampledCounts {
  readonly #label: string;
  readonly #recipe: Recipe | null;
  readonly #seen: [number, number] = [0, 0];

  constructor(manifest: Manifest) {
    this.#label = columnWithRole(manifest, 'trainResampled', 'label');
    this.#recipe = recipeOf(manifest);
  }

  add(batch: RecordBatch): void {
    const y = i8(batch, this.#label);
    let ones = 0;
    for (let i = 0; i < y.length; i++) ones += y[i] === 1 ? 1 : 0;
    this.#seen[0] += y.length - ones;
    this.#seen[1] += ones;
  }

  problem(): string | null {
    const recipe = this.#recipe;
    if (recipe === null) return null;
    const [zeros, ones] = this.#seen;
    if (zeros === recipe.classes[0] && ones === recipe.classes[1]) return null;
    return (
      `the file holds ${zeros}/${ones} rows of class 0/1, but ${recipe.how} give ` +
      `${recipe.classes[0]}/${recipe.classes[1]}`
    );
  }
}
