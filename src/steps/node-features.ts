import { EDGE_FEATURE_COUNT, NODE_FEATURE_COUNT } from '../features/definitions.js';
import { edgeRecords } from '../features/edge-records.js';
import { column, makeMatrix, type Matrix, type NodeColumns } from '../features/tables.js';
import type { Column } from '../checkpoint/payload.js';
import { pieces, ranges, runChunks, type ChunkTally } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';
import { graphOf } from './graph.js';

/**
 * Step 2, `node_features` (SPEC §4). Reads `ctx.loaded` and the sorted graph. Writes the node
 * matrix (nodes × 21, column-major). Chunks are node ranges: a node's features read only its
 * own lists, so ranges are independent and write disjoint cells.
 */
export async function nodeFeatures(ctx: Context): Promise<{ tally: ChunkTally; matrix: Matrix }> {
  const loaded = ctx.loaded!;
  const count = loaded.nodes.count;
  const matrix = makeMatrix(count, NODE_FEATURE_COUNT);
  const parts = ranges(count, ctx.opts.chunkSize);
  // Only the typed columns go to the workers. `loaded.nodes` also holds every node's bank and
  // account text, which a task message would copy whole into the worker: two strings per
  // node per task (hundreds of MB at 3 M nodes, times 30 tasks), for columns no kernel reads.
  const { bankText, entityType } = loaded.nodes;
  const nodes: NodeColumns = { count, bankText, entityType };
  // Made for the first chunk computed (none when every chunk is restored). 40 bytes an edge,
  // held in the edge matrix `edge_features` fills next: a buffer of their own stayed resident
  // into that step (250 MB more at HI-Small scale) until every thread had collected it. A
  // streamed run has no matrix in memory, and gathers from the columns.
  let records: Float64Array | null | undefined;
  const recordsOf = (): Float64Array | null => {
    if (records !== undefined) return records;
    if (ctx.memory?.streaming === true) return (records = null);
    ctx.edgeMatrix ??= makeMatrix(loaded.edges.rows, EDGE_FEATURE_COUNT);
    return (records = edgeRecords(loaded.edges, ctx.edgeMatrix.data));
  };

  const tally = await runChunks(ctx, {
    step: 'node_features',
    count: parts.length,
    compute: async (i, hints) => {
      const { from, to } = parts[i]!;
      const graph = await graphOf(ctx);
      // Each node's cells depend on its own lists only, so pieces write what the whole would.
      const edges = loaded.edges;
      const task = { kind: 'node-features', graph, edges, records: recordsOf(), nodes } as const;
      await Promise.all(
        pieces(from, to, ctx.pool.size).map((p) =>
          ctx.pool.run({ ...task, vocab: loaded.vocab, out: matrix, ...p }, hints),
        ),
      );
      return { rows: to - from, arrays: sliceColumns(matrix, from, to) };
    },
    restore: (i, payload) => {
      const { from } = parts[i]!;
      for (let c = 0; c < NODE_FEATURE_COUNT; c++) {
        column(matrix, c).set(payload.arrays[`c${c}`] as Float64Array, from);
      }
    },
  });
  return { tally, matrix };
}

/** Copies of columns' rows [from, to), named c0, c1, … */
export function sliceColumns(m: Matrix, from: number, to: number): Record<string, Column> {
  const out: Record<string, Column> = {};
  for (let c = 0; c < m.cols; c++) out[`c${c}`] = column(m, c).subarray(from, to);
  return out;
}
