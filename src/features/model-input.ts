import { EDGE_FEATURES, isScaled } from './definitions.js';
import type { Matrix } from './tables.js';
import { column } from './tables.js';

/** Model-input columns: the z-score for scaled features, the raw value for codes and flags. */
export const MODEL_COLUMNS = EDGE_FEATURES.map((f) => (isScaled(f) ? `${f.name}_z` : f.name));

export const MODEL_SCALED = Uint8Array.from(EDGE_FEATURES.map((f) => (isScaled(f) ? 1 : 0)));

/** Column `j` of the model input, over all edges. */
export function modelColumn(raw: Matrix, z: Matrix, j: number): Float64Array {
  if (MODEL_SCALED[j] === 0) return column(raw, j);
  const zIndex = EDGE_FEATURES.slice(0, j).filter(isScaled).length;
  return column(z, zIndex);
}
