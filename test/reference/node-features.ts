// Node features 1–21 (SPEC §4, literal readings from §12), one account at a time.
import type { Identity, NodeInfo } from './identity.js';
import type { Transaction } from './parse.js';
import type { Row } from './table.js';
import { DAY, hourOf, weekdayOf } from './time.js';

interface Mine {
  readonly t: Transaction;
  readonly src: number;
  readonly dst: number;
}

const NIGHT_HOURS = new Set([22, 23, 0, 1, 2, 3, 4, 5, 6]);

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const share = (xs: readonly Mine[], p: (m: Mine) => boolean): number =>
  xs.filter(p).length / xs.length;

function zeroFeatures(entityType: number): Row {
  const row: Row = {
    transaction_count: 0,
    total_sent: 0,
    total_received: 0,
    avg_amount: 0,
    max_amount: 0,
    min_amount: 0,
    temporal_span: 0,
    transaction_frequency: 0,
    currency_diversity: 0,
    bank_diversity: 0,
    night_ratio: 0,
    weekend_ratio: 0,
    uses_crypto: 0,
    is_international: 0,
    is_high_frequency: 0,
    out_degree: 0,
    in_degree: 0,
    unique_out_counterparties: 0,
    unique_in_counterparties: 0,
    self_transfer_count: 0,
  };
  row['entity_type'] = entityType;
  return row;
}

function featuresOf(id: number, mine: readonly Mine[], entityType: number): Row {
  if (mine.length === 0) return zeroFeatures(entityType);
  const sent = mine.filter((m) => m.src === id);
  const received = mine.filter((m) => m.dst === id);
  const paid = mine.map((m) => m.t.amountPaid);
  const stamps = mine.map((m) => m.t.timestamp);

  // 7–8: whole days between first and last; frequency divides by at least one day.
  const span = Math.floor((Math.max(...stamps) - Math.min(...stamps)) / DAY);
  const frequency = mine.length / Math.max(1, span);
  const currencies = new Set(mine.map((m) => m.t.paymentCurrency)).size;

  return {
    transaction_count: mine.length,
    total_sent: sum(sent.map((m) => m.t.amountPaid)),
    total_received: sum(received.map((m) => m.t.amountReceived)),
    avg_amount: sum(paid) / paid.length,
    max_amount: Math.max(...paid),
    min_amount: Math.min(...paid),
    temporal_span: span,
    transaction_frequency: frequency,
    currency_diversity: currencies,
    // 10: To Bank over all its transactions, so receiving adds its own bank (§12).
    bank_diversity: new Set(mine.map((m) => m.t.toBank)).size,
    night_ratio: share(mine, (m) => NIGHT_HOURS.has(hourOf(m.t.timestamp))),
    weekend_ratio: share(mine, (m) => weekdayOf(m.t.timestamp) >= 5),
    uses_crypto: mine.some(
      (m) => m.t.paymentCurrency === 'Bitcoin' || m.t.receivingCurrency === 'Bitcoin',
    )
      ? 1
      : 0,
    is_international: currencies > 1 ? 1 : 0,
    is_high_frequency: frequency > 1 ? 1 : 0,
    out_degree: sent.length,
    in_degree: received.length,
    // 18–19: a self-transfer makes the account its own counterparty (§12).
    unique_out_counterparties: new Set(sent.map((m) => m.dst)).size,
    unique_in_counterparties: new Set(received.map((m) => m.src)).size,
    self_transfer_count: mine.filter((m) => m.src === m.dst).length,
    entity_type: entityType,
  };
}

/** Raw node features with node_id, bank and account, in node id order. */
export function nodeFeatures(
  txs: readonly Transaction[],
  identity: Identity,
  entityTypes: readonly string[],
): Row[] {
  // Each transaction once per distinct endpoint: a self-transfer counts once.
  const perNode: Mine[][] = identity.nodes.map(() => []);
  txs.forEach((t, i) => {
    const [src, dst] = identity.ends[i] as readonly [number, number];
    perNode[src]?.push({ t, src, dst });
    if (dst !== src) perNode[dst]?.push({ t, src, dst });
  });

  return identity.nodes.map((n: NodeInfo) => {
    const code = n.entityType === null ? -1 : entityTypes.indexOf(n.entityType);
    const features = featuresOf(n.id, perNode[n.id] ?? [], code);
    return { node_id: n.id, bank: n.bank, account: n.account, ...features };
  });
}
