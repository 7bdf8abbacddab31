import { Field, Float64, makeData } from 'apache-arrow';

import { modelValue, scaledValue, type ModelColumn } from '../features/model-input.js';
import { synthesize, type SmoteInput } from '../resample/smote.js';
import type { EdgeSpill, SpillReader } from '../spill/edge-spill.js';
import { Scratch } from '../scratch-buffer.js';
import type { ColumnSource } from './arrow-columns.js';

/**
 * What `train_resampled.arrow`'s feature columns are made of (see Resampled): kept train
 * rows read through the scaler, then SMOTE's synthetic rows. Plain data over shared memory,
 * so a worker thread can write the file.
 */
export interface ResampledSpec {
  /** Edge rows of the kept train rows, in output order. */
  rows: Int32Array;
  /** The model-input columns, in MODEL_COLUMNS order. */
  columns: ModelColumn[];
  smote: SmoteInput | null;
  synthetic: number;
  /** A streamed run's spilled edge matrix, which the kept rows are read from; else null. */
  spill: EdgeSpill | null;
}

/**
 * Column `j` of the resampled set, computed per record batch. A batch's synthetic rows are
 * generated once for all columns (each row needs its three draws and both end rows) and kept
 * until the writer moves to the next batch; the writer asks for every column of one batch
 * before the next, so one batch's block is held at a time.
 */
export function resampledColumn(
  name: string,
  spec: ResampledSpec,
  j: number,
  cache: SyntheticBlock,
  reader: SpillReader | null = null,
): ColumnSource {
  const type = new Float64();
  const column = spec.columns[j]!;
  const scratch = new Scratch((n) => new Float64Array(n));
  return {
    field: new Field(name, type, false),
    slice: (from, to) => {
      const kept = spec.rows.length;
      if (from >= kept) {
        // A batch of synthetic rows only: the block's column is the data, no copy of it.
        const block = cache.rows(spec, from - kept, to - kept);
        const data = block.subarray(j * (to - from), (j + 1) * (to - from));
        return makeData({ type, length: to - from, data });
      }

      const out = scratch.take(to - from);
      const end = Math.min(to, kept);
      if (reader === null) {
        for (let i = from; i < end; i++) out[i - from] = modelValue(column, spec.rows[i]!);
      } else {
        // Kept rows ascend, so the spill is read forward, each block once per file.
        for (let i = from; i < end; i++) {
          out[i - from] = scaledValue(column, reader.value(j, spec.rows[i]!));
        }
      }
      if (to > kept) {
        const s0 = Math.max(from, kept) - kept;
        const block = cache.rows(spec, s0, to - kept);
        const width = to - kept - s0;
        out.set(block.subarray(j * width, (j + 1) * width), Math.max(from, kept) - from);
      }
      return makeData({ type, length: to - from, data: out });
    },
  };
}

/** The synthetic rows [from, to) of the batch being written, column-major. */
export class SyntheticBlock {
  #from = -1;
  #to = -1;
  #data = new Float64Array(0);
  readonly #scratch = new Scratch((n) => new Float64Array(n));

  rows(spec: ResampledSpec, from: number, to: number): Float64Array {
    if (from !== this.#from || to !== this.#to) {
      const input = spec.smote!;
      const count = to - from;
      this.#data = this.#scratch.take(count * input.width);
      synthesize(input, this.#data, count, -from, from, to);
      this.#from = from;
      this.#to = to;
    }
    return this.#data;
  }
}
