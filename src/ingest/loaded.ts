import type { EdgeColumns, NodeColumns, Vocabulary } from '../features/tables.js';
import type { RejectedRow } from './rejects.js';

/** What `data_loaded` produces: the typed, globally encoded tables (SPEC §2, §3). */
export interface Loaded {
  edges: EdgeColumns;
  /**
   * 0-based data records of the transactions file that were rejected, ascending. An edge's
   * `edge_id` is its data record: its row number plus the rejected records before it.
   */
  rejectedRecords: Float64Array;
  nodes: NodeColumns & { bank: string[]; account: string[] };
  vocab: Vocabulary;
  dict: { currency: string[]; format: string[]; bank: string[]; entityType: string[] };
  /** 00:00 UTC of the earliest day in the data, in epoch seconds (0 when there are no rows). */
  originTs: number;
  /** Typology code per edge, -1 for none. */
  typology: Int8Array | Int32Array;
  typologies: string[];
  rejects: RejectedRow[];
  report: LoadReport;
}

export interface LoadReport {
  records: number;
  rows: number;
  rejected: number;
  transactionNodes: number;
  accounts: {
    rows: number;
    matched: number;
    unmatched: number;
    nodesWithoutAccount: number;
    collisions: { account: string; spellings: string[] }[];
  } | null;
  patterns: {
    blocks: number;
    rows: number;
    matchedEdges: number;
    /** Pattern rows whose ten non-label fields match no transaction, and their first lines. */
    unmatched: number;
    unmatchedLines: number[];
  } | null;
}

/** The `edge_id` of kept row `row`: its data record, the row plus the rejected ones before. */
export function edgeIdOf(rejected: Float64Array, row: number): number {
  return row + rejectedBefore(rejected, row);
}

/**
 * How many rejected records come before row r's record. `rejected[c] - c` never decreases
 * (records are distinct and ascending), and record `rejected[c]` comes before row r's exactly
 * when `rejected[c] - c <= r`: a binary search.
 */
export function rejectedBefore(rejected: Float64Array, r: number): number {
  let lo = 0;
  let hi = rejected.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (rejected[mid]! - mid <= r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
