import {
  Dictionary, Field, Float64, Int32, Int64, Int8, makeData, TimestampSecond, Utf8,
  vectorFromArray, type Data, type DataType, type Vector,
} from 'apache-arrow';

/**
 * A column ready for batching: `slice(from, to)` returns that range as Arrow data without
 * copying numeric buffers, so a batch costs only its string and 64-bit-integer conversions.
 */
export interface ColumnSource {
  field: Field;
  slice: (from: number, to: number) => Data;
}

export function f64(name: string, values: Float64Array): ColumnSource {
  const type = new Float64();
  return {
    field: new Field(name, type, false),
    slice: (from, to) => makeData({ type, length: to - from, data: values.subarray(from, to) }),
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
  return {
    field: new Field(name, type, false),
    slice: (from, to) => {
      const data = new BigInt64Array(to - from);
      for (let i = from; i < to; i++) data[i - from] = BigInt(values[i]!);
      return makeData({ type, length: to - from, data });
    },
  };
}

/** timestamp[s, UTC] from epoch seconds held as doubles. */
export function timestamps(name: string, values: Float64Array): ColumnSource {
  const type = new TimestampSecond('UTC');
  return {
    field: new Field(name, type, false),
    slice: (from, to) => {
      const data = new BigInt64Array(to - from);
      for (let i = from; i < to; i++) data[i - from] = BigInt(values[i]!);
      return makeData({ type, length: to - from, data });
    },
  };
}

export function utf8(name: string, values: readonly string[]): ColumnSource {
  const type = new Utf8();
  return {
    field: new Field(name, type, false),
    slice: (from, to) => vectorFromArray(values.slice(from, to), type).data[0] as Data<Utf8>,
  };
}

/**
 * Dictionary-encoded text; every batch shares one dictionary, as the file format requires.
 * `id` must differ between the dictionary columns of one file.
 */
export function dictionary(
  name: string, codes: Int32Array, words: readonly string[], id: number,
): ColumnSource {
  const type = new Dictionary(new Utf8(), new Int32(), id, false);
  const dict: Vector<Utf8> = vectorFromArray([...words], new Utf8());
  return {
    field: new Field(name, type, false),
    slice: (from, to) => makeData({
      type, length: to - from, data: codes.subarray(from, to), dictionary: dict,
    }) as Data<DataType>,
  };
}
