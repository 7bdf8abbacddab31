import { hourOf, monthOf, weekdayOf } from './calendar.js';
import { E } from './definitions.js';
import type { Csr, Graph } from './graph.js';
import { scratchInt32 } from './scratch.js';
import type { EdgeColumns, Matrix } from './tables.js';

const TAU = 2 * Math.PI;

/**
 * SPEC §5 features 1–16 for edge rows [from, to); each row depends on itself alone. Row r goes
 * to row `r - base` of `out`: 0 for the whole edge matrix, the block's first row for a block
 * of a streamed run (src/spill/).
 */
export function edgeRowFeatures(
  e: EdgeColumns,
  originTs: number,
  out: Matrix,
  from: number,
  to: number,
  base = 0,
): void {
  const n = out.rows;
  const d = out.data;
  for (let r = from; r < to; r++) {
    const i = r - base;
    const t = e.ts[r] as number;
    const hour = hourOf(t);
    const weekday = weekdayOf(t);
    const month = monthOf(t);
    const paid = e.amountPaid[r] as number;
    const received = e.amountReceived[r] as number;
    const pay = e.paymentCurrency[r] as number;
    const recv = e.receivingCurrency[r] as number;

    d[E.hour_sin * n + i] = Math.sin((TAU * hour) / 24);
    d[E.hour_cos * n + i] = Math.cos((TAU * hour) / 24);
    d[E.day_sin * n + i] = Math.sin((TAU * weekday) / 7);
    d[E.day_cos * n + i] = Math.cos((TAU * weekday) / 7);
    d[E.month_sin * n + i] = Math.sin((TAU * month) / 12);
    d[E.month_cos * n + i] = Math.cos((TAU * month) / 12);
    d[E.amount_paid_log * n + i] = Math.log1p(paid);
    d[E.amount_received_log * n + i] = Math.log1p(received);
    d[E.amount_ratio * n + i] = paid / Math.max(received, 1);
    d[E.currency * n + i] = pay;
    d[E.format * n + i] = e.format[r] as number;
    d[E.bank * n + i] = e.bank[r] as number;
    d[E.received_currency * n + i] = recv;
    d[E.is_self_transfer * n + i] = e.src[r] === e.dst[r] ? 1 : 0;
    d[E.is_cross_currency * n + i] = pay !== recv ? 1 : 0;
    d[E.time * n + i] = t - originTs;
  }
}

/**
 * Features 17–20 again, in list order (index = position in the CSR edge list), for one node
 * range: entry `i - inFrom` of the in-side arrays is in-list position i, and likewise out. A
 * node range's stretch of each list is contiguous, so a chunk's result is recorded without a
 * gather, and only the chunk's stretch is ever held (not one array over every edge).
 */
export interface PortLists {
  inPort: Float64Array;
  inDelta: Float64Array;
  outPort: Float64Array;
  outDelta: Float64Array;
  inFrom: number;
  outFrom: number;
}

/** A port feature by edge row: float64, or int32 where every value is known to fit exactly. */
export type PortArray = Float64Array | Int32Array;

/**
 * Features 17–20 by edge row: the edge matrix's own columns, or (when streaming) narrower
 * arrays that hold them until each block of rows is written to disk.
 */
export interface PortColumns {
  inPort: PortArray;
  inDelta: PortArray;
  outPort: PortArray;
  outDelta: PortArray;
}

/**
 * SPEC §5 features 17–20 for the edges whose receiver (ports in, deltas in) or sender (ports
 * out, deltas out) lies in nodes [from, to). Each edge is in exactly one out-list and one
 * in-list, so chunks over disjoint node ranges write disjoint cells.
 */
export function edgePortFeatures(
  g: Graph,
  e: EdgeColumns,
  ports: PortColumns,
  lists: PortLists,
  from: number,
  to: number,
): void {
  const seen = {
    stamp: scratchInt32('port-stamp', g.nodes, -1),
    rank: scratchInt32('port-rank', g.nodes, 0),
  };
  const receiving: Side = {
    csr: g.in,
    other: e.src,
    ts: e.ts,
    port: ports.inPort,
    delta: ports.inDelta,
    listPort: lists.inPort,
    listDelta: lists.inDelta,
    listFrom: lists.inFrom,
  };
  const sending: Side = {
    csr: g.out,
    other: e.dst,
    ts: e.ts,
    port: ports.outPort,
    delta: ports.outDelta,
    listPort: lists.outPort,
    listDelta: lists.outDelta,
    listFrom: lists.outFrom,
  };

  for (let v = from; v < to; v++) {
    // Stamps mark "ranked for this node and side": v for receiving, -(v + 2) for sending,
    // which can never equal a node id or the -1 fill.
    walkList(receiving, seen, v, v);
    walkList(sending, seen, v, -(v + 2));
  }
}

/** The edge matrix's port columns, as the port kernel writes them. */
export function matrixPorts(out: Matrix): PortColumns {
  const col = (c: number) => out.data.subarray(c * out.rows, (c + 1) * out.rows);
  return {
    inPort: col(E.in_port),
    inDelta: col(E.in_time_delta),
    outPort: col(E.out_port),
    outDelta: col(E.out_time_delta),
  };
}

/** One side of the port features: a node's list, its counterparties and where to write. */
interface Side {
  csr: Csr;
  /** The counterparty of each edge: the sender for in-lists, the receiver for out-lists. */
  other: Int32Array;
  ts: Float64Array;
  port: PortArray;
  delta: PortArray;
  listPort: Float64Array;
  listDelta: Float64Array;
  /** List position of the first entry of `listPort` and `listDelta`. */
  listFrom: number;
}

/** Ports (rank of each counterparty by first edge) and time deltas along v's sorted list. */
function walkList(
  side: Side,
  seen: { stamp: Int32Array; rank: Int32Array },
  v: number,
  mark: number,
): void {
  let next = 0;
  let prevTs = NaN;
  for (let i = side.csr.start[v] as number; i < (side.csr.start[v + 1] as number); i++) {
    const edge = side.csr.edges[i] as number;
    const who = side.other[edge] as number;
    if (seen.stamp[who] !== mark) {
      seen.stamp[who] = mark;
      seen.rank[who] = next++;
    }
    const t = side.ts[edge] as number;
    const port = seen.rank[who] as number;
    const delta = Number.isNaN(prevTs) ? 0 : t - prevTs;
    side.port[edge] = port;
    side.delta[edge] = delta;
    side.listPort[i - side.listFrom] = port;
    side.listDelta[i - side.listFrom] = delta;
    prevTs = t;
  }
}
