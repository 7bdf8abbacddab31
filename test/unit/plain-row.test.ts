// The one-pass row reader (src/ingest/plain-row.ts) is only a shortcut: every row it accepts
// must be one the careful path (RecordSplitter + checkRecord + the field readers) accepts, with
// the same values, and every row the careful path rejects it must hand back. Checked on real
// sample rows and on thousands of seeded one-byte mutations of them.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { parseAmount, parseTimestamp } from '../../src/ingest/fields.js';
import { checkRecord, F } from '../../src/ingest/parse-chunk.js';
import { PlainRow, readPlainRow } from '../../src/ingest/plain-row.js';
import { RecordSplitter } from '../../src/ingest/record-splitter.js';
import { SAMPLE } from '../helpers/paths.js';
import { rng } from '../helpers/rng.js';

const REAL_ROWS = readFileSync(SAMPLE.transactions, 'utf8').split('\n').slice(1, 1501);
const MUTANT_BYTES = [
  '\uFEFF',
  'é',
  ',',
  '\r',
  '\n',
  '\u0000',
  '"',
  ' ',
  '.',
  '9',
  'A',
  '0',
  '1',
  '2',
  ':',
  '/',
];

interface Reading {
  ts: number;
  received: number;
  paid: number;
  from: string;
  to: string;
  inCurrency: string;
  outCurrency: string;
  format: string;
  label: number;
  next: number;
}

/** The careful path's reading of the first record of `buf`, or null when it rejects it. */
function careful(buf: Buffer): Reading | null {
  const rec = new RecordSplitter(buf, buf.length).split(0);
  if (rec.blank || checkRecord(rec) !== null) return null;

  const src = Buffer.from(rec.src.buffer, rec.src.byteOffset, rec.src.byteLength);
  const st = rec.starts;
  const en = rec.ends;
  const text = (a: number, b: number) => src.toString('latin1', a, b);
  return {
    ts: parseTimestamp(src, st[F.timestamp]!, en[F.timestamp]!),
    received: parseAmount(src, st[F.amountReceived]!, en[F.amountReceived]!),
    paid: parseAmount(src, st[F.amountPaid]!, en[F.amountPaid]!),
    from: text(st[F.fromBank]!, en[F.fromAccount]!),
    to: text(st[F.toBank]!, en[F.toAccount]!),
    inCurrency: text(st[F.receivingCurrency]!, en[F.receivingCurrency]!),
    outCurrency: text(st[F.paymentCurrency]!, en[F.paymentCurrency]!),
    format: text(st[F.format]!, en[F.format]!),
    label: src[st[F.label]!]! - 0x30,
    next: rec.next,
  };
}

/**
 * One reader for every row, as in a chunk: it keeps the last date it read, and a row whose
 * date bytes differ in any way must not be given it.
 */
const row = new PlainRow();

/** The one-pass reading of the first record of `buf`, or null when it hands the row back. */
function onePass(buf: Buffer): Reading | null {
  const quote = buf.indexOf('"');
  const limit = quote === -1 ? buf.length : quote;
  if (!readPlainRow(buf, 0, limit, buf.length, row)) return null;

  const text = (a: number, b: number) => buf.toString('latin1', a, b);
  const inCurrency = text(row.inCurrencyStart, row.inCurrencyEnd);
  return {
    ts: row.ts,
    received: row.received,
    paid: row.paid,
    from: text(row.fromStart, row.fromEnd),
    to: text(row.toStart, row.toEnd),
    inCurrency,
    outCurrency:
      row.outCurrencyStart === -1 ? inCurrency : text(row.outCurrencyStart, row.outCurrencyEnd),
    format: text(row.formatStart, row.formatEnd),
    label: row.label,
    next: row.next,
  };
}

/** A copy of `row` with one byte inserted, replaced or deleted at a seeded position. */
function mutate(row: string, draw: () => number): string {
  const at = Math.floor(draw() * (row.length + 1));
  const byte = MUTANT_BYTES[Math.floor(draw() * MUTANT_BYTES.length)]!;
  const kind = Math.floor(draw() * 3);
  if (kind === 0) return row.slice(0, at) + byte + row.slice(at);
  if (kind === 1) return row.slice(0, at) + byte + row.slice(at + 1);
  return row.slice(0, at) + row.slice(at + 1);
}

describe('readPlainRow', () => {
  it('reads every real sample row in one pass, as the careful path does', () => {
    for (const row of REAL_ROWS) {
      const buf = Buffer.from(`${row}\n`);
      const expected = careful(buf);
      expect(expected, row).not.toBeNull();
      expect(onePass(buf), row).toEqual(expected);
    }
  });

  it('never accepts a row the careful path rejects, nor reads one differently', () => {
    const draw = rng(20261205);
    let accepted = 0;
    let handedBack = 0;
    for (let i = 0; i < 20_000; i++) {
      let row = REAL_ROWS[i % REAL_ROWS.length]!;
      const mutations = 1 + Math.floor(draw() * 2);
      for (let m = 0; m < mutations; m++) row = mutate(row, draw);
      const eol = ['\n', '\r\n', '', '\r'][Math.floor(draw() * 4)]!;
      const buf = Buffer.from(row + eol + 'next,row\n');

      const fast = onePass(buf);
      if (fast === null) {
        handedBack++;
        continue;
      }
      expect(fast, JSON.stringify(row + eol)).toEqual(careful(buf));
      accepted++;
    }
    // Both outcomes must be exercised for the check to mean anything.
    expect(accepted).toBeGreaterThan(2_000);
    expect(handedBack).toBeGreaterThan(2_000);
  });

  it('takes a final row without a line break, or ending in a lone CR, to the end', () => {
    const row = REAL_ROWS[0]!;
    for (const eol of ['', '\r']) {
      const buf = Buffer.from(row + eol);
      expect(onePass(buf)).toEqual(careful(buf));
      expect(onePass(buf)!.next).toBe(buf.length + 1);
    }
  });

  it('hands back rows the careful path accepts but reads another way', () => {
    const [stamp, ...rest] = REAL_ROWS[0]!.split(',');
    const withFields = (amount: string) =>
      Buffer.from(
        [stamp, rest[0], rest[1], rest[2], rest[3], amount].join(',') + ',Euro,1,Euro,ACH,0\n',
      );
    // Past 2^53 the careful path defers to Number(): the one pass does not guess.
    expect(careful(withFields('98765432109876543210'))).not.toBeNull();
    expect(onePass(withFields('98765432109876543210'))).toBeNull();
    // A quoted field is unescaped by the careful path only.
    const quoted = Buffer.from(REAL_ROWS[0]!.replace('US Dollar', '"US Dollar"') + '\n');
    expect(careful(quoted)).not.toBeNull();
    expect(onePass(quoted)).toBeNull();
  });
});
