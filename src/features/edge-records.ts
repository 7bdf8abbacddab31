import type { EdgeColumns } from './tables.js';

/**
 * The edge columns the node kernel reads, one 40-byte record per edge: the timestamp, Amount
 * Paid and Amount Received as float64, then the payment and receiving currency codes and both
 * ends as int32. A node's edges lie anywhere in the table, so gathering them column by column
 * reads six cache lines an edge; a record is one or two. On a HI-Small-sized graph (5.08 M
 * edges, 515 K nodes) the out-lists' gather took 0.63–0.91 s from records against 1.08–1.50 s
 * from columns (bench/RESULTS.md, session 26).
 */
export const RECORD_SLOTS = 5;

/** Float64 slots of a record. */
export const REC = { ts: 0, paid: 1, received: 2 } as const;

/** Int32 slots of a record, counted in int32s from its start (two per float64 slot). */
export const REC_INT = { pay: 6, recv: 7, src: 8, dst: 9 } as const;

/**
 * Records of every edge, in a SharedArrayBuffer so that pool threads read them in place: in
 * `memory` (at least rows × RECORD_SLOTS float64s, at the start of its buffer) when given.
 */
export function edgeRecords(e: EdgeColumns, memory?: Float64Array): Float64Array {
  const length = Math.max(1, e.rows) * RECORD_SLOTS;
  const records =
    memory === undefined
      ? new Float64Array(new SharedArrayBuffer(length * 8))
      : new Float64Array(memory.buffer, memory.byteOffset, length);
  const ints = new Int32Array(records.buffer, records.byteOffset, 2 * length);
  for (let r = 0; r < e.rows; r++) {
    const at = r * RECORD_SLOTS;
    records[at + REC.ts] = e.ts[r] as number;
    records[at + REC.paid] = e.amountPaid[r] as number;
    records[at + REC.received] = e.amountReceived[r] as number;
    ints[2 * at + REC_INT.pay] = e.paymentCurrency[r] as number;
    ints[2 * at + REC_INT.recv] = e.receivingCurrency[r] as number;
    ints[2 * at + REC_INT.src] = e.src[r] as number;
    ints[2 * at + REC_INT.dst] = e.dst[r] as number;
  }
  return records;
}
