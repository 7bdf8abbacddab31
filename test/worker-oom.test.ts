// Issue #4 item 3: a worker that hits its heap limit must not hang the run or take the
// coordinator down. A chunk is retried once; a second out-of-memory splits it in half (and the
// split is recorded, so a resume starts split); a piece that cannot split fails the run with a
// WorkerError naming the chunk. Driven by test/fixtures/workers/oom-above.mjs under a 16 MB
// heap: it blows its heap on tasks above a row count and hands the others to the real worker.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { CheckpointStore } from '../src/checkpoint/store.js';
import type { CliIo } from '../src/cli/io.js';
import { reportError } from '../src/cli/main.js';
import { AbortedError, WorkerError } from '../src/errors.js';
import type { ProgressEvent } from '../src/events.js';
import { blockSums, MOMENT_BLOCK } from '../src/features/moments.js';
import { makeMatrix } from '../src/features/tables.js';
import type { RunOptions, StepName } from '../src/options.js';
import { WorkerPool } from '../src/pool/worker-pool.js';
import type { Task } from '../src/protocol/tasks.js';
import { nearestNeighbours } from '../src/resample/knn.js';
import { run, runWith } from '../src/run.js';
import { runCli } from './helpers/cli.js';
import { sha256Of } from './helpers/hash.js';
import { REPO, SAMPLE } from './helpers/paths.js';
import { useSharedTempDirs, useTempDirs } from './helpers/temp-dir.js';

const FIXTURE = join(REPO, 'test', 'fixtures', 'workers', 'oom-above.mjs');
const HEAP_MB = 16;
const tempDir = useTempDirs('worker-oom');
const sharedDir = useSharedTempDirs('worker-oom-shared');
const pools: WorkerPool[] = [];

/** Sets the fixture's switches; workers copy process.env when they start. */
function oomAbove(rows: number, kind?: Task['kind']): string {
  const marker = join(tempDir(), 'oom-attempts');
  process.env.AMLPREP_TEST_OOM_ROWS = String(rows);
  process.env.AMLPREP_TEST_OOM_MARKER = marker;
  if (kind === undefined) delete process.env.AMLPREP_TEST_OOM_KIND;
  else process.env.AMLPREP_TEST_OOM_KIND = kind;
  return marker;
}

/** The tasks the fixture ran out of memory on, as "kind rows" lines. */
function attempts(marker: string): string[] {
  return existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n') : [];
}

afterEach(async () => {
  for (const pool of pools.splice(0)) await pool.close();
  delete process.env.AMLPREP_TEST_OOM_ROWS;
  delete process.env.AMLPREP_TEST_OOM_MARKER;
  delete process.env.AMLPREP_TEST_OOM_KIND;
});

function pool(size = 1): WorkerPool {
  const made = new WorkerPool(size, { filename: FIXTURE, heapMb: HEAP_MB });
  pools.push(made);
  return made;
}

function seeded(rows: number, cols: number) {
  const m = makeMatrix(rows, cols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = Math.sin(i * 12.9898) * 43_758.5453;
  return m;
}

/** A shared neighbour table of `rows` query rows × `k`, filled with `fill`. */
function neighbourTable(rows: number, k: number, fill = 0): Int32Array {
  return new Int32Array(new SharedArrayBuffer(rows * k * 4)).fill(fill);
}

describe('a worker that runs out of heap', () => {
  it('fails a one-row task with a WorkerError naming it and Node’s out-of-memory', async () => {
    const marker = oomAbove(0);
    const task: Task = {
      kind: 'knn',
      points: seeded(10, 2).data,
      m: 10,
      d: 2,
      k: 3,
      out: neighbourTable(10, 3),
      from: 4,
      to: 5,
    };

    const error = await pool()
      .run(task, { label: 'imbalanced chunk 7' })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WorkerError);
    const message = (error as WorkerError).message;
    expect(message).toMatch(/^imbalanced chunk 7: a worker ran out of memory twice on knn/);
    expect(message).toContain('query rows [4, 5) (1 query row), which cannot be split further');
    expect(message).toContain(`${HEAP_MB} MB`);
    expect(message).toContain('raise --worker-heap-mb and rerun');
    expect((error as WorkerError).cause).toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    expect(attempts(marker)).toEqual(['knn 1', 'knn 1']);
  });

  it('stops cutting at 32 pieces when the memory does not shrink with the task', async () => {
    // Every knn task runs out, whatever its size: cutting cannot help, so after 32 pieces the
    // run stops and says to raise the heap limit instead of cutting down to single rows.
    const marker = oomAbove(0, 'knn');
    const splits: number[] = [];
    const task: Task = {
      kind: 'knn',
      points: new Float64Array(new SharedArrayBuffer(1000 * 2 * 8)),
      m: 1000,
      d: 2,
      k: 3,
      out: neighbourTable(1000, 3),
      from: 0,
      to: 1000,
    };

    const error = await pool()
      .run(task, { label: 'imbalanced chunk 0', onSplit: (n) => void splits.push(n) })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WorkerError);
    const message = (error as WorkerError).message;
    expect(message).toContain('even cut into 32 pieces, so its memory does not shrink');
    expect(message).toContain('raise --worker-heap-mb and rerun');
    expect(splits).toEqual([2, 4, 8, 16, 32]);
    // Depth first: the whole, its first half, ... down to the first 1/32, two attempts each.
    expect(attempts(marker)).toEqual(
      [1000, 500, 250, 125, 62, 31].flatMap((n) => [`knn ${n}`, `knn ${n}`]),
    );
  });

  it('stops between the pieces of a split task when the run is stopped', async () => {
    const marker = oomAbove(1, 'knn');
    const controller = new AbortController();
    const task: Task = {
      kind: 'knn',
      points: new Float64Array(new SharedArrayBuffer(4 * 8)),
      m: 4,
      d: 1,
      k: 2,
      out: neighbourTable(4, 2),
      from: 0,
      to: 4,
    };

    const error = await pool()
      .run(task, { signal: controller.signal, onSplit: () => controller.abort() })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AbortedError);
    // The whole ran out twice; no piece started after the stop.
    expect(attempts(marker)).toEqual(['knn 4', 'knn 4']);
  });

  it('gets a second attempt before any split', async () => {
    const marker = oomAbove(1, 'knn');
    // Four points on a line, at 0, 1, 3 and 7; query the two nearest of points 0 and 1.
    const points = new Float64Array(new SharedArrayBuffer(4 * 8));
    points.set([0, 1, 3, 7]);
    const out = neighbourTable(4, 2, -9);
    const splits: number[] = [];

    await pool().run(
      { kind: 'knn', points, m: 4, d: 1, k: 2, out, from: 0, to: 2 },
      { onSplit: (n) => void splits.push(n) },
    );

    expect(attempts(marker)).toEqual(['knn 2', 'knn 2']);
    expect(splits).toEqual([2]);
    // Point 0's nearest: point 1 (distance 1), point 2 (3). Point 1's: point 0 (1), point 2
    // (2). Points 2 and 3 are not queried, so their rows keep the fill.
    expect([...out]).toEqual([1, 2, 0, 2, -9, -9, -9, -9]);
  });

  it('has its task split in halves, as deep as needed, giving the whole result', async () => {
    // Four moment blocks; tasks over one block (65,536 rows) fit, larger ones do not.
    const marker = oomAbove(MOMENT_BLOCK, 'block-sums');
    const rows = 4 * MOMENT_BLOCK;
    const m = seeded(rows, 2);
    const splits: number[] = [];

    const got = await pool(2).run(
      { kind: 'block-sums', m, cols: [1, 0], keep: null, from: 0, to: rows },
      { onSplit: (n) => void splits.push(n) },
    );

    expect(got).toEqual(blockSums(m, [1, 0], null, 0, rows));
    expect(splits).toEqual([2, 4]);
    // The whole twice, then each half twice: the quarters fit.
    const half = String(2 * MOMENT_BLOCK);
    expect(attempts(marker)).toEqual([
      `block-sums ${rows}`,
      `block-sums ${rows}`,
      ...Array<string>(4).fill(`block-sums ${half}`),
    ]);
  });

  it('starts from a recorded number of pieces without trying the larger ones', async () => {
    const marker = oomAbove(250, 'knn');
    const points = seeded(1000, 2).data;
    const out = neighbourTable(1000, 3);
    const expected = neighbourTable(1000, 3);
    nearestNeighbours(points, 1000, 2, 3, expected, 0, 1000);
    const splits: number[] = [];

    await pool(2).run(
      { kind: 'knn', points, m: 1000, d: 2, k: 3, out, from: 0, to: 1000 },
      { pieces: 4, onSplit: (n) => void splits.push(n) },
    );

    expect(attempts(marker)).toEqual([]);
    expect(splits).toEqual([]);
    expect(Buffer.from(out.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });
});

describe('a run whose workers run out of heap', () => {
  const options = (out: string): RunOptions => ({
    ...SAMPLE,
    out,
    chunkSize: 5000,
    workers: 2,
  });

  /** A normal run of the sample: the bytes every other run must reproduce. */
  let referenceDir: string | undefined;
  async function reference(): Promise<string> {
    if (referenceDir === undefined) {
      const out = sharedDir();
      await run(options(out));
      referenceDir = out;
    }
    return referenceDir;
  }
  const referenceHashes = async () => sha256Of(await reference());

  async function oomRun(out: string, extra: Partial<RunOptions> = {}) {
    const notes: string[] = [];
    const onProgress = (e: ProgressEvent) => {
      if (e.kind === 'note') notes.push(e.message);
    };
    const opts = { ...options(out), workerHeapMb: HEAP_MB, onProgress, ...extra };
    const result = await runWith(opts, { workerFile: FIXTURE }).catch((e: unknown) => e);
    return { result, notes };
  }

  async function withStore<T>(out: string, fn: (store: CheckpointStore) => T): Promise<T> {
    const store = CheckpointStore.open(out);
    try {
      return fn(store);
    } finally {
      await store.close();
    }
  }

  const splitsOf = (out: string, step: StepName) =>
    withStore(out, (store) => store.splitsOf(step, store.step(step)!.fingerprint, HEAP_MB));

  /** Size and CRC-32 of each recorded chunk payload of a step, in chunk order. */
  const payloadsOf = (out: string, step: StepName) =>
    withStore(out, (store) =>
      [...store.chunksOf(step, store.step(step)!.fingerprint)]
        .sort(([a], [b]) => a - b)
        .map(([i, c]) => [i, c.bytes, c.checksum]),
    );

  it('splits chunks, records the splits, writes the same bytes and resumes split', async () => {
    // 26,771 nodes in port chunks of 5,000: chunks 0-4 are too big for the fixture, chunk 5
    // (1,771 nodes) and the halves (2,500 nodes) fit.
    const marker = oomAbove(3000, 'edge-ports');
    const out = tempDir();

    const first = await oomRun(out);

    expect(first.result).not.toBeInstanceOf(Error);
    expect(sha256Of(out)).toEqual(await referenceHashes());
    expect(attempts(marker)).toEqual(Array<string>(10).fill('edge-ports 5000'));
    const chunks = [0, 1, 2, 3, 4];
    expect(first.notes.toSorted()).toEqual(
      chunks.map((i) => `edge_features chunk ${i} ran out of memory twice; split in 2`),
    );
    expect(await splitsOf(out, 'edge_features')).toEqual(new Map(chunks.map((i) => [i, 2])));
    expect(await payloadsOf(out, 'edge_features')).toEqual(
      await payloadsOf(await reference(), 'edge_features'),
    );

    // Recompute edge_features (and what follows) in the same folder: it starts split.
    const second = await oomRun(out, { resumeFrom: 'node_features' });

    expect(second.result).not.toBeInstanceOf(Error);
    expect(attempts(marker)).toHaveLength(10);
    expect(second.notes.filter((n) => n.includes('starts split')).toSorted()).toEqual(
      chunks.map((i) => `edge_features chunk ${i} starts split in 2, as an earlier run recorded`),
    );
    expect(sha256Of(out)).toEqual(await referenceHashes());

    // Under another heap limit the recorded splits say nothing: each chunk starts whole.
    const third = await oomRun(out, { resumeFrom: 'node_features', workerHeapMb: 2 * HEAP_MB });

    expect(third.result).not.toBeInstanceOf(Error);
    expect(third.notes.filter((n) => n.includes('starts split'))).toEqual([]);
    expect(attempts(marker)).toHaveLength(20);
    expect(sha256Of(out)).toEqual(await referenceHashes());
  });

  it('reads the accounts file on the coordinator when a worker has no room for it', async () => {
    const marker = oomAbove(0, 'read-accounts');
    const out = tempDir();

    const { result, notes } = await oomRun(out);

    expect(result).not.toBeInstanceOf(Error);
    expect(attempts(marker)).toEqual(['read-accounts Infinity', 'read-accounts Infinity']);
    expect(notes).toEqual([
      `${SAMPLE.accounts}: too large for a worker's heap (--worker-heap-mb); ` +
        'read on the coordinator',
    ]);
    expect(sha256Of(out)).toEqual(await referenceHashes());
  });

  it('parses a split chunk into the same ids and bytes as a whole one', async () => {
    // Data rows in chunks of 5,000: the halves of chunks 0-4 parse their own local accounts,
    // currencies and formats, which the join must put back in first-appearance order.
    const marker = oomAbove(3000, 'parse');
    const out = tempDir();

    const { result, notes } = await oomRun(out);

    expect(result).not.toBeInstanceOf(Error);
    expect(attempts(marker)).toEqual(Array<string>(10).fill('parse 5000'));
    expect(notes).toHaveLength(5);
    expect(await splitsOf(out, 'data_loaded')).toEqual(new Map([0, 1, 2, 3, 4].map((i) => [i, 2])));
    expect(await payloadsOf(out, 'data_loaded')).toEqual(
      await payloadsOf(await reference(), 'data_loaded'),
    );
    expect(sha256Of(out)).toEqual(await referenceHashes());
  });

  it('fails with the chunk, the reason and what to do when cutting does not help', async () => {
    // Every neighbour search runs out of memory, whatever its size: cut 32 ways, it stops.
    oomAbove(0, 'knn');
    const out = tempDir();

    const { result } = await oomRun(out);

    expect(result).toBeInstanceOf(WorkerError);
    const message = (result as WorkerError).message;
    expect(message).toMatch(/^imbalanced chunk 0: a worker ran out of memory twice on knn/);
    expect(message).toContain('even cut into 32 pieces');
    expect(message).toContain('raise --worker-heap-mb and rerun');
    // The CLI prints it as one line, exit 1, without a stack or "please report": it is the
    // machine's limit, not a bug.
    let printed = '';
    const sink = { write: (text: string) => void (printed += text) };
    const io = { stdout: sink, stderr: sink, env: {} } as unknown as CliIo;
    expect(reportError(result, io)).toBe(1);
    expect(printed).toBe(`amlprep: ${message}\n`);
    expect(printed).not.toContain('please report');
    // The steps before it are recorded, so a rerun starts from imbalanced.
    const store = CheckpointStore.open(out);
    try {
      expect(store.step('edge_features')).toBeDefined();
      expect(store.step('imbalanced')).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});

describe('--worker-heap-mb', () => {
  it('is listed in the help and refused below 16 MB, naming the flag', async () => {
    const help = await runCli(['run', '--help']);
    const small = await runCli(['run', SAMPLE.transactions, '--worker-heap-mb', '8', '--dry-run']);

    expect(help.stdout).toMatch(/--worker-heap-mb N +heap limit of each worker thread in MB/);
    expect(small.code).toBe(2);
    expect(small.stderr).toBe(
      "amlprep: run: --worker-heap-mb must be an integer of at least 16, got 8 (see 'amlprep " +
        "run --help')\n",
    );
  });
});
