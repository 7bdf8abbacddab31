import { closeSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { OutputError } from '../errors.js';
import { E, EDGE_FEATURE_COUNT } from '../features/definitions.js';
import type { PortArray, PortColumns } from '../features/edge-kernel.js';
import type { Matrix } from '../features/tables.js';
import { ranges } from '../pipeline/chunks.js';
import type { Context } from '../pipeline/context.js';
import { inSlices, Pacer } from '../pipeline/pacer.js';
import {
  blockBuffer,
  blockCount,
  blockRange,
  SPILL_FILE,
  writeBlock,
  type EdgeSpill,
} from './edge-spill.js';

/**
 * Arrays that hold features 17–20 by edge while a streamed run computes them, until each
 * block of rows goes to the spill. Ports are ranks below the node count: int32. Time deltas
 * are differences of whole-second timestamps (the transactions file has no fractions): int32
 * when the data spans less than 2^31 s (68 years), so every delta is exact, else float64.
 * 16 bytes per edge instead of the 32 of float64 ports beside a 160-byte matrix.
 */
export async function streamedPorts(ctx: Context): Promise<PortColumns> {
  const e = ctx.loaded!.edges;
  const pace = new Pacer(ctx.signal);
  let min = Infinity;
  let max = -Infinity;
  let whole = true;
  await inSlices(pace, e.rows, (from, to) => {
    for (let r = from; r < to; r++) {
      const t = e.ts[r]!;
      if (t < min) min = t;
      if (t > max) max = t;
      if (!Number.isInteger(t)) whole = false;
    }
  });
  const deltasFit = whole && (e.rows === 0 || max - min < 2 ** 31);
  const i32 = (): PortArray => new Int32Array(new SharedArrayBuffer(Math.max(1, e.rows) * 4));
  const f64 = (): PortArray => new Float64Array(new SharedArrayBuffer(Math.max(1, e.rows) * 8));
  const delta = deltasFit ? i32 : f64;
  return { inPort: i32(), inDelta: delta(), outPort: i32(), outDelta: delta() };
}

/**
 * Writes the edge matrix to the spill block by block: features 1–16 of a block on the pool
 * (the same kernel and values as the in-memory matrix), then the block's ports, then the
 * block to the file. One block of 10 MiB is held at a time.
 */
export async function writeEdgeSpill(ctx: Context, ports: PortColumns): Promise<EdgeSpill> {
  const loaded = ctx.loaded!;
  const e = loaded.edges;
  const spill: EdgeSpill = {
    path: join(ctx.opts.out, SPILL_FILE),
    rows: e.rows,
    cols: EDGE_FEATURE_COUNT,
    blockRows: ctx.spillBlockRows,
  };
  const pace = new Pacer(ctx.signal);
  const buffer = spillBuffer(ctx, spill);
  const fd = openSpill(spill.path);
  try {
    for (let k = 0; k < blockCount(spill); k++) {
      const { from, to } = blockRange(spill, k);
      const block: Matrix = { rows: to - from, cols: spill.cols, data: new Float64Array(buffer) };
      const parts = ranges(to - from, Math.ceil((to - from) / ctx.pool.size));
      await Promise.all(
        parts.map((p) =>
          ctx.pool.run({
            kind: 'edge-rows',
            edges: e,
            originTs: loaded.originTs,
            out: block,
            from: from + p.from,
            to: from + p.to,
            base: from,
          }),
        ),
      );
      copyPorts(block, ports, from, to);
      write(() => writeBlock(fd, spill, k, block), spill.path);
      await pace.breathe();
    }
  } finally {
    closeSync(fd);
  }
  releaseFeatureInputs(ctx);
  return spill;
}

/**
 * The run's one block buffer: the spill is written through it and the fit reads blocks back
 * into it, so one 10 MiB buffer serves both instead of two that the collector frees late.
 */
export function spillBuffer(ctx: Context, spill: EdgeSpill): SharedArrayBuffer {
  ctx.spillBuffer ??= blockBuffer(spill);
  return ctx.spillBuffer;
}

/** Removes a spill left by this or an earlier (killed) run; it is never reused. */
export function removeSpill(out: string): void {
  rmSync(join(out, SPILL_FILE), { force: true });
}

function copyPorts(block: Matrix, ports: PortColumns, from: number, to: number): void {
  const n = block.rows;
  const put = (c: number, values: PortArray) =>
    block.data.subarray(c * n, (c + 1) * n).set(values.subarray(from, to));
  put(E.in_port, ports.inPort);
  put(E.out_port, ports.outPort);
  put(E.in_time_delta, ports.inDelta);
  put(E.out_time_delta, ports.outDelta);
}

/**
 * Once the spill holds the features, the columns only features 1–16 read (amounts, codes)
 * are let go: 32 bytes per edge that the later steps and the output files never read.
 */
function releaseFeatureInputs(ctx: Context): void {
  const e = ctx.loaded!.edges;
  e.amountPaid = new Float64Array(0);
  e.amountReceived = new Float64Array(0);
  e.paymentCurrency = new Int32Array(0);
  e.receivingCurrency = new Int32Array(0);
  e.format = new Int32Array(0);
  e.bank = new Int32Array(0);
}

/**
 * A new file at the spill's name: whatever is there (a killed run's spill, a symbolic link) is
 * removed first, so nothing is written through a link into another folder.
 */
function openSpill(path: string): number {
  return write(() => {
    rmSync(path, { force: true });
    return openSync(path, 'wx');
  }, path);
}

function write<T>(body: () => T, path: string): T {
  try {
    return body();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new OutputError(`cannot write ${path} (${code})`, error);
  }
}
