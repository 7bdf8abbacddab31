import type { BadRows } from './bad-rows.js';
import { parseAmount, parseTimestamp } from './fields.js';
import { checkRecord, F } from './parse-chunk.js';
import {
  ACCOUNT_COLUMNS,
  readHead,
  refuseCompressed,
  refuseLoneCr,
  TRANSACTION_COLUMNS,
} from './header.js';
import { InputError } from '../errors.js';
import { fieldText, readInput } from './read-file.js';
import type { SplitRecord } from './record-splitter.js';
import { records } from './records.js';

/** Typology of each pattern row, by the row's parsed key; the first block wins (SPEC §12). */
export interface PatternIndex {
  path: string;
  typologies: string[];
  byKey: Map<string, number>;
  /** Every row in file order, to name (and reject) the rows that match no transaction. */
  entries: PatternRow[];
  rows: number;
  blocks: number;
}

export interface PatternRow {
  key: string;
  /** Epoch seconds, to find the transactions that can match without keying them all. */
  ts: number;
  line: number;
  text: string;
}

/**
 * The first columns of the other two inputs' headers: given as the patterns file, either was
 * refused as "not a BEGIN or END line" with no word of what it was (trial N).
 */
const OTHER_HEADERS = new Map<string, string>([
  [TRANSACTION_COLUMNS[0], 'a transactions'],
  [ACCOUNT_COLUMNS[0], 'an accounts'],
]);

/** Why a first line with these fields is no patterns file's, or null when it may be one. */
function otherHeaderReason(fields: number, first: string): string | null {
  const what = fields > 1 ? OTHER_HEADERS.get(first) : undefined;
  if (what === undefined) return null;
  return (
    `${what} file's header, not a BEGIN line (the patterns file is the data set's ` +
    `*_Patterns.txt)`
  );
}

/**
 * Refuses, before a run creates anything, a patterns file whose first line is another input's
 * header: the run read it only after parsing the transactions, leaving a checkpoint store
 * behind (trial P). The rest of the file is read, and its bad rows found, in data_loaded.
 */
export function refuseOtherInputAsPatterns(path: string): void {
  const head = readHead(path);
  const end = head.indexOf(0x0a);
  const line = head.toString('utf8', 0, end === -1 ? head.length : end).replace(/\r$/, '');
  const fields = line.split(',');
  const reason = otherHeaderReason(fields.length, (fields[0] ?? '').replace(/^\uFEFF/, '').trim());
  if (reason !== null) throw new InputError(`${path}:1: ${reason}`);
}

const BEGIN = /^BEGIN LAUNDERING ATTEMPT - ([^:]*)/;
const END = /^END LAUNDERING ATTEMPT/;
/** The typology an END line names, when it names one (AMLworld's END lines all do). */
const END_NAME = /^END LAUNDERING ATTEMPT - ([^:]*)/;

export function readPatterns(path: string, bad: BadRows): PatternIndex {
  const buf = readInput(path);
  refuseCompressed(path, buf);
  const typologies: string[] = [];
  const typologyCode = new Map<string, number>();
  const byKey = new Map<string, number>();
  const entries: PatternRow[] = [];
  let current: number | null = null;
  // Where the open block began: a block must end before the next one or the end of the file,
  // else the file is cut short or hand-edited, and its blocks' bounds are guesses.
  let opened: { line: number; text: string } | null = null;
  // Where the open block's rows start in `entries`, and the keys it was first to give a
  // typology: an END that names another typology takes them back (see `disown`).
  let blockStart = 0;
  let blockKeys: string[] = [];
  let rows = 0;
  let blocks = 0;
  const unclosed = (before: string): void => {
    if (opened === null) return;
    const reason = `BEGIN LAUNDERING ATTEMPT without an END line before ${before}`;
    bad.add({ file: path, line: opened.line, reason, text: opened.text });
  };
  // A BEGIN line that is itself a bad row opens no block; the rows up to its END are named as
  // that block's, not as rows outside any block (trial Q: one bad byte, eight such rejects).
  let refusedBegin: number | null = null;
  const refuseBegin = (line: number): void => {
    unclosed(`the next BEGIN on line ${line}`);
    opened = null;
    current = null;
    refusedBegin = line;
  };
  // An END line, or one that is a bad row itself (already listed): the block ends there.
  const endBlock = (): void => {
    current = null;
    opened = null;
    refusedBegin = null;
  };

  /**
   * The rows of a block whose END names another typology than its BEGIN, listed as bad rows
   * and given no typology: the file was spliced or edited, and which of them are of which
   * typology is a guess (trial Y: a quoted field swallowed an END and the next BEGIN, and the
   * next block's rows took the first block's typology). Returns how many rows were taken back.
   */
  const disown = (taken: PatternRow[], keys: string[], reason: string): number => {
    for (const key of keys) byKey.delete(key);
    for (const row of taken) bad.add({ file: path, line: row.line, reason, text: row.text });
    return taken.length;
  };

  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  refuseLoneCr(path, buf, bom);
  for (const { rec, line: recLine, text: recordText, utf8 } of records(buf, bom, 1)) {
    if (!utf8 || rec.hasNul) {
      // Typology names and ids are text: checked before the row is read as either (trial S:
      // a NUL in a BEGIN line became part of a typology name in the outputs).
      const text = recordText();
      const reason = utf8 ? 'NUL byte in row' : 'invalid UTF-8 in row';
      bad.add({ file: path, line: recLine, reason, text });
      // The bad bytes may be anywhere, the keywords too (trials T and U: `\0BEGIN …` and
      // `BEGIN LAUN\0DERING …` were "outside any block"): NUL and U+FFFD (bytes that are not
      // UTF-8) are passed over, and white space before the line's marker.
      const marker = text.replace(/[\u0000\ufffd]/g, '').trimStart();
      if (marker.startsWith('BEGIN LAUNDERING ATTEMPT')) refuseBegin(recLine);
      else if (END.test(marker)) endBlock();
      continue;
    }
    const first = fieldText(rec.src, rec.starts[0]!, rec.ends[0]!).trim();
    const begin = rec.fields === 1 ? BEGIN.exec(first) : null;
    if (begin !== null && (begin[1] ?? '').trim() !== '') {
      unclosed(`the next BEGIN on line ${recLine}`);
      refusedBegin = null;
      opened = { line: recLine, text: recordText() };
      blockStart = entries.length;
      blockKeys = [];
      const name = (begin[1] ?? '').trim();
      if (!typologyCode.has(name)) typologyCode.set(name, typologies.push(name) - 1);
      current = typologyCode.get(name) as number;
      blocks++;
      continue;
    }
    if (rec.fields === 1 && END.test(first)) {
      const reason =
        opened === null && refusedBegin === null
          ? 'END LAUNDERING ATTEMPT without a BEGIN line before it'
          : otherTypology(first, current === null ? null : typologies[current]!, opened);
      if (reason !== null) bad.add({ file: path, line: recLine, reason, text: recordText() });
      if (reason !== null && opened !== null && current !== null) {
        const why =
          `in the block of the BEGIN line ${opened.line}, which names ` +
          `${typologies[current]!}, and whose END on line ${recLine} names another typology`;
        rows -= disown(entries.splice(blockStart), blockKeys, why);
      }
      endBlock();
      continue;
    }

    const text = recordText();
    const malformedBegin = rec.fields === 1 && first.startsWith('BEGIN LAUNDERING ATTEMPT');
    const reason =
      recLine === 1 && otherHeaderReason(rec.fields, first) !== null
        ? otherHeaderReason(rec.fields, first)
        : malformedBegin
          ? "BEGIN line not of the form 'BEGIN LAUNDERING ATTEMPT - NAME' (a typology name " +
            "after ' - ')"
          : current === null && refusedBegin !== null
            ? `in the block of the BEGIN line ${refusedBegin}, which is a bad row itself`
            : current === null
              ? 'not a BEGIN or END line, and outside any BEGIN/END LAUNDERING ATTEMPT block'
              : checkRecord(rec);
    if (malformedBegin) refuseBegin(recLine);
    if (reason !== null || current === null) {
      bad.add({ file: path, line: recLine, reason: reason ?? 'row outside a block', text });
      continue;
    }
    rows++;
    const ts = parseTimestamp(rec.src, rec.starts[F.timestamp]!, rec.ends[F.timestamp]!);
    const key = rowKey(rec, ts);
    if (!byKey.has(key)) {
      byKey.set(key, current);
      blockKeys.push(key);
    }
    entries.push({ key, ts, line: recLine, text });
  }
  unclosed('the end of the file');
  return { path, typologies, byKey, entries, rows, blocks };
}

/**
 * Why an END line that names another typology than its block's BEGIN (`open`, named `name`)
 * is a bad row, or null: the file was spliced or edited, so the block's rows may not be of
 * the BEGIN's typology (with `skip` they keep it). An END without a name ends any block.
 */
function otherTypology(
  line: string,
  name: string | null,
  open: { line: number } | null,
): string | null {
  const named = END_NAME.exec(line)?.[1]?.trim() ?? '';
  if (name === null || open === null || named === '' || named === name) return null;
  return (
    `END LAUNDERING ATTEMPT - ${named} ends the block of the BEGIN line ${open.line}, ` +
    `which names ${name}`
  );
}

/** The ten non-label fields after parsing: instants and numbers compare by value. */
function rowKey(rec: SplitRecord, ts: number): string {
  const s = rec.src;
  const text = (i: number) => fieldText(s, rec.starts[i]!, rec.ends[i]!);
  return transactionKey(
    ts,
    text(F.fromBank),
    text(F.fromAccount),
    text(F.toBank),
    text(F.toAccount),
    parseAmount(s, rec.starts[F.amountReceived]!, rec.ends[F.amountReceived]!),
    text(F.receivingCurrency),
    parseAmount(s, rec.starts[F.amountPaid]!, rec.ends[F.amountPaid]!),
    text(F.paymentCurrency),
    text(F.format),
  );
}

export function transactionKey(
  ts: number,
  fromBank: string,
  fromAccount: string,
  toBank: string,
  toAccount: string,
  received: number,
  receivingCurrency: string,
  paid: number,
  paymentCurrency: string,
  format: string,
): string {
  return [
    ts,
    fromBank,
    fromAccount,
    toBank,
    toAccount,
    received,
    receivingCurrency,
    paid,
    paymentCurrency,
    format,
  ].join('\u0000');
}
