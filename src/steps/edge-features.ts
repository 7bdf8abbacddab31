import { collectGarbage } from '../pipeline/collect-garbage.js';
import { EDGE_FEATURE_COUNT } from '../features/definitions.js';
import { matrixPorts, type PortColumns, type PortLists } from '../features/edge-kernel.js';
import type { Csr } from '../features/graph.js';
import { makeMatrix, type Matrix } from '../features/tables.js';
import { SharedBuffers } from '../pipeline/shared-buffers.js';
import { ranges, runChunks, type ChunkTally } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';
import type { EdgeFeatureStore } from '../spill/edge-store.js';
import { streamedPorts, writeEdgeSpill } from '../spill/write-spill.js';
import { graphOf } from './graph.js';

const PORT_COLUMNS = [
  { name: 'inPort', side: 'in' },
  { name: 'inDelta', side: 'in' },
  { name: 'outPort', side: 'out' },
  { name: 'outDelta', side: 'out' },
] as const;

/**
 * Step 3, `edge_features` (SPEC §5). Reads `ctx.loaded` and the sorted graph. Writes the edge
 * matrix (edges × 20), in memory or, when `streaming`, to a spill file block by block.
 * Features 1–16 read one row each of `data_loaded`'s columns, which are recorded already:
 * computing them again on the pool takes well under a second at HI-Small scale, while
 * recording them would write and read back 16 columns (620 MB there) that are a second copy
 * of the same data. So they are computed on every run and not recorded; only the port
 * features 17–20, which walk each node's sorted lists, are chunks with records. The chunks
 * and their records are the same in both modes, so a run may resume in the other one.
 */
export async function edgeFeatures(
  ctx: Context,
  streaming: boolean,
): Promise<{ tally: ChunkTally; store: EdgeFeatureStore }> {
  const loaded = ctx.loaded!;
  const e = loaded.edges;
  // Made early by node_features when it gathered from edge records kept in it: every cell
  // is written below (features 1-16 by row, the ports by list), so none of them is left.
  const matrix = streaming ? null : (ctx.edgeMatrix ?? makeMatrix(e.rows, EDGE_FEATURE_COUNT));
  ctx.edgeMatrix = undefined;
  const ports = matrix === null ? await streamedPorts(ctx) : matrixPorts(matrix);
  // Queued after the last port chunk: the pool runs tasks in the order given, and port chunks
  // queued behind these ran last, so their checkpoint commits (coordinator work, about 80 ms
  // each at HI-Small scale) ended the step with the workers idle. Behind them, the row tasks
  // keep the workers busy while the coordinator commits.
  let rowFeatures: Promise<unknown> | null = null;
  const startRows = (): Promise<unknown> => {
    rowFeatures ??= matrix === null ? Promise.resolve() : rowTasks(ctx, matrix);
    // Awaited below; until then a failure must not surface as an unhandled rejection.
    rowFeatures.catch(() => undefined);
    return rowFeatures;
  };
  const nodeParts = ranges(loaded.nodes.count, ctx.opts.chunkSize);
  // Port chunks are stored in list order; scattering them back needs the graph, built later.
  const pendingPorts: { from: number; to: number; arrays: Record<string, unknown> }[] = [];
  const buffers = new SharedBuffers();

  const tally = await runChunks(ctx, {
    step: 'edge_features',
    count: nodeParts.length,
    compute: async (i, hints) => {
      const { from, to } = nodeParts[i]!;
      const graph = await graphOf(ctx);
      const lists = chunkLists(graph.in, graph.out, from, to, buffers);
      const task = ctx.pool.run(
        { kind: 'edge-ports', graph, edges: e, ports, lists, from, to },
        hints,
      );
      if (i === nodeParts.length - 1) void startRows();
      await task;
      const { inPort, inDelta, outPort, outDelta } = lists;
      return { rows: to - from, arrays: { inPort, inDelta, outPort, outDelta } };
    },
    restore: (i, payload) => {
      pendingPorts.push({ ...nodeParts[i]!, arrays: payload.arrays });
    },
    recorded: ({ arrays }) => {
      for (const { name } of PORT_COLUMNS) buffers.give(arrays[name]!.buffer as SharedArrayBuffer);
    },
  });
  await startRows();

  if (pendingPorts.length > 0) {
    const graph = await graphOf(ctx);
    for (const p of pendingPorts) scatterPorts(ports, graph.in, graph.out, p.from, p.to, p.arrays);
  }
  // Both feature steps are done with the adjacency lists (8 bytes per edge): let them go
  // before the spill's blocks are allocated.
  ctx.graph = undefined;
  if (matrix !== null) return { tally, store: { kind: 'matrix', matrix } };
  // Streaming is for a tight budget: the graph goes before the spill's block is allocated.
  collectGarbage();
  return { tally, store: { kind: 'spill', spill: await writeEdgeSpill(ctx, ports) } };
}

/** Edge features 1–16, one pool task per range of rows, straight into the matrix. */
function rowTasks(ctx: Context, matrix: Matrix): Promise<unknown> {
  const loaded = ctx.loaded!;
  const e = loaded.edges;
  return Promise.all(
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
}

function scatterPorts(
  ports: PortColumns,
  inCsr: Csr,
  outCsr: Csr,
  from: number,
  to: number,
  arrays: Record<string, unknown>,
): void {
  for (const { name, side } of PORT_COLUMNS) {
    const csr = side === 'in' ? inCsr : outCsr;
    const a = csr.start[from] as number;
    const b = csr.start[to] as number;
    const values = arrays[name] as Float64Array;
    const dst = ports[name];
    for (let i = a; i < b; i++) dst[csr.edges[i]!] = values[i - a] as number;
  }
}

/**
 * The list-order arrays of nodes [from, to): that range's stretch of each list, which is what
 * the chunk records. Sized per chunk, so no array over every edge is kept for them.
 */
function chunkLists(
  inCsr: Csr,
  outCsr: Csr,
  from: number,
  to: number,
  buffers: SharedBuffers,
): PortLists {
  const inFrom = inCsr.start[from] as number;
  const outFrom = outCsr.start[from] as number;
  const f64 = (n: number) => new Float64Array(buffers.take(n * 8), 0, n);
  const inLength = (inCsr.start[to] as number) - inFrom;
  const outLength = (outCsr.start[to] as number) - outFrom;
  return {
    inPort: f64(inLength),
    inDelta: f64(inLength),
    outPort: f64(outLength),
    outDelta: f64(outLength),
    inFrom,
    outFrom,
  };
}
