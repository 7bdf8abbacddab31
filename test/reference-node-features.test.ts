// Node features 1–21 (SPEC §4, §12) on test/fixtures/tiny/features.csv, worked by hand.
//
// The six rows (A = 010/A, B = 020/B, C = 030/C; 2022/09/01 is a Thursday):
//   0  09/01 Thu 10:00  A → B   paid 10 USD     received 10 USD
//   1  09/03 Sat 23:00  A → C   paid 30 Euro    received 25 Yen
//   2  09/04 Sun 05:00  B → A   paid 5 USD      received 4 USD
//   3  09/04 Sun 06:00  A → A   paid 20 Bitcoin received 20 Bitcoin (self-transfer)
//   4  09/05 Mon 12:00  B → A   paid 7 USD      received 7 USD
//   5  09/05 Mon 22:00  C → B   paid 100 USD    received 100 USD
// The accounts file adds D = 40/D (no transactions) and entity types for A, B and D.
import { describe, expect, it } from 'vitest';
import { prepareReference } from './reference/spec-reference.js';
import { rowOf, tiny, transactionsCsv, txLine } from './reference/fixtures.js';
import { NODE_FEATURES } from './reference/names.js';

const result = prepareReference({
  transactions: tiny('features.csv'),
  accounts: tiny('features-accounts.csv'),
});
const node = (id: number) => rowOf(result.nodes, id);

describe('node identity', () => {
  it('numbers accounts by first appearance, then accounts-file-only ones', () => {
    // Row 0 brings A (sender) then B; row 1 brings C; D is only in the accounts file.
    expect(result.nodes.rows.map((r) => [r['node_id'], r['bank'], r['account']])).toEqual([
      [0, '010', 'A'],
      [1, '020', 'B'],
      [2, '030', 'C'],
      [3, '40', 'D'],
    ]);
  });
});

describe('node features of account A (rows 0–4)', () => {
  it('counts a self-transfer once (1)', () => {
    // Rows 0, 1, 2, 3, 4: five, although row 3 has A at both ends.
    expect(node(0)['transaction_count']).toBe(5);
  });

  it('sums paid amounts sent and received amounts received (2, 3)', () => {
    // Sent: rows 0, 1, 3 → 10 + 30 + 20 = 60. Received: rows 2, 3, 4 → 4 + 20 + 7 = 31.
    expect(node(0)['total_sent']).toBe(60);
    expect(node(0)['total_received']).toBe(31);
  });

  it('takes mean, max and min of Amount Paid over all its transactions (4–6)', () => {
    // Paid: 10, 30, 5, 20, 7 → mean 72 / 5 = 14.4, max 30, min 5.
    expect(node(0)['avg_amount']).toBeCloseTo(14.4, 12);
    expect(node(0)['max_amount']).toBe(30);
    expect(node(0)['min_amount']).toBe(5);
  });

  it('floors the span in days and divides the count by it (7, 8, 15)', () => {
    // 09/01 10:00 → 09/05 12:00 is 4 days 2 hours → 4; 5 / 4 = 1.25 > 1 → high frequency.
    expect(node(0)['temporal_span']).toBe(4);
    expect(node(0)['transaction_frequency']).toBe(1.25);
    expect(node(0)['is_high_frequency']).toBe(1);
  });

  it('counts distinct payment currencies and To Banks (9, 10, 14)', () => {
    // Payment currencies USD, Euro, USD, Bitcoin, USD → 3 → international.
    // To Banks 020, 030, 010, 010, 010 → 3: receiving adds A's own bank 010.
    expect(node(0)['currency_diversity']).toBe(3);
    expect(node(0)['is_international']).toBe(1);
    expect(node(0)['bank_diversity']).toBe(3);
  });

  it('counts hours 22–23 and 0–6 as night, hour 6 included (11)', () => {
    // Hours 10, 23, 5, 6, 12 → 23, 5 and 6 → 3 / 5.
    expect(node(0)['night_ratio']).toBe(0.6);
  });

  it('counts Saturday and Sunday as weekend (12)', () => {
    // Thu, Sat, Sun, Sun, Mon → 3 / 5.
    expect(node(0)['weekend_ratio']).toBe(0.6);
  });

  it('flags Bitcoin in either currency column (13)', () => {
    expect(node(0)['uses_crypto']).toBe(1);
  });

  it('counts degrees and counterparties with itself as a counterparty (16–20)', () => {
    // Out: rows 0, 1, 3 → 3; in: rows 2, 3, 4 → 3.
    // Receivers B, C, A → 3; senders B, A, B → 2 distinct. One self-transfer.
    expect(node(0)['out_degree']).toBe(3);
    expect(node(0)['in_degree']).toBe(3);
    expect(node(0)['unique_out_counterparties']).toBe(3);
    expect(node(0)['unique_in_counterparties']).toBe(2);
    expect(node(0)['self_transfer_count']).toBe(1);
  });

  it('takes the entity type code from the accounts row with zeros stripped (21)', () => {
    // Bank 010 meets accounts Bank ID 10. Types sorted: Corporation 0, Individual 1,
    // Partnership 2; A is a Corporation.
    expect(node(0)['entity_type']).toBe(0);
  });
});

describe('node features of accounts B, C and D', () => {
  it('gives B its sums, ratios and a frequency of exactly 1, which is not high', () => {
    // B: rows 0 (in), 2 (out), 4 (out), 5 (in). Sent 5 + 7 = 12, received 10 + 100 = 110.
    // Paid 10, 5, 7, 100 → mean 30.5. Span 09/01 10:00 → 09/05 22:00 = 4.5 days → 4.
    // Frequency 4 / 4 = 1, not > 1. Hours 10, 5, 12, 22 → night 2 / 4.
    // Thu, Sun, Mon, Mon → weekend 1 / 4. To Banks 020, 010, 010, 020 → 2.
    expect(node(1)).toMatchObject({
      transaction_count: 4,
      total_sent: 12,
      total_received: 110,
      avg_amount: 30.5,
      max_amount: 100,
      min_amount: 5,
      temporal_span: 4,
      transaction_frequency: 1,
      currency_diversity: 1,
      bank_diversity: 2,
      night_ratio: 0.5,
      weekend_ratio: 0.25,
      uses_crypto: 0,
      is_international: 0,
      is_high_frequency: 0,
      out_degree: 2,
      in_degree: 2,
      unique_out_counterparties: 1,
      unique_in_counterparties: 2,
      self_transfer_count: 0,
      entity_type: 1,
    });
  });

  it('gives C a span under two days and -1 for an unknown entity type', () => {
    // C: rows 1 (in), 5 (out). 09/03 23:00 → 09/05 22:00 = 1 day 23 hours → 1; 2 / 1 = 2.
    // Payment currencies Euro, USD → 2. To Banks 030, 020 → 2. Hours 23, 22 → all night.
    // Received 25 Yen: total_received reads Amount Received, whatever its currency.
    expect(node(2)).toMatchObject({
      transaction_count: 2,
      total_sent: 100,
      total_received: 25,
      avg_amount: 65,
      max_amount: 100,
      min_amount: 30,
      temporal_span: 1,
      transaction_frequency: 2,
      currency_diversity: 2,
      bank_diversity: 2,
      night_ratio: 1,
      weekend_ratio: 0.5,
      uses_crypto: 0,
      is_international: 1,
      is_high_frequency: 1,
      out_degree: 1,
      in_degree: 1,
      unique_out_counterparties: 1,
      unique_in_counterparties: 1,
      self_transfer_count: 0,
      entity_type: -1,
    });
  });

  it('gives an account without transactions 0 in 1–20 and keeps its entity type', () => {
    const d = node(3);
    for (const f of NODE_FEATURES.slice(0, 20)) expect(d[f], f).toBe(0);
    expect(d['entity_type']).toBe(2);
  });

  it('divides by one day when all transactions fall within a day', () => {
    const r = prepareReference({
      transactions: transactionsCsv([
        txLine('2022/09/01 01:00', '1/P', '2/Q', '1'),
        txLine('2022/09/01 23:59', '1/P', '2/Q', '1'),
      ]),
    });
    // Span 22 h 59 min → 0 days → frequency 2 / max(1, 0) = 2.
    expect(rowOf(r.nodes, 0)).toMatchObject({ temporal_span: 0, transaction_frequency: 2 });
  });

  it('flags Bitcoin when only the receiving currency is Bitcoin', () => {
    const line = '2022/09/01 01:00,1,P,2,Q,0.1,Bitcoin,900,US Dollar,ACH,0';
    const r = prepareReference({ transactions: transactionsCsv([line]) });
    expect(rowOf(r.nodes, 1)['uses_crypto']).toBe(1);
    expect(rowOf(r.nodes, 1)['currency_diversity']).toBe(1);
  });
});

describe('node z-scores', () => {
  it('fits mean and population std over all nodes, accounts without transactions included', () => {
    // transaction_count 5, 4, 2, 0: mean 2.75; deviations 2.25, 1.25, -0.75, -2.75;
    // variance (5.0625 + 1.5625 + 0.5625 + 7.5625) / 4 = 3.6875.
    const std = Math.sqrt(3.6875);
    expect(node(0)['transaction_count_z']).toBeCloseTo(2.25 / std, 12);
    expect(node(3)['transaction_count_z']).toBeCloseTo(-2.75 / std, 12);
    expect(result.scaler.nodes['transaction_count']).toEqual({ mean: 2.75, std });
  });

  it('does not scale flags and codes', () => {
    for (const f of ['uses_crypto', 'is_international', 'is_high_frequency', 'entity_type']) {
      expect(result.nodes.columns).not.toContain(`${f}_z`);
    }
    expect(result.nodes.columns.filter((c) => c.endsWith('_z'))).toHaveLength(17);
  });
});
