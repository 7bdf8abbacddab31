import { E, EDGE_FEATURE_COUNT } from '../features/definitions.js';
import type { PortLists } from '../features/edge-kernel.js';
import type { Csr } from '../features/graph.js';
import { column, makeMatrix, type Matrix } from '../features/tables.js';
import { ranges, runChunks, type ChunkTally } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';
import { graphOf } from './graph.js';

const PORT_COLUMNS = [
  { name: 'inPort', col: E.in_port, side: 'in' },
  { name: 'inDelta', col: E.in_time_delta, side: 'in' },
  { name: 'outPort', col: E.out_port, side: 'out' },
  { name: 'outDelta', col: E.out_time_delta, side: 'out' },
] as const;

/**
 * Step 3, `edge_features` (SPEC §5). Reads `ctx.loaded` and the sorted graph. Writes the edge
 * matrix (edges × 20). Features 1–16 read one row each of `data_loaded`'s columns, which are
 * recorded already: computing them again on the pool takes well under a second at HI-Small
 * scale, while recording them would write and read back 16 columns (620 MB there) that are a
 * second copy of the same data. So they are computed on every run and not recorded; only the
 * port features 17–20, which walk each node's sorted lists, are chunks with records.
 */
export async function edgeFeatures(ctx: Context): Promise<{ tally: ChunkTally; matrix: Matrix }> {
  const loaded = ctx.loaded!;
  const e = loaded.edges;
  const matrix = makeMatrix(e.rows, EDGE_FEATURE_COUNT);
  const rowFeatures = Promise.all(
    ranges(e.rows, ctx.opts.chunkSize).map(({ from, to }) =>
      ctx.pool.run({
        kind: 'edge-rows',
        edges: e,
        originTs: loaded.originTs,
        out: matrix,
        from,
        to,
      }),
    ),
  );
  // Awaited below; until then a failure must not surface as an unhandled rejection.
  rowFeatures.catch(() => undefined);
  const nodeParts = ranges(loaded.nodes.count, ctx.opts.chunkSize);
  // Port chunks are stored in list order; scattering them back needs the graph, built later.
  const pendingPorts: { from: number; to: number; arrays: Record<string, unknown> }[] = [];
  const lists = portLists(e.rows);

  const tally = await runChunks(ctx, {
    step: 'edge_features',
    count: nodeParts.length,
    compute: async (i, hints) => {
      const { from, to } = nodeParts[i]!;
      const graph = await graphOf(ctx);
      await ctx.pool.run(
        { kind: 'edge-ports', graph, edges: e, out: matrix, lists, from, to },
        hints,
      );
      return { rows: to - from, arrays: listSlices(lists, graph.in, graph.out, from, to) };
    },
    restore: (i, payload) => {
      pendingPorts.push({ ...nodeParts[i]!, arrays: payload.arrays });
    },
  });
  await rowFeatures;

  if (pendingPorts.length > 0) {
    const graph = await graphOf(ctx);
    for (const p of pendingPorts) scatterPorts(matrix, graph.in, graph.out, p.from, p.to, p.arrays);
  }
  return { tally, matrix };
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
