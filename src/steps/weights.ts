import { classWeights } from '../features/class-weights.js';
import { TRAIN } from '../features/split.js';
import type { Context } from '../pipeline/context.js';
import { inSlices, Pacer } from '../pipeline/pacer.js';
import { refuseMissingClass } from './missing-class.js';

/**
 * Step 6, `weights` (SPEC §8). Reads the labels and the split. Writes the class weights of the
 * train rows. The labels are gathered in paced slices, so a signal is not kept waiting.
 */
export async function trainWeights(ctx: Context): Promise<ReturnType<typeof classWeights>> {
  const e = ctx.loaded!.edges;
  const split = ctx.normalized!.split;
  const pace = new Pacer(ctx.signal);
  // Said here too: `imbalanced` may have been loaded from its checkpoint.
  await refuseMissingClass(ctx, pace);
  let n = 0;
  await inSlices(pace, e.rows, (from, to) => {
    for (let r = from; r < to; r++) if (split[r] === TRAIN) n++;
  });
  const labels = new Uint8Array(n);
  let at = 0;
  await inSlices(pace, e.rows, (from, to) => {
    for (let r = from; r < to; r++) if (split[r] === TRAIN) labels[at++] = e.label[r]!;
  });
  return classWeights(labels);
}
