/**
 * The fast path of the transactions parser: one pass over a well-formed AMLworld row that
 * finds each field's end while reading its value, instead of splitting the record first and
 * reading the fields again (that split alone was a quarter of the parse). It accepts only rows
 * the careful path (RecordSplitter + checkRecord) accepts with the same values, and gives up on
 * anything else: quotes, NUL, CR inside a line, a wrong field count, an empty or malformed
 * field, an amount past 2^53 or 22 decimals. The caller then reads the row the careful way.
 */
import { parseDay, parseTimeOfDay, POW10 } from './fields.js';
import { ViewCache } from './view-cache.js';

// Byte names are local to each reader on purpose: imported from one shared module, they were
// loads of module bindings in the hot loops (record split 8.6 -> 12.3 ms per 100 K rows).
const NL = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const DOT = 0x2e;
const ZERO = 0x30;
const ONE = 0x31;
/** The first byte of the UTF-8 byte-order mark (and of other characters U+F000-U+FFFF). */
const BOM_FIRST = 0xef;

/** A row read by `readPlainRow`: its typed values and its text fields' byte ranges. */
export class PlainRow {
  ts = 0;
  received = 0;
  paid = 0;
  /** `bank,account` of the sender: `buf[fromStart, fromEnd)`. */
  fromStart = 0;
  fromEnd = 0;
  toStart = 0;
  toEnd = 0;
  inCurrencyStart = 0;
  inCurrencyEnd = 0;
  /** -1 when the payment currency is the receiving one, byte for byte. */
  outCurrencyStart = 0;
  outCurrencyEnd = 0;
  formatStart = 0;
  formatEnd = 0;
  label = 0;
  /** Offset just past the row's line break. */
  next = 0;
  /** Scratch: the amount `readAmount` read last. */
  amount = 0;

  /** The last date read: its bytes `YYYY/MM/DD ` as three words, and its day number. */
  dateWords = new Int32Array([0, 0, -1]);
  day = NaN;
  readonly views = new ViewCache();
}

/**
 * Reads the row at `pos` into `row` and returns true, or returns false when the row needs the
 * careful path. `limit` is where the next quote (or the buffer) starts: no byte at or past it
 * is read as part of a field. `end` is the buffer's length.
 */
export function readPlainRow(
  buf: Uint8Array,
  pos: number,
  limit: number,
  end: number,
  row: PlainRow,
): boolean {
  // Timestamps are `YYYY/MM/DD HH:MM` or with `:SS`: their comma is at one of two places.
  let p = pos + 16;
  if (p + 1 >= limit) return false;
  if (buf[p] !== COMMA) {
    p = pos + 19;
    if (p + 1 >= limit || buf[p] !== COMMA) return false;
  }
  const day = readDay(buf, pos, row);
  const ts = day * 86_400 + parseTimeOfDay(buf, pos, p - pos);
  if (Number.isNaN(ts)) return false;
  row.ts = ts;

  // Bank and account are interned together as the bytes `bank,account`.
  row.fromStart = p + 1;
  p = textEnd(buf, p + 1, limit);
  if (p === -1) return false;
  p = textEnd(buf, p + 1, limit);
  if (p === -1) return false;
  row.fromEnd = p;
  row.toStart = p + 1;
  p = textEnd(buf, p + 1, limit);
  if (p === -1) return false;
  p = textEnd(buf, p + 1, limit);
  if (p === -1) return false;
  row.toEnd = p;

  const receivedAt = p + 1;
  p = readAmount(buf, receivedAt, limit, row);
  if (p === -1) return false;
  row.received = row.amount;
  row.inCurrencyStart = p + 1;
  p = textEnd(buf, p + 1, limit);
  if (p === -1) return false;
  row.inCurrencyEnd = p;

  // Most rows pay what they receive, in the same currency: the same text is the same value.
  const paidAt = p + 1;
  p = sameText(buf, receivedAt, row.inCurrencyStart - 1, paidAt, limit);
  if (p !== -1) {
    row.paid = row.received;
  } else {
    p = readAmount(buf, paidAt, limit, row);
    if (p === -1) return false;
    row.paid = row.amount;
  }
  const outAt = p + 1;
  p = sameText(buf, row.inCurrencyStart, row.inCurrencyEnd, outAt, limit);
  if (p !== -1) {
    row.outCurrencyStart = -1;
  } else {
    p = textEnd(buf, outAt, limit);
    if (p === -1) return false;
    row.outCurrencyStart = outAt;
    row.outCurrencyEnd = p;
  }
  row.formatStart = p + 1;
  p = textEnd(buf, p + 1, limit);
  if (p === -1) return false;
  row.formatEnd = p;

  return readLabel(buf, p + 1, limit, end, row);
}

/**
 * The day number of the date at `pos` (NaN when it is not one). Rows come in time order, so
 * thousands share a date: when its 11 bytes are the last date's, so is the day. The caller has
 * checked that the row holds at least 16 bytes.
 */
function readDay(buf: Uint8Array, pos: number, row: PlainRow): number {
  const v = row.views.of(buf);
  const a = v.getInt32(pos, true);
  const b = v.getInt32(pos + 4, true);
  const c = v.getInt32(pos + 7, true);
  const last = row.dateWords;
  if (a === last[0] && b === last[1] && c === last[2]) return row.day;

  const day = parseDay(buf, pos);
  if (Number.isNaN(day)) return NaN;
  last[0] = a;
  last[1] = b;
  last[2] = c;
  row.day = day;
  return day;
}

/**
 * The comma ending a non-empty text field that starts at `start`, or -1. Line feed, CR, comma
 * and NUL sort below every digit and letter, so an ordinary byte costs one comparison; bytes
 * such as space and `#` below the comma are text like any other.
 */
function textEnd(buf: Uint8Array, start: number, limit: number): number {
  // A field that may start with a byte-order mark is for the careful path to judge.
  if (buf[start] === BOM_FIRST) return -1;
  let i = start;
  for (; i < limit; i++) {
    const b = buf[i] as number;
    if (b > COMMA) continue;
    if (b === COMMA) break;
    if (b === NL || b === CR || b === 0) return -1;
  }
  return i === start || i === limit ? -1 : i;
}

/**
 * Reads an amount ending at a comma into `row.amount` and returns the comma's offset, or -1.
 * The value is `parseAmount`'s (src/ingest/fields.ts): the digits as an integer divided by a
 * power of ten, which is correctly rounded while both are exact; past that, -1.
 */
function readAmount(buf: Uint8Array, start: number, limit: number, row: PlainRow): number {
  let mantissa = 0;
  let dot = -1;
  let i = start;
  for (; i < limit; i++) {
    const b = buf[i] as number;
    const d = b - ZERO;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
    } else if (b === DOT && dot === -1) {
      dot = i;
    } else {
      break;
    }
  }
  if (i === limit || buf[i] !== COMMA) return -1;

  const digits = i - start - (dot === -1 ? 0 : 1);
  const scale = dot === -1 ? 0 : i - dot - 1;
  if (digits === 0 || mantissa > Number.MAX_SAFE_INTEGER || scale > 22) return -1;
  row.amount = mantissa / POW10[scale]!;
  return i;
}

/**
 * When the field at `at` holds the bytes `buf[start, end)` and ends there with a comma, that
 * comma's offset; otherwise -1.
 */
function sameText(buf: Uint8Array, start: number, end: number, at: number, limit: number) {
  const len = end - start;
  const comma = at + len;
  if (comma >= limit || buf[comma] !== COMMA) return -1;
  for (let i = 0; i < len; i++) {
    if (buf[at + i] !== buf[start + i]) return -1;
  }
  return comma;
}

/**
 * The label, then the line's end: a line feed, CR LF, or the end of the buffer (a final CR
 * there is the line ending too, as the careful path reads it).
 */
function readLabel(buf: Uint8Array, at: number, limit: number, end: number, row: PlainRow) {
  if (at >= limit) return false;
  const label = buf[at] as number;
  if (label !== ZERO && label !== ONE) return false;
  row.label = label - ZERO;

  let p = at + 1;
  if (p < limit && buf[p] === CR) p++;
  if (p === end) {
    row.next = end + 1;
    return true;
  }
  if (p >= limit || buf[p] !== NL) return false;
  row.next = p + 1;
  return true;
}
