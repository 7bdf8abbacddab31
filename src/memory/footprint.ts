import { EDGE_FEATURE_COUNT, NODE_FEATURE_COUNT } from '../features/definitions.js';
import { MODEL_COLUMNS } from '../features/model-input.js';
import { BATCH_ROWS } from '../output/arrow-file.js';
import { SPILL_BLOCK_ROWS } from '../spill/edge-spill.js';

/**
 * Bytes per edge of what the steps after `data_loaded` hold, from the typed arrays they
 * allocate (src/ingest/loaded.ts, src/features/graph.ts, the steps).
 */
const PER_EDGE = {
  /** Loaded columns: ts, two amounts (f64); src, dst, four codes (i32); typology (i8); y. */
  table: 3 * 8 + 6 * 4 + 1 + 1,
  /** What `streaming` keeps of them once the features are on disk: ts, src, dst, typology, y. */
  tableKept: 8 + 2 * 4 + 1 + 1,
  /** CSR edge lists, out and in. */
  graph: 2 * 4,
  /** Split codes and the train mask. */
  split: 2,
  /** Kept train rows (int32) and labels of the resampled set (SMOTE 1:1 doubles the train rows). */
  resampled: 4 + 2,
  /** The raw edge matrix of the in-memory mode. */
  matrix: EDGE_FEATURE_COUNT * 8,
  /** Ports and time deltas by edge while streaming: int32 when exact, float64 otherwise. */
  ports: 2 * 4 + 2 * 8,
} as const;

/** Per node: the feature matrix, its attribute columns, CSR starts, bank and account text. */
const PER_NODE = NODE_FEATURE_COUNT * 8 + 2 * 4 + 2 * 4 + 64;

/** Node itself, V8, Arrow, LMDB and the pool threads' own heaps. */
const FIXED = 256 * 2 ** 20;
const PER_WORKER = 64 * 2 ** 20;

/** Per row of a record batch of edges.arrow (ids, codes, 20 raw and 16 z columns). */
const EDGE_BATCH_ROW = (EDGE_FEATURE_COUNT * 2 + 8) * 8;
/** Per row of a record batch of train_resampled.arrow. */
const RESAMPLED_BATCH_ROW = (MODEL_COLUMNS.length + 1) * 8;

export interface Footprint {
  /** Peak of the steps after data_loaded with the edge matrix held in memory. */
  inMemory: number;
  /** Peak of the same steps streaming the edge matrix through a file. */
  streaming: number;
}

/**
 * Estimated peak memory of `node_features` to `graph_created` for a table of `rows` edges and
 * `nodes` nodes, in each mode. A model of the arrays the steps allocate; `data_loaded`, whose
 * peak (the table, the account dictionaries, the accounts file's rows) no mode changes, is
 * not part of it.
 */
export function estimateFootprint(rows: number, nodes: number, workers: number): Footprint {
  const fixed = FIXED + workers * PER_WORKER + nodes * PER_NODE;
  const writing = Math.min(rows, BATCH_ROWS) * (EDGE_BATCH_ROW + RESAMPLED_BATCH_ROW);
  const block = Math.min(rows, SPILL_BLOCK_ROWS) * EDGE_FEATURE_COUNT * 8;
  const e = PER_EDGE;

  const inMemory = fixed + rows * (e.table + e.graph + e.matrix + e.split + e.resampled) + writing;
  // Streaming peaks either while the features are computed (whole table, graph, ports, the
  // block being written) or while the outputs are written (the kept table, one block read
  // back for each of the two files written at once).
  const computing = fixed + rows * (e.table + e.graph + e.ports) + block;
  const output = fixed + rows * (e.tableKept + e.split + e.resampled) + writing + 2 * block;
  return { inMemory, streaming: Math.max(computing, output) };
}
