import type { SmoteInput } from '../resample/smote.js';

/**
 * The resampled training set, as the recipe for its rows rather than the rows themselves:
 * at HI-Small scale the rows are 6 M × 20 float64 (about 1 GB), which the output writer
 * produces batch by batch instead. Row i < rows.length is model input of edge `rows[i]`; row
 * rows.length + s is synthetic row s of SMOTE (SPEC §7), a pure function of `smote`.
 */
export interface Resampled {
  /** Edge rows of the kept training rows, in output order. */
  rows: Int32Array;
  /** Labels of every output row: the kept rows' labels, then the synthetic rows'. */
  y: Int8Array;
  /** What generates the synthetic rows; null when there are none. */
  smote: SmoteInput | null;
  originalRows: number;
  syntheticRows: number;
  minorityLabel: number;
  minority: number;
  majority: number;
  k: number;
}

/** Rows of the resampled training set. */
export function resampledRows(r: Resampled): number {
  return r.rows.length + r.syntheticRows;
}
