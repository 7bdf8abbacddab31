// SPEC §4 (21 node features) and §5 (20 edge features) on a six-edge example worked by hand:
// a self-transfer, parallel edges, equal timestamps, night hours 6 and 22, a weekend,
// Bitcoin on either side, and two fiat currencies.
import { describe, expect, it } from 'vitest';

import { E, EDGE_FEATURE_COUNT, N, NODE_FEATURE_COUNT } from '../../src/features/definitions.js';
import {
  edgePortFeatures,
  matrixPorts,
  edgeRowFeatures,
  type PortLists,
} from '../../src/features/edge-kernel.js';
import { edgeRecords } from '../../src/features/edge-records.js';
import { buildCsr, sortLists, type Graph } from '../../src/features/graph.js';
import { nodeFeatures } from '../../src/features/node-kernel.js';
import {
  makeMatrix,
  type EdgeColumns,
  type Matrix,
  type NodeColumns,
  type Vocabulary,
} from '../../src/features/tables.js';

// Currency dictionary in code point order: Bitcoin 0, Euro 1, US Dollar 2.
const BTC = 0;
const EUR = 1;
const USD = 2;

// Day 0 is Thursday 2022-09-01, 00:00 UTC.
const D0 = Date.UTC(2022, 8, 1) / 1000;
const H = 3600;
const DAY = 86_400;

// Nodes and their bank texts: 0 "010", 1 "020", 2 "010", 3 "030", 4 "040" (no transactions).
// Bank text ids: "010" 0, "020" 1, "030" 2, "040" 3. From Bank codes: "010" 0, "020" 1.
const NODES: NodeColumns = {
  count: 5,
  bankText: Int32Array.from([0, 1, 0, 2, 3]),
  entityType: Int32Array.from([1, 0, -1, 2, 1]),
};
const VOCAB: Vocabulary = { currencies: 3, bankTexts: 4, bitcoin: BTC };

// Row order is not time order: e3 is earlier than e2; e2 and e4 share a timestamp.
//        src dst  timestamp                   paid  recv   pay  recv-cur fmt bank
// e0      0   1   Thu 09-01 06:00   D0+6h     100   90     USD  EUR      1   0
// e1      1   1   Thu 09-01 22:30   D0+22.5h   50   50     EUR  EUR      0   1  (self)
// e2      0   3   Sat 09-03 12:00   D0+2d+12h   0.5  0.5   BTC  BTC      2   0
// e3      0   2   Fri 09-02 07:00   D0+1d+7h  200  200     USD  USD      1   0
// e4      0   1   Sat 09-03 12:00   = e2       30   30     USD  USD      1   0  (parallel to e0)
// e5      2   1   Sun 10-02 23:59:59 D0+31d+86399  5  0.25 EUR  BTC      0   0
const T = [
  D0 + 6 * H,
  D0 + 22.5 * H,
  D0 + 2 * DAY + 12 * H,
  D0 + DAY + 7 * H,
  D0 + 2 * DAY + 12 * H,
  D0 + 31 * DAY + 86_399,
];

function edges(label = Uint8Array.from([0, 1, 0, 0, 1, 0])): EdgeColumns {
  return {
    rows: 6,
    ts: Float64Array.from(T),
    amountPaid: Float64Array.from([100, 50, 0.5, 200, 30, 5]),
    amountReceived: Float64Array.from([90, 50, 0.5, 200, 30, 0.25]),
    src: Int32Array.from([0, 1, 0, 0, 0, 2]),
    dst: Int32Array.from([1, 1, 3, 2, 1, 1]),
    paymentCurrency: Int32Array.from([USD, EUR, BTC, USD, USD, EUR]),
    receivingCurrency: Int32Array.from([EUR, EUR, BTC, USD, USD, BTC]),
    format: Int32Array.from([1, 0, 2, 1, 1, 0]),
    bank: Int32Array.from([0, 1, 0, 0, 0, 0]),
    label,
  };
}

function graphOf(e: EdgeColumns, nodes = 5): Graph {
  const g = { nodes, out: buildCsr(e.src, e.rows, nodes), in: buildCsr(e.dst, e.rows, nodes) };
  sortLists(g.out, e.ts, 0, nodes);
  sortLists(g.in, e.ts, 0, nodes);
  return g;
}

function row(m: Matrix, r: number): number[] {
  return Array.from({ length: m.cols }, (_, c) => m.data[c * m.rows + r]!);
}

/** The node matrix, its lists gathered from the edge columns or, with `records`, from records. */
function nodeMatrix(
  e: EdgeColumns,
  ranges: [number, number][] = [[0, 5]],
  records = false,
): Matrix {
  const g = graphOf(e);
  const out = makeMatrix(5, NODE_FEATURE_COUNT);
  const recs = records ? edgeRecords(e) : null;
  for (const [from, to] of ranges) nodeFeatures(g, e, NODES, VOCAB, out, from, to, recs);
  return out;
}

function portLists(rows: number): PortLists {
  return {
    inPort: new Float64Array(rows).fill(NaN),
    inDelta: new Float64Array(rows).fill(NaN),
    outPort: new Float64Array(rows).fill(NaN),
    outDelta: new Float64Array(rows).fill(NaN),
    inFrom: 0,
    outFrom: 0,
  };
}

function edgeMatrix(
  e: EdgeColumns,
  ranges: [number, number][] = [[0, 5]],
  lists = portLists(e.rows),
): Matrix {
  const g = graphOf(e);
  const out = makeMatrix(6, EDGE_FEATURE_COUNT);
  edgeRowFeatures(e, D0, out, 0, 6);
  for (const [from, to] of ranges) edgePortFeatures(g, e, matrixPorts(out), lists, from, to);
  return out;
}

/** Named expectations in SPEC order, so a reader can check each against its definition. */
function nodeRow(v: Record<keyof typeof N, number>): number[] {
  return Object.entries(N)
    .sort((a, b) => a[1] - b[1])
    .map(([name]) => v[name as keyof typeof N]);
}

function expectRow(got: number[], want: number[], names: string[]): void {
  want.forEach((w, c) => expect(got[c], names[c]).toBeCloseTo(w, 12));
}

const NODE_NAMES = Object.keys(N);
const EDGE_NAMES = Object.keys(E);

describe('graph adjacency', () => {
  it('orders each list by (timestamp, row)', () => {
    const g = graphOf(edges());
    // Out: node 0 sends e0 (06:00 Thu), e3 (07:00 Fri), then e2 and e4 (both Sat 12:00, row
    // order); node 1 sends e1; node 2 sends e5.
    expect([...g.out.start]).toEqual([0, 4, 5, 6, 6, 6]);
    expect([...g.out.edges]).toEqual([0, 3, 2, 4, 1, 5]);
    // In: node 1 receives e0, e1, e4, e5; node 2 e3; node 3 e2.
    expect([...g.in.start]).toEqual([0, 0, 4, 5, 6, 6]);
    expect([...g.in.edges]).toEqual([0, 1, 4, 5, 3, 2]);
  });

  it('sorts long lists by (timestamp, row) too', () => {
    // 40 edges out of node 0 (past the insertion-sort size) with timestamps cycling
    // 1000, 990, 980, 970, 960: eight ties per value.
    const rows = 40;
    const ts = Float64Array.from({ length: rows }, (_, e) => 1000 - (e % 5) * 10);
    const src = new Int32Array(rows);
    const csr = buildCsr(src, rows, 1);
    sortLists(csr, ts, 0, 1);
    const want = Array.from({ length: rows }, (_, e) => e).sort((a, b) => ts[a]! - ts[b]! || a - b);
    expect([...csr.edges]).toEqual(want);
  });
});

// Both ways of gathering a node's edges give the hand-worked values.
describe.each([
  ['from the edge columns', false],
  ['from edge records', true],
])('node features, gathered %s', (_how, records) => {
  const m = nodeMatrix(edges(), [[0, 5]], records);

  it('computes node 0: a sender of four transactions, one in Bitcoin', () => {
    // Transactions e0, e2, e3, e4, all sent. Paid 100 + 0.5 + 200 + 30 = 330.5; mean 82.625.
    // Span: first e0 (D0+6h), last e2/e4 (D0+60h): 54 h = 2.25 days → 2; frequency 4 / 2 = 2.
    // Payment currencies USD, BTC, USD, USD → 2. To Banks: node 1 "020", node 3 "030",
    // node 2 "010", node 1 → 3. Hours 6, 12, 7, 12: night only 6 → 1/4. Thu, Sat, Fri, Sat
    // → 2/4 weekend. Receivers 1, 3, 2 → 3 distinct.
    expectRow(
      row(m, 0),
      nodeRow({
        transaction_count: 4,
        total_sent: 330.5,
        total_received: 0,
        avg_amount: 82.625,
        max_amount: 200,
        min_amount: 0.5,
        temporal_span: 2,
        transaction_frequency: 2,
        currency_diversity: 2,
        bank_diversity: 3,
        night_ratio: 0.25,
        weekend_ratio: 0.5,
        uses_crypto: 1,
        is_international: 1,
        is_high_frequency: 1,
        out_degree: 4,
        in_degree: 0,
        unique_out_counterparties: 3,
        unique_in_counterparties: 0,
        self_transfer_count: 0,
        entity_type: 1,
      }),
      NODE_NAMES,
    );
  });

  it('computes node 1: a receiver with a self-transfer counted once', () => {
    // Transactions e0, e1 (self), e4, e5: 4, not 5. Sent: e1's 50. Received 90 + 50 + 30 +
    // 0.25 = 170.25. Paid over its transactions 100, 50, 30, 5: mean 185 / 4 = 46.25.
    // Span: e0 (D0+6h) to e5 (D0+31d+86399s): 2,743,199 s = 31.75 days → 31; 4 / 31.
    // Payment currencies USD, EUR, USD, EUR → 2. To Bank is its own "020" every time → 1.
    // Hours 6, 22, 12, 23 → 3/4 night. Thu, Thu, Sat, Sun → 2/4. e5 receives Bitcoin → 1.
    // Senders 0, 1 (itself), 2 → 3; receivers: itself → 1.
    expectRow(
      row(m, 1),
      nodeRow({
        transaction_count: 4,
        total_sent: 50,
        total_received: 170.25,
        avg_amount: 46.25,
        max_amount: 100,
        min_amount: 5,
        temporal_span: 31,
        transaction_frequency: 4 / 31,
        currency_diversity: 2,
        bank_diversity: 1,
        night_ratio: 0.75,
        weekend_ratio: 0.5,
        uses_crypto: 1,
        is_international: 1,
        is_high_frequency: 0,
        out_degree: 1,
        in_degree: 4,
        unique_out_counterparties: 1,
        unique_in_counterparties: 3,
        self_transfer_count: 1,
        entity_type: 0,
      }),
      NODE_NAMES,
    );
  });

  it('computes node 2: one received and one sent transaction', () => {
    // e3 (received, 200 USD, Fri 07:00) and e5 (sent, 5 EUR → 0.25 BTC, Sun 23:59:59).
    // Span: D0+1d+7h to D0+31d+86399s: 2,653,199 s = 30.7 days → 30; 2 / 30.
    // To Banks: its own "010" (e3) and node 1's "020" (e5) → 2.
    expectRow(
      row(m, 2),
      nodeRow({
        transaction_count: 2,
        total_sent: 5,
        total_received: 200,
        avg_amount: 102.5,
        max_amount: 200,
        min_amount: 5,
        temporal_span: 30,
        transaction_frequency: 2 / 30,
        currency_diversity: 2,
        bank_diversity: 2,
        night_ratio: 0.5,
        weekend_ratio: 0.5,
        uses_crypto: 1,
        is_international: 1,
        is_high_frequency: 0,
        out_degree: 1,
        in_degree: 1,
        unique_out_counterparties: 1,
        unique_in_counterparties: 1,
        self_transfer_count: 0,
        entity_type: -1,
      }),
      NODE_NAMES,
    );
  });

  it('computes node 3: a single Bitcoin receipt', () => {
    // e2 only: span 0, frequency 1 / max(1, 0) = 1, which is not > 1.
    expectRow(
      row(m, 3),
      nodeRow({
        transaction_count: 1,
        total_sent: 0,
        total_received: 0.5,
        avg_amount: 0.5,
        max_amount: 0.5,
        min_amount: 0.5,
        temporal_span: 0,
        transaction_frequency: 1,
        currency_diversity: 1,
        bank_diversity: 1,
        night_ratio: 0,
        weekend_ratio: 1,
        uses_crypto: 1,
        is_international: 0,
        is_high_frequency: 0,
        out_degree: 0,
        in_degree: 1,
        unique_out_counterparties: 0,
        unique_in_counterparties: 1,
        self_transfer_count: 0,
        entity_type: 2,
      }),
      NODE_NAMES,
    );
  });

  it('gives an account without transactions 0 in 1-20 and keeps its entity type', () => {
    expect(row(m, 4)).toEqual([...new Array<number>(20).fill(0), 1]);
  });

  it('gives the same values when nodes are split into chunks', () => {
    expect(
      nodeMatrix(
        edges(),
        [
          [3, 5],
          [0, 1],
          [1, 3],
        ],
        records,
      ).data,
    ).toEqual(m.data);
  });

  it('never reads the label', () => {
    const labels = Uint8Array.from([1, 0, 1, 1, 0, 1]);
    expect(nodeMatrix(edges(labels), [[0, 5]], records).data).toEqual(m.data);
  });
});

describe('edge features', () => {
  const m = edgeMatrix(edges());
  const S3 = Math.sqrt(3);
  // sin/cos of 2π·w/7 as π/7 multiples: w = 3 → 6π/7, 4 → 8π/7, 5 → 10π/7, 6 → 12π/7.
  const s7 = (k: number) => Math.sin((k * Math.PI) / 7);
  const c7 = (k: number) => Math.cos((k * Math.PI) / 7);
  const sin15 = (Math.sqrt(6) - Math.sqrt(2)) / 4;
  const cos15 = (Math.sqrt(6) + Math.sqrt(2)) / 4;

  /** [hour_sin, hour_cos, day_sin, day_cos, month_sin, month_cos]. */
  const cyclic = [
    // e0: hour 6 → 90°; Thursday (3); September → 270°.
    [1, 0, s7(1), -c7(1), -1, 0],
    // e1: hour 22 → 330°; Thursday.
    [-0.5, S3 / 2, s7(1), -c7(1), -1, 0],
    // e2: hour 12 → 180°; Saturday (5) → 10π/7 = 2π − 4π/7.
    [0, -1, -s7(4), c7(4), -1, 0],
    // e3: hour 7 → 105°; Friday (4) → 8π/7 = π + π/7.
    [cos15, -sin15, -s7(1), -c7(1), -1, 0],
    // e4: as e2.
    [0, -1, -s7(4), c7(4), -1, 0],
    // e5: hour 23 → 345°; Sunday (6) → 12π/7 = 2π − 2π/7; October → 300°.
    [-sin15, cos15, -s7(2), c7(2), -S3 / 2, 0.5],
  ];
  // [paid_log, received_log, ratio, currency, format, bank, received_currency, self, cross,
  //  time]; ratio = paid / max(received, 1): e2 0.5 / 1, e5 5 / 1.
  const rowPart = [
    [Math.log(101), Math.log(91), 100 / 90, USD, 1, 0, EUR, 0, 1, 6 * H],
    [Math.log(51), Math.log(51), 1, EUR, 0, 1, EUR, 1, 0, 22.5 * H],
    [Math.log(1.5), Math.log(1.5), 0.5, BTC, 2, 0, BTC, 0, 0, 2 * DAY + 12 * H],
    [Math.log(201), Math.log(201), 1, USD, 1, 0, USD, 0, 0, DAY + 7 * H],
    [Math.log(31), Math.log(31), 1, USD, 1, 0, USD, 0, 0, 2 * DAY + 12 * H],
    [Math.log(6), Math.log(1.25), 5, EUR, 0, 0, BTC, 0, 1, 31 * DAY + 86_399],
  ];
  // [in_port, out_port, in_time_delta, out_time_delta].
  // In-list of node 1 by time: e0 (sender 0 → rank 0), e1 (1 → 1), e4 (0 → 0), e5 (2 → 2);
  //   deltas 0, 22.5h − 6h = 59,400, 60h − 22.5h = 135,000, (31d + 86,399) − 60h = 2,548,799.
  // Out-list of node 0 by (time, row): e0 (→1: 0), e3 (→2: 1), e2 (→3: 2), e4 (→1: 0);
  //   deltas 0, 31h − 6h = 90,000, 60h − 31h = 104,400, and 0 for e4, tied with e2.
  // Nodes 2 and 3 receive once, nodes 1 and 2 send once: rank 0, delta 0.
  const ports = [
    [0, 0, 0, 0],
    [1, 0, 59_400, 0],
    [0, 2, 0, 104_400],
    [0, 1, 0, 90_000],
    [0, 0, 135_000, 0],
    [2, 0, 2_548_799, 0],
  ];

  it.each([0, 1, 2, 3, 4, 5])('computes all 20 features of edge e%i', (r) => {
    expectRow(row(m, r), [...cyclic[r]!, ...rowPart[r]!, ...ports[r]!], EDGE_NAMES);
  });

  it('writes exact integers for codes, flags, times, ports and deltas', () => {
    for (let r = 0; r < 6; r++) {
      const got = row(m, r);
      for (const c of [
        E.currency,
        E.format,
        E.bank,
        E.received_currency,
        E.is_self_transfer,
        E.is_cross_currency,
        E.time,
        E.in_port,
        E.out_port,
        E.in_time_delta,
        E.out_time_delta,
      ]) {
        expect(got[c], `e${r} ${EDGE_NAMES[c]}`).toBe(
          [...cyclic[r]!, ...rowPart[r]!, ...ports[r]!][c],
        );
      }
    }
  });

  it('also writes ports and deltas in CSR list order', () => {
    // In-list order (see graph adjacency): e0, e1, e4, e5, e3, e2.
    // Out-list order: e0, e3, e2, e4, e1, e5.
    const lists = portLists(6);
    edgeMatrix(edges(), [[0, 5]], lists);
    const at = (order: number[], c: number) => order.map((r) => ports[r]![c]);
    expect([...lists.inPort]).toEqual(at([0, 1, 4, 5, 3, 2], 0));
    expect([...lists.inDelta]).toEqual(at([0, 1, 4, 5, 3, 2], 2));
    expect([...lists.outPort]).toEqual(at([0, 3, 2, 4, 1, 5], 1));
    expect([...lists.outDelta]).toEqual(at([0, 3, 2, 4, 1, 5], 3));
  });

  it('gives the same ports and deltas when nodes are split into chunks', () => {
    expect(
      edgeMatrix(edges(), [
        [4, 5],
        [1, 4],
        [0, 1],
      ]).data,
    ).toEqual(m.data);
  });

  it('never reads the label', () => {
    expect(edgeMatrix(edges(Uint8Array.from([1, 1, 1, 1, 1, 1]))).data).toEqual(m.data);
  });

  it('ranks a new counterparty by the first of tied transactions in row order', () => {
    // Node 0 sends to 1 and then to 2 at the same instant (rows 0, 1), and to 2 again
    // earlier in time but later in rows (row 2). Order (time, row): e2, e0, e1.
    // Out ranks: e2 → 2 first (0), e0 → 1 (1), e1 → 2 (0); out deltas e2 0, e0 100, e1 0.
    // In: node 1 receives e0 alone; node 2 receives e2 (t 0) then e1 (t 100): delta 100.
    const e: EdgeColumns = {
      ...edges(),
      rows: 3,
      ts: Float64Array.from([D0 + 100, D0 + 100, D0]),
      src: Int32Array.from([0, 0, 0]),
      dst: Int32Array.from([1, 2, 2]),
    };
    const g = graphOf(e, 3);
    const out = makeMatrix(3, EDGE_FEATURE_COUNT);
    edgePortFeatures(g, e, matrixPorts(out), portLists(3), 0, 3);
    expect([0, 1, 2].map((r) => row(out, r)[E.out_port])).toEqual([1, 0, 0]);
    expect([0, 1, 2].map((r) => row(out, r)[E.out_time_delta])).toEqual([100, 0, 0]);
    expect([0, 1, 2].map((r) => row(out, r)[E.in_port])).toEqual([0, 0, 0]);
    expect([0, 1, 2].map((r) => row(out, r)[E.in_time_delta])).toEqual([0, 100, 0]);
  });
});
