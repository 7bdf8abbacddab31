import { CsrBuilder, type Csr, type Graph } from '../features/graph.js';
import { ranges } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';
import { inSlices, Pacer } from '../pipeline/pacer.js';

/**
 * The sorted adjacency both feature steps read. Built once per run: counting passes on the
 * coordinator (in paced slices, so a signal is not kept waiting), then each node range's
 * lists sorted by (timestamp, row) on the pool.
 */
export function graphOf(ctx: Context): Promise<Graph> {
  // Chunks ask for the graph concurrently; they must share one build.
  ctx.graph ??= build(ctx);
  return ctx.graph;
}

async function build(ctx: Context): Promise<Graph> {
  const loaded = ctx.loaded!;
  const e = loaded.edges;
  const nodes = loaded.nodes.count;
  const pace = new Pacer(ctx.signal);
  const graph: Graph = {
    nodes,
    out: await csrInSlices(e.src, e.rows, nodes, pace),
    in: await csrInSlices(e.dst, e.rows, nodes, pace),
  };

  // Four ranges a worker: lists are longest among the first nodes (first appearance), so
  // ranges of equal node counts cost unequal time.
  const sortRange = Math.max(1, Math.ceil(nodes / (4 * ctx.pool.size)));
  await Promise.all(
    ranges(nodes, Math.min(ctx.opts.chunkSize, sortRange)).map(({ from, to }) =>
      ctx.pool.run({ kind: 'sort-lists', graph, ts: e.ts, from, to }),
    ),
  );
  await pace.breathe();
  return graph;
}

/** `buildCsr`, the same passes in the same row order, breathing between slices. */
async function csrInSlices(
  endpoint: Int32Array,
  rows: number,
  nodes: number,
  pace: Pacer,
): Promise<Csr> {
  const csr = new CsrBuilder(endpoint, rows, nodes);
  await inSlices(pace, rows, (from, to) => csr.count(from, to));
  csr.sum();
  await inSlices(pace, rows, (from, to) => csr.place(from, to));
  return csr.result;
}
