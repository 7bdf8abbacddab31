import { SECONDS_PER_DAY } from '../features/calendar.js';
import type { EdgeColumns } from '../features/tables.js';
import { accountKey, type AccountRow } from './accounts.js';
import { dictionaryOf } from './code-point-order.js';
import type { Loaded, LoadReport } from './loaded.js';
import type { ParsedChunk } from './parse-chunk.js';
import type { PatternIndex } from './patterns.js';
import { transactionKey } from './patterns.js';
import type { RejectedRow } from './rejects.js';

export interface MergeInput {
  path: string;
  chunks: readonly ParsedChunk[];
  /** First data record index of each chunk (for edge ids). */
  firstRows: readonly number[];
  /** Node ids of the chunks' accounts, merged while the chunks were parsed. */
  nodes: { localToNode: Int32Array[]; keys: string[] };
  accounts: AccountRow[] | null;
  patterns: PatternIndex | null;
  otherRejects: RejectedRow[];
}

/**
 * Joins chunk-local results into one table with global ids and dictionaries. Chunks are taken
 * in file order, so "first appearance" is global first appearance whatever the chunking.
 */
export function mergeChunks(input: MergeInput): Loaded {
  const rows = input.chunks.reduce((n, c) => n + c.rows, 0);
  const edges = allocateEdges(rows);
  const edgeIds = new Float64Array(new SharedArrayBuffer(Math.max(1, rows) * 8));

  // 1. Node ids in order of first appearance (interned by NodeMerger as chunks arrived).
  const { localToNode, keys } = input.nodes;
  const cut = (k: string) => (k.includes('\u0000') ? k.indexOf('\u0000') : k.indexOf(','));
  const bank = keys.map((k) => k.slice(0, cut(k)));
  const account = keys.map((k) => k.slice(cut(k) + 1));
  const transactionNodes = bank.length;

  // 2. Global dictionaries, sorted by code point.
  const currency = dictionaryOf(input.chunks.flatMap((c) => c.currencies));
  const format = dictionaryOf(input.chunks.flatMap((c) => c.formats));

  // 3. Copy rows, remapping local ids to global ones.
  let at = 0;
  input.chunks.forEach((c, ci) => {
    const nodes = localToNode[ci] as Int32Array;
    const cur = c.currencies.map((v) => currency.code.get(v) as number);
    const fmt = c.formats.map((v) => format.code.get(v) as number);
    copyChunk(c, edges, at, nodes, cur, fmt);
    fillEdgeIds(edgeIds, at, c, input.firstRows[ci] as number);
    at += c.rows;
  });

  // 4. The From Bank dictionary (banks of senders) and per-edge bank codes.
  const sender = new Uint8Array(bank.length);
  for (let e = 0; e < rows; e++) sender[edges.src[e]!] = 1;
  const bankDict = dictionaryOf(bank.filter((_, v) => sender[v] === 1));
  const senderCode = Int32Array.from(bank, (b, v) =>
    sender[v] === 1 ? bankDict.code.get(b)! : -1,
  );
  for (let e = 0; e < rows; e++) edges.bank[e] = senderCode[edges.src[e]!]!;

  // 5. Accounts file: entity types, and accounts that never transact become nodes.
  const accounts = attachAccounts(input.accounts, bank, account);
  const bankTexts = new Map<string, number>();
  const bankText = sharedInt32(bank.length);
  bank.forEach((b, v) => {
    let id = bankTexts.get(b);
    if (id === undefined) bankTexts.set(b, (id = bankTexts.size));
    bankText[v] = id;
  });
  const entityType = sharedInt32(bank.length);
  accounts.codes.forEach((code, v) => (entityType[v] = code));

  // 6. Typologies of labelled rows.
  const typology = sharedInt32(rows).fill(-1);
  const patternReport =
    input.patterns === null
      ? null
      : attachTypologies(
          input.patterns,
          edges,
          bank,
          account,
          currency.values,
          format.values,
          typology,
        );

  const rejects = [
    ...input.otherRejects,
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
    patterns: patternReport,
  };
  return {
    edges,
    edgeIds,
    nodes: { count: bank.length, bank, account, bankText, entityType },
    vocab: {
      currencies: currency.values.length,
      bankTexts: bankTexts.size,
      bitcoin: currency.code.get('Bitcoin') ?? -1,
    },
    dict: {
      currency: currency.values,
      format: format.values,
      bank: bankDict.values,
      entityType: accounts.entityTypes,
    },
    originTs:
      rows === 0 ? 0 : Math.floor(minOf(edges.ts, rows) / SECONDS_PER_DAY) * SECONDS_PER_DAY,
    typology,
    typologies: input.patterns?.typologies ?? [],
    rejects,
    report,
  };
}

function copyChunk(
  c: ParsedChunk,
  e: EdgeColumns,
  at: number,
  nodes: Int32Array,
  cur: number[],
  fmt: number[],
): void {
  e.ts.set(c.ts.subarray(0, c.rows), at);
  e.amountReceived.set(c.amountReceived.subarray(0, c.rows), at);
  e.amountPaid.set(c.amountPaid.subarray(0, c.rows), at);
  e.label.set(c.label.subarray(0, c.rows), at);
  for (let i = 0; i < c.rows; i++) {
    e.src[at + i] = nodes[c.src[i]!]!;
    e.dst[at + i] = nodes[c.dst[i]!]!;
    e.paymentCurrency[at + i] = cur[c.paymentCurrency[i]!]!;
    e.receivingCurrency[at + i] = cur[c.receivingCurrency[i]!]!;
    e.format[at + i] = fmt[c.format[i]!]!;
  }
}

/** Kept rows are numbered by their data record, skipping the rejected ones. */
function fillEdgeIds(ids: Float64Array, at: number, c: ParsedChunk, firstRow: number): void {
  const rejected = new Set(c.rejects.map((r) => r.record));
  let record = firstRow;
  for (let i = 0; i < c.rows; i++) {
    while (rejected.has(record)) record++;
    ids[at + i] = record++;
  }
}

function attachAccounts(rows: AccountRow[] | null, bank: string[], account: string[]) {
  const codes = new Array<number>(bank.length).fill(-1);
  if (rows === null) return { codes, entityTypes: [] as string[], report: null };

  const types = dictionaryOf(rows.flatMap((r) => (r.entityType === null ? [] : [r.entityType])));
  const transactionNodes = bank.length;
  const byKey = new Map<string, number[]>();
  bank.forEach((b, v) => {
    const key = accountKey(b, account[v] as string);
    const list = byKey.get(key);
    if (list === undefined) byKey.set(key, [v]);
    else list.push(v);
  });

  // Matched rows label their node(s); the rest become nodes of their own, in file order.
  let matched = 0;
  const hasRow = new Uint8Array(transactionNodes);
  const collisions: { account: string; spellings: string[] }[] = [];
  for (const row of rows) {
    const code = row.entityType === null ? -1 : (types.code.get(row.entityType) as number);
    const ids = byKey.get(accountKey(row.bankId, row.account));
    if (ids === undefined) {
      bank.push(row.bankId);
      account.push(row.account);
      codes.push(code);
      continue;
    }
    matched++;
    for (const v of ids) {
      codes[v] = code;
      hasRow[v] = 1;
    }
    if (ids.length > 1) {
      collisions.push({ account: row.account, spellings: ids.map((v) => bank[v] as string) });
    }
  }
  const nodesWithoutAccount = transactionNodes - hasRow.reduce((n, x) => n + x, 0);
  return {
    codes,
    entityTypes: types.values,
    report: {
      rows: rows.length,
      matched,
      unmatched: rows.length - matched,
      nodesWithoutAccount,
      collisions,
    },
  };
}

function attachTypologies(
  p: PatternIndex,
  e: EdgeColumns,
  bank: string[],
  account: string[],
  currency: string[],
  format: string[],
  out: Int32Array,
) {
  let matchedEdges = 0;
  const matched = new Set<string>();
  for (let i = 0; i < e.rows; i++) {
    if (e.label[i] !== 1) continue;
    const s = e.src[i] as number;
    const d = e.dst[i] as number;
    const key = transactionKey(
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
    const code = p.byKey.get(key);
    if (code !== undefined) {
      out[i] = code;
      matchedEdges++;
      matched.add(key);
    }
  }
  // Lines of pattern rows no labelled transaction matched (checked by the caller).
  const unmatchedLines = [...p.lineOf].flatMap(([key, line]) => (matched.has(key) ? [] : [line]));
  return {
    blocks: p.blocks,
    rows: p.rows,
    matchedEdges,
    unmatched: unmatchedLines.length,
    unmatchedLines,
  };
}

function allocateEdges(rows: number): EdgeColumns {
  const n = Math.max(1, rows);
  const f64 = () => new Float64Array(new SharedArrayBuffer(n * 8));
  return {
    rows,
    ts: f64(),
    amountReceived: f64(),
    amountPaid: f64(),
    src: sharedInt32(n),
    dst: sharedInt32(n),
    paymentCurrency: sharedInt32(n),
    receivingCurrency: sharedInt32(n),
    format: sharedInt32(n),
    bank: sharedInt32(n),
    label: new Uint8Array(new SharedArrayBuffer(n)),
  };
}

function sharedInt32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
}

function minOf(a: Float64Array, n: number): number {
  let m = Infinity;
  for (let i = 0; i < n; i++) if (a[i]! < m) m = a[i]!;
  return m;
}
