import { hourOf, isNight, isWeekend, weekdayOf, SECONDS_PER_DAY } from './calendar.js';
import { N } from './definitions.js';
import { REC, REC_INT, RECORD_SLOTS } from './edge-records.js';
import type { Csr, Graph } from './graph.js';
import type { EdgeColumns, Matrix, NodeColumns, Vocabulary } from './tables.js';
import { scratchInt32 } from './scratch.js';

/** Running totals of one node's transactions; one instance is reused for every node. */
class Tally {
  count = 0;
  paidSum = 0;
  max = -Infinity;
  min = Infinity;
  first = Infinity;
  last = -Infinity;
  currencies = 0;
  banks = 0;
  night = 0;
  weekend = 0;
  crypto = 0;

  reset(): void {
    this.count = 0;
    this.paidSum = 0;
    this.max = -Infinity;
    this.min = Infinity;
    this.first = Infinity;
    this.last = -Infinity;
    this.currencies = 0;
    this.banks = 0;
    this.night = 0;
    this.weekend = 0;
    this.crypto = 0;
  }
}

/** Per-worker scratch: "seen for node v" stamps, so distinct counts need no sets. */
interface Seen {
  currency: Int32Array;
  bank: Int32Array;
}

/**
 * One list's edges, their columns copied out in list order. A node's edges lie anywhere in
 * the table, so reading a column at each edge is a cache miss; the copy loop has nothing but
 * independent loads, which the CPU overlaps, and the feature loop then reads memory in order.
 * At HI-Small scale that halves the kernel's time. The values and their order are unchanged.
 */
class Gathered {
  ts = new Float64Array(0);
  paid = new Float64Array(0);
  received = new Float64Array(0);
  pay = new Int32Array(0);
  recv = new Int32Array(0);
  /** The receiver on an out-list, the sender on an in-list. */
  other = new Int32Array(0);
  /** Bank text code of the receiver. */
  bank = new Int32Array(0);

  /** The edges as records (src/features/edge-records.ts), when the step made them. */
  readonly #records: Float64Array | null;
  readonly #ints: Int32Array | null;

  constructor(records: Float64Array | null) {
    this.#records = records;
    this.#ints = records === null ? null : new Int32Array(records.buffer, records.byteOffset);
  }

  /**
   * Copies the columns of v's list edges [a, b) (its out-list when `out`, else its in-list)
   * to positions 0 .. b - a.
   */
  fill(
    csr: Csr,
    a: number,
    b: number,
    e: EdgeColumns,
    nodes: NodeColumns,
    v: number,
    out: boolean,
  ) {
    if (b - a > this.ts.length) this.#grow(b - a);
    if (this.#records !== null) this.#fillFromRecords(csr, a, b, out);
    else this.#fillFromColumns(csr, a, b, e, out);
    // The receiver's bank: v's own on an in-list. On an out-list a second pass, since the
    // load waits on the receiver's.
    if (!out) this.bank.fill(nodes.bankText[v] as number, 0, b - a);
    else for (let j = 0; j < b - a; j++) this.bank[j] = nodes.bankText[this.other[j]!] as number;
  }

  /** The copy from one record an edge: one or two cache lines, where six columns are six. */
  #fillFromRecords(csr: Csr, a: number, b: number, out: boolean): void {
    const f = this.#records!;
    const ints = this.#ints!;
    const other = out ? REC_INT.dst : REC_INT.src;
    for (let i = a; i < b; i++) {
      const at = (csr.edges[i] as number) * RECORD_SLOTS;
      const j = i - a;
      this.ts[j] = f[at + REC.ts] as number;
      this.paid[j] = f[at + REC.paid] as number;
      this.received[j] = f[at + REC.received] as number;
      this.pay[j] = ints[2 * at + REC_INT.pay] as number;
      this.recv[j] = ints[2 * at + REC_INT.recv] as number;
      this.other[j] = ints[2 * at + other] as number;
    }
  }

  #fillFromColumns(csr: Csr, a: number, b: number, e: EdgeColumns, out: boolean): void {
    const other = out ? e.dst : e.src;
    for (let i = a; i < b; i++) {
      const edge = csr.edges[i] as number;
      const j = i - a;
      this.ts[j] = e.ts[edge] as number;
      this.paid[j] = e.amountPaid[edge] as number;
      this.received[j] = e.amountReceived[edge] as number;
      this.pay[j] = e.paymentCurrency[edge] as number;
      this.recv[j] = e.receivingCurrency[edge] as number;
      this.other[j] = other[edge] as number;
    }
  }

  #grow(n: number): void {
    const size = Math.max(n, 2 * this.ts.length, 64);
    this.ts = new Float64Array(size);
    this.paid = new Float64Array(size);
    this.received = new Float64Array(size);
    this.pay = new Int32Array(size);
    this.recv = new Int32Array(size);
    this.other = new Int32Array(size);
    this.bank = new Int32Array(size);
  }
}

/**
 * SPEC §4 for nodes [from, to): writes the 21 node features into `out`. A node's transactions
 * are its out-list plus its in-list without self-transfers, which the out-list already holds.
 * With `records` (edgeRecords of `e`) the lists are gathered from them, to the same values.
 */
export function nodeFeatures(
  g: Graph,
  e: EdgeColumns,
  nodes: NodeColumns,
  vocab: Vocabulary,
  out: Matrix,
  from: number,
  to: number,
  records: Float64Array | null = null,
): void {
  const seen: Seen = {
    currency: scratchInt32('node-currency', vocab.currencies, -1),
    bank: scratchInt32('node-bank', vocab.bankTexts, -1),
  };
  const outCp = scratchInt32('node-out-counterparty', nodes.count, -1);
  const inCp = scratchInt32('node-in-counterparty', nodes.count, -1);
  const t = new Tally();
  const l = new Gathered(records);
  const n = out.rows;
  const d = out.data;

  for (let v = from; v < to; v++) {
    t.reset();
    let sent = 0;
    let received = 0;
    let outCount = 0;
    let inCount = 0;
    let self = 0;

    const outA = g.out.start[v] as number;
    const outB = g.out.start[v + 1] as number;
    l.fill(g.out, outA, outB, e, nodes, v, true);
    for (let j = 0; j < outB - outA; j++) {
      const dst = l.other[j] as number;
      visit(t, seen, l, j, vocab, v);
      sent += l.paid[j] as number;
      if (outCp[dst] !== v) {
        outCp[dst] = v;
        outCount++;
      }
      if (dst === v) self++;
    }
    const inA = g.in.start[v] as number;
    const inB = g.in.start[v + 1] as number;
    l.fill(g.in, inA, inB, e, nodes, v, false);
    for (let j = 0; j < inB - inA; j++) {
      const src = l.other[j] as number;
      received += l.received[j] as number;
      if (inCp[src] !== v) {
        inCp[src] = v;
        inCount++;
      }
      if (src !== v) visit(t, seen, l, j, vocab, v);
    }

    const has = t.count > 0;
    const span = has ? Math.floor((t.last - t.first) / SECONDS_PER_DAY) : 0;
    const frequency = t.count / Math.max(1, span);
    d[N.transaction_count * n + v] = t.count;
    d[N.total_sent * n + v] = sent;
    d[N.total_received * n + v] = received;
    d[N.avg_amount * n + v] = has ? t.paidSum / t.count : 0;
    d[N.max_amount * n + v] = has ? t.max : 0;
    d[N.min_amount * n + v] = has ? t.min : 0;
    d[N.temporal_span * n + v] = span;
    d[N.transaction_frequency * n + v] = frequency;
    d[N.currency_diversity * n + v] = t.currencies;
    d[N.bank_diversity * n + v] = t.banks;
    d[N.night_ratio * n + v] = has ? t.night / t.count : 0;
    d[N.weekend_ratio * n + v] = has ? t.weekend / t.count : 0;
    d[N.uses_crypto * n + v] = t.crypto;
    d[N.is_international * n + v] = t.currencies > 1 ? 1 : 0;
    d[N.is_high_frequency * n + v] = frequency > 1 ? 1 : 0;
    d[N.out_degree * n + v] = outB - outA;
    d[N.in_degree * n + v] = inB - inA;
    d[N.unique_out_counterparties * n + v] = outCount;
    d[N.unique_in_counterparties * n + v] = inCount;
    d[N.self_transfer_count * n + v] = self;
    d[N.entity_type * n + v] = nodes.entityType[v] as number;
  }
}

/** Adds transaction j of the gathered list to node v's tally; each is visited once. */
function visit(t: Tally, seen: Seen, l: Gathered, j: number, vocab: Vocabulary, v: number): void {
  const ts = l.ts[j] as number;
  const paid = l.paid[j] as number;
  const pay = l.pay[j] as number;
  const bank = l.bank[j] as number;

  t.count++;
  t.paidSum += paid;
  if (paid > t.max) t.max = paid;
  if (paid < t.min) t.min = paid;
  if (ts < t.first) t.first = ts;
  if (ts > t.last) t.last = ts;
  if (seen.currency[pay] !== v) {
    seen.currency[pay] = v;
    t.currencies++;
  }
  if (seen.bank[bank] !== v) {
    seen.bank[bank] = v;
    t.banks++;
  }
  if (isNight(hourOf(ts))) t.night++;
  if (isWeekend(weekdayOf(ts))) t.weekend++;
  if (pay === vocab.bitcoin || l.recv[j] === vocab.bitcoin) t.crypto = 1;
}
