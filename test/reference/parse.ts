// Typed rows from the three input texts (SPEC §1, §12).
import { parseCsv } from './csv.js';

export interface Transaction {
  /** 0-based data row: the edge id. */
  readonly row: number;
  readonly line: number;
  /** Seconds since the Unix epoch, read as UTC. */
  readonly timestamp: number;
  readonly fromBank: string;
  readonly fromAccount: string;
  readonly toBank: string;
  readonly toAccount: string;
  readonly amountReceived: number;
  readonly receivingCurrency: string;
  readonly amountPaid: number;
  readonly paymentCurrency: string;
  readonly paymentFormat: string;
  readonly isLaundering: 0 | 1;
}

export interface AccountRow {
  readonly bankId: string;
  readonly accountNumber: string;
  /** Null when the name gives none: an empty name means an unknown type (-1). */
  readonly entityType: string | null;
}

const HEADER = [
  'Timestamp',
  'From Bank',
  'Account',
  'To Bank',
  'Account',
  'Amount Received',
  'Receiving Currency',
  'Amount Paid',
  'Payment Currency',
  'Payment Format',
  'Is Laundering',
];
const ACCOUNTS_HEADER = ['Bank Name', 'Bank ID', 'Account Number', 'Entity ID', 'Entity Name'];
const TIMESTAMP = /^(\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?$/;
// §12: digits with an optional fraction; `.5` and `5.` are accepted, signs and exponents not.
const AMOUNT = /^(\d+\.?\d*|\.\d+)$/;

/** Accepts `Account` or pandas' `Account.1` for the second account column. */
export function checkHeader(fields: readonly string[]): void {
  const spelled = fields.map((f, i) => (i === 4 && f === 'Account.1' ? 'Account' : f));
  if (spelled.join(',') !== HEADER.join(',')) {
    throw new Error(`bad header: expected ${HEADER.join(',')}`);
  }
}

/** Seconds since the epoch. Date.UTC, because `new Date('2022/09/01 00:20')` is local time. */
export function parseTimestamp(text: string): number {
  const m = TIMESTAMP.exec(text);
  if (m === null) throw new Error(`bad timestamp: ${text}`);
  const [y, mo, d, h, mi, s] = m.slice(1).map((part) => Number(part ?? '0')) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);

  // Date.UTC rolls 2022/02/30 over into March; a real calendar date must round-trip.
  const back = new Date(ms);
  const sane =
    back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  if (!sane) throw new Error(`bad timestamp: ${text}`);
  return ms / 1000;
}

export function parseAmount(text: string): number {
  if (!AMOUNT.test(text)) throw new Error(`bad amount: ${text}`);
  return Number(text);
}

/** One transaction-layout row (also used for pattern-block rows). */
export function parseTransactionFields(
  f: readonly string[],
  row: number,
  line: number,
): Transaction {
  if (f.length !== 11) throw new Error(`line ${line}: expected 11 fields, got ${f.length}`);
  // §11–12: empty banks, accounts, currencies or formats and NUL bytes are bad rows.
  if ([1, 2, 3, 4, 6, 8, 9].some((k) => f[k] === '') || f.some((v) => v.includes('\0'))) {
    throw new Error(`line ${line}: empty field or NUL byte`);
  }
  const label = f[10];
  if (label !== '0' && label !== '1') throw new Error(`line ${line}: bad label ${label}`);
  return {
    row,
    line,
    timestamp: parseTimestamp(f[0] as string),
    fromBank: f[1] as string,
    fromAccount: f[2] as string,
    toBank: f[3] as string,
    toAccount: f[4] as string,
    amountReceived: parseAmount(f[5] as string),
    receivingCurrency: f[6] as string,
    amountPaid: parseAmount(f[7] as string),
    paymentCurrency: f[8] as string,
    paymentFormat: f[9] as string,
    isLaundering: label === '1' ? 1 : 0,
  };
}

/** Data rows of the transactions file; `sample` keeps the first N (§1). */
export function parseTransactions(text: string, sample?: number): Transaction[] {
  const [header, ...records] = parseCsv(text);
  if (header === undefined) throw new Error('empty transactions file');
  checkHeader(header.fields);
  const kept = sample === undefined ? records : records.slice(0, sample);
  return kept.map((r, row) => parseTransactionFields(r.fields, row, r.line));
}

/** `Corporation #41344` → `Corporation` (§1: the part before ` #`); '' → unknown. */
export function entityTypeOf(entityName: string): string | null {
  const cut = entityName.indexOf(' #');
  const type = cut < 0 ? entityName : entityName.slice(0, cut);
  return type === '' ? null : type;
}

export function parseAccounts(text: string): AccountRow[] {
  const [header, ...records] = parseCsv(text);
  if (header === undefined || header.fields.join(',') !== ACCOUNTS_HEADER.join(',')) {
    throw new Error(`bad accounts header: expected ${ACCOUNTS_HEADER.join(',')}`);
  }
  return records.map((r) => {
    if (r.fields.length !== 5) throw new Error(`accounts line ${r.line}: expected 5 fields`);
    return {
      bankId: r.fields[1] as string,
      accountNumber: r.fields[2] as string,
      entityType: entityTypeOf(r.fields[4] as string),
    };
  });
}

/** `010` → `10`, `000` → `0`: how the accounts file and transactions file meet (§1). */
export function stripZeros(bank: string): string {
  const stripped = bank.replace(/^0+/, '');
  return stripped === '' ? '0' : stripped;
}
