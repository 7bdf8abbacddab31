import {
  dictionary,
  edgeIds,
  f64,
  i32,
  i64,
  i8,
  timestamps,
  spillColumn,
  utf8,
  zScore,
  type ColumnSource,
} from './arrow-columns.js';
import { resampledColumn, SyntheticBlock, type ResampledSpec } from './resampled-columns.js';
import { SpillReader, type EdgeSpill } from '../spill/edge-spill.js';

const BLOCKS = new WeakMap<ResampledSpec, SyntheticBlock>();
/** One reader per spill object of a message, so a file's columns share the block read. */
const READERS = new WeakMap<EdgeSpill, SpillReader>();

/**
 * An output column as plain data: typed arrays (over shared memory where they are large),
 * numbers and strings. Unlike a ColumnSource it survives `postMessage`, so a worker thread can
 * write a file while the coordinator writes another; both turn specs into sources the same way,
 * so the bytes do not depend on which thread wrote them.
 */
export type ColumnSpec =
  | { kind: 'f64'; name: string; values: Float64Array }
  | { kind: 'z'; name: string; values: Float64Array; mean: number; std: number }
  | { kind: 'i32'; name: string; values: Int32Array }
  | { kind: 'i64'; name: string; values: Float64Array }
  /** `edge_id` from the ascending rejected data records (see `edgeIds`). */
  | { kind: 'edge-ids'; name: string; rejected: Float64Array }
  | { kind: 'timestamps'; name: string; values: Float64Array }
  | { kind: 'i8'; name: string; values: Int8Array }
  | { kind: 'utf8'; name: string; values: readonly string[] }
  /** Raw column `col` of a spilled edge matrix, or its z-score when `z` is set. */
  | {
      kind: 'spill';
      name: string;
      spill: EdgeSpill;
      col: number;
      z: { mean: number; std: number } | null;
    }
  /** Column `j` of the resampled set; its columns share one `spec` object. */
  | { kind: 'resampled'; name: string; spec: ResampledSpec; j: number }
  | {
      kind: 'dictionary';
      name: string;
      /** Stored codes; the written code is `codes[i] + shift`. */
      codes: Int32Array | Int8Array | Uint8Array;
      shift: number;
      words: readonly string[];
      id: number;
    };

/**
 * The source of one column. Columns of the resampled set that share a spec object (one
 * message keeps that identity across threads) also share the block of synthetic rows of the
 * batch being written.
 */
export function sourceOf(spec: ColumnSpec): ColumnSource {
  switch (spec.kind) {
    case 'resampled': {
      let block = BLOCKS.get(spec.spec);
      if (block === undefined) BLOCKS.set(spec.spec, (block = new SyntheticBlock()));
      const spill = spec.spec.spill;
      return resampledColumn(spec.name, spec.spec, spec.j, block, spill && readerOf(spill));
    }
    case 'spill':
      return spillColumn(spec.name, readerOf(spec.spill), spec.col, spec.z);
    case 'f64':
      return f64(spec.name, spec.values);
    case 'z':
      return zScore(spec.name, spec.values, spec.mean, spec.std);
    case 'i32':
      return i32(spec.name, spec.values);
    case 'i64':
      return i64(spec.name, spec.values);
    case 'edge-ids':
      return edgeIds(spec.name, spec.rejected);
    case 'timestamps':
      return timestamps(spec.name, spec.values);
    case 'i8':
      return i8(spec.name, spec.values);
    case 'utf8':
      return utf8(spec.name, spec.values);
    case 'dictionary':
      return dictionary(spec.name, spec.codes, spec.shift, spec.words, spec.id);
  }
}

function readerOf(spill: EdgeSpill): SpillReader {
  let reader = READERS.get(spill);
  if (reader === undefined) READERS.set(spill, (reader = new SpillReader(spill)));
  return reader;
}
