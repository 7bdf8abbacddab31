import type { Matrix } from '../features/tables.js';
import type { SplitCuts } from '../features/split.js';

/** Fitted scaler of one matrix: per scaled column, in `cols` order. */
export interface ScalerStats {
  cols: number[];
  names: string[];
  mean: number[];
  std: number[];
  min: number[];
  max: number[];
  /** Rows the statistics were fitted on. */
  fitted: number;
}

/** What `normalized` produces; the z matrices are derived from the stats when needed. */
export interface Normalized {
  cuts: SplitCuts;
  split: Uint8Array;
  edge: ScalerStats;
  node: ScalerStats;
  edgeZ?: Matrix;
  nodeZ?: Matrix;
}
