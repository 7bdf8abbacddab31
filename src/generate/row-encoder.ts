import type { AccountTable } from './accounts.js';
import type { BankTable } from './banks.js';
import { COMMA, DOT, NEWLINE, ZERO, copy, copyAll, writeHex8 } from './bytes.js';
import { TIMESTAMP_BYTES, timestampTable } from './timeline.js';
import { CURRENCIES, FORMATS, decimalsOf } from './vocab.js';

/** One transaction, filled in place by its producer and read by `RowEncoder.encode`. */
export interface RowFields {
  minute: number;
  from: number;
  to: number;
  /** Amounts in integer units of their currency (see amounts.ts). */
  received: number;
  receiveCurrency: number;
  paid: number;
  payCurrency: number;
  format: number;
  laundering: 0 | 1;
}

export function emptyRow(): RowFields {
  return {
    minute: 0,
    from: 0,
    to: 0,
    received: 1,
    receiveCurrency: 0,
    paid: 1,
    payCurrency: 0,
    format: 0,
    laundering: 0,
  };
}

/** Bytes one row can take at most: long ids, the longest names, 16-digit amounts. */
export const MAX_ROW_BYTES = 256;

/**
 * Writes transaction rows as bytes straight into a caller's buffer: no strings and no
 * per-row objects, because this runs for every one of up to hundreds of millions of rows.
 */
export class RowEncoder {
  readonly #banks: BankTable;
  readonly #accounts: AccountTable;
  readonly #timestamps = timestampTable();
  readonly #currencyNames = CURRENCIES.map((name) => Buffer.from(`,${name}`, 'latin1'));
  readonly #formatNames = FORMATS.map((name) => Buffer.from(`,${name},`, 'latin1'));
  readonly #digits = new Uint8Array(24);

  constructor(banks: BankTable, accounts: AccountTable) {
    this.#banks = banks;
    this.#accounts = accounts;
  }

  /** Writes `row` plus its newline at `pos`; needs MAX_ROW_BYTES of room. Returns the end. */
  encode(out: Buffer, pos: number, row: RowFields): number {
    pos = copy(out, pos, this.#timestamps, row.minute * TIMESTAMP_BYTES, TIMESTAMP_BYTES);
    out[pos++] = COMMA;
    pos = this.#account(out, pos, row.from);
    out[pos++] = COMMA;
    pos = this.#account(out, pos, row.to);
    out[pos++] = COMMA;

    pos = this.#amount(out, pos, row.received, decimalsOf(row.receiveCurrency));
    pos = copyAll(out, pos, this.#currencyNames[row.receiveCurrency] as Buffer);
    out[pos++] = COMMA;
    pos = this.#amount(out, pos, row.paid, decimalsOf(row.payCurrency));
    pos = copyAll(out, pos, this.#currencyNames[row.payCurrency] as Buffer);

    pos = copyAll(out, pos, this.#formatNames[row.format] as Buffer);
    out[pos++] = ZERO + row.laundering;
    out[pos++] = NEWLINE;
    return pos;
  }

  /** `bank,ACCOUNTNUM`: the bank id bytes, then 8 hex digits and the kind digit. */
  #account(out: Buffer, pos: number, account: number): number {
    const banks = this.#banks;
    const bank = this.#accounts.bank[account] as number;
    const start = banks.idOffset[bank] as number;
    pos = copy(out, pos, banks.idBytes, start, (banks.idOffset[bank + 1] as number) - start);
    out[pos++] = COMMA;

    pos = writeHex8(out, pos, this.#accounts.number[account] as number);
    out[pos++] = ZERO + (this.#accounts.crypto[account] as number);
    return pos;
  }

  /** Writes integer `units` as a decimal with `decimals` places: 12345, 2 → `123.45`. */
  #amount(out: Buffer, pos: number, units: number, decimals: number): number {
    const digits = this.#digits;
    let count = 0;
    let rest = units;
    do {
      const next = Math.floor(rest / 10);
      digits[count++] = rest - next * 10;
      rest = next;
    } while (rest > 0 || count <= decimals);

    // digits[] holds the number from its last digit; the point goes before the last `decimals`.
    for (let index = count - 1; index >= 0; index--) {
      if (index === decimals - 1) out[pos++] = DOT;
      out[pos++] = ZERO + (digits[index] as number);
    }
    return pos;
  }
}
