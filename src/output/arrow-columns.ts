import {
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  Int8,
  makeData,
  TimestampSecond,
  Utf8,
  vectorFromArray,
  type Data,
  type DataType,
  type Vector,
} from 'apache-arrow';

import { rejectedBefore } from '../ingest/loaded.js';
import { Scratch } from '../scratch-buffer.js';
import type { SpillReader } from '../spill/edge-spill.js';

/**
 * A column ready for batching: `slice(from, to)` returns that range as Arrow data without
 * copying numeric buffers, so a batch costs only its string and 64-bit-integer conversions.
 * Computed data lives in the column's Scratch: valid until its next `slice`, which is how the
 * writer uses it (a batch is copied out before the next is made).
 */
export interface ColumnSource {
  field: Field;
  slice: (from: number, to: number) => Data;
}

const float64s = () => new Scratch((n) => new Float64Array(n));
const int64s = () => new Scratch((n) => new BigInt64Array(n));

export function f64(name: string, values: Float64Array): ColumnSource {
  const type = new Float64();
  return {
    field: new Field(name, type, false),
    slice: (from, to) => makeData({ type, length: to - from, data: values.subarray(from, to) }),
  };
}

/**
 * The z-score `(x - mean) / std` of a raw column, computed batch by batch as the file is
 * written: the same expression as `modelValue` (src/features/model-input.ts), so SMOTE's
 * inputs and this column hold the same bits, and no second full matrix is kept in memory.
 */
export function zScore(name: string, raw: Float64Array, mean: number, std: number): ColumnSource {
  const type = new Float64();
  const scratch = float64s();
  return {
    field: new Field(name, type, false),
    slice: (from, to) => {
      const out = scratch.take(to - from);
      for (let r = from; r < to; r++) out[r - from] = ((raw[r] as number) - mean) / std;
      return makeData({ type, length: to - from, data: out });
    },
  };
}

/**
 * A raw edge feature column read back from a streamed run's spill, or its z-score: the same
 * values and the same expression as `f64` and `zScore` over the in-memory matrix. A batch's
 * rows lie in one spill block (both are 2^16 rows), so the raw column is a view of it.
 */
export function spillColumn(
  name: string,
  reader: SpillReader,
  col: number,
  z: { mean: number; std: number } | null,
): ColumnSource {
  const type = new Float64();
  const scratch = float64s();
  return {
    field: new Field(name, type, false),
    slice: (from, to) => {
      const raw = reader.column(col, from, to);
      if (z === null) return makeData({ type, length: to - from, data: raw });
      const out = scratch.take(to - from);
      for (let i = 0; i < out.length; i++) out[i] = ((raw[i] as number) - z.mean) / z.std;
      return makeData({ type, length: to - from, data: out });
    },
  };
}

export function i32(name: string, values: Int32Array): ColumnSource {
  const type = new Int32();
  return {
    field: new Field(name, type, false),
    slice: (from, to) => makeData({ type, length: to - from, data: values.subarray(from, to) }),
  };
}

export function i8(name: string, values: Int8Array): ColumnSource {
  const type = new Int8();
  return {
    field: new Field(name, type, false),
    slice: (from, to) => makeData({ type, length: to - from, data: values.subarray(from, to) }),
  };
}

/** int64 from whole numbers held as doubles (edge ids). */
export function i64(name: string, values: Float64Array): ColumnSource {
  const type = new Int64();
  const scratch = int64s();
  return {
    field: new Field(name, type, false),
    slice: (from, to) => {
      const data = toInt64(values, from, to, scratch.take(to - from));
      return makeData({ type, length: to - from, data });
    },
  };
}

/**
 * `edge_id` as int64: a row's data record, its row number plus the rejected records before
 * it (`rejected`, ascending). Computed a batch at a time: held as a column it would take
 * 8 bytes a row (240 MB at 30 M rows) to say, almost always, "the row number".
 */
export function edgeIds(name: string, rejected: Float64Array): ColumnSource {
  const type = new Int64();
  const idScratch = float64s();
  const scratch = int64s();
  return {
    field: new Field(name, type, false),
    slice: (from, to) => {
      const ids = idScratch.take(to - from);
      let k = rejectedBefore(rejected, from);
      for (let r = from; r < to; r++) {
        while (k < rejected.length && rejected[k]! - k <= r) k++;
        ids[r - from] = r + k;
      }
      const data = toInt64(ids, 0, to - from, scratch.take(to - from));
      return makeData({ type, length: to - from, data });
    },
  };
}

/** timestamp[s, UTC] from epoch seconds held as doubles. */
export function timestamps(name: string, values: Float64Array): ColumnSource {
  const type = new TimestampSecond('UTC');
  const scratch = int64s();
  return {
    field: new Field(name, type, false),
    slice: (from, to) => {
      const data = toInt64(values, from, to, scratch.take(to - from));
      return makeData({ type, length: to - from, data });
    },
  };
}

/**
 * Whole doubles (|x| < 2^53) as little-endian int64, written as two 32-bit halves: a BigInt per
 * value costs ~20x more, which shows at 180 M rows.
 */
function toInt64(
  values: Float64Array,
  from: number,
  to: number,
  out: BigInt64Array,
): BigInt64Array {
  const halves = new Int32Array(out.buffer, out.byteOffset, 2 * out.length);
  for (let i = from; i < to; i++) {
    const x = values[i]!;
    const high = Math.floor(x / 4_294_967_296);
    halves[2 * (i - from)] = x - high * 4_294_967_296;
    halves[2 * (i - from) + 1] = high;
  }
  return out;
}

/**
 * Text as Arrow utf8 data, encoded straight into one buffer: `vectorFromArray` goes through a
 * generic builder at ~2 µs a string, which is seconds for HI-Small's 515 K accounts.
 */
export function utf8(name: string, values: readonly string[]): ColumnSource {
  const type = new Utf8();
  return {
    field: new Field(name, type, false),
    slice: (from, to) => {
      const offsets = new Int32Array(to - from + 1);
      let bytes = 0;
      for (let i = from; i < to; i++) {
        bytes += Buffer.byteLength(values[i]!, 'utf8');
        offsets[i - from + 1] = bytes;
      }
      const data = Buffer.allocUnsafe(bytes);
      for (let i = from; i < to; i++) data.write(values[i]!, offsets[i - from]!, 'utf8');
      return makeData({ type, length: to - from, valueOffsets: offsets, data });
    },
  };
}

/**
 * Dictionary-encoded text; every batch shares one dictionary, as the file format requires.
 * `id` must differ between the dictionary columns of one file. Codes are stored narrower or
 * offset (`shift`) and widened batch by batch, so no full-length Int32 copy is made.
 */
export function dictionary(
  name: string,
  codes: Int32Array | Int8Array | Uint8Array,
  shift: number,
  words: readonly string[],
  id: number,
): ColumnSource {
  const type = new Dictionary(new Utf8(), new Int32(), id, false);
  const dict: Vector<Utf8> = vectorFromArray([...words], new Utf8());
  const scratch = new Scratch((n) => new Int32Array(n));
  return {
    field: new Field(name, type, false),
    slice: (from, to) => {
      const data = scratch.take(to - from);
      for (let i = from; i < to; i++) data[i - from] = (codes[i] as number) + shift;
      return makeData({ type, length: to - from, data, dictionary: dict }) as Data<DataType>;
    },
  };
}
