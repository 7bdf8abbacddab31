import { buildCsr, type Graph } from '../features/graph.js';
import { ranges } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';

/**
 * The sorted adjacency both feature steps read. Built once per run: counting passes on the
 * coordinator, then each node range's lists sorted by (timestamp, row) on the pool.
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
  const graph: Graph = {
    nodes,
    out: buildCsr(e.src, e.rows, nodes),
    in: buildCsr(e.dst, e.rows, nodes),
  };

  await Promise.all(
    ranges(nodes, ctx.opts.chunkSize).map(({ from, to }) =>
      ctx.pool.run({ kind: 'sort-lists', graph, ts: e.ts, from, to }),
    ),
  );
  return graph;
}
