import type { Pacer } from '../pipeline/pacer.js';
import type { BadRows } from './bad-rows.js';
import type { RejectedRow } from './rejects.js';
import { ACCOUNT_COLUMNS, readHeader } from './header.js';
import { fieldText, readInput } from './read-file.js';
import { records } from './records.js';

/** One row of the accounts file. */
export interface AccountRow {
  line: number;
  bankId: string;
  account: string;
  /** Part of Entity Name before ` #`; null when the name is empty. */
  entityType: string | null;
}

const BANK_ID = 1;
const ACCOUNT = 2;
const ENTITY_NAME = 4;

/** Bank ids match with leading zeros stripped (`010` in transactions is `10` here). */
export function stripZeros(bank: string): string {
  const stripped = bank.replace(/^0+/, '');
  return stripped === '' && bank !== '' ? '0' : stripped;
}

/** Map key of an account; NUL cannot occur in a valid field, so keys never collide. */
export function accountKey(bank: string, account: string): string {
  return `${stripZeros(bank)}\u0000${account}`;
}

/** What reading the accounts file yields: its rows and, with `skip`, its rejected rows. */
export interface AccountsRead {
  rows: AccountRow[];
  rejects: RejectedRow[];
}

/** Records between two chances for the event loop: a few milliseconds of work. */
const PACE_RECORDS = 16_384;

/**
 * Reads the accounts file; malformed and duplicate rows go to `bad` (which may throw). It runs
 * on the coordinator while the pool parses, for a second or more on a full accounts file, so
 * it lets the event loop run (and a stop take effect) through `pace` as it goes.
 */
export async function readAccounts(path: string, bad: BadRows, pace: Pacer): Promise<AccountRow[]> {
  const header = readHeader(path, ACCOUNT_COLUMNS);
  const buf = readInput(path);
  const rows: AccountRow[] = [];
  const firstLine = new Map<string, number>();

  let count = 0;
  for (const located of records(buf, header.dataStart, header.dataLine)) {
    const { rec, line: recLine, text } = located;
    if (++count % PACE_RECORDS === 0) await pace.breathe();
    const field = (i: number) => fieldText(rec.src, rec.starts[i]!, rec.ends[i]!);
    const reason = rec.unterminated
      ? 'unterminated quoted field'
      : rec.hasNul
        ? 'NUL byte in row'
        : !located.utf8
          ? 'invalid UTF-8 in row'
          : rec.fields !== ACCOUNT_COLUMNS.length
            ? `expected ${ACCOUNT_COLUMNS.length} fields, found ${rec.fields}`
            : field(BANK_ID) === ''
              ? 'empty Bank ID (column 2)'
              : field(ACCOUNT) === ''
                ? 'empty Account Number (column 3)'
                : null;
    if (reason !== null) {
      bad.add({ file: path, line: recLine, reason, text: text() });
      continue;
    }

    const row = toRow(recLine, field(BANK_ID), field(ACCOUNT), field(ENTITY_NAME));
    const key = accountKey(row.bankId, row.account);
    const seen = firstLine.get(key);
    if (seen !== undefined) {
      bad.add({
        file: path,
        line: recLine,
        text: text(),
        reason: `duplicate account ${row.bankId}/${row.account} (first at line ${seen})`,
      });
      continue;
    }
    firstLine.set(key, recLine);
    rows.push(row);
  }
  return rows;
}

function toRow(line: number, bankId: string, account: string, entityName: string): AccountRow {
  const cut = entityName.indexOf(' #');
  const type = cut === -1 ? entityName : entityName.slice(0, cut);
  return { line, bankId, account, entityType: type === '' ? null : type };
}
