import { isUtf8 } from 'node:buffer';

import { RecordSplitter, type SplitRecord } from './record-splitter.js';

/** One non-blank record of a small file, with where it starts and its text for reports. */
export interface Located {
  rec: SplitRecord;
  /** Physical line on which the record starts. */
  line: number;
  /** The record as written, without its line break (built only when asked for). */
  text: () => string;
  /**
   * False when the record's bytes are not UTF-8. Ids are kept as text, and such bytes would
   * decode to U+FFFD: two different ids could then read the same.
   */
  utf8: boolean;
}

/**
 * The non-blank records of an in-memory file from byte `pos` (physical line `line`) on. The
 * yielded record is reused by the next step, so read it before asking for another.
 */
export function* records(buf: Buffer, pos: number, line: number): Generator<Located> {
  const splitter = new RecordSplitter(buf, buf.length);
  // One native check of the file; records one by one only when it fails.
  const valid = isUtf8(buf);
  while (pos < buf.length) {
    const start = pos;
    const rec = splitter.split(pos);
    const recLine = line;
    pos = rec.next;
    line += rec.lines;
    if (rec.blank) continue;

    const end = Math.min(pos, buf.length);
    yield {
      rec,
      line: recLine,
      text: () => buf.toString('utf8', start, end).replace(/\r?\n$/, ''),
      utf8: valid || isUtf8(buf.subarray(start, end)),
    };
  }
}
