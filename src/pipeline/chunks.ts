import { basename } from 'node:path';

import { AbortedError } from '../errors.js';
import type { Column, Payload } from '../checkpoint/payload.js';
import type { StepName } from '../options.js';
import type { RunHints } from '../pool/worker-pool.js';
import type { Context } from './context.js';
import { Pacer } from './pacer.js';

/** What computing one chunk yields: the arrays to record and a row count for progress. */
export interface ChunkResult {
  rows: number;
  meta?: unknown;
  arrays: Record<string, Column>;
}

export interface ChunkJob {
  step: StepName;
  count: number;
  /**
   * Computes chunk `index` on the pool; `hints` go to `ctx.pool.run` as they are. They name
   * the chunk, carry a split recorded by an earlier run, and record a new one.
   */
  compute: (index: number, hints: RunHints) => Promise<ChunkResult>;
  restore: (index: number, payload: Payload) => void;
  /** Called once a computed chunk's result is recorded: its arrays may then be reused. */
  recorded?: (result: ChunkResult) => void;
  /** Chunks in flight at most; default workers + 1. */
  inFlight?: number;
}

export interface ChunkTally {
  reused: number;
  computed: number;
  notes: string[];
}

/**
 * Runs a step's chunks: a chunk with an intact record is restored from it; any other chunk is
 * computed on the pool and recorded (payload and record in one LMDB transaction). At most
 * `inFlight` chunks (workers + 1 by default) are in flight, so a kill loses at most those.
 * On a failure no new chunk starts, the ones in flight finish and are recorded, and the error
 * of the earliest chunk wins.
 * A chunk a worker could only finish cut into pieces (see WorkerPool.run) has its split
 * recorded, so a rerun computing it again starts cut; its result is recorded as one chunk.
 */
export async function runChunks(ctx: Context, job: ChunkJob): Promise<ChunkTally> {
  const fp = ctx.fingerprints[job.step];
  const tally: ChunkTally = { reused: 0, computed: 0, notes: [] };
  const todo: number[] = [];
  const recorded = ctx.store.chunksOf(job.step, fp);
  const splits = ctx.store.splitsOf(job.step, fp, ctx.pool.heapMb);
  // Restoring is coordinator work (copying and checking each payload, seconds for a large
  // step): a stop is honoured between restored chunks, before any chunk is computed.
  const pace = new Pacer(ctx.signal);

  for (let i = 0; i < job.count; i++) {
    await pace.breathe();
    if (!recorded.has(i)) {
      todo.push(i);
      continue;
    }
    const got = ctx.store.loadChunk(job.step, fp, i);
    if ('problem' in got) {
      const note = `${job.step} chunk ${i} recomputed: ${got.problem}`;
      tally.notes.push(note);
      ctx.emit({ kind: 'note', step: job.step, message: note });
      todo.push(i);
      continue;
    }
    job.restore(i, got.payload);
    tally.reused++;
  }
  await ctx.store.recordPlan(job.step, {
    fingerprint: fp,
    chunks: job.count,
    basis: ctx.bases[job.step],
    transactions: basename(ctx.opts.transactions),
  });
  // Chunks of an unfinished earlier attempt with other inputs or settings (the step runner
  // has said so): dropped now, as a finished step drops them, or each stopped attempt would
  // add its own to what `status` counts.
  await ctx.store.dropStaleChunks(job.step, fp);
  // A stop that came while the step planned: no start is announced for a step that will not
  // run (a trial's log showed the next step starting after the stop was acknowledged).
  if (ctx.signal?.aborted === true) throw AbortedError.of(ctx.signal);
  ctx.emit({ kind: 'step-start', step: job.step, chunks: job.count, reused: tally.reused });

  const failures: { index: number; error: unknown }[] = [];
  let next = 0;
  let done = tally.reused;
  const worker = async (): Promise<void> => {
    while (next < todo.length && failures.length === 0) {
      if (ctx.signal?.aborted === true) {
        failures.push({ index: Infinity, error: AbortedError.of(ctx.signal) });
        return;
      }
      const index = todo[next++] as number;
      try {
        const result = await job.compute(index, chunkHints(ctx, job.step, index, splits, tally));
        await ctx.store.recordChunk(
          job.step,
          fp,
          index,
          result.rows,
          result.meta ?? null,
          result.arrays,
        );
        job.recorded?.(result);
        tally.computed++;
        ctx.emit({
          kind: 'chunk-done',
          step: job.step,
          done: ++done,
          total: job.count,
          rows: result.rows,
        });
      } catch (error) {
        failures.push({ index, error });
      }
    }
  };
  await Promise.all(Array.from({ length: job.inFlight ?? ctx.pool.size + 1 }, worker));

  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    throw (failures[0] as { error: unknown }).error;
  }
  return tally;
}

/** Hints for the pool: the chunk's name, its recorded split, and how to record a new one. */
function chunkHints(
  ctx: Context,
  step: StepName,
  index: number,
  splits: Map<number, number>,
  tally: ChunkTally,
): RunHints {
  const label = `${step} chunk ${index}`;
  const note = (message: string): void => {
    tally.notes.push(message);
    ctx.emit({ kind: 'note', step, message });
  };
  const pieces = splits.get(index);
  if (pieces !== undefined && pieces > 1) {
    note(`${label} starts split in ${pieces}, as an earlier run recorded`);
  }
  return {
    label,
    pieces,
    signal: ctx.signal,
    onSplit: async (n) => {
      const split = { pieces: n, heapMb: ctx.pool.heapMb };
      await ctx.store.recordSplit(step, ctx.fingerprints[step], index, split);
      note(`${label} ran out of memory twice; split in ${n}`);
    },
  };
}

/** Chunk boundaries over `total` items in chunks of `size`. */
/**
 * `[from, to)` cut into at most `n` nearly equal non-empty ranges, in order. A chunk's work
 * handed to the pool as one task per worker: a step of few chunks, or of chunks that cost
 * unequal amounts (nodes come in order of first appearance, the busiest first), otherwise
 * leaves a worker idle while another finishes the last or heaviest one.
 */
export function pieces(from: number, to: number, n: number): { from: number; to: number }[] {
  const count = Math.max(1, Math.min(n, to - from));
  return Array.from({ length: count }, (_, k) => ({
    from: from + Math.floor(((to - from) * k) / count),
    to: from + Math.floor(((to - from) * (k + 1)) / count),
  }));
}

export function ranges(total: number, size: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (let from = 0; from < total; from += size)
    out.push({ from, to: Math.min(total, from + size) });
  return out;
}
