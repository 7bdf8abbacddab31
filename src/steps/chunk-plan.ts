import { statSync } from 'node:fs';

import { planChunks, type ChunkPlan } from '../ingest/scan.js';
import { scanPart, stitchParts, type PartScan } from '../ingest/scan-parts.js';
import { pieces } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';

/**
 * Below this much data (a third of a millisecond to scan) one thread plans about as fast as
 * handing out ranges costs. The bundled sample is over it, so most tests plan in parts.
 */
const SPLIT_FROM_BYTES = 1024 * 1024;

/**
 * The transactions file's chunk plan, made by the pool's threads and the coordinator
 * together: each scans one byte range, then the coordinator stitches the ranges' counts
 * (scan-parts.ts). Parsing cannot start before the plan is made, so this is on the critical
 * path. A `--sample` run reads only the head of the file, and a file with a quote byte may
 * hide line breaks in quoted fields: both are planned on one thread, as is a small file.
 */
export async function planTransactions(
  ctx: Context,
  path: string,
  dataStart: number,
  dataLine: number,
): Promise<ChunkPlan> {
  const { chunkSize, sample } = ctx.opts;
  const size = statSync(path).size;
  if (sample !== null || size - dataStart < SPLIT_FROM_BYTES) {
    return planChunks(path, dataStart, dataLine, chunkSize, sample);
  }

  const ranges = pieces(dataStart, size, ctx.pool.size + 1);
  const own = ranges.pop()!;
  const theirs = ranges.map(({ from, to }) =>
    ctx.pool.run<PartScan>({ kind: 'scan-part', path, from, to }),
  );
  // Awaited below; a failure of the coordinator's own range must not leave them unobserved.
  for (const part of theirs) part.catch(() => undefined);
  const mine = scanPart(path, own.from, own.to);
  const parts = [...(await Promise.all(theirs)), mine];

  const stitched = stitchParts(path, size, dataStart, dataLine, chunkSize, parts);
  return stitched ?? planChunks(path, dataStart, dataLine, chunkSize, null);
}
