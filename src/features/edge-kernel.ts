import { hourOf, monthOf, weekdayOf } from './calendar.js';
import { E } from './definitions.js';
import type { Csr, Graph } from './graph.js';
import type { EdgeColumns, Matrix } from './tables.js';

const TAU = 2 * Math.PI;

/** SPEC §5 features 1–16 for edge rows [from, to); each row depends on itself alone. */
export function edgeRowFeatures(
  e: EdgeColumns,
  originTs: number,
  out: Matrix,
  from: number,
  to: number,
): void {
  const n = out.rows;
  const d = out.data;
  for (let r = from; r < to; r++) {
    const t = e.ts[r] as number;
    const hour = hourOf(t);
    const weekday = weekdayOf(t);
    const month = monthOf(t);
    const paid = e.amountPaid[r] as number;
    const received = e.amountReceived[r] as number;
    const pay = e.paymentCurrency[r] as number;
    const recv = e.receivingCurrency[r] as number;

    d[E.hour_sin * n + r] = Math.sin((TAU * hour) / 24);
    d[E.hour_cos * n + r] = Math.cos((TAU * hour) / 24);
    d[E.day_sin * n + r] = Math.sin((TAU * weekday) / 7);
    d[E.day_cos * n + r] = Math.cos((TAU * weekday) / 7);
    d[E.month_sin * n + r] = Math.sin((TAU * month) / 12);
    d[E.month_cos * n + r] = Math.cos((TAU * month) / 12);
    d[E.amount_paid_log * n + r] = Math.log1p(paid);
    d[E.amount_received_log * n + r] = Math.log1p(received);
    d[E.amount_ratio * n + r] = paid / Math.max(received, 1);
    d[E.currency * n + r] = pay;
    d[E.format * n + r] = e.format[r] as number;
    d[E.bank * n + r] = e.bank[r] as number;
    d[E.received_currency * n + r] = recv;
    d[E.is_self_transfer * n + r] = e.src[r] === e.dst[r] ? 1 : 0;
    d[E.is_cross_currency * n + r] = pay !== recv ? 1 : 0;
    d[E.time * n + r] = t - originTs;
  }
}

/**
 * Features 17–20 again, in list order (index = position in the CSR edge list). Chunks of node
 * ranges are contiguous here, so a chunk's result is recorded without a gather.
 */
export interface PortLists {
  inPort: Float64Array;
  inDelta: Float64Array;
  outPort: Float64Array;
  outDelta: Float64Array;
}

/**
 * SPEC §5 features 17–20 for the edges whose receiver (ports in, deltas in) or sender (ports
 * out, deltas out) lies in nodes [from, to). Each edge is in exactly one out-list and one
 * in-list, so chunks over disjoint node ranges write disjoint cells.
 */
export function edgePortFeatures(
  g: Graph,
  e: EdgeColumns,
  out: Matrix,
  lists: PortLists,
  from: number,
  to: number,
): void {
  const seen = { stamp: new Int32Array(g.nodes).fill(-1), rank: new Int32Array(g.nodes) };
  const n = out.rows;
  const receiving: Side = {
    csr: g.in,
    other: e.src,
    ts: e.ts,
    port: out.data.subarray(E.in_port * n, (E.in_port + 1) * n),
    delta: out.data.subarray(E.in_time_delta * n, (E.in_time_delta + 1) * n),
    listPort: lists.inPort,
    listDelta: lists.inDelta,
  };
  const sending: Side = {
    csr: g.out,
    other: e.dst,
    ts: e.ts,
    port: out.data.subarray(E.out_port * n, (E.out_port + 1) * n),
    delta: out.data.subarray(E.out_time_delta * n, (E.out_time_delta + 1) * n),
    listPort: lists.outPort,
    listDelta: lists.outDelta,
  };

  for (let v = from; v < to; v++) {
    // Stamps mark "ranked for this node and side": v for receiving, -(v + 2) for sending,
    // which can never equal a node id or the -1 fill.
    walkList(receiving, seen, v, v);
    walkList(sending, seen, v, -(v + 2));
  }
}

/** One side of the port features: a node's list, its counterparties and where to write. */
interface Side {
  csr: Csr;
  /** The counterparty of each edge: the sender for in-lists, the receiver for out-lists. */
  other: Int32Array;
  ts: Float64Array;
  port: Float64Array;
  delta: Float64Array;
  listPort: Float64Array;
  listDelta: Float64Array;
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
    side.listPort[i] = port;
    side.listDelta[i] = delta;
    prevTs = t;
  }
}
