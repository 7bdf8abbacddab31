import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { BadRowError, WorkerError } from '../src/errors.js';
import { WorkerPool } from '../src/pool/worker-pool.js';
import type { Task } from '../src/protocol/tasks.js';
import { REPO } from './helpers/paths.js';
import { useTempDirs } from './helpers/temp-dir.js';

// The failure policy of src/pool/worker-pool.ts, driven by tiny misbehaving workers.

const tempDir = useTempDirs('faults');
const pools: WorkerPool[] = [];

afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
});

function poolOf(fixture: string): WorkerPool {
  const pool = new WorkerPool(1, {
    filename: join(REPO, 'test', 'fixtures', 'workers', fixture),
  });
  pools.push(pool);
  return pool;
}

/** The fixtures read their own fields; the pool only forwards the object. */
function task(fields: Record<string, string>): Task {
  return fields as unknown as Task;
}

describe('a worker that dies under a chunk', () => {
  it('gets one retry on a fresh thread', async () => {
    const marker = join(tempDir(), 'marker');

    const value = await poolOf('exit-once.mjs').run<string>(task({ marker }));

    expect(value).toBe('second attempt');
    expect(readFileSync(marker, 'utf8')).toBe('died once');
  });

  it('fails the chunk with a WorkerError when it dies again', async () => {
    const error = await poolOf('always-exit.mjs')
      .run(task({}))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).code).toBe('ERR_AMLPREP_WORKER');
    expect((error as WorkerError).message).toContain('died twice');
  });
});

// Trial K (session 19): with the current folder removed, no thread could start; Piscina
// dropped them, and the retry waited forever (the CLI exited 13 with nothing said).
describe('a pool whose threads cannot start', () => {
  it('fails the task with a WorkerError instead of waiting forever', async () => {
    const error = await poolOf('fails-to-load.mjs')
      .run(task({}))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WorkerError);
    expect((error as WorkerError).message).toBe(
      'worker threads could not start (this worker cannot load)',
    );
  });
});

describe('an error a chunk reports itself', () => {
  it('is rebuilt as its own class and not retried', async () => {
    const counter = join(tempDir(), 'calls');

    const error = await poolOf('bad-row.mjs')
      .run(task({ counter }))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(BadRowError);
    expect((error as BadRowError).line).toBe(7);
    expect(readFileSync(counter, 'utf8')).toBe('x');
  });
});
