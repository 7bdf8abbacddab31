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

/** What `normalized` produces; z-scores are read through the stats where they are needed. */
export interface Normalized {
  cuts: SplitCuts;
  split: Uint8Array;
  edge: ScalerStats;
  node: ScalerStats;
}
