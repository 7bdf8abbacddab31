import { closeSync, fstatSync, readSync } from 'node:fs';

import { openInput } from './read-file.js';

/** One chunk of data records: a byte range that starts and ends on record boundaries. */
export interface ChunkSpan {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  /** Physical line on which the chunk's first record starts. */
  readonly firstLine: number;
  /** 0-based index of the chunk's first data record in the file. */
  readonly firstRow: number;
  readonly rows: number;
}

export interface ChunkPlan {
  readonly chunks: ChunkSpan[];
  readonly rows: number;
  /** Bytes from the first data row to the end of the last planned record. */
  readonly bytes: number;
}

const BLOCK = 8 * 1024 * 1024;
const NL = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

/**
 * Splits the data rows of a CSV into chunks of `chunkRows` records, stopping after `limit`
 * records when given. Quote-aware (a quoted field may hold line breaks), but blocks without a
 * quote are scanned with `indexOf`, which is what makes this pass cheap on the real files.
 * Empty lines hold no record and are not counted.
 */
export function planChunks(
  path: string,
  dataStart: number,
  dataLine: number,
  chunkRows: number,
  limit: number | null,
): ChunkPlan {
  const fd = openInput(path);
  try {
    return scan(fd, fstatSync(fd).size, dataStart, dataLine, chunkRows, limit ?? Infinity);
  } finally {
    closeSync(fd);
  }
}

function scan(
  fd: number,
  size: number,
  dataStart: number,
  dataLine: number,
  chunkRows: number,
  limit: number,
): ChunkPlan {
  const chunks: ChunkSpan[] = [];
  const buf = Buffer.allocUnsafe(BLOCK);
  const s = {
    line: dataLine,
    recStart: dataStart,
    recLine: dataLine,
    inQuote: false,
    closed: false,
    prev: -1,
    rows: 0,
    chunkStart: dataStart,
    chunkLine: dataLine,
    chunkFirstRow: 0,
    chunkRows: 0,
  };

  // A record ends at a line break outside quotes; blank records are skipped, not counted.
  const endRecord = (nlAt: number): boolean => {
    const len = nlAt - s.recStart;
    const blank = !holdsRecord(len, s.prev);
    if (!blank) {
      if (s.chunkRows === 0) {
        s.chunkStart = s.recStart;
        s.chunkLine = s.recLine;
      }
      s.rows++;
      s.chunkRows++;
      if (s.chunkRows === chunkRows || s.rows === limit) closeChunk(nlAt + 1);
    }
    s.line++;
    s.recStart = nlAt + 1;
    s.recLine = s.line;
    return s.rows === limit;
  };
  const closeChunk = (end: number): void => {
    chunks.push({
      index: chunks.length,
      start: s.chunkStart,
      end,
      firstLine: s.chunkLine,
      firstRow: s.chunkFirstRow,
      rows: s.chunkRows,
    });
    s.chunkFirstRow += s.chunkRows;
    s.chunkRows = 0;
  };

  let offset = dataStart;
  let done = false;
  while (offset < size && !done) {
    const n = readSync(fd, buf, 0, Math.min(BLOCK, size - offset), offset);
    if (n === 0) break;
    done = scanBlock(buf.subarray(0, n), offset, s, endRecord);
    offset += n;
  }

  // A last record without a final line break still counts.
  const tail = Math.min(size, offset);
  if (!done && holdsRecord(tail - s.recStart, s.prev)) {
    if (s.chunkRows === 0) {
      s.chunkStart = s.recStart;
      s.chunkLine = s.recLine;
    }
    s.rows++;
    s.chunkRows++;
  }
  if (s.chunkRows > 0) closeChunk(tail);

  const last = chunks[chunks.length - 1];
  return { chunks, rows: s.rows, bytes: last === undefined ? 0 : last.end - dataStart };
}

/**
 * Whether a line of `length` bytes before its line feed, the last of them `last`, holds a
 * record: an empty line or a lone CR (a blank line of a CRLF file) does not. The one rule of
 * every planner (this one-thread scan, and scan-parts.ts's ranges and their stitch).
 */
export function holdsRecord(length: number, last: number): boolean {
  return length > 0 && !(length === 1 && last === CR);
}

interface ScanState {
  line: number;
  inQuote: boolean;
  /** The byte before was the quote that closed a quoted field. */
  closed: boolean;
  /** The byte before, -1 at the start of the data. */
  prev: number;
}

function scanBlock(
  block: Buffer,
  base: number,
  s: ScanState,
  endRecord: (nlAt: number) => boolean,
): boolean {
  // Fast path: no quote in this block and none open, so every line break ends a record.
  if (!s.inQuote && block.indexOf(QUOTE) === -1) {
    if (block.length > 0) s.closed = false;
    let from = 0;
    for (;;) {
      const nl = block.indexOf(NL, from);
      if (nl === -1) break;
      s.prev = nl > 0 ? (block[nl - 1] as number) : s.prev;
      if (endRecord(base + nl)) return true;
      from = nl + 1;
    }
    if (block.length > 0) s.prev = block[block.length - 1] as number;
    return false;
  }

  // The record splitter's reading of quotes (record-splitter.ts): one opens a quoted field
  // only as its first byte; in one, a quote closes it, and a quote right after reopens it (a
  // doubled quote). Any other quote is text of a bad row, which ends at its own line break.
  for (let i = 0; i < block.length; i++) {
    const b = block[i] as number;
    if (s.inQuote) {
      if (b === QUOTE) {
        s.inQuote = false;
        s.closed = true;
      } else if (b === NL) {
        s.line++;
      }
    } else if (b === QUOTE) {
      s.inQuote = s.closed || s.prev === COMMA || s.prev === NL || s.prev === -1;
      s.closed = false;
    } else {
      s.closed = false;
      if (b === NL && endRecord(base + i)) {
        s.prev = b;
        return true;
      }
    }
    s.prev = b;
  }
  return false;
}
