import type { Data, RecordBatch } from 'apache-arrow';

import { UnreadableOutputError } from '../output/unreadable-output.js';

/**
 * Typed views of one record batch's columns, without copying. amlprep writes every column
 * non-null in one buffer per batch; anything else means the file did not come from amlprep.
 */
export function columnData(batch: RecordBatch, name: string): Data {
  const vector = batch.getChild(name);
  if (vector === null) throw new UnreadableOutputError(`no column "${name}" in the Arrow file`);
  const data = vector.data[0];
  if (vector.data.length !== 1 || data === undefined) {
    throw new UnreadableOutputError(`column "${name}": expected one buffer per batch`);
  }
  if (data.nullCount > 0)
    throw new UnreadableOutputError(`column "${name}" holds ${data.nullCount} nulls`);
  return data;
}

export function f64(batch: RecordBatch, name: string): Float64Array {
  return values(batch, name, Float64Array);
}

export function i32(batch: RecordBatch, name: string): Int32Array {
  return values(batch, name, Int32Array);
}

export function i8(batch: RecordBatch, name: string): Int8Array {
  return values(batch, name, Int8Array);
}

/** int64 and timestamp[s] columns: whole numbers within 2^53, as doubles. */
export function i64AsNumbers(batch: RecordBatch, name: string): Float64Array {
  const raw = values(batch, name, BigInt64Array);
  const halves = new Int32Array(raw.buffer, raw.byteOffset, raw.length * 2);
  const out = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    // Little-endian halves: high * 2^32 + unsigned low, exact below 2^53.
    out[i] = halves[2 * i + 1]! * 4_294_967_296 + (halves[2 * i]! >>> 0);
  }
  return out;
}

/** A dictionary column's codes and the text each code stands for. */
export function dictionaryCodes(
  batch: RecordBatch,
  name: string,
): { codes: Int32Array; dictionary: string[] } {
  const data = columnData(batch, name);
  if (data.dictionary === undefined)
    throw new UnreadableOutputError(`column "${name}" is not a dictionary`);
  const codes = slice(data, Int32Array, name);
  return { codes, dictionary: [...data.dictionary].map((v) => String(v)) };
}

type TypedArrayOf<T> = { new (...args: never[]): T; readonly name: string };

function values<T extends ArrayLike<unknown>>(
  batch: RecordBatch,
  name: string,
  type: TypedArrayOf<T>,
): T {
  return slice(columnData(batch, name), type, name);
}

function slice<T>(data: Data, type: TypedArrayOf<T>, name: string): T {
  const v = data.values as unknown;
  if (!(v instanceof type)) {
    throw new UnreadableOutputError(
      `column "${name}": expected ${type.name} values, got ` + `${String(data.type)}`,
    );
  }
  return (v as unknown as { subarray: (a: number, b: number) => T }).subarray(
    data.offset,
    data.offset + data.length,
  );
}
