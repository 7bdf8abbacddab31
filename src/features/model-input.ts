import type { ScalerStats } from '../pipeline/normalized.js';
import { EDGE_FEATURES, isScaled } from './definitions.js';
import type { Matrix } from './tables.js';
import { column } from './tables.js';

/** Model-input columns: the z-score for scaled features, the raw value for codes and flags. */
export const MODEL_COLUMNS = Object.freeze(
  EDGE_FEATURES.map((f) => (isScaled(f) ? `${f.name}_z` : f.name)),
);

export const MODEL_SCALED = Uint8Array.from(EDGE_FEATURES.map((f) => (isScaled(f) ? 1 : 0)));

/**
 * How to read one model-input column from the raw edge matrix: the raw column, and for a
 * scaled feature the scaler's mean and std (0 and 1 otherwise). Plain data, so it can be sent
 * to a worker thread with the shared column.
 */
export interface ModelColumn {
  values: Float64Array;
  scaled: boolean;
  mean: number;
  std: number;
}

/**
 * The model-input columns in MODEL_COLUMNS order, read through the fitted edge scaler. With
 * no matrix (a streamed run, whose edge matrix is on disk) `values` are empty, and callers
 * read raw values from the spill and scale them with `scaledValue`.
 */
export function modelColumns(raw: Matrix | null, stats: ScalerStats): ModelColumn[] {
  return EDGE_FEATURES.map((_, c) => {
    const j = stats.cols.indexOf(c);
    const values = raw === null ? new Float64Array(0) : column(raw, c);
    if (j < 0) return { values, scaled: false, mean: 0, std: 1 };
    return { values, scaled: true, mean: stats.mean[j]!, std: stats.std[j]! };
  });
}

/**
 * Row `r` of a model-input column: `(x - mean) / std`, the expression the output files use
 * for `<name>_z`, so a value is the same bits wherever it is computed.
 */
export function modelValue(c: ModelColumn, r: number): number {
  return scaledValue(c, c.values[r] as number);
}

/** A raw value `x` of column `c` as model input: the one expression every path uses. */
export function scaledValue(c: ModelColumn, x: number): number {
  return c.scaled ? (x - c.mean) / c.std : x;
}
