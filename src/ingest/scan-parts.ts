import { closeSync, fstatSync, readSync } from 'node:fs';

import { changedDuringRun, openInput } from './read-file.js';
import { holdsRecord, type ChunkPlan, type ChunkSpan } from './scan.js';

/**
 * Chunk planning split across threads. `planChunks` reads the whole file on one thread before
 * any chunk can be parsed: 0.2 s of a HI-Small run's critical path and about 1 s at 30 M rows
 * with the file cached, several seconds read from disk. Here each thread scans a byte range of
 * the file on its own (`scanPart`), and `stitchParts` turns the ranges' counts into the same
 * plan `planChunks` makes, reading only a few lines around each chunk boundary.
 *
 * A range cannot tell on its own whether it starts inside a quoted field, where line breaks
 * are text: a range holding any quote byte makes the whole split unusable, and the caller
 * plans on one thread instead. (AMLworld files hold no quotes.)
 */

/** What one range's scan found; positions are byte offsets in the file. */
export interface PartScan {
  /** A quote byte lies in the range: the split cannot be used. */
  quoted: boolean;
  /** Line breaks in the range. */
  newlines: number;
  /** First and last line break in the range, -1 when none. */
  firstNl: number;
  lastNl: number;
  /** Records (blank lines not counted) ending at the range's line breaks after its first. */
  records: number;
  /**
   * Every SAMPLE-th line break after the first, as triples: its position, its index among the
   * range's line breaks, and the records counted through it (as `records` counts them).
   */
  samples: number[];
}

const BLOCK = 8 * 1024 * 1024;
const SAMPLE = 128;
const NL = 0x0a;
const QUOTE = 0x22;

/** Scans bytes `[from, to)` of `path` (see PartScan); `sample` is for tests. */
export function scanPart(path: string, from: number, to: number, sample = SAMPLE): PartScan {
  const fd = openInput(path);
  try {
    return scanRange(fd, from, to, sample);
  } finally {
    closeSync(fd);
  }
}

function scanRange(fd: number, from: number, to: number, sample: number): PartScan {
  const part: PartScan = {
    quoted: false,
    newlines: 0,
    firstNl: -1,
    lastNl: -1,
    records: 0,
    samples: [],
  };
  const buf = Buffer.allocUnsafe(Math.min(BLOCK, Math.max(1, to - from)));
  // The byte before the block, for a line break at its first byte.
  let before = -1;
  for (let base = from; base < to;) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, to - base), base);
    if (n === 0) break;
    const block = buf.subarray(0, n);
    if (block.indexOf(QUOTE) !== -1) return { ...part, quoted: true };

    for (let at = block.indexOf(NL); at !== -1; at = block.indexOf(NL, at + 1)) {
      const pos = base + at;
      if (part.firstNl === -1) {
        part.firstNl = pos;
      } else {
        const length = pos - part.lastNl - 1;
        const last = at > 0 ? (block[at - 1] as number) : before;
        if (holdsRecord(length, last)) part.records++;
        if (part.newlines % sample === 0) part.samples.push(pos, part.newlines, part.records);
      }
      part.lastNl = pos;
      part.newlines++;
    }
    before = block[n - 1] as number;
    base += n;
  }
  return part;
}

/** A line break the stitch can walk on from, with what precedes it in the file. */
interface Anchor {
  /** Its position (dataStart - 1 for the start of the data, where no line break is). */
  pos: number;
  /** Line breaks from the start of the data through it. */
  newlines: number;
  /** Records from the start of the data through it. */
  records: number;
}

/** Where a record lies: from `start` to `end` (its line break, or the end of the file). */
interface Found {
  start: number;
  end: number;
  /** Line breaks before `start`, from the start of the data. */
  newlinesBefore: number;
}

/**
 * The plan `planChunks(path, dataStart, dataLine, chunkRows, null)` makes, from the scans of
 * consecutive ranges that cover `[dataStart, size)`; null when a range saw a quote.
 */
export function stitchParts(
  path: string,
  size: number,
  dataStart: number,
  dataLine: number,
  chunkRows: number,
  parts: PartScan[],
): ChunkPlan | null {
  if (parts.some((p) => p.quoted)) return null;
  const fd = openInput(path);
  try {
    // The ranges' counts hold for the file they were cut from: one that shrank meanwhile
    // made spans that end before they start (a fresh-user trial truncated it mid-plan).
    const now = fstatSync(fd).size;
    if (now !== size)
      throw changedDuringRun(path, `it was ${size} bytes as its chunks were planned, now ${now}`);
    const reader = new WindowReader(fd, size);
    const anchors = anchorsOf(parts, dataStart, reader);
    const last = anchors[anchors.length - 1]!;
    const rows = last.records + (hasTailRecord(last.pos, size, reader) ? 1 : 0);
    const find = (k: number): Found => findRecord(k, anchors, reader);

    const chunks: ChunkSpan[] = [];
    for (let firstRow = 0; firstRow < rows; firstRow += chunkRows) {
      const count = Math.min(chunkRows, rows - firstRow);
      const first = find(firstRow + 1);
      const end = find(firstRow + count).end;
      chunks.push({
        index: chunks.length,
        start: first.start,
        // A full chunk ends after its last record's line break; the last one, at the end of
        // the file (blank lines after its last record included, as planChunks has it).
        end: count === chunkRows && end < reader.size ? end + 1 : reader.size,
        firstLine: dataLine + first.newlinesBefore,
        firstRow,
        rows: count,
      });
    }
    const lastChunk = chunks[chunks.length - 1];
    return { chunks, rows, bytes: lastChunk === undefined ? 0 : lastChunk.end - dataStart };
  } finally {
    closeSync(fd);
  }
}

/** Anchors in file order: the start of the data, each range's first line break, samples. */
function anchorsOf(parts: PartScan[], dataStart: number, reader: WindowReader): Anchor[] {
  const anchors: Anchor[] = [{ pos: dataStart - 1, newlines: 0, records: 0 }];
  let at = anchors[0]!;
  for (const part of parts) {
    if (part.firstNl === -1) continue;
    // The record ending at the range's first line break began in an earlier range.
    const first = isRecord(at.pos, part.firstNl, reader) ? 1 : 0;
    const head = { pos: part.firstNl, newlines: at.newlines + 1, records: at.records + first };
    anchors.push(head);
    for (let i = 0; i < part.samples.length; i += 3) {
      anchors.push({
        pos: part.samples[i]!,
        newlines: head.newlines + part.samples[i + 1]!,
        records: head.records + part.samples[i + 2]!,
      });
    }
    at = {
      pos: part.lastNl,
      newlines: head.newlines + part.newlines - 1,
      records: head.records + part.records,
    };
    anchors.push(at);
  }
  return anchors;
}

/** The `k`-th record (from 1): walked to from the last anchor before it. */
function findRecord(k: number, anchors: Anchor[], reader: WindowReader): Found {
  let lo = 0;
  let hi = anchors.length - 1;
  // The last anchor with fewer than k records through it.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (anchors[mid]!.records < k) lo = mid;
    else hi = mid - 1;
  }
  let { pos, newlines, records } = anchors[lo]!;
  for (;;) {
    const next = reader.nextNewline(pos + 1);
    // No line break left: the record is the last one, without a final line break.
    if (next === -1) return { start: pos + 1, end: reader.size, newlinesBefore: newlines };
    if (isRecord(pos, next, reader) && ++records === k) {
      return { start: pos + 1, end: next, newlinesBefore: newlines };
    }
    pos = next;
    newlines++;
  }
}

/** Whether the line after `prevNl` ending at `nl` holds a record: not empty, nor a lone CR. */
function isRecord(prevNl: number, nl: number, reader: WindowReader): boolean {
  const length = nl - prevNl - 1;
  return holdsRecord(length, length === 1 ? reader.byteAt(nl - 1) : -1);
}

/** Whether bytes after the last line break form a record (`planChunks` counts one). */
function hasTailRecord(lastNl: number, size: number, reader: WindowReader): boolean {
  const length = size - lastNl - 1;
  return holdsRecord(length, length === 1 ? reader.byteAt(size - 1) : -1);
}

/** Reads a file through one small window: the stitch looks at a few lines per boundary. */
class WindowReader {
  readonly size: number;
  readonly #fd: number;
  readonly #buf = Buffer.allocUnsafe(64 * 1024);
  #start = 0;
  #length = 0;

  constructor(fd: number, size: number) {
    this.#fd = fd;
    this.size = size;
  }

  byteAt(pos: number): number {
    if (pos < this.#start || pos >= this.#start + this.#length) this.#fill(pos);
    return pos < this.#start + this.#length ? (this.#buf[pos - this.#start] as number) : -1;
  }

  /** Position of the first line break at or after `from`, or -1. */
  nextNewline(from: number): number {
    for (let at = from; at < this.size; at = this.#start + this.#length) {
      if (at < this.#start || at >= this.#start + this.#length) this.#fill(at);
      if (this.#length === 0) return -1;
      const i = this.#buf.subarray(0, this.#length).indexOf(NL, at - this.#start);
      if (i !== -1) return this.#start + i;
    }
    return -1;
  }

  #fill(pos: number): void {
    this.#start = pos;
    const want = Math.max(0, Math.min(this.#buf.length, this.size - pos));
    this.#length = want === 0 ? 0 : readSync(this.#fd, this.#buf, 0, want, pos);
  }
}
