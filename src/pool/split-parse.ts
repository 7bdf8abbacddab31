import {
  allocateRows,
  ROW_COLUMNS,
  rowsAt,
  type ParsedChunk,
  type RowColumns,
} from '../ingest/parse-chunk.js';
import { readRange } from '../ingest/read-file.js';
import { RecordSplitter } from '../ingest/record-splitter.js';
import type { ChunkSpan } from '../ingest/scan.js';
import type { Task } from '../protocol/tasks.js';

export type ParseTask = Extract<Task, { kind: 'parse' }>;

/**
 * Cuts a parse task's byte span after its middle record. The span is walked with the same
 * quote-aware RecordSplitter the parser uses, so the cut lies on a record boundary exactly as
 * the parser sees it, and the halves' first line, first row and row count are the ones the
 * whole parse would reach there. Null when the span holds fewer than two records, or when no
 * boundary follows the middle record (an unterminated quote runs to the end of the span).
 */
export function splitParse(task: ParseTask): [ParseTask, ParseTask] | null {
  const span = task.span;
  if (span.rows < 2) return null;
  const cut = middleBoundary(readSpan(task.path, span), Math.floor(span.rows / 2));
  if (cut === null) return null;

  const first: ChunkSpan = { ...span, end: span.start + cut.offset, rows: cut.records };
  const second: ChunkSpan = {
    ...span,
    start: span.start + cut.offset,
    firstLine: span.firstLine + cut.lines,
    firstRow: span.firstRow + cut.records,
    rows: span.rows - cut.records,
  };
  // The halves may run on two threads, so each parses into a dictionary of its own, and the
  // join below makes them one chunk-local dictionary again.
  return [
    { ...task, span: first, session: null },
    { ...task, span: second, session: null },
  ];
}

/** Offset just past the `want`-th record, with the lines and records before it. */
function middleBoundary(buf: Buffer, want: number) {
  const splitter = new RecordSplitter(buf, buf.length);
  let offset = 0;
  let lines = 0;
  let records = 0;
  // The parser's loop: blank lines advance the line count but hold no record.
  while (records < want) {
    if (offset >= buf.length) return null;
    const rec = splitter.split(offset);
    offset = rec.next;
    lines += rec.lines;
    if (!rec.blank) records++;
  }
  return offset < buf.length ? { offset, lines, records } : null;
}

function readSpan(path: string, span: ChunkSpan): Buffer {
  return readRange(path, span.start, span.end, Buffer.allocUnsafe(span.end - span.start));
}

/**
 * Whether the second half must run: with `stopAtBadRow` the whole parse stops at its first
 * reject, so a reject in the first half means the second half's rows were never parsed.
 */
export function parseNeedsSecond(task: ParseTask, first: ParsedChunk): boolean {
  return !(task.stopAtBadRow && first.rejects.length > 0);
}

/**
 * Joins the halves' chunks into exactly what parsing the whole span gives. Local ids are
 * assigned by first appearance, so the whole's dictionaries are the first half's followed by
 * the second half's new entries, in the second half's order; the second half's ids are
 * remapped onto them. Columns keep the whole span's capacity, as `parseChunk` allocates them.
 */
export function joinParsed(task: ParseTask, a: ParsedChunk, b: ParsedChunk | null): ParsedChunk {
  const span = task.span;
  // Halves parsed into the load's table wrote their rows at their own first rows: the join
  // moves the second half's rows up against the first's.
  const out =
    task.table === null ? allocateRows(span.rows) : rowsAt(task.table, span.firstRow, span.rows);
  copyRows(out, a, 0, a.rows);
  if (b === null) {
    return {
      ...out,
      rows: a.rows,
      accountKeys: a.accountKeys,
      accountOffsets: a.accountOffsets,
      keySpace: { kind: 'chunk' },
      currencies: a.currencies,
      formats: a.formats,
      rejects: a.rejects,
    };
  }

  const accounts = joinKeys(a, b);
  // Accounts are keyed by their bytes; currencies and formats by their decoded text, which is
  // how merge.ts makes them global, so two byte spellings of one text are one value there too.
  const currencies = joinValues(a.currencies, b.currencies);
  const formats = joinValues(a.formats, b.formats);
  copyRows(out, b, a.rows, b.rows);
  const at = a.rows;
  // Read from `out`: in the table, the second half's own views may have been overwritten.
  for (let r = at; r < at + b.rows; r++) {
    out.src[r] = accounts.remap[out.src[r]!]!;
    out.dst[r] = accounts.remap[out.dst[r]!]!;
    out.receivingCurrency[r] = currencies.remap[out.receivingCurrency[r]!]!;
    out.paymentCurrency[r] = currencies.remap[out.paymentCurrency[r]!]!;
    out.format[r] = formats.remap[out.format[r]!]!;
  }
  return {
    ...out,
    rows: a.rows + b.rows,
    accountKeys: accounts.bytes,
    accountOffsets: accounts.offsets,
    keySpace: { kind: 'chunk' },
    currencies: currencies.values,
    formats: formats.values,
    rejects: [...a.rejects, ...b.rejects],
  };
}

/**
 * Copies `rows` rows of every column of `c` to row `at` of `out`; ids are copied as they are.
 * In the load's table the source may overlap the target a little further on: `set` copies
 * as if through a temporary, so the overlap is safe.
 */
function copyRows(out: RowColumns, c: ParsedChunk, at: number, rows: number): void {
  for (const name of ROW_COLUMNS) out[name].set(c[name].subarray(0, rows), at);
}

/** The first half's keys, then the second half's keys not among them, in their order. */
function joinKeys(a: ParsedChunk, b: ParsedChunk) {
  const ids = new Map<string, number>();
  const na = a.accountOffsets.length - 1;
  for (let i = 0; i < na; i++) ids.set(keyText(a, i), i);

  const nb = b.accountOffsets.length - 1;
  const remap = new Int32Array(nb);
  const added: number[] = [];
  let addedBytes = 0;
  for (let j = 0; j < nb; j++) {
    const text = keyText(b, j);
    let id = ids.get(text);
    if (id === undefined) {
      id = na + added.length;
      ids.set(text, id);
      added.push(j);
      addedBytes += b.accountOffsets[j + 1]! - b.accountOffsets[j]!;
    }
    remap[j] = id;
  }

  const aBytes = a.accountOffsets[na]!;
  const bytes = new Uint8Array(aBytes + addedBytes);
  const offsets = new Int32Array(na + added.length + 1);
  bytes.set(a.accountKeys.subarray(0, aBytes));
  offsets.set(a.accountOffsets.subarray(0, na + 1));
  let end = aBytes;
  added.forEach((j, k) => {
    const key = b.accountKeys.subarray(b.accountOffsets[j]!, b.accountOffsets[j + 1]!);
    bytes.set(key, end);
    end += key.length;
    offsets[na + k + 1] = end;
  });
  return { bytes, offsets, remap };
}

/** Key i as a string that differs exactly when the bytes differ (one char per byte). */
function keyText(c: ParsedChunk, i: number): string {
  const keys = c.accountKeys;
  const from = c.accountOffsets[i]!;
  return Buffer.from(keys.buffer, keys.byteOffset + from, c.accountOffsets[i + 1]! - from).toString(
    'latin1',
  );
}

function joinValues(a: readonly string[], b: readonly string[]) {
  const values = [...a];
  const ids = new Map(a.map((v, i) => [v, i]));
  const remap = new Int32Array(b.length);
  b.forEach((v, j) => {
    let id = ids.get(v);
    if (id === undefined) {
      id = values.push(v) - 1;
      ids.set(v, id);
    }
    remap[j] = id;
  });
  return { values, remap };
}
