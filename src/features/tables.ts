/**
 * The loaded transaction table as workers see it: typed columns over SharedArrayBuffers,
 * indexed by edge (0-based row among kept rows), plus the node attributes kernels need.
 */
export interface EdgeColumns {
  rows: number;
  ts: Float64Array;
  amountReceived: Float64Array;
  amountPaid: Float64Array;
  src: Int32Array;
  dst: Int32Array;
  /** Global codes (SPEC §2, §12). */
  paymentCurrency: Int32Array;
  receivingCurrency: Int32Array;
  format: Int32Array;
  /** Code of the From Bank in the From Bank dictionary. */
  bank: Int32Array;
  label: Uint8Array;
}

export interface NodeColumns {
  count: number;
  /** Id of the node's bank text among all bank spellings, for bank_diversity. */
  bankText: Int32Array;
  /** Entity type code, -1 when unknown. */
  entityType: Int32Array;
}

export interface Vocabulary {
  currencies: number;
  bankTexts: number;
  /** Code of `Bitcoin` in the currency dictionary, or -1. */
  bitcoin: number;
}

/** A column-major matrix: column c of `rows` values starts at `c * rows`. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function makeMatrix(rows: number, cols: number): Matrix {
  return {
    rows,
    cols,
    data: new Float64Array(new SharedArrayBuffer(Math.max(1, rows * cols) * 8)),
  };
}

export function column(m: Matrix, c: number): Float64Array {
  return m.data.subarray(c * m.rows, (c + 1) * m.rows);
}
