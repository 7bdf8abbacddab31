// Helpers for the hand-worked tests: fixture files and inline CSV text.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Row, Table } from './table.js';

export const TINY = fileURLToPath(new URL('../fixtures/tiny/', import.meta.url));
export const REAL = fileURLToPath(new URL('../../data/real/', import.meta.url));

export const HEADER =
  'Timestamp,From Bank,Account,To Bank,Account,Amount Received,' +
  'Receiving Currency,Amount Paid,Payment Currency,Payment Format,Is Laundering';
export const ACCOUNTS_HEADER = 'Bank Name,Bank ID,Account Number,Entity ID,Entity Name';

export function tiny(name: string): string {
  return readFileSync(`${TINY}${name}`, 'utf8');
}

/** A transactions file from data lines, under the real header. */
export function transactionsCsv(lines: readonly string[]): string {
  return [HEADER, ...lines].map((l) => `${l}\n`).join('');
}

/** A transaction line with the defaults filled in: US Dollar, ACH, label 0. */
export function txLine(
  timestamp: string,
  from: string,
  to: string,
  paid: string,
  extra: { received?: string; label?: 0 | 1; format?: string } = {},
): string {
  const [fromBank, fromAccount] = from.split('/');
  const [toBank, toAccount] = to.split('/');
  return [
    timestamp,
    fromBank,
    fromAccount,
    toBank,
    toAccount,
    extra.received ?? paid,
    'US Dollar',
    paid,
    'US Dollar',
    extra.format ?? 'ACH',
    extra.label ?? 0,
  ].join(',');
}

/** Row `index` of a table; throws instead of returning undefined. */
export function rowOf(table: Table, index: number): Row {
  const row = table.rows[index];
  if (row === undefined) throw new Error(`no row ${index}`);
  return row;
}

/** One column of a table as a plain array, for compact assertions. */
export function values(table: Table, name: string): unknown[] {
  return table.rows.map((r) => r[name]);
}
