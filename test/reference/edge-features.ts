// Edge features 1–20 (SPEC §5), one transaction at a time, in file order.
import type { Identity } from './identity.js';
import type { Transaction } from './parse.js';
import type { Row } from './table.js';
import { dayStart, hourOf, monthOf, weekdayOf } from './time.js';

export interface Dictionaries {
  readonly currency: readonly string[];
  readonly format: readonly string[];
  readonly bank: readonly string[];
}

interface Ports {
  readonly inPort: number[];
  readonly outPort: number[];
  readonly inDelta: number[];
  readonly outDelta: number[];
}

const TAU = 2 * Math.PI;

/** Row numbers sorted by (timestamp, row number): §5's order for 17–20. */
function chronological(txs: readonly Transaction[]): number[] {
  return txs
    .map((_, i) => i)
    .sort((a, b) => (txs[a] as Transaction).timestamp - (txs[b] as Transaction).timestamp || a - b);
}

/** 17–20: walk the transactions in time order, keeping per-account memories. */
function portsAndDeltas(txs: readonly Transaction[], identity: Identity): Ports {
  const n = txs.length;
  const out: Ports = {
    inPort: new Array<number>(n).fill(0),
    outPort: new Array<number>(n).fill(0),
    inDelta: new Array<number>(n).fill(0),
    outDelta: new Array<number>(n).fill(0),
  };
  const senders = new Map<number, Map<number, number>>(); // receiver → sender → rank
  const receivers = new Map<number, Map<number, number>>(); // sender → receiver → rank
  const lastIn = new Map<number, number>();
  const lastOut = new Map<number, number>();

  for (const i of chronological(txs)) {
    const [src, dst] = identity.ends[i] as readonly [number, number];
    const ts = (txs[i] as Transaction).timestamp;
    out.inPort[i] = rankOf(senders, dst, src);
    out.outPort[i] = rankOf(receivers, src, dst);
    out.inDelta[i] = ts - (lastIn.get(dst) ?? ts);
    out.outDelta[i] = ts - (lastOut.get(src) ?? ts);
    lastIn.set(dst, ts);
    lastOut.set(src, ts);
  }
  return out;
}

/** Rank of `other` among `at`'s distinct partners so far; a new partner gets the next rank. */
function rankOf(memory: Map<number, Map<number, number>>, at: number, other: number): number {
  const ranks = memory.get(at) ?? new Map<number, number>();
  memory.set(at, ranks);
  const known = ranks.get(other);
  if (known !== undefined) return known;
  ranks.set(other, ranks.size);
  return ranks.size - 1;
}

export function edgeFeatures(
  txs: readonly Transaction[],
  identity: Identity,
  dicts: Dictionaries,
): Row[] {
  const ports = portsAndDeltas(txs, identity);
  const firstDay = txs.length === 0 ? 0 : dayStart(Math.min(...txs.map((t) => t.timestamp)));

  return txs.map((t, i) => {
    const [src, dst] = identity.ends[i] as readonly [number, number];
    const hour = hourOf(t.timestamp);
    const weekday = weekdayOf(t.timestamp);
    const month = monthOf(t.timestamp);
    return {
      hour_sin: Math.sin((TAU * hour) / 24),
      hour_cos: Math.cos((TAU * hour) / 24),
      day_sin: Math.sin((TAU * weekday) / 7),
      day_cos: Math.cos((TAU * weekday) / 7),
      month_sin: Math.sin((TAU * month) / 12),
      month_cos: Math.cos((TAU * month) / 12),
      amount_paid_log: Math.log1p(t.amountPaid),
      amount_received_log: Math.log1p(t.amountReceived),
      amount_ratio: t.amountPaid / Math.max(t.amountReceived, 1),
      currency: dicts.currency.indexOf(t.paymentCurrency),
      format: dicts.format.indexOf(t.paymentFormat),
      bank: dicts.bank.indexOf(t.fromBank),
      received_currency: dicts.currency.indexOf(t.receivingCurrency),
      is_self_transfer: src === dst ? 1 : 0,
      is_cross_currency: t.paymentCurrency !== t.receivingCurrency ? 1 : 0,
      time: t.timestamp - firstDay,
      in_port: ports.inPort[i] as number,
      out_port: ports.outPort[i] as number,
      in_time_delta: ports.inDelta[i] as number,
      out_time_delta: ports.outDelta[i] as number,
    };
  });
}
