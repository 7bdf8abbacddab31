// Edge features 1–20 (SPEC §5) on the tiny fixtures, worked by hand.
import { describe, expect, it } from 'vitest';
import { prepareReference } from './reference/spec-reference.js';
import { rowOf, tiny, transactionsCsv, txLine, values } from './reference/fixtures.js';

// features.csv (see reference-node-features.test.ts): A = 0, B = 1, C = 2.
//   0  09/01 Thu 10:00  A → B   10 USD → 10 USD     ACH
//   1  09/03 Sat 23:00  A → C   30 Euro → 25 Yen    Wire
//   2  09/04 Sun 05:00  B → A   5 USD → 4 USD       ACH
//   3  09/04 Sun 06:00  A → A   20 Bitcoin          Reinvestment
//   4  09/05 Mon 12:00  B → A   7 USD               Cheque
//   5  09/05 Mon 22:00  C → B   100 USD             ACH, label 1
const features = prepareReference({ transactions: tiny('features.csv') });
const edge = (i: number) => rowOf(features.edges, i);

// ports.csv: four rows into Z = 009/Z, out of time order.
//   0  09/02 00:00  X → Z   paid 0.50, received 0.25
//   1  09/01 00:00  Y → Z   paid 3, received 2
//   2  09/02 00:00  W → Z   paid 0, received 0 (same instant as row 0, later row)
//   3  09/01 12:00  X → Z   paid `5.`, received `.5`
const ports = prepareReference({ transactions: tiny('ports.csv') });

describe('cyclic time encodings (1–6)', () => {
  it('encodes hour 10 of a Thursday in September', () => {
    // 2π·10/24 = 5π/6: sin 1/2, cos −√3/2. Thursday = 3 (Monday = 0). Month 9:
    // 2π·9/12 = 3π/2: sin −1, cos 0.
    expect(edge(0)['hour_sin']).toBeCloseTo(0.5, 12);
    expect(edge(0)['hour_cos']).toBeCloseTo(-Math.sqrt(3) / 2, 12);
    expect(edge(0)['day_sin']).toBeCloseTo(Math.sin((6 * Math.PI) / 7), 12);
    expect(edge(0)['day_cos']).toBeCloseTo(Math.cos((6 * Math.PI) / 7), 12);
    expect(edge(0)['month_sin']).toBeCloseTo(-1, 12);
    expect(edge(0)['month_cos']).toBeCloseTo(0, 12);
  });

  it('numbers Sunday 6 and December 12', () => {
    // 2022/12/25 00:00 is a Sunday: weekday 6 → 2π·6/7; month 12 → 2π: sin 0, cos 1.
    const r = prepareReference({
      transactions: transactionsCsv([txLine('2022/12/25 00:00', '1/P', '2/Q', '1')]),
    });
    expect(rowOf(r.edges, 0)['hour_sin']).toBe(0);
    expect(rowOf(r.edges, 0)['hour_cos']).toBe(1);
    expect(rowOf(r.edges, 0)['day_sin']).toBeCloseTo(Math.sin((12 * Math.PI) / 7), 12);
    expect(rowOf(r.edges, 0)['month_sin']).toBeCloseTo(0, 12);
    expect(rowOf(r.edges, 0)['month_cos']).toBeCloseTo(1, 12);
  });
});

describe('amounts (7–9)', () => {
  it('takes ln(1 + amount) and the ratio over received, at least 1', () => {
    // Row 1: ln 31, ln 26, 30 / 25 = 1.2. Row 2: 5 / 4 = 1.25.
    expect(edge(1)['amount_paid_log']).toBeCloseTo(Math.log(31), 12);
    expect(edge(1)['amount_received_log']).toBeCloseTo(Math.log(26), 12);
    expect(edge(1)['amount_ratio']).toBe(1.2);
    expect(edge(2)['amount_ratio']).toBe(1.25);
  });

  it('divides by 1 when less than 1 was received and reads `.5`, `5.` and `0`', () => {
    // 0.50 / max(0.25, 1) = 0.5; 3 / 2 = 1.5; 0 / max(0, 1) = 0; 5 / max(0.5, 1) = 5.
    expect(values(ports.edges, 'amount_ratio')).toEqual([0.5, 1.5, 0, 5]);
    expect(rowOf(ports.edges, 2)['amount_paid_log']).toBe(0);
    expect(rowOf(ports.edges, 3)['amount_received_log']).toBeCloseTo(Math.log(1.5), 12);
  });
});

describe('codes and flags (10–15)', () => {
  it('codes currencies over both columns and formats in sorted order', () => {
    // Currencies Bitcoin 0, Euro 1, US Dollar 2, Yen 3 (Yen only ever received).
    // Formats ACH 0, Cheque 1, Reinvestment 2, Wire 3.
    expect(features.dictionaries.currency).toEqual(['Bitcoin', 'Euro', 'US Dollar', 'Yen']);
    expect(values(features.edges, 'currency')).toEqual([2, 1, 2, 0, 2, 2]);
    expect(values(features.edges, 'received_currency')).toEqual([2, 3, 2, 0, 2, 2]);
    expect(values(features.edges, 'format')).toEqual([0, 3, 0, 2, 1, 0]);
  });

  it('codes the From Bank over From Bank values only', () => {
    // From banks 010, 020, 030 → 0, 1, 2. ports.csv: 001, 002, 003, and 009 only receives.
    expect(values(features.edges, 'bank')).toEqual([0, 0, 1, 0, 1, 2]);
    expect(ports.dictionaries.bank).toEqual(['001', '002', '003']);
    expect(values(ports.edges, 'bank')).toEqual([0, 1, 2, 0]);
  });

  it('flags self-transfers and currency changes', () => {
    expect(values(features.edges, 'is_self_transfer')).toEqual([0, 0, 0, 1, 0, 0]);
    expect(values(features.edges, 'is_cross_currency')).toEqual([0, 1, 0, 0, 0, 0]);
  });
});

describe('time (16)', () => {
  it('counts seconds from 00:00 UTC of the earliest day', () => {
    // Day 0 is 2022/09/01. 10 h = 36000; 2 d 23 h = 255600; 3 d 5 h = 277200;
    // 3 d 6 h = 280800; 4 d 12 h = 388800; 4 d 22 h = 424800.
    expect(values(features.edges, 'time')).toEqual([36000, 255600, 277200, 280800, 388800, 424800]);
  });

  it('takes the earliest day even when it is not the first row', () => {
    // ports.csv starts at 09/02 00:00 but row 1 is 09/01 00:00.
    expect(values(ports.edges, 'time')).toEqual([86400, 0, 86400, 43200]);
  });
});

describe('ports and time deltas (17–20)', () => {
  it('ranks counterparties in time order, ties by row, at both ends', () => {
    // In time order: A→B, A→C, B→A, A→A, B→A, C→B.
    // in_port at B: A 0, then C 1. At C: A 0. At A: B 0, then A 1, then B again 0.
    // out_port at A: B 0, C 1, A 2. At B: A 0 twice. At C: B 0.
    expect(values(features.edges, 'in_port')).toEqual([0, 0, 0, 1, 0, 1]);
    expect(values(features.edges, 'out_port')).toEqual([0, 1, 0, 2, 0, 0]);
  });

  it('measures seconds since the previous received and sent transaction', () => {
    // in at A: row 2 first (0), row 3 +1 h = 3600, row 4 +30 h = 108000.
    // in at B: row 0 first, row 5 +4 d 12 h = 388800. in at C: row 1 first.
    // out at A: row 0 first, row 1 +2 d 13 h = 219600, row 3 +7 h = 25200.
    // out at B: row 2 first, row 4 +31 h = 111600. out at C: row 5 first.
    expect(values(features.edges, 'in_time_delta')).toEqual([0, 0, 0, 3600, 108000, 388800]);
    expect(values(features.edges, 'out_time_delta')).toEqual([0, 219600, 0, 25200, 111600, 0]);
  });

  it('orders by timestamp, then row number, not by file position', () => {
    // Time order at Z: row 1 (Y, 09/01 00:00), row 3 (X, 12:00), row 0 (X, 09/02 00:00),
    // row 2 (W, 09/02 00:00, same instant, later row). Senders: Y 0, X 1, W 2.
    expect(values(ports.edges, 'in_port')).toEqual([1, 0, 2, 1]);
    // Deltas at Z: row 1 first → 0; row 3 +12 h; row 0 +12 h; row 2 +0.
    expect(values(ports.edges, 'in_time_delta')).toEqual([43200, 0, 0, 43200]);
    // X sends rows 3 then 0: out_port 0 both times, out delta 0 then 12 h.
    expect(values(ports.edges, 'out_port')).toEqual([0, 0, 0, 0]);
    expect(values(ports.edges, 'out_time_delta')).toEqual([43200, 0, 0, 0]);
  });
});

describe('edge rows', () => {
  it('keeps parallel edges between the same pair as separate rows', () => {
    // Rows 0 and 3 of ports.csv are both X → Z.
    expect(ports.edges.rows.map((e) => [e['edge_id'], e['src'], e['dst']])).toEqual([
      [0, 0, 1],
      [1, 2, 1],
      [2, 3, 1],
      [3, 0, 1],
    ]);
  });

  it('carries the label, the UTC timestamp in seconds and an empty typology', () => {
    expect(values(features.edges, 'y')).toEqual([0, 0, 0, 0, 0, 1]);
    expect(edge(0)['timestamp']).toBe(Date.UTC(2022, 8, 1, 10, 0) / 1000);
    expect(values(features.edges, 'typology')).toEqual(['', '', '', '', '', '']);
  });
});
