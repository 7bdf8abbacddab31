import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Piscina } from 'piscina';

import { fromWireError, WorkerError } from '../errors.js';
import type { Task, TaskReply } from '../protocol/tasks.js';

/**
 * The Piscina pool of chunk workers. Tasks carry SharedArrayBuffer views, results come back as
 * data; a worker that dies rejects its task with a WorkerError instead of hanging the run.
 */
export class WorkerPool {
  readonly size: number;
  readonly #piscina: Piscina;

  /** `filename` replaces the chunk worker; tests use it to load workers that misbehave. */
  constructor(size: number, options: { filename?: string } = {}) {
    this.size = size;
    this.#piscina = new Piscina({
      filename: options.filename ?? workerFile(),
      minThreads: size,
      maxThreads: size,
      concurrentTasksPerWorker: 1,
      idleTimeout: 30_000,
    });
  }

  /**
   * Runs one task. Failure policy: an error the task itself reports (bad row, bad input) is
   * deterministic and is rethrown as is. A worker that dies under the task (exit, crash, heap
   * limit) may have been unlucky — another task's memory, the OOM killer — so the task is
   * retried once on a fresh thread; a second death fails the chunk with a WorkerError.
   */
  async run<T>(task: Task): Promise<T> {
    let reply: TaskReply<T>;
    try {
      reply = await this.#attempt<T>(task).catch(() => this.#attempt<T>(task));
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new WorkerError(`a worker died twice on a ${task.kind} chunk: ${why}`, error);
    }
    if (!reply.ok) throw fromWireError(reply.error);
    return reply.value;
  }

  async #attempt<T>(task: Task): Promise<TaskReply<T>> {
    return (await this.#piscina.run(task)) as TaskReply<T>;
  }

  async close(): Promise<void> {
    await this.#piscina.destroy();
  }
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
