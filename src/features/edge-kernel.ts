import { hourOf, monthOf, weekdayOf } from './calendar.js';
import { E } from './definitions.js';
import type { Graph } from './graph.js';
import type { EdgeColumns, Matrix } from './tables.js';

const TAU = 2 * Math.PI;

/** SPEC §5 features 1–16 for edge rows [from, to); each row depends on itself alone. */
export function edgeRowFeatures(
  e: EdgeColumns, originTs: number, out: Matrix, from: number, to: number,
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
  g: Graph, e: EdgeColumns, out: Matrix, lists: PortLists, from: number, to: number,
): void {
  const stamp = new Int32Array(g.nodes).fill(-1);
  const rank = new Int32Array(g.nodes);
  const n = out.rows;
  const d = out.data;

  for (let v = from; v < to; v++) {
    let next = 0;
    let prevTs = NaN;
    for (let i = g.in.start[v] as number; i < (g.in.start[v + 1] as number); i++) {
      const edge = g.in.edges[i] as number;
      const sender = e.src[edge] as number;
      if (stamp[sender] !== v) { stamp[sender] = v; rank[sender] = next++; }
      const t = e.ts[edge] as number;
      const port = rank[sender] as number;
      const delta = Number.isNaN(prevTs) ? 0 : t - prevTs;
      d[E.in_port * n + edge] = port;
      d[E.in_time_delta * n + edge] = delta;
      lists.inPort[i] = port;
      lists.inDelta[i] = delta;
      prevTs = t;
    }

    // Stamps are per node and per side: -(v + 2) can never equal a node id used above.
    next = 0;
    prevTs = NaN;
    for (let i = g.out.start[v] as number; i < (g.out.start[v + 1] as number); i++) {
      const edge = g.out.edges[i] as number;
      const receiver = e.dst[edge] as number;
      if (stamp[receiver] !== -(v + 2)) { stamp[receiver] = -(v + 2); rank[receiver] = next++; }
      const t = e.ts[edge] as number;
      const port = rank[receiver] as number;
      const delta = Number.isNaN(prevTs) ? 0 : t - prevTs;
      d[E.out_port * n + edge] = port;
      d[E.out_time_delta * n + edge] = delta;
      lists.outPort[i] = port;
      lists.outDelta[i] = delta;
      prevTs = t;
    }
  }
}
