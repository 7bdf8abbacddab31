import { closeSync, openSync, readSync, writeSync } from 'node:fs';

import type { Matrix } from '../features/tables.js';

/**
 * The raw edge matrix of a streamed run, on disk instead of in memory: one file in the output
 * folder, in blocks of SPILL_BLOCK_ROWS rows, each block column-major (column c of block k at
 * `from·cols·8 + c·rows_k·8`). Plain data, so a pool thread writing an output file can read it.
 *
 * The file is not a checkpoint: every run that needs it writes it anew from the recorded
 * steps (port features from their chunks, features 1–16 from the loaded columns, as the
 * in-memory mode does), and the run removes it when it ends. A kill can leave it behind
 * half-written; nothing ever reads a file the same run did not write.
 */
export interface EdgeSpill {
  path: string;
  rows: number;
  cols: number;
  blockRows: number;
}

export const SPILL_FILE = 'edge-features.spill';

/**
 * 2^16 rows: one moment block (65,536 rows), so the statistics read back block by block add
 * in the in-memory order, and one output record batch (BATCH_ROWS), so each batch of
 * edges.arrow's raw columns is a view of one block. 10 MiB of float64 at 20 columns: at 2^20
 * rows (160 MiB) a streamed 30 M-row run held a block being written, or one read back for
 * each of the two files written at once, and peaked over its 4 GiB budget.
 */
export const SPILL_BLOCK_ROWS = 1 << 16;

export function blockCount(spill: EdgeSpill): number {
  return Math.ceil(spill.rows / spill.blockRows);
}

/** Rows [from, to) of block k. */
export function blockRange(spill: EdgeSpill, k: number): { from: number; to: number } {
  const from = k * spill.blockRows;
  return { from, to: Math.min(spill.rows, from + spill.blockRows) };
}

/** Writes block k from `m` (its rows, all columns, column-major) at its place in the file. */
export function writeBlock(fd: number, spill: EdgeSpill, k: number, m: Matrix): void {
  const { from } = blockRange(spill, k);
  const bytes = new Uint8Array(m.data.buffer, m.data.byteOffset, m.rows * spill.cols * 8);
  let done = 0;
  while (done < bytes.length) {
    done += writeSync(fd, bytes, done, bytes.length - done, from * spill.cols * 8 + done);
  }
}

/**
 * Block k read back into `buffer` (a SharedArrayBuffer, so pool threads can read it, of
 * `blockBuffer`'s size): one buffer serves every block of a pass instead of a new 10 MiB
 * each, which the garbage collector would free only later.
 */
export function readBlock(spill: EdgeSpill, k: number, buffer: SharedArrayBuffer): Matrix {
  const { from, to } = blockRange(spill, k);
  const rows = to - from;
  const data = new Float64Array(buffer, 0, rows * spill.cols);
  readInto(spill, from * spill.cols * 8, data, k);
  return { rows, cols: spill.cols, data };
}

/** A buffer that holds any block of `spill`. */
export function blockBuffer(spill: EdgeSpill): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(1, Math.min(spill.rows, spill.blockRows) * spill.cols) * 8);
}

/**
 * Reads a spill in increasing row order, holding one block of each column it was asked for:
 * output writers and the gathering of SMOTE's minority rows walk rows forward, so each piece
 * is read once. Columns are cached apart because a writer asks for every column of one batch
 * before the next, and the rows of a batch of the resampled set can span two blocks.
 */
export class SpillReader {
  readonly #spill: EdgeSpill;
  readonly #reuse: boolean;
  readonly #cols = new Map<number, { from: number; to: number; data: Float64Array }>();

  /**
   * With `reuse`, a column's next block is read into the memory of its previous one: for
   * callers that read values and keep no views (`value`), so a pass over a 30 M-row spill
   * holds 20 pieces instead of leaving 600 to the collector.
   */
  constructor(spill: EdgeSpill, { reuse = false }: { reuse?: boolean } = {}) {
    this.#spill = spill;
    this.#reuse = reuse;
  }

  /** Column c of rows [from, to): a view of the cached piece when the range lies in one. */
  column(c: number, from: number, to: number): Float64Array {
    const piece = this.#piece(c, from);
    if (to <= piece.to) return piece.data.subarray(from - piece.from, to - piece.from);
    const out = new Float64Array(to - from);
    for (let r = from; r < to;) {
      const p = this.#piece(c, r);
      const end = Math.min(to, p.to);
      out.set(p.data.subarray(r - p.from, end - p.from), r - from);
      r = end;
    }
    return out;
  }

  /** Column c of row r. */
  value(c: number, r: number): number {
    let piece = this.#cols.get(c);
    if (piece === undefined || r < piece.from || r >= piece.to) piece = this.#piece(c, r);
    return piece.data[r - piece.from] as number;
  }

  /** `n` values over the previous piece's memory, or over new memory for the largest block. */
  #reused(previous: { data: Float64Array } | undefined, n: number): Float64Array {
    const largest = Math.max(1, Math.min(this.#spill.blockRows, this.#spill.rows));
    return new Float64Array(previous?.data.buffer ?? new ArrayBuffer(largest * 8), 0, n);
  }

  /** The cached piece of column c holding row r, read when it is another block. */
  #piece(c: number, r: number): { from: number; to: number; data: Float64Array } {
    const cached = this.#cols.get(c);
    if (cached !== undefined && r >= cached.from && r < cached.to) return cached;
    const k = Math.floor(r / this.#spill.blockRows);
    const { from, to } = blockRange(this.#spill, k);
    // Without reuse, a new array each time: views of the previous piece may still be in a
    // batch being written.
    const data = this.#reuse ? this.#reused(cached, to - from) : new Float64Array(to - from);
    readInto(this.#spill, from * this.#spill.cols * 8 + c * (to - from) * 8, data, k);
    const piece = { from, to, data };
    this.#cols.set(c, piece);
    return piece;
  }
}

function readInto(spill: EdgeSpill, at: number, into: Float64Array, k: number): void {
  const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
  const fd = openSync(spill.path, 'r');
  try {
    let done = 0;
    while (done < bytes.length) {
      const n = readSync(fd, bytes, done, bytes.length - done, at + done);
      if (n === 0) throw new Error(`${spill.path} ends before block ${k}`);
      done += n;
    }
  } finally {
    closeSync(fd);
  }
}
