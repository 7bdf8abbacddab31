import { E, EDGE_FEATURE_COUNT } from '../features/definitions.js';
import type { PortLists } from '../features/edge-kernel.js';
import type { Csr } from '../features/graph.js';
import { column, makeMatrix, type Matrix } from '../features/tables.js';
import { ranges, runChunks, type ChunkTally } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';
import { graphOf } from './graph.js';

const ROW_FEATURES = E.time + 1;
const PORT_COLUMNS = [
  { name: 'inPort', col: E.in_port, side: 'in' },
  { name: 'inDelta', col: E.in_time_delta, side: 'in' },
  { name: 'outPort', col: E.out_port, side: 'out' },
  { name: 'outDelta', col: E.out_time_delta, side: 'out' },
] as const;

/**
 * Step 3, `edge_features` (SPEC §5). Reads `ctx.loaded` and the sorted graph. Writes the edge
 * matrix (edges × 20). Two kinds of chunk: row ranges for features 1–16, which read one row
 * each, and node ranges for 17–20, which walk one node's sorted lists. The labels are
 * `ctx.loaded.edges.label`, already typed by step 1.
 */
export async function edgeFeatures(ctx: Context): Promise<{ tally: ChunkTally; matrix: Matrix }> {
  const loaded = ctx.loaded!;
  const e = loaded.edges;
  const matrix = makeMatrix(e.rows, EDGE_FEATURE_COUNT);
  const rowParts = ranges(e.rows, ctx.opts.chunkSize);
  const nodeParts = ranges(loaded.nodes.count, ctx.opts.chunkSize);
  // Port chunks are stored in list order; scattering them back needs the graph, built later.
  const pendingPorts: { from: number; to: number; arrays: Record<string, unknown> }[] = [];
  const lists = portLists(e.rows);

  const tally = await runChunks(ctx, {
    step: 'edge_features',
    count: rowParts.length + nodeParts.length,
    compute: async (i, hints) => {
      if (i < rowParts.length) {
        const { from, to } = rowParts[i]!;
        await ctx.pool.run(
          { kind: 'edge-rows', edges: e, originTs: loaded.originTs, out: matrix, from, to },
          hints,
        );
        return { rows: to - from, arrays: rowColumns(matrix, from, to) };
      }
      const { from, to } = nodeParts[i - rowParts.length]!;
      const graph = await graphOf(ctx);
      await ctx.pool.run(
        { kind: 'edge-ports', graph, edges: e, out: matrix, lists, from, to },
        hints,
      );
      return { rows: to - from, arrays: listSlices(lists, graph.in, graph.out, from, to) };
    },
    restore: (i, payload) => {
      if (i < rowParts.length) {
        const { from } = rowParts[i]!;
        for (let c = 0; c < ROW_FEATURES; c++) {
          column(matrix, c).set(payload.arrays[`c${c}`] as Float64Array, from);
        }
        return;
      }
      pendingPorts.push({ ...nodeParts[i - rowParts.length]!, arrays: payload.arrays });
    },
  });

  if (pendingPorts.length > 0) {
    const graph = await graphOf(ctx);
    for (const p of pendingPorts) scatterPorts(matrix, graph.in, graph.out, p.from, p.to, p.arrays);
  }
  return { tally, matrix };
}

function rowColumns(m: Matrix, from: number, to: number) {
  const out: Record<string, Float64Array> = {};
  for (let c = 0; c < ROW_FEATURES; c++) out[`c${c}`] = column(m, c).subarray(from, to);
  return out;
}

function scatterPorts(
  m: Matrix,
  inCsr: Csr,
  outCsr: Csr,
  from: number,
  to: number,
  arrays: Record<string, unknown>,
): void {
  for (const { name, col, side } of PORT_COLUMNS) {
    const csr = side === 'in' ? inCsr : outCsr;
    const a = csr.start[from] as number;
    const b = csr.start[to] as number;
    const values = arrays[name] as Float64Array;
    const dst = column(m, col);
    for (let i = a; i < b; i++) dst[csr.edges[i]!] = values[i - a] as number;
  }
}

function portLists(rows: number): PortLists {
  const f64 = () => new Float64Array(new SharedArrayBuffer(Math.max(1, rows) * 8));
  return { inPort: f64(), inDelta: f64(), outPort: f64(), outDelta: f64() };
}

/** A node range's stretch of each list: contiguous, so recording it copies without a gather. */
function listSlices(lists: PortLists, inCsr: Csr, outCsr: Csr, from: number, to: number) {
  const out: Record<string, Float64Array> = {};
  for (const { name, side } of PORT_COLUMNS) {
    const csr = side === 'in' ? inCsr : outCsr;
    out[name] = lists[name].subarray(csr.start[from] as number, csr.start[to] as number);
  }
  return out;
}
