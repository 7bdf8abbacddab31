import { hourOf, isNight, isWeekend, weekdayOf, SECONDS_PER_DAY } from './calendar.js';
import { N } from './definitions.js';
import type { Graph } from './graph.js';
import type { EdgeColumns, Matrix, NodeColumns, Vocabulary } from './tables.js';

/**
 * SPEC §4 for nodes [from, to): writes the 21 node features into `out`. A node's transactions
 * are its out-list plus its in-list without self-transfers, which the out-list already holds.
 */
export function nodeFeatures(
  g: Graph, e: EdgeColumns, nodes: NodeColumns, vocab: Vocabulary, out: Matrix,
  from: number, to: number,
): void {
  const seenCurrency = new Int32Array(vocab.currencies).fill(-1);
  const seenBank = new Int32Array(vocab.bankTexts).fill(-1);
  const seenNode = new Int32Array(nodes.count).fill(-1);
  const seenNodeIn = new Int32Array(nodes.count).fill(-1);
  const put = (c: number, v: number, value: number): void => {
    out.data[c * out.rows + v] = value;
  };

  for (let v = from; v < to; v++) {
    const s = { count: 0, sent: 0, received: 0, paidSum: 0, max: -Infinity, min: Infinity,
      first: Infinity, last: -Infinity, currencies: 0, banks: 0, night: 0, weekend: 0,
      crypto: 0, outCp: 0, inCp: 0, self: 0 };

    // One transaction of v, counted once whatever side it is seen from.
    const visit = (edge: number): void => {
      const t = e.ts[edge] as number;
      const paid = e.amountPaid[edge] as number;
      const pay = e.paymentCurrency[edge] as number;
      const bank = nodes.bankText[e.dst[edge] as number] as number;
      s.count++;
      s.paidSum += paid;
      if (paid > s.max) s.max = paid;
      if (paid < s.min) s.min = paid;
      if (t < s.first) s.first = t;
      if (t > s.last) s.last = t;
      if (seenCurrency[pay] !== v) { seenCurrency[pay] = v; s.currencies++; }
      if (seenBank[bank] !== v) { seenBank[bank] = v; s.banks++; }
      if (isNight(hourOf(t))) s.night++;
      if (isWeekend(weekdayOf(t))) s.weekend++;
      if (pay === vocab.bitcoin || e.receivingCurrency[edge] === vocab.bitcoin) s.crypto = 1;
    };

    const outA = g.out.start[v] as number;
    const outB = g.out.start[v + 1] as number;
    for (let i = outA; i < outB; i++) {
      const edge = g.out.edges[i] as number;
      const dst = e.dst[edge] as number;
      visit(edge);
      s.sent += e.amountPaid[edge] as number;
      if (seenNode[dst] !== v) { seenNode[dst] = v; s.outCp++; }
      if (dst === v) s.self++;
    }
    const inA = g.in.start[v] as number;
    const inB = g.in.start[v + 1] as number;
    for (let i = inA; i < inB; i++) {
      const edge = g.in.edges[i] as number;
      const src = e.src[edge] as number;
      s.received += e.amountReceived[edge] as number;
      if (seenNodeIn[src] !== v) { seenNodeIn[src] = v; s.inCp++; }
      if (src !== v) visit(edge);
    }

    const has = s.count > 0;
    const span = has ? Math.floor((s.last - s.first) / SECONDS_PER_DAY) : 0;
    const frequency = s.count / Math.max(1, span);
    put(N.transaction_count, v, s.count);
    put(N.total_sent, v, s.sent);
    put(N.total_received, v, s.received);
    put(N.avg_amount, v, has ? s.paidSum / s.count : 0);
    put(N.max_amount, v, has ? s.max : 0);
    put(N.min_amount, v, has ? s.min : 0);
    put(N.temporal_span, v, span);
    put(N.transaction_frequency, v, frequency);
    put(N.currency_diversity, v, s.currencies);
    put(N.bank_diversity, v, s.banks);
    put(N.night_ratio, v, has ? s.night / s.count : 0);
    put(N.weekend_ratio, v, has ? s.weekend / s.count : 0);
    put(N.uses_crypto, v, s.crypto);
    put(N.is_international, v, s.currencies > 1 ? 1 : 0);
    put(N.is_high_frequency, v, frequency > 1 ? 1 : 0);
    put(N.out_degree, v, outB - outA);
    put(N.in_degree, v, inB - inA);
    put(N.unique_out_counterparties, v, s.outCp);
    put(N.unique_in_counterparties, v, s.inCp);
    put(N.self_transfer_count, v, s.self);
    put(N.entity_type, v, nodes.entityType[v] as number);
  }
}
