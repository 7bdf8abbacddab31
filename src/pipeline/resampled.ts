import type { Matrix } from '../features/tables.js';

/** The resampled training set: model-input columns (column-major) and labels. */
export interface Resampled {
  x: Matrix;
  y: Int8Array;
  originalRows: number;
  syntheticRows: number;
  minorityLabel: number;
  minority: number;
  majority: number;
  k: number;
}
