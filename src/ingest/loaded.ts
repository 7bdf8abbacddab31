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
