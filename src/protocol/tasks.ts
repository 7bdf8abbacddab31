import type { FolderIdentity } from '../checkpoint/folder-identity.js';
import type { WireError } from '../errors.js';
import type { PortColumns, PortLists } from '../features/edge-kernel.js';
import type { Graph } from '../features/graph.js';
import type { EdgeColumns, Matrix, NodeColumns, Vocabulary } from '../features/tables.js';
import type { RowColumns } from '../ingest/parse-chunk.js';
import type { ChunkSpan } from '../ingest/scan.js';
import type { OnBadRow } from '../options.js';
import type { ColumnSpec } from '../output/column-specs.js';

/**
 * Every message the coordinator sends a worker: one tagged record per kind. Typed arrays in
 * them are SharedArrayBuffer views, so posting a task shares memory instead of copying it.
 */
export type Task =
  | {
      kind: 'parse';
      path: string;
      span: ChunkSpan;
      stopAtBadRow: boolean;
      /** The load whose thread dictionary to parse into; null: a dictionary of the chunk's own. */
      session: string | null;
      /** The load's table, for the rows from `span.firstRow` on; null: columns of its own. */
      table: RowColumns | null;
      /**
       * Accounts the load is expected to name: a session's dictionary starts that large
       * instead of doubling its way there (rehashing took a worker 1 s at 10 M rows).
       */
      expectedKeys?: number;
    }
  /** Counts the records of bytes `[from, to)` of a file (src/ingest/scan-parts.ts). */
  | { kind: 'scan-part'; path: string; from: number; to: number }
  | { kind: 'build-csr'; endpoint: Int32Array; rows: number; nodes: number }
  | { kind: 'sort-lists'; graph: Graph; ts: Float64Array; from: number; to: number }
  | {
      kind: 'node-features';
      graph: Graph;
      edges: EdgeColumns;
      /** edgeRecords of `edges`, or null to gather from the columns (a streamed run). */
      records: Float64Array | null;
      nodes: NodeColumns;
      vocab: Vocabulary;
      out: Matrix;
      from: number;
      to: number;
    }
  | {
      kind: 'edge-rows';
      edges: EdgeColumns;
      originTs: number;
      out: Matrix;
      from: number;
      to: number;
      /** Edge row held by row 0 of `out` (a block of rows when streaming); default 0. */
      base?: number;
    }
  | {
      kind: 'edge-ports';
      graph: Graph;
      edges: EdgeColumns;
      ports: PortColumns;
      lists: PortLists;
      from: number;
      to: number;
    }
  | {
      kind: 'block-sums';
      m: Matrix;
      cols: number[];
      keep: Uint8Array | null;
      from: number;
      to: number;
    }
  | {
      kind: 'block-squares';
      m: Matrix;
      cols: number[];
      keep: Uint8Array | null;
      mean: Float64Array;
      from: number;
      to: number;
    }
  | {
      kind: 'knn';
      points: Float64Array;
      m: number;
      d: number;
      k: number;
      out: Int32Array;
      from: number;
      to: number;
    }
  | WriteArrowTask
  | ReadAccountsTask
  | EndLoadTask;

/**
 * Sent once per pool thread when a load's parsing is over: the thread drops its dictionary
 * of the load (a few hundred MB at HI-Large scale) at once instead of at its next task. The
 * tasks wait for each other (`arrived` counts them in), so each lands on another thread.
 */
export interface EndLoadTask {
  kind: 'end-load';
  arrived: Int32Array;
  threads: number;
}

/** Reads the accounts file on a pool thread (src/ingest/accounts.ts). */
export interface ReadAccountsTask {
  kind: 'read-accounts';
  path: string;
  onBadRow: OnBadRow;
}

/** Writes one output file (src/output/outputs.ts) on a pool thread. */
export interface WriteArrowTask {
  kind: 'write-arrow';
  path: string;
  rows: number;
  columns: ColumnSpec[];
  /** Raised by the coordinator to stop between record batches. */
  stop: Int32Array;
  /** The output folder as the run made it: the file is placed only while it is the same. */
  folder?: FolderIdentity;
}

/** Tasks a worker runs asynchronously (file work); every other kind is one synchronous call. */
export type FileTask = WriteArrowTask | ReadAccountsTask;

/** The synchronous kinds: kernels over shared arrays and chunk parses. */
export type KernelTask = Exclude<Task, FileTask>;

export type TaskKind = Task['kind'];

/** Errors come back as data: a custom Error class does not survive postMessage. */
export type TaskReply<T> = { ok: true; value: T } | { ok: false; error: WireError };
