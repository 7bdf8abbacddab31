import { closeSync, openSync, readSync } from 'node:fs';

import { InputError } from '../errors.js';
import { parseAmount } from '../ingest/fields.js';
import { readHeader, TRANSACTION_COLUMNS } from '../ingest/header.js';
import { fieldText } from '../ingest/read-file.js';
import { RecordSplitter } from '../ingest/record-splitter.js';
import { planChunks } from '../ingest/scan.js';

/**
 * Raw amounts for the Multi-GNN export. edges.arrow keeps only ln(1 + amount), so the text
 * comes from the transactions file itself (`readAmountTexts`), or, when that file is gone, is
 * rebuilt from the logs (`deriveAmountTexts`).
 */
export interface AmountTexts {
  paid: string[];
  received: string[];
}

/** The edge columns that identify each row and let its amounts be checked. */
export interface EdgeAmounts {
  /** 0-based data rows of the transactions file, ascending (edges.arrow `edge_id`). */
  ids: Float64Array;
  paidLog: Float64Array;
  receivedLog: Float64Array;
  ratio: Float64Array;
  label: Int8Array;
}

const CHUNK_ROWS = 100_000;
const F = { amountReceived: 5, amountPaid: 7, label: 10 } as const;

/**
 * Reads Amount Paid and Amount Received, as written, for every edge. The rows are found the
 * way the run numbered them (blank lines hold no record, quoted fields may span lines), and
 * each is checked against edges.arrow: its amounts must give the same ln(1 + amount) bit for
 * bit and its label the same y, so a different or edited file is refused rather than mixed in.
 */
export function readAmountTexts(path: string, edges: EdgeAmounts): AmountTexts {
  const e = edges.ids.length;
  const out: AmountTexts = { paid: new Array<string>(e), received: new Array<string>(e) };
  if (e === 0) return out;
  const header = readHeader(path, TRANSACTION_COLUMNS, { 4: 'Account.1' });
  const limit = edges.ids[e - 1]! + 1;
  const plan = planChunks(path, header.dataStart, header.dataLine, CHUNK_ROWS, limit);

  let k = 0;
  const fd = openSync(path, 'r');
  try {
    for (const span of plan.chunks) {
      const buf = Buffer.allocUnsafe(span.end - span.start);
      readSync(fd, buf, 0, buf.length, span.start);
      const splitter = new RecordSplitter(buf, buf.length);
      let pos = 0;
      let line = span.firstLine;
      let row = span.firstRow;
      while (pos < buf.length && row < span.firstRow + span.rows && k < e) {
        const rec = splitter.split(pos);
        const recLine = line;
        pos = rec.next;
        line += rec.lines;
        if (rec.blank) continue;
        if (row++ !== edges.ids[k]) continue;

        const problem =
          rec.fields === TRANSACTION_COLUMNS.length
            ? mismatch(rec.src, rec.starts, rec.ends, edges, k)
            : 'wrong field count';
        if (problem !== null) {
          throw new InputError(
            `${path}:${recLine}: ${problem} for edge_id ${edges.ids[k]}; ` +
              `this is not the transactions file the run read`,
          );
        }
        out.paid[k] = fieldText(rec.src, rec.starts[F.amountPaid]!, rec.ends[F.amountPaid]!);
        out.received[k] = fieldText(
          rec.src,
          rec.starts[F.amountReceived]!,
          rec.ends[F.amountReceived]!,
        );
        k++;
      }
    }
  } finally {
    closeSync(fd);
  }
  if (k < e) {
    throw new InputError(
      `${path}: ends before edge_id ${edges.ids[k]}; this is not the ` +
        `transactions file the run read`,
    );
  }
  return out;
}

/** Why a record's amounts or label differ from edge `k`, or null when they match exactly. */
function mismatch(
  src: Uint8Array,
  starts: Int32Array,
  ends: Int32Array,
  edges: EdgeAmounts,
  k: number,
): string | null {
  const amount = (f: number) => parseAmount(src, starts[f]!, ends[f]!);
  if (Math.log1p(amount(F.amountPaid)) !== edges.paidLog[k]) {
    return 'its Amount Paid differs from edges.arrow';
  }
  if (Math.log1p(amount(F.amountReceived)) !== edges.receivedLog[k]) {
    return 'its Amount Received differs from edges.arrow';
  }
  const label = src[starts[F.label]!]! - 0x30;
  if (ends[F.label]! - starts[F.label]! !== 1 || label !== edges.label[k]) {
    return 'its Is Laundering differs from edges.arrow';
  }
  return null;
}

/**
 * Amounts rebuilt from amount_paid_log and amount_received_log: for each, the decimal with the
 * fewest places (0 to 17) whose ln(1 + x) is that log bit for bit. For amounts of up to two
 * places below about 10^12 (every fiat amount in AMLworld) that is the input value; beyond,
 * it is a value the features cannot tell from it. `unverified` counts the rows whose rebuilt
 * pair does not also reproduce amount_ratio exactly.
 */
export function deriveAmountTexts(edges: EdgeAmounts): AmountTexts & { unverified: number } {
  const e = edges.ids.length;
  const out = { paid: new Array<string>(e), received: new Array<string>(e), unverified: 0 };
  for (let k = 0; k < e; k++) {
    const paid = fromLog(edges.paidLog[k]!);
    const received = fromLog(edges.receivedLog[k]!);
    out.paid[k] = paid;
    out.received[k] = received;
    if (Number(paid) / Math.max(Number(received), 1) !== edges.ratio[k]) out.unverified++;
  }
  return out;
}

export function fromLog(log: number): string {
  const x = Math.expm1(log);
  if (!(x < 1e21)) return String(x);
  for (let places = 0; places <= 17; places++) {
    const text = x.toFixed(places);
    if (Math.log1p(Number(text)) === log) return text;
  }
  return String(x);
}
