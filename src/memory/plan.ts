import type { Context } from '../pipeline/context.js';
import { estimateFootprint, type Footprint } from './footprint.js';
import { formatSize } from './size.js';

/** How a run holds the edge matrix, and why. */
export interface MemoryPlan {
  /** Bytes the run should stay under (`memoryBudget`). */
  budget: number;
  /** Estimated peak of the steps after data_loaded, in each mode. */
  estimate: Footprint;
  /** True when the edge matrix goes through a spill file instead of memory. */
  streaming: boolean;
}

/**
 * Chooses the mode once the table is loaded, when the row and node counts are known: the
 * in-memory mode unless its estimate exceeds the budget. The outputs are the same bytes
 * either way, so the choice is never part of a fingerprint and a run may resume in the
 * other mode.
 */
export function planMemory(ctx: Context): MemoryPlan {
  const loaded = ctx.loaded!;
  const budget = ctx.opts.memoryBudget;
  const estimate = estimateFootprint(loaded.edges.rows, loaded.nodes.count, ctx.opts.workers);
  return { budget, estimate, streaming: estimate.inMemory > budget };
}

/** Says in a note when the run streams, and warns when even streaming is over the budget. */
export function announceMemoryPlan(ctx: Context, plan: MemoryPlan): void {
  const { budget, estimate, streaming } = plan;
  if (streaming) {
    ctx.emit({
      kind: 'note',
      step: 'edge_features',
      message:
        // The estimate is the run's peak, not the matrix's own size (trial JJ read it so).
        `edge features stream through a file: with them in memory the run would peak at ` +
        `about ${formatSize(estimate.inMemory)}, over the memory budget of ${formatSize(budget)}`,
    });
  }
  if (streaming && estimate.streaming > budget) {
    ctx.emit({
      kind: 'warning',
      step: 'edge_features',
      message:
        `even streaming needs about ${formatSize(estimate.streaming)} for ` +
        `${ctx.loaded!.edges.rows.toLocaleString('en-US')} edges, over the memory budget of ` +
        `${formatSize(budget)}; the run goes on and may exceed it`,
    });
  }
}
