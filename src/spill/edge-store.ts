import type { Matrix } from '../features/tables.js';
import { SpillReader, type EdgeSpill } from './edge-spill.js';

/**
 * Where the raw edge matrix (edges × 20) of a run lives: in memory, or in a spill file when
 * the memory budget is too small for it (src/memory/plan.ts).
 */
export type EdgeFeatureStore =
  { kind: 'matrix'; matrix: Matrix } | { kind: 'spill'; spill: EdgeSpill };

/** The in-memory matrix, or null for a spilled one. */
export function matrixOf(store: EdgeFeatureStore): Matrix | null {
  return store.kind === 'matrix' ? store.matrix : null;
}

/** Raw value (column c, row r) in increasing row order; a spill is read one block at a time. */
export function rowReader(store: EdgeFeatureStore): (c: number, r: number) => number {
  if (store.kind === 'matrix') {
    const m = store.matrix;
    return (c, r) => m.data[c * m.rows + r] as number;
  }
  const reader = new SpillReader(store.spill, { reuse: true });
  return (c, r) => reader.value(c, r);
}
