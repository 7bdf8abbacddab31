import type { Pacer } from '../pipeline/pacer.js';
import type { BadRows } from './bad-rows.js';
import type { RejectedRow } from './rejects.js';
import { ByteDict } from './byte-dict.js';
import { CodeDict } from './code-dict.js';
import { ACCOUNT_COLUMNS, readHeader } from './header.js';
import { MatchKey } from './match-key.js';
import { NodeRows } from './node-rows.js';
import { fieldText, readInput } from './read-file.js';
import { bomReason, fieldCountReason, startsWithBom, STRAY_QUOTE } from './parse-chunk.js';
import { records } from './records.js';

/**
 * The kept rows of an accounts file, as columns that cross from a pool thread in a few
 * copies: at HI-Small scale, 515 K row objects took the reading thread a second longer and
 * stalled the coordinator for half a second while they were cloned, with the pool idle.
 */
export interface AccountsTable {
  rows: number;
  /**
   * Row r's match key (`MatchKey`: the bank id without leading zeros, NUL, the account) is
   * `keys[keyOffsets[r] .. keyOffsets[r + 1])`.
   */
  keys: Uint8Array;
  keyOffsets: Int32Array;
  /** Leading zeros the key's bank id lost: the id as written is that many `0`s, then the key's. */
  bankZeros: Int32Array;
  /** Index into `entityTypes`, or -1 when the Entity Name is empty. */
  entityType: Int32Array;
  /** Part of Entity Name before ` #`, in order of first appearance. */
  entityTypes: string[];
  /**
   * The reading thread's hash table of the keys (row r is key id r), in a SharedArrayBuffer:
   * the coordinator looks rows up in it (`ByteDict.fromSlots`) instead of hashing 515 K keys
   * again (0.13 s at HI-Small scale, while the pool parses).
   */
  slots: Int32Array;
}

const BANK_ID = 1;
const ACCOUNT = 2;
const ENTITY_NAME = 4;
const SPACE = 0x20;
const HASH = 0x23;

/**
 * The accounts table with its rows by match key (row r is key id r: keys are unique), and
 * the rows of the nodes merged so far.
 */
export interface IndexedAccounts {
  table: AccountsTable;
  byKey: ByteDict;
  nodeRows: NodeRows;
}

/**
 * The table with its index by match key, the reading thread's own. The coordinator then
 * looks up nodes as they are merged (`NodeRows`), so that the merge after the last chunk has
 * almost nothing of the accounts file left to do.
 */
export function indexAccounts(table: AccountsTable): IndexedAccounts {
  const byKey = ByteDict.fromSlots(table.slots, table.keys, table.keyOffsets);
  return { table, byKey, nodeRows: new NodeRows(byKey) };
}

/** What reading the accounts file yields: its rows and, with `skip`, its rejected rows. */
export interface AccountsRead {
  rows: AccountsTable;
  rejects: RejectedRow[];
}

/** Records between two chances for the event loop: a few milliseconds of work. */
const PACE_RECORDS = 16_384;

/**
 * Reads the accounts file; malformed and duplicate rows go to `bad` (which may throw). It runs
 * on the coordinator while the pool parses, for a second or more on a full accounts file, so
 * it lets the event loop run (and a stop take effect) through `pace` as it goes.
 */
export async function readAccounts(
  path: string,
  bad: BadRows,
  pace: Pacer,
): Promise<AccountsTable> {
  const header = readHeader(path, ACCOUNT_COLUMNS);
  const buf = readInput(path);
  // Keys in row order: a key's id is its row, and a duplicate finds the row it repeats.
  const byKey = new ByteDict(Math.max(64, buf.length >> 6), { shared: true });
  const key = new MatchKey();
  const lines = new Growing();
  const bankZeros = new Growing();
  const entityType = new Growing();
  const types = new CodeDict();

  let count = 0;
  for (const located of records(buf, header.dataStart, header.dataLine)) {
    const { rec, line: recLine, text } = located;
    if (++count % PACE_RECORDS === 0) await pace.breathe();
    const st = rec.starts;
    const en = rec.ends;
    const reason = rec.unterminated
      ? 'unterminated quoted field'
      : rec.hasNul
        ? 'NUL byte in row'
        : rec.strayQuote
          ? STRAY_QUOTE
          : !located.utf8
            ? 'invalid UTF-8 in row'
            : rec.fields !== ACCOUNT_COLUMNS.length
              ? fieldCountReason(rec, ACCOUNT_COLUMNS.length)
              : en[BANK_ID] === st[BANK_ID]
                ? 'empty Bank ID (column 2)'
                : en[ACCOUNT] === st[ACCOUNT]
                  ? 'empty Account Number (column 3)'
                  : startsWithBom(rec.src, st[BANK_ID]!, en[BANK_ID]!)
                    ? bomReason('Bank ID', BANK_ID)
                    : startsWithBom(rec.src, st[ACCOUNT]!, en[ACCOUNT]!)
                      ? bomReason('Account Number', ACCOUNT)
                      : startsWithBom(rec.src, st[ENTITY_NAME]!, en[ENTITY_NAME]!)
                        ? bomReason('Entity Name', ENTITY_NAME)
                        : null;
    if (reason !== null) {
      bad.add({ file: path, line: recLine, reason, text: text() });
      continue;
    }

    key.setFields(rec.src, st[BANK_ID]!, en[BANK_ID]!, st[ACCOUNT]!, en[ACCOUNT]!);
    const known = byKey.size;
    const row = byKey.intern(key.bytes, key.start, key.end);
    if (row < known) {
      const field = (i: number) => fieldText(rec.src, st[i]!, en[i]!);
      bad.add({
        file: path,
        line: recLine,
        text: text(),
        reason:
          `duplicate account ${field(BANK_ID)}/${field(ACCOUNT)} ` +
          `(first at line ${lines.at(row)})`,
      });
      continue;
    }
    lines.push(recLine);
    bankZeros.push(key.start);
    entityType.push(typeOf(rec.src, st[ENTITY_NAME]!, en[ENTITY_NAME]!, types));
  }

  const keys = byKey.exportKeys();
  return {
    rows: byKey.size,
    keys: keys.bytes,
    keyOffsets: keys.offsets,
    bankZeros: bankZeros.done(),
    entityType: entityType.done(),
    entityTypes: types.values(),
    slots: byKey.slots,
  };
}

/** The id of an Entity Name's part before ` #` (the whole name without one); -1 when empty. */
function typeOf(src: Uint8Array, start: number, end: number, types: CodeDict): number {
  let cut = end;
  for (let i = start; i + 1 < end; i++) {
    if (src[i] === SPACE && src[i + 1] === HASH) {
      cut = i;
      break;
    }
  }
  return cut === start ? -1 : types.intern(src, start, cut);
}

/** The bank id as written (`bankZeros` zeros put back) and the account of row `r`. */
export function accountOf(table: AccountsTable, r: number): { bankId: string; account: string } {
  const start = table.keyOffsets[r]!;
  const end = table.keyOffsets[r + 1]!;
  const cut = table.keys.indexOf(0, start);
  const text = (from: number, to: number) => fieldText(table.keys, from, to);
  return {
    bankId: '0'.repeat(table.bankZeros[r]!) + text(start, cut),
    account: text(cut + 1, end),
  };
}

/** An Int32Array that grows as values are pushed. */
class Growing {
  #values = new Int32Array(1024);
  #length = 0;

  push(value: number): void {
    if (this.#length === this.#values.length) {
      const next = new Int32Array(2 * this.#length);
      next.set(this.#values);
      this.#values = next;
    }
    this.#values[this.#length++] = value;
  }

  at(i: number): number {
    return this.#values[i]!;
  }

  /** The values pushed, in an array of their own length. */
  done(): Int32Array {
    return this.#values.slice(0, this.#length);
  }
}
