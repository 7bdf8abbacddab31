import { isUtf8 } from 'node:buffer';

import { Scratch } from '../scratch-buffer.js';
import { AccountBatch } from './account-batch.js';
import { ByteDict } from './byte-dict.js';
import { CodeDict } from './code-dict.js';
import { TRANSACTION_COLUMNS } from './header.js';
import { parseAmount, parseTimestamp } from './fields.js';
import { PlainRow, readPlainRow } from './plain-row.js';
import { readRange } from './read-file.js';
import { MAX_FIELDS, RecordSplitter, type SplitRecord } from './record-splitter.js';
import { withSpan } from './rejects.js';
import type { ChunkSpan } from './scan.js';

/** A rejected record: where it starts, why, and its text, for `rejected_rows.csv`. */
export interface Reject {
  line: number;
  /** 0-based data record index in the file. */
  record: number;
  reason: string;
  text: string;
}

/**
 * One chunk parsed into typed columns. Account, currency and format ids are local to the chunk
 * (first appearance order); the coordinator maps them onto the global dictionaries.
 */
export interface ParsedChunk {
  rows: number;
  ts: Float64Array;
  amountReceived: Float64Array;
  amountPaid: Float64Array;
  src: Int32Array;
  dst: Int32Array;
  receivingCurrency: Int32Array;
  paymentCurrency: Int32Array;
  format: Int32Array;
  label: Uint8Array;
  /**
   * Account keys as `bank,account` bytes: key i is `accountKeys[offsets[i] .. offsets[i+1])`.
   * Which ids they are, and what `src` and `dst` index, is said by `keySpace`.
   */
  accountKeys: Uint8Array;
  accountOffsets: Int32Array;
  keySpace: KeySpace;
  currencies: string[];
  formats: string[];
  rejects: Reject[];
}

/**
 * What a chunk's account ids index, and which keys it carries:
 * - `chunk`: its own dictionary; the keys are all of them, id 0 first.
 * - `worker`: the dictionary `worker` of a worker thread, which serves every chunk the thread
 *   parses in one load (`session`); the keys are the ids from `base` on that the dictionary
 *   had not yet reported, whatever chunk added them.
 * - `global`: node ids; the keys are the nodes from `base` on that first appear in this chunk
 *   (a chunk as recorded, after the in-order merge).
 */
export type KeySpace =
  | { kind: 'chunk' }
  | { kind: 'worker'; session: string; worker: number; base: number }
  | { kind: 'global'; base: number };

export const F = {
  timestamp: 0,
  fromBank: 1,
  fromAccount: 2,
  toBank: 3,
  toAccount: 4,
  amountReceived: 5,
  receivingCurrency: 6,
  amountPaid: 7,
  paymentCurrency: 8,
  format: 9,
  label: 10,
} as const;
const FIELD_NAMES = TRANSACTION_COLUMNS;
const FIELDS = TRANSACTION_COLUMNS.length;
const COMMA = 0x2c;
const QUOTE = 0x22;

/** The typed columns of parsed rows, one entry per kept row. */
export const ROW_COLUMNS = [
  'ts',
  'amountReceived',
  'amountPaid',
  'src',
  'dst',
  'receivingCurrency',
  'paymentCurrency',
  'format',
  'label',
] as const;

export type RowColumns = Pick<ParsedChunk, (typeof ROW_COLUMNS)[number]>;

export interface ParseInto {
  /**
   * A dictionary that outlives the chunk, to intern accounts into; the chunk then carries its
   * keys from id `reportFrom` on. Default: a dictionary of the chunk's own.
   */
  accounts?: ByteDict;
  reportFrom?: number;
  /**
   * The whole table, for every chunk's rows: this chunk's kept rows go to rows `firstRow ..`
   * of it, and its columns are views of that stretch. Default: columns of its own.
   */
  table?: RowColumns;
}

/** Parses a chunk's byte range. With `stopAtBadRow`, returns at the first reject. */
export function parseChunk(
  path: string,
  span: ChunkSpan,
  stopAtBadRow: boolean,
  into: ParseInto = {},
): ParsedChunk {
  const buf = chunkRange(path, span.start, span.end);
  const accounts = into.accounts ?? new ByteDict(Math.min(span.rows * 2, 1 << 20));
  const columns =
    into.table === undefined
      ? allocateRows(span.rows)
      : rowsAt(into.table, span.firstRow, span.rows);
  const out: ParsedChunk = { ...columns, ...emptyChunk() };
  const currencies = new CodeDict();
  const formats = new CodeDict();
  const splitter = new RecordSplitter(buf, buf.length);
  // Ids are kept as text: bytes that are not UTF-8 would decode to U+FFFD, and two accounts
  // could then read the same. One native check of the chunk; rows only when it fails.
  const validUtf8 = isUtf8(buf);
  const side = { bytes: Buffer.allocUnsafe(256) };
  const plain = new PlainRow();
  const pending = new AccountBatch(buf, accounts, out.src, out.dst);
  let quoteAt = buf.indexOf(QUOTE);

  let pos = 0;
  let line = span.firstLine;
  let record = span.firstRow;
  let rows = 0;
  while (pos < buf.length && record < span.firstRow + span.rows) {
    // Rows without quotes, in a chunk of valid UTF-8, are read in one pass; the rest, and any
    // row that pass gives up on, are split and checked field by field below.
    if (quoteAt !== -1 && quoteAt < pos) quoteAt = buf.indexOf(QUOTE, pos);
    const limit = quoteAt === -1 ? buf.length : quoteAt;
    if (validUtf8 && readPlainRow(buf, pos, limit, buf.length, plain)) {
      keepPlainRow(out, rows, plain, buf, currencies, formats);
      pending.add(rows, plain.fromStart, plain.fromEnd, plain.toStart, plain.toEnd);
      pos = plain.next;
      line++;
      record++;
      rows++;
      continue;
    }

    const recStart = pos;
    const rec = splitter.split(pos);
    pos = rec.next;
    const recLine = line;
    line += rec.lines;
    if (rec.blank) continue;

    // Typed fields are parsed once; a NaN among them sends the row to the slow, wordy check.
    const src = rec.src;
    const st = rec.starts;
    const en = rec.ends;
    // Field offsets are only meaningful for a whole record of 11 fields; anything else is
    // sent to the wordy check without touching them.
    const whole = rec.fields === FIELDS && !rec.hasNul && !rec.unterminated && !rec.strayQuote;
    const ts = whole ? parseTimestamp(src, st[F.timestamp]!, en[F.timestamp]!) : NaN;
    const received = whole ? parseAmount(src, st[F.amountReceived]!, en[F.amountReceived]!) : NaN;
    // Most rows pay what they receive: the same text is the same number, parsed once.
    const paid = !whole
      ? NaN
      : sameField(src, st, en, F.amountPaid, F.amountReceived)
        ? received
        : parseAmount(src, st[F.amountPaid]!, en[F.amountPaid]!);
    const utf8 = validUtf8 || isUtf8(buf.subarray(recStart, pos));
    const reason =
      Number.isNaN(ts + received + paid) || !plainFieldsOk(rec) || !utf8
        ? checkRecord(rec, utf8)
        : null;
    if (reason !== null) {
      const text = recordText(buf, recStart, pos);
      out.rejects.push({ line: recLine, record, reason: withSpan(reason, recLine, text), text });
      record++;
      if (stopAtBadRow) break;
      continue;
    }

    plainFromRecord(rec, ts, received, paid, plain);
    keepPlainRow(out, rows, plain, src, currencies, formats);
    // Accounts in row order: the plain rows before this one first.
    pending.flush();
    out.src[rows] = internAccount(accounts, rec, F.fromBank, F.fromAccount, side);
    out.dst[rows] = internAccount(accounts, rec, F.toBank, F.toAccount, side);
    rows++;
    record++;
  }

  pending.flush();
  const keys = accounts.exportRange(into.reportFrom ?? 0, accounts.size);
  out.rows = rows;
  out.accountKeys = keys.bytes;
  out.accountOffsets = keys.offsets;
  out.currencies = currencies.values();
  out.formats = formats.values();
  return out;
}

/**
 * Fills `row` from a record the careful path accepted, its values `ts`, `received` and `paid`
 * read already, so that both paths store a row one way (`keepPlainRow`).
 */
function plainFromRecord(
  rec: SplitRecord,
  ts: number,
  received: number,
  paid: number,
  row: PlainRow,
): void {
  const st = rec.starts;
  const en = rec.ends;
  row.ts = ts;
  row.received = received;
  row.paid = paid;
  row.inCurrencyStart = st[F.receivingCurrency]!;
  row.inCurrencyEnd = en[F.receivingCurrency]!;
  const same = sameField(rec.src, st, en, F.paymentCurrency, F.receivingCurrency);
  row.outCurrencyStart = same ? -1 : st[F.paymentCurrency]!;
  row.outCurrencyEnd = en[F.paymentCurrency]!;
  row.formatStart = st[F.format]!;
  row.formatEnd = en[F.format]!;
  row.label = rec.src[st[F.label]!]! - 0x30;
}

/**
 * Stores a row (as `readPlainRow` or `plainFromRecord` filled it) as row `at` of the
 * columns, accounts aside.
 */
function keepPlainRow(
  out: RowColumns,
  at: number,
  row: PlainRow,
  buf: Uint8Array,
  currencies: CodeDict,
  formats: CodeDict,
): void {
  out.ts[at] = row.ts;
  out.amountReceived[at] = row.received;
  out.amountPaid[at] = row.paid;
  const inCurrency = currencies.intern(buf, row.inCurrencyStart, row.inCurrencyEnd);
  out.receivingCurrency[at] = inCurrency;
  out.paymentCurrency[at] =
    row.outCurrencyStart === -1
      ? inCurrency
      : currencies.intern(buf, row.outCurrencyStart, row.outCurrencyEnd);
  out.format[at] = formats.intern(buf, row.formatStart, row.formatEnd);
  out.label[at] = row.label;
}

/** A quote RFC 4180 does not allow, read as text; the row is bad, not merged with the next. */
export const STRAY_QUOTE =
  'stray quote (a quote inside an unquoted field, or text after a closing quote)';

/**
 * Why a record with another number of fields than `expected` is malformed, in the words
 * every input file's reader uses: a line of only spaces or tabs is named as such.
 */
export function fieldCountReason(rec: SplitRecord, expected: number): string {
  if (rec.fields === 1 && onlySpaces(rec.src, rec.starts[0]!, rec.ends[0]!)) {
    return 'whitespace-only line (only empty lines are skipped as blank)';
  }
  const lineBreaks = hasLoneCr(rec) ? ` (${LONE_CR})` : '';
  return `expected ${expected} fields, found ${rec.fields}${lineBreaks}`;
}

/**
 * The reason a record is malformed, or null; checked in column order. `utf8` says whether the
 * record's bytes are UTF-8: bytes that are not are named before any field's value, which
 * would show them as U+FFFD (in the timestamp, "bad Timestamp" hid the cause).
 */
export function checkRecord(rec: SplitRecord, utf8 = true): string | null {
  if (rec.unterminated) return 'unterminated quoted field';
  if (rec.hasNul) return 'NUL byte in row';
  if (rec.strayQuote) return STRAY_QUOTE;
  if (!utf8) return 'invalid UTF-8 in row';
  if (rec.fields !== FIELDS) return fieldCountReason(rec, FIELDS);

  const s = rec.src;
  const text = (i: number) =>
    Buffer.from(s.buffer, s.byteOffset + rec.starts[i]!, rec.ends[i]! - rec.starts[i]!).toString(
      'utf8',
    );
  const empty = (i: number) => rec.ends[i]! === rec.starts[i]!;
  // Invisible, and dropped by readers: named before the value it hides in looks wrong.
  for (let i = 0; i < FIELDS; i++) {
    if (startsWithBom(s, rec.starts[i]!, rec.ends[i]!)) return bomReason(FIELD_NAMES[i]!, i);
  }

  if (Number.isNaN(parseTimestamp(s, rec.starts[0]!, rec.ends[0]!))) {
    const value = text(0);
    if (value === 'Timestamp') return 'repeated header row';
    return `bad Timestamp ${quote(value)} (expected a real date as YYYY/MM/DD HH:MM[:SS])`;
  }
  for (const i of [F.fromBank, F.fromAccount, F.toBank, F.toAccount]) {
    if (empty(i)) return `empty ${FIELD_NAMES[i]} (column ${i + 1})`;
  }
  for (const i of [F.amountReceived, F.amountPaid]) {
    if (empty(i)) return `empty ${FIELD_NAMES[i]} (column ${i + 1})`;
    if (Number.isNaN(parseAmount(s, rec.starts[i]!, rec.ends[i]!))) {
      const value = text(i);
      // Digits that still made NaN are too many; a lone `.` has none.
      const why =
        /^[0-9]*\.?[0-9]*$/.test(value) && /[0-9]/.test(value)
          ? 'too large: amounts over 1e100 overflow the sums of the features'
          : 'expected digits with an optional fraction';
      return `bad ${FIELD_NAMES[i]} ${quote(value)} (${why})`;
    }
  }
  for (const i of [F.receivingCurrency, F.paymentCurrency, F.format]) {
    if (empty(i)) return `empty ${FIELD_NAMES[i]} (column ${i + 1})`;
  }
  const label = text(F.label);
  if (label !== '0' && label !== '1') {
    // `0\r\r\n`: one CR belongs to the line ending, the other is read as the label's.
    const cr = label.endsWith('\r') ? ' (only one CR before the line feed ends a line)' : '';
    return `Is Laundering must be 0 or 1, got ${quote(label)}${cr}`;
  }
  return null;
}

/**
 * Interns an account as the bytes `bank,account`. The two fields are adjacent, so for almost
 * every row that is one range of the record as read. Only an unescaped quoted field can hold a
 * comma; such an account is keyed `bank NUL account` instead (NUL is never in a valid row), so
 * `"0,1",X` and `0,"1,X"` stay two accounts.
 */
function internAccount(
  dict: ByteDict,
  rec: SplitRecord,
  bank: number,
  account: number,
  side: { bytes: Buffer },
): number {
  const src = rec.src;
  const bs = rec.starts[bank]!;
  const be = rec.ends[bank]!;
  const as = rec.starts[account]!;
  const ae = rec.ends[account]!;
  if (src === rec.buf || (!hasComma(src, bs, be) && !hasComma(src, as, ae))) {
    return dict.intern(src, bs, ae);
  }
  const len = be - bs + 1 + ae - as;
  if (side.bytes.length < len) side.bytes = Buffer.allocUnsafe(len * 2);
  side.bytes.set(src.subarray(bs, be), 0);
  side.bytes[be - bs] = 0;
  side.bytes.set(src.subarray(as, ae), be - bs + 1);
  return dict.intern(side.bytes, 0, len);
}

/**
 * The cheap checks of the untyped fields, without allocating: ids and codes non-empty and not
 * starting with byte 0xEF (a byte-order mark's first; `checkRecord` looks closer), label a
 * single 0 or 1.
 */
function plainFieldsOk(rec: SplitRecord): boolean {
  const st = rec.starts;
  const en = rec.ends;
  for (let i = F.fromBank; i <= F.toAccount; i++) {
    if (en[i]! === st[i]! || rec.src[st[i]!] === 0xef) return false;
  }
  for (const i of [F.receivingCurrency, F.paymentCurrency, F.format]) {
    if (en[i]! === st[i]! || rec.src[st[i]!] === 0xef) return false;
  }
  const label = rec.src[st[F.label]!];
  return en[F.label]! - st[F.label]! === 1 && (label === 0x30 || label === 0x31);
}

/** True when fields `a` and `b` of a record hold the same bytes. */
function sameField(src: Uint8Array, st: Int32Array, en: Int32Array, a: number, b: number) {
  const len = en[a]! - st[a]!;
  if (len !== en[b]! - st[b]!) return false;
  const as = st[a]!;
  const bs = st[b]!;
  for (let i = 0; i < len; i++) {
    if (src[as + i] !== src[bs + i]) return false;
  }
  return true;
}

/** Said of a record whose field count is off and that holds a CR not ending a line. */
const LONE_CR = 'a CR that is not followed by a line feed does not end a line here';

/** True when a field of the record holds a CR not followed by a line feed. */
function hasLoneCr(rec: SplitRecord): boolean {
  const s = rec.src;
  for (let f = 0; f < Math.min(rec.fields, MAX_FIELDS); f++) {
    for (let i = rec.starts[f]!; i < rec.ends[f]!; i++) {
      if (s[i] === 0x0d && s[i + 1] !== 0x0a) return true;
    }
  }
  return false;
}

/**
 * True when a field starts with the UTF-8 byte-order mark. U+FEFF is invisible, and readers
 * drop it at the start of a text (Arrow JS's TextDecoder does): two accounts would then read
 * as one. A file's own leading BOM is the header's, and is skipped there.
 */
export function startsWithBom(s: Uint8Array, start: number, end: number): boolean {
  return end - start >= 3 && s[start] === 0xef && s[start + 1] === 0xbb && s[start + 2] === 0xbf;
}

/** Why a field that starts with a byte-order mark is a bad row. */
export function bomReason(name: string, column: number): string {
  const where = `${name} (column ${column + 1})`;
  return `${where} starts with a byte-order mark (U+FEFF), which readers drop`;
}

/** True for spaces and tabs only (CR too: a line's own CR is already cut off). */
function onlySpaces(s: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = s[i]!;
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  }
  return true;
}

function hasComma(s: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (s[i] === COMMA) return true;
  return false;
}

function quote(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function recordText(buf: Buffer, start: number, next: number): string {
  return buf.toString('utf8', start, Math.min(next, buf.length)).replace(/\r?\n$/, '');
}

/** Row columns for `capacity` rows, in SharedArrayBuffers so that tasks share them. */
export function allocateRows(capacity: number): RowColumns {
  const n = Math.max(1, capacity);
  const f64 = () => new Float64Array(new SharedArrayBuffer(n * 8));
  const i32 = () => new Int32Array(new SharedArrayBuffer(n * 4));
  return {
    ts: f64(),
    amountReceived: f64(),
    amountPaid: f64(),
    src: i32(),
    dst: i32(),
    receivingCurrency: i32(),
    paymentCurrency: i32(),
    format: i32(),
    label: new Uint8Array(new SharedArrayBuffer(n)),
  };
}

/** Views of rows `at .. at + n - 1` of every column of `table`. */
export function rowsAt(table: RowColumns, at: number, n: number): RowColumns {
  const out = {} as Record<(typeof ROW_COLUMNS)[number], Float64Array | Int32Array | Uint8Array>;
  for (const name of ROW_COLUMNS) out[name] = table[name].subarray(at, at + n);
  return out as RowColumns;
}

function emptyChunk(): Omit<ParsedChunk, keyof RowColumns> {
  return {
    rows: 0,
    accountKeys: new Uint8Array(0),
    accountOffsets: new Int32Array(1),
    keySpace: { kind: 'chunk' },
    currencies: [],
    formats: [],
    rejects: [],
  };
}

/**
 * The bytes of a chunk are read into one buffer per thread, reused: they are parsed and let go
 * before the next chunk, and a fresh 9 MiB buffer per chunk is pages the kernel must fault in
 * and zero (5% of the parse). Chunks larger than the cap get a buffer of their own, so that a
 * thread does not keep hundreds of MiB after one.
 */
const chunkBytes = new Scratch((length) => Buffer.allocUnsafeSlow(length));
const REUSED_CHUNK_BYTES = 32 * 1024 * 1024;

function chunkRange(path: string, start: number, end: number): Buffer {
  const length = end - start;
  const buf = length <= REUSED_CHUNK_BYTES ? chunkBytes.take(length) : Buffer.allocUnsafe(length);
  return readRange(path, start, end, buf);
}
