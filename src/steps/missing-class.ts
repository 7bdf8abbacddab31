import { MissingClassError } from '../errors.js';
import type { Context } from '../pipeline/context.js';
import { inSlices, type Pacer } from '../pipeline/pacer.js';

/**
 * Stops a run whose transactions hold no row of a class at all: class weights (SPEC §8) and
 * resampling need both, and the train split's own error advised more rows (--sample) or other
 * split shares, which cannot help then (trial W, on a real file of 572 rows and no laundering
 * row). Called before `imbalanced` warns that SMOTE has too few rows to run, which only adds
 * to the confusion then.
 */
export async function refuseMissingClass(ctx: Context, pace: Pacer): Promise<void> {
  const e = ctx.loaded!.edges;
  let ones = 0;
  await inSlices(pace, e.rows, (from, to) => {
    for (let r = from; r < to; r++) ones += e.label[r] === 1 ? 1 : 0;
  });
  if (ones > 0 && ones < e.rows) return;

  const missing = ones === 0 ? 1 : 0;
  const rows = e.rows.toLocaleString('en-US');
  const sample = ctx.opts.sample;
  const kept =
    sample === null ? `its ${rows} kept rows` : `the ${rows} kept rows of --sample ${sample}`;
  const advice =
    sample === null
      ? 'a file of both classes is needed'
      : 'a larger --sample may reach rows of both';
  throw new MissingClassError(
    `${ctx.opts.transactions}: no row of class ${missing} (Is Laundering ${missing}) among ` +
      `${kept}, so class weights cannot be computed and there is nothing to resample; ${advice}`,
  );
}
