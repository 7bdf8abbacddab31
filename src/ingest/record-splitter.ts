/**
 * Splits one CSV record into field byte ranges. Unquoted records are split in place; a record
 * with quotes is unescaped into a scratch buffer laid out like plain text (fields joined by
 * commas), so the field readers downstream see one shape either way.
 */
const NL = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;

export const MAX_FIELDS = 64;

export interface SplitRecord {
  /** Buffer the field ranges point into: the chunk itself, or the scratch buffer. */
  src: Uint8Array;
  /** The chunk buffer, so callers can tell an unescaped (scratch) record from a plain one. */
  buf: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  fields: number;
  /** Offset just past the record's line break. */
  next: number;
  /** Physical lines the record spans. */
  lines: number;
  /** True when the record holds a NUL byte. */
  hasNul: boolean;
  /** Set when a quoted field never closes. */
  unterminated: boolean;
  /** Set when a quote stands inside an unquoted field, or text follows a closing quote. */
  strayQuote: boolean;
  /** True for an empty line (no record). */
  blank: boolean;
}

export class RecordSplitter {
  readonly rec: SplitRecord = {
    src: new Uint8Array(0),
    buf: new Uint8Array(0),
    starts: new Int32Array(MAX_FIELDS),
    ends: new Int32Array(MAX_FIELDS),
    fields: 0,
    next: 0,
    lines: 1,
    hasNul: false,
    unterminated: false,
    strayQuote: false,
    blank: false,
  };
  #scratch = Buffer.allocUnsafe(4096);
  #nextQuote: number;

  constructor(
    private readonly buf: Buffer,
    private readonly end: number,
  ) {
    this.#nextQuote = buf.indexOf(QUOTE);
    this.rec.buf = buf;
  }

  /** Splits the record starting at `pos`; the result is valid until the next call. */
  split(pos: number): SplitRecord {
    if (this.#nextQuote !== -1 && this.#nextQuote < pos) {
      this.#nextQuote = this.buf.indexOf(QUOTE, pos);
    }
    const quote = this.#nextQuote;
    return this.#plain(pos, quote === -1 || quote > this.end ? this.end : quote);
  }

  /**
   * Splits a record with no quote before `limit`, finding its line break and its commas in one
   * pass. Line feed, comma and NUL sort below every digit and letter, so an ordinary byte costs
   * one comparison. Reaching `limit` before a line break means a quote opens inside the record:
   * the quote-aware reader takes over.
   */
  #plain(pos: number, limit: number): SplitRecord {
    const { buf, rec } = this;
    const starts = rec.starts;
    const ends = rec.ends;
    let fields = 0;
    let fieldStart = pos;
    let hasNul = false;
    let i = pos;
    for (; i < limit; i++) {
      const b = buf[i] as number;
      if (b > COMMA) continue;
      if (b === NL) break;
      if (b === COMMA) {
        if (fields < MAX_FIELDS) {
          starts[fields] = fieldStart;
          ends[fields] = i;
        }
        fields++;
        fieldStart = i + 1;
      } else if (b === 0) {
        hasNul = true;
      }
    }
    if (i === limit && limit < this.end) return this.#quoted(pos);

    let contentEnd = i;
    if (contentEnd > pos && buf[contentEnd - 1] === CR) contentEnd--;
    if (fields < MAX_FIELDS) {
      starts[fields] = fieldStart;
      ends[fields] = contentEnd;
    }
    rec.src = buf;
    rec.fields = fields + 1;
    rec.next = i + 1;
    rec.lines = 1;
    rec.unterminated = false;
    rec.strayQuote = false;
    rec.blank = contentEnd === pos;
    rec.hasNul = hasNul;
    return rec;
  }

  #quoted(pos: number): SplitRecord {
    const { buf, rec, end } = this;
    let out = 0;
    let fields = 0;
    let fieldStart = 0;
    let lines = 1;
    let i = pos;
    let inQuote = false;
    /** The field began with a quote: `""` (empty) is then not the start of another. */
    let opened = false;
    rec.hasNul = false;
    rec.unterminated = false;
    rec.strayQuote = false;

    const put = (b: number): void => {
      if (out === this.#scratch.length) this.#growScratch();
      this.#scratch[out++] = b;
    };
    const closeField = (): void => {
      if (fields < MAX_FIELDS) {
        rec.starts[fields] = fieldStart;
        rec.ends[fields] = out;
      }
      fields++;
    };

    // RFC 4180: a quote opens a quoted field only as the field's first byte, and a closing
    // quote is followed by a comma or the line break, or by a second quote, which makes the
    // pair one literal quote. Any other quote is a stray: kept as text, the record marked bad
    // and ended at its own line break (the planner in scan.ts reads quotes the same way).
    let closed = false;
    for (; i < end; i++) {
      const b = buf[i] as number;
      if (b === 0) rec.hasNul = true;
      if (inQuote) {
        if (b === QUOTE) {
          inQuote = false;
          closed = true;
        } else {
          if (b === NL) lines++;
          put(b);
        }
        continue;
      }
      if (b === NL) break;
      if (closed) {
        closed = false;
        if (b === QUOTE) {
          put(QUOTE);
          inQuote = true;
          continue;
        }
        // A CR after a closing quote is read as after an unquoted value: before the line
        // feed it is the line ending, elsewhere text of the field. So `"0"\r\r\n` is the bad
        // label `0\r` that `0\r\r\n` is, and a lone-CR line ending joins two rows whether
        // their last field is quoted or not.
        if (b !== COMMA && b !== CR) rec.strayQuote = true;
      }
      if (b === QUOTE) {
        if (out === fieldStart && !opened) {
          inQuote = true;
          opened = true;
        } else {
          rec.strayQuote = true;
          put(b);
        }
      } else if (b === COMMA) {
        closeField();
        put(COMMA);
        fieldStart = out;
        opened = false;
      } else {
        put(b);
      }
    }

    // A CR just before the record's line break belongs to the line ending, not the field.
    if (!inQuote && out > fieldStart && this.#scratch[out - 1] === CR && buf[i - 1] === CR) out--;
    closeField();
    rec.src = this.#scratch;
    rec.fields = fields;
    rec.next = i + 1;
    rec.lines = lines;
    rec.unterminated = inQuote;
    rec.blank = false;
    this.#nextQuote = buf.indexOf(QUOTE, rec.next);
    return rec;
  }

  #growScratch(): void {
    const next = Buffer.allocUnsafe(this.#scratch.length * 2);
    this.#scratch.copy(next);
    this.#scratch = next;
  }
}
