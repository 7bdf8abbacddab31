import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Piscina } from 'piscina';

import { AbortedError, fromWireError, WorkerError } from '../errors.js';
import type { Task, TaskReply } from '../protocol/tasks.js';
import { describeTask, joinHalves, needsSecondHalf, splitTask } from './split.js';

export interface PoolOptions {
  /** Replaces the chunk worker; tests use it to load workers that misbehave. */
  filename?: string;
  /** Old-generation heap limit of each worker thread, in MB. Default: Node's own limit. */
  heapMb?: number;
}

/** How `run` treats one chunk's task: what to call it, and its split. */
export interface RunHints {
  /** Names the work in errors, e.g. "edge_features chunk 3". */
  label?: string;
  /** Cut the task into this many pieces before the first attempt (a split recorded earlier). */
  pieces?: number;
  /**
   * Called when the task is cut finer than before, with the new number of pieces (2, 4, …);
   * awaited before the pieces run, so the split is recorded before any of them is tried.
   */
  onSplit?: (pieces: number) => void | Promise<void>;
  /** A stop request, checked before each piece of a split task. */
  signal?: AbortSignal;
}

/** Node's error code for a worker terminated at its `resourceLimits` heap limit. */
const OUT_OF_MEMORY = 'ERR_WORKER_OUT_OF_MEMORY';

/**
 * At most 32 pieces. A task whose memory shrinks with its size fits long before; one that
 * still runs out at 1/32 needs memory that does not depend on its range (tables sized by the
 * whole graph), and cutting it further only burns time, so the run stops and says to raise
 * the heap limit.
 */
const MAX_SPLIT_DEPTH = 5;

/**
 * The Piscina pool of chunk workers. Tasks carry SharedArrayBuffer views, results come back as
 * data; a worker that dies rejects its task with a WorkerError instead of hanging the run.
 */
export class WorkerPool {
  readonly size: number;
  readonly heapMb: number | null;
  readonly #piscina: Piscina;
  /** Rejects once no thread is left to run a task (see the constructor). */
  readonly #broken: Promise<never>;
  #brokenError: WorkerError | null = null;
  /** Whether the threads run amlprep's worker (tests give fixture workers of their own). */
  readonly #ownWorker: boolean;

  constructor(size: number, options: PoolOptions = {}) {
    this.size = size;
    this.heapMb = options.heapMb ?? null;
    this.#ownWorker = options.filename === undefined;
    this.#piscina = new Piscina({
      filename: options.filename ?? workerFile(),
      minThreads: size,
      maxThreads: size,
      concurrentTasksPerWorker: 1,
      idleTimeout: 30_000,
      // A worker over this limit is terminated with ERR_WORKER_OUT_OF_MEMORY and its task
      // rejected; without a limit V8 would abort the whole process instead.
      ...(this.heapMb === null ? {} : { resourceLimits: { maxOldGenerationSizeMb: this.heapMb } }),
    });
    // Piscina emits 'error' for a worker that fails with no task in flight. Tasks in flight
    // are rejected and handled in run(); an unheard 'error' event would throw and take the
    // coordinator down. Piscina replaces a thread that died under a task, but not one that
    // failed as it started: when none is left, every task would wait forever (a trial's run
    // from a removed current folder), so the pool is broken and its tasks fail.
    let breakPool!: (error: unknown) => void;
    this.#broken = new Promise<never>((_, reject) => (breakPool = reject));
    this.#broken.catch(() => undefined);
    this.#piscina.on('error', (error: unknown) => {
      if (this.#piscina.threads.length > 0 || this.#brokenError !== null) return;
      this.#brokenError = cannotStart(error);
      breakPool(this.#brokenError);
    });
  }

  /**
   * Runs one task. Failure policy:
   * 1. An error the task itself reports (bad row, bad input) is deterministic: rethrown as
   *    is, never retried.
   * 2. A worker that dies under the task (exit, crash, heap limit) may have been unlucky
   *    (another task's memory, the OOM killer), so the task is retried once; Piscina replaces
   *    the dead thread.
   * 3. When the second death is an out-of-memory and the task can split, its halves run one
   *    after the other (so this chunk's peak is one half), each under this same policy, and
   *    their results are joined into exactly the whole task's result. `hints.onSplit` hears
   *    of each deeper cut, so the caller can record it and a resume can start from
   *    `hints.pieces` instead of paying for the out-of-memory attempts again.
   * 4. Otherwise a WorkerError names the work, the reason, and how to resume.
   */
  /**
   * Asks every thread to drop its dictionary of the load now (see EndLoadTask); resolves to
   * the ids of the threads that did.
   */
  endLoad(): Promise<number[]> {
    const arrived = new Int32Array(new SharedArrayBuffer(4));
    const task = { kind: 'end-load', arrived, threads: this.size } as const;
    return Promise.all(Array.from({ length: this.size }, () => this.run<number>(task)));
  }

  async run<T>(task: Task, hints: RunHints = {}): Promise<T> {
    const start = Math.max(0, Math.ceil(Math.log2(Math.max(1, hints.pieces ?? 1))));
    const state: SplitState = { hints, start, depth: start };
    return (await this.#solve(task, 0, state)) as T;
  }

  async #solve(task: Task, depth: number, state: SplitState): Promise<unknown> {
    // A recorded split: cut straight down to its depth, without trying the larger pieces.
    const recorded = depth < state.start ? splitTask(task) : null;
    if (recorded !== null) return this.#halves(task, recorded, depth + 1, state);

    const outcome = await this.#twice(task);
    if ('value' in outcome) return outcome.value;

    const halves = isOutOfMemory(outcome.error) && depth < MAX_SPLIT_DEPTH ? splitTask(task) : null;
    if (halves === null) throw this.#failure(task, outcome.error, state.hints.label, depth);
    if (depth + 1 > state.depth) {
      state.depth = depth + 1;
      await state.hints.onSplit?.(2 ** state.depth);
    }
    return this.#halves(task, halves, depth + 1, state);
  }

  async #halves(task: Task, [a, b]: [Task, Task], depth: number, state: SplitState) {
    const stop = (): void => {
      if (state.hints.signal?.aborted === true) throw AbortedError.of(state.hints.signal);
    };
    stop();
    const first = await this.#solve(a, depth, state);
    stop();
    const second = needsSecondHalf(task, first) ? await this.#solve(b, depth, state) : null;
    return joinHalves(task, first, second);
  }

  /** Two attempts: a reply (a task error is thrown at once), or the second death's error. */
  async #twice(task: Task): Promise<{ value: unknown } | { error: unknown }> {
    let death: unknown;
    for (let attempt = 0; attempt < 2; attempt++) {
      let reply: TaskReply<unknown>;
      try {
        reply = (await Promise.race([this.#piscina.run(task), this.#broken])) as TaskReply<unknown>;
      } catch (error) {
        if (error === this.#brokenError) throw error;
        death = error;
        continue;
      }
      if (!reply.ok) throw fromWireError(reply.error);
      return { value: reply.value };
    }
    return { error: death };
  }

  #failure(task: Task, error: unknown, label: string | undefined, depth: number): WorkerError {
    const what = `${label === undefined ? '' : `${label}: `}a worker`;
    const resume = 'Finished chunks are recorded: rerun the same command to resume.';
    if (isOutOfMemory(error)) {
      const limit = this.heapMb === null ? "Node's default" : `${this.heapMb} MB`;
      const why =
        depth >= MAX_SPLIT_DEPTH
          ? `even cut into ${2 ** depth} pieces, so its memory does not shrink with its size`
          : 'which cannot be split further';
      return new WorkerError(
        `${what} ran out of memory twice on ${describeTask(task)}, ${why}. The worker heap ` +
          `limit is ${limit}: raise --worker-heap-mb and rerun; finished chunks are recorded.`,
        error,
      );
    }
    const why = error instanceof Error ? error.message : String(error);
    return new WorkerError(`${what} died twice on ${describeTask(task)}: ${why}. ${resume}`, error);
  }

  async close(): Promise<void> {
    // Terminating a thread while it still loads its module aborts the whole process on
    // Node 20 (a V8 fatal error inside require() of an ES module), and a run that fails in
    // its first ~100 ms closed the pool under a thread still starting. A task on each thread
    // waits until every one has started. The tests' fixture workers know no such task.
    if (this.#ownWorker) await this.endLoad().catch(() => undefined);
    await this.#piscina.destroy();
  }
}

interface SplitState {
  hints: RunHints;
  /** Depth the task starts cut to: log2 of the recorded pieces. */
  start: number;
  /** Deepest cut so far; `onSplit` hears of each new depth. */
  depth: number;
}

function isOutOfMemory(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === OUT_OF_MEMORY;
}

/** The compiled worker script; under vitest the sources are .ts, the worker is still dist. */
function workerFile(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isOurs(manifest)) return join(dir, 'dist/workers/chunk-worker.js');
    const parent = dirname(dir);
    if (parent === dir) throw new Error('amlprep: cannot locate the package root');
    dir = parent;
  }
}

function isOurs(manifest: string): boolean {
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'amlprep';
}

/** The error of a pool whose threads all failed to start. */
function cannotStart(error: unknown): WorkerError {
  const why = error instanceof Error ? error.message : String(error);
  return new WorkerError(`worker threads could not start (${why})`, error);
}
