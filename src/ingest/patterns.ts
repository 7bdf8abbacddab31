import type { BadRows } from './bad-rows.js';
import { parseAmount, parseTimestamp } from './fields.js';
import { checkRecord, F } from './parse-chunk.js';
import { fieldText, readInput } from './read-file.js';
import type { SplitRecord } from './record-splitter.js';
import { records } from './records.js';

/** Typology of each pattern row, by the row's parsed key; the first block wins (SPEC §12). */
export interface PatternIndex {
  typologies: string[];
  byKey: Map<string, number>;
  /** Physical line of each key's first row, to name rows that match no transaction. */
  lineOf: Map<string, number>;
  rows: number;
  blocks: number;
}

const BEGIN = /^BEGIN LAUNDERING ATTEMPT - ([^:]*)/;
const END = /^END LAUNDERING ATTEMPT/;

export function readPatterns(path: string, bad: BadRows): PatternIndex {
  const buf = readInput(path);
  const typologies: string[] = [];
  const typologyCode = new Map<string, number>();
  const byKey = new Map<string, number>();
  const lineOf = new Map<string, number>();
  let current: number | null = null;
  let rows = 0;
  let blocks = 0;

  const bom = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  for (const { rec, line: recLine, text: recordText } of records(buf, bom, 1)) {
    const first = fieldText(rec.src, rec.starts[0]!, rec.ends[0]!).trim();
    const begin = rec.fields === 1 ? BEGIN.exec(first) : null;
    if (begin !== null) {
      const name = (begin[1] ?? '').trim();
      if (!typologyCode.has(name)) typologyCode.set(name, typologies.push(name) - 1);
      current = typologyCode.get(name) as number;
      blocks++;
      continue;
    }
    if (rec.fields === 1 && END.test(first)) {
      current = null;
      continue;
    }

    const text = recordText();
    const reason =
      current === null
        ? 'transaction row outside a BEGIN/END LAUNDERING ATTEMPT block'
        : checkRecord(rec);
    if (reason !== null || current === null) {
      bad.add({ file: path, line: recLine, reason: reason ?? 'row outside a block', text });
      continue;
    }
    rows++;
    const key = rowKey(rec);
    if (!byKey.has(key)) {
      byKey.set(key, current);
      lineOf.set(key, recLine);
    }
  }
  return { typologies, byKey, lineOf, rows, blocks };
}

/** The ten non-label fields after parsing: instants and numbers compare by value. */
function rowKey(rec: SplitRecord): string {
  const s = rec.src;
  const text = (i: number) => fieldText(s, rec.starts[i]!, rec.ends[i]!);
  return transactionKey(
    parseTimestamp(s, rec.starts[F.timestamp]!, rec.ends[F.timestamp]!),
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
