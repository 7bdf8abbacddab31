import { SECONDS_PER_DAY } from '../features/calendar.js';
import type { EdgeColumns } from '../features/tables.js';
import { inSlices, type Pacer } from '../pipeline/pacer.js';
import { accountOf, type IndexedAccounts } from './accounts.js';
import { dictionaryOf } from './code-point-order.js';
import type { Loaded, LoadReport } from './loaded.js';
import type { NodeKeys } from './node-merger.js';
import { NodeTextsBuilder, type NodeTexts } from './node-texts.js';
import { ROW_COLUMNS, rowsAt, type ParsedChunk, type RowColumns } from './parse-chunk.js';
import type { PatternIndex } from './patterns.js';
import { transactionKey } from './patterns.js';
import type { RejectedRow } from './rejects.js';

export interface MergeInput {
  path: string;
  /**
   * Every chunk's rows, each chunk at its first record index: a chunk with rejected rows
   * leaves a gap after its rows. The merge closes the gaps in place.
   */
  table: RowColumns;
  chunks: readonly ParsedChunk[];
  /** First data record index of each chunk (for edge ids). */
  firstRows: readonly number[];
  /**
   * Every node's merge key, in node id order. The chunks' `src` and `dst` hold node ids
   * already: NodeMerger merged them while the chunks were parsed.
   */
  nodes: NodeKeys;
  /** The texts of the nodes merged so far, taken as they were merged (NodeTextsBuilder). */
  texts?: NodeTextsBuilder;
  accounts: IndexedAccounts | null;
  patterns: PatternIndex | null;
  otherRejects: RejectedRow[];
  /**
   * Pattern rows that match no transaction become rejects of the patterns file (`skip`
   * without --sample); otherwise they are only counted in the report.
   */
  rejectUnmatchedPatterns: boolean;
}

/** Why a pattern row is a bad row of the patterns file (issue #4, item 8). */
export function unmatchedPatternReason(transactions: string): string {
  return `pattern row matches no transaction in ${transactions}`;
}

/**
 * Makes the parsed chunks one table with global ids and dictionaries. Chunks are taken in file
 * order, so "first appearance" is global first appearance whatever the chunking. The loops over
 * rows and nodes run in paced slices (seconds of work at HI-Small scale), so a stop request
 * ends the merge with an AbortedError within a slice or so.
 */
export async function mergeChunks(input: MergeInput, pace: Pacer): Promise<Loaded> {
  const rows = input.chunks.reduce((n, c) => n + c.rows, 0);
  const edges: EdgeColumns = { rows, ...rowsAt(input.table, 0, rows), bank: sharedInt32(rows) };

  // 1. Node ids in order of first appearance (interned by NodeMerger as chunks arrived).
  const texts = await (input.texts ?? new NodeTextsBuilder()).finish(input.nodes, pace);
  const { bank, account } = texts;
  const transactionNodes = bank.length;

  // 2. Global dictionaries, sorted by code point.
  const currency = dictionaryOf(input.chunks.flatMap((c) => c.currencies));
  const format = dictionaryOf(input.chunks.flatMap((c) => c.formats));

  // 3. Rows: moved up over the gaps rejected rows left, with global currency and format codes
  // (node ids are global already).
  let at = 0;
  for (const [ci, c] of input.chunks.entries()) {
    const first = input.firstRows[ci] as number;
    if (first !== at) moveRows(input.table, first, at, c.rows);
    const cur = Int32Array.from(c.currencies, (v) => currency.code.get(v) as number);
    const fmt = Int32Array.from(c.formats, (v) => format.code.get(v) as number);
    const base = at;
    await inSlices(pace, c.rows, (from, to) => {
      globalCodes(edges, cur, fmt, base + from, base + to);
    });
    at += c.rows;
  }

  // 4. The From Bank dictionary (banks of senders) and per-edge bank codes.
  const sender = new Uint8Array(bank.length);
  await inSlices(pace, rows, (from, to) => {
    for (let e = from; e < to; e++) sender[edges.src[e]!] = 1;
  });
  const senderCode = senderBankCodes(texts, sender);
  await inSlices(pace, rows, (from, to) => {
    for (let e = from; e < to; e++) edges.bank[e] = senderCode.codes[edges.src[e]!]!;
  });

  // 5. Accounts file: entity types, and accounts that never transact become nodes.
  const accounts = await attachAccounts(input.accounts, input.nodes, bank, account, pace);
  const bankText = sharedInt32(bank.length);
  bankText.set(texts.bankId);
  const bankTexts = new Map(texts.banks.map((b, i) => [b, i]));
  for (let v = transactionNodes; v < bank.length; v++) {
    const b = bank[v]!;
    let id = bankTexts.get(b);
    if (id === undefined) bankTexts.set(b, (id = bankTexts.size));
    bankText[v] = id;
  }
  const entityType = sharedInt32(bank.length);
  entityType.set(accounts.codes);

  // 6. Typologies of labelled rows.
  // One byte a row: a patterns file names 8 typologies (codes up to 126 fit).
  const typology = typologyCodes(rows, input.patterns?.typologies.length ?? 0);
  const typed =
    input.patterns === null
      ? null
      : await attachTypologies(
          input.patterns,
          edges,
          { bank, account, currency: currency.values, format: format.values },
          typology,
          pace,
        );

  const unmatchedRejects =
    typed === null || !input.rejectUnmatchedPatterns
      ? []
      : typed.unmatchedRows.map((r) => ({
          file: input.patterns!.path,
          line: r.line,
          reason: unmatchedPatternReason(input.path),
          text: r.text,
        }));
  const rejects = [
    ...byFileThenLine([...input.otherRejects, ...unmatchedRejects]),
    ...input.chunks.flatMap((c) =>
      c.rejects.map((r) => ({
        file: input.path,
        line: r.line,
        reason: r.reason,
        text: r.text,
      })),
    ),
  ];
  const report: LoadReport = {
    records: rows + input.chunks.reduce((n, c) => n + c.rejects.length, 0),
    rows,
    rejected: rejects.length,
    transactionNodes,
    accounts: accounts.report,
    patterns: typed?.report ?? null,
  };
  return {
    edges,
    rejectedRecords: Float64Array.from(input.chunks.flatMap((c) => c.rejects.map((r) => r.record))),
    nodes: { count: bank.length, bank, account, bankText, entityType },
    vocab: {
      currencies: currency.values.length,
      bankTexts: bankTexts.size,
      bitcoin: currency.code.get('Bitcoin') ?? -1,
    },
    dict: {
      currency: currency.values,
      format: format.values,
      bank: senderCode.dictionary,
      entityType: accounts.entityTypes,
    },
    originTs:
      rows === 0
        ? 0
        : Math.floor((await minOf(edges.ts, rows, pace)) / SECONDS_PER_DAY) * SECONDS_PER_DAY,
    typology,
    typologies: input.patterns?.typologies ?? [],
    rejects,
    report,
  };
}

/**
 * The From Bank dictionary, sorted by code point: the bank texts of sender nodes, found
 * among the distinct banks rather than the nodes. Codes per node, -1 for a node that never
 * sends.
 */
function senderBankCodes(texts: NodeTexts, sender: Uint8Array) {
  const sends = new Uint8Array(texts.banks.length);
  for (let v = 0; v < texts.bankId.length; v++) if (sender[v] === 1) sends[texts.bankId[v]!] = 1;
  const dict = dictionaryOf(texts.banks.filter((_, b) => sends[b] === 1));
  const ofBank = Int32Array.from(texts.banks, (t, b) => (sends[b] === 1 ? dict.code.get(t)! : -1));
  const codes = Int32Array.from(texts.bankId, (b, v) => (sender[v] === 1 ? ofBank[b]! : -1));
  return { dictionary: dict.values, codes };
}

/** Moves `rows` rows of every column from row `from` down to row `to` (to < from). */
function moveRows(table: RowColumns, from: number, to: number, rows: number): void {
  for (const name of ROW_COLUMNS) table[name].copyWithin(to, from, from + rows);
}

/** Rows [from, to) of the table, from a chunk's currency and format codes to global ones. */
function globalCodes(e: EdgeColumns, cur: Int32Array, fmt: Int32Array, from: number, to: number) {
  for (let i = from; i < to; i++) {
    e.paymentCurrency[i] = cur[e.paymentCurrency[i]!]!;
    e.receivingCurrency[i] = cur[e.receivingCurrency[i]!]!;
    e.format[i] = fmt[e.format[i]!]!;
  }
}

async function attachAccounts(
  accounts: IndexedAccounts | null,
  nodes: NodeKeys,
  bank: string[],
  account: string[],
  pace: Pacer,
) {
  const codes = new Array<number>(bank.length).fill(-1);
  if (accounts === null) return { codes, entityTypes: [] as string[], report: null };

  const { table } = accounts;
  const types = dictionaryOf(table.entityTypes);
  const typeCode = Int32Array.from(table.entityTypes, (t) => types.code.get(t)!);
  const typeOf = (r: number) => (table.entityType[r] === -1 ? -1 : typeCode[table.entityType[r]!]!);
  const transactionNodes = bank.length;

  // Each node has its row. Several nodes have one row when the transactions spell a bank id
  // with and without leading zeros: the first, in node order, and the rest.
  const { nodeRows } = accounts;
  const firstNode = new Int32Array(table.rows).fill(-1);
  const moreNodes = new Map<number, number[]>();
  let nodesWithRow = 0;
  await inSlices(pace, transactionNodes - nodeRows.count, (from, to) => {
    const base = nodeRows.count;
    nodeRows.add(nodes.bytes, nodes.offsets.subarray(base, base + to - from + 1));
  });
  await inSlices(pace, transactionNodes, (from, to) => {
    for (let v = from; v < to; v++) {
      const r = nodeRows.row(v);
      if (r === -1) continue;
      codes[v] = typeOf(r);
      nodesWithRow++;
      if (firstNode[r] === -1) firstNode[r] = v;
      else moreNodes.set(r, [...(moreNodes.get(r) ?? []), v]);
    }
  });

  // Rows no node found become nodes of their own, in file order.
  let matched = 0;
  const collisions: { account: string; spellings: string[] }[] = [];
  await inSlices(pace, table.rows, (from, to) => {
    for (let r = from; r < to; r++) {
      const v = firstNode[r]!;
      if (v === -1) {
        const row = accountOf(table, r);
        bank.push(row.bankId);
        account.push(row.account);
        codes.push(typeOf(r));
        continue;
      }
      matched++;
      const more = moreNodes.get(r);
      if (more === undefined) continue;
      const spellings = [v, ...more].map((w) => bank[w]!);
      collisions.push({ account: accountOf(table, r).account, spellings });
    }
  });
  return {
    codes,
    entityTypes: types.values,
    report: {
      rows: table.rows,
      matched,
      unmatched: table.rows - matched,
      nodesWithoutAccount: transactionNodes - nodesWithRow,
      collisions,
    },
  };
}

/** Texts of the codes in the edge table, to key its rows as pattern rows are keyed. */
interface Texts {
  bank: string[];
  account: string[];
  currency: string[];
  format: string[];
}

async function attachTypologies(
  p: PatternIndex,
  e: EdgeColumns,
  { bank, account, currency, format }: Texts,
  out: Int8Array | Int32Array,
  pace: Pacer,
) {
  const keyOf = (i: number): string => {
    const s = e.src[i] as number;
    const d = e.dst[i] as number;
    return transactionKey(
      e.ts[i]!,
      bank[s]!,
      account[s]!,
      bank[d]!,
      account[d]!,
      e.amountReceived[i]!,
      currency[e.receivingCurrency[i]!]!,
      e.amountPaid[i]!,
      currency[e.paymentCurrency[i]!]!,
      format[e.format[i]!]!,
    );
  };

  // Laundering rows take the typology of the block row with their ten other fields.
  let matchedEdges = 0;
  const open = new Set(p.byKey.keys());
  await inSlices(pace, e.rows, (from, to) => {
    for (let i = from; i < to; i++) {
      if (e.label[i] !== 1) continue;
      const key = keyOf(i);
      const code = p.byKey.get(key);
      if (code !== undefined) {
        out[i] = code;
        matchedEdges++;
        open.delete(key);
      }
    }
  });

  // A pattern row is in the file when any transaction has those ten fields, whatever its
  // label. Only rows at the instants of the rows still open are keyed, so a patterns file
  // that matches costs nothing here.
  const instants = new Set(p.entries.flatMap((r) => (open.has(r.key) ? [r.ts] : [])));
  if (open.size > 0) {
    await inSlices(pace, e.rows, (from, to) => {
      for (let i = from; i < to && open.size > 0; i++) {
        if (e.label[i] !== 1 && instants.has(e.ts[i]!)) open.delete(keyOf(i));
      }
    });
  }
  const unmatchedRows = p.entries.filter((r) => open.has(r.key));
  const report = {
    blocks: p.blocks,
    rows: p.rows,
    matchedEdges,
    unmatched: unmatchedRows.length,
    unmatchedLines: unmatchedRows.map((r) => r.line),
  };
  return { report, unmatchedRows };
}

/** Rejects of the side files: each file's rows in line order, files as they first appear. */
function byFileThenLine(rows: RejectedRow[]): RejectedRow[] {
  const rank = new Map<string, number>();
  for (const r of rows) if (!rank.has(r.file)) rank.set(r.file, rank.size);
  return rows.sort((a, b) => rank.get(a.file)! - rank.get(b.file)! || a.line - b.line);
}

/** Typology code per row, -1 for none, in one byte a row when the codes fit. */
function typologyCodes(rows: number, typologies: number): Int8Array | Int32Array {
  const n = Math.max(1, rows);
  const codes = typologies < 127 ? new Int8Array(new SharedArrayBuffer(n)) : sharedInt32(rows);
  return codes.fill(-1);
}

function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
}

async function minOf(a: Float64Array, n: number, pace: Pacer): Promise<number> {
  let m = Infinity;
  await inSlices(pace, n, (from, to) => {
    for (let i = from; i < to; i++) if (a[i]! < m) m = a[i]!;
  });
  return m;
}
